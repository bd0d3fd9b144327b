"""Transactions of the sample files the shipping and warehouse document tests read.

The codec (``channel_edi.lib.x12``) reads them when it is there; until then a
minimal reader splits an X12 file on the delimiters its ISA declares, which is
all these well-formed samples need (no repetition separator, no binary).
"""

from pathlib import Path

from odoo.addons.channel_edi.lib.tree import Segment, Transaction

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def x12_transactions(path):
    """Every transaction set of the X12 file at ``path`` (relative to fixtures/)."""
    data = (FIXTURES / path).read_bytes()
    try:
        from odoo.addons.channel_edi.lib import x12
    except ImportError:
        return _split_x12(data.decode("latin-1"))
    edi_file = x12.read(data)
    return [t for interchange in edi_file.interchanges for t in interchange.transactions()]


def _split_x12(text):
    text = text.lstrip("\ufeff \r\n\t")
    element, component, terminator = text[3], text[104], text[105]
    transactions, current, version = [], None, ""
    for raw in text.split(terminator):
        raw = raw.strip("\r\n\t ")
        if not raw:
            continue
        tag, *values = raw.split(element)
        if tag == "GS":
            version = values[7] if len(values) > 7 else ""
        segment = Segment(tag, [[v.split(component)] for v in values])
        if tag == "ST":
            current = []
        if current is not None:
            segment.set_position = len(current) + 1
            current.append(segment)
        if tag == "SE" and current is not None:
            transactions.append(Transaction(current[0][1], current[0][2], current, version=version))
            current = None
    return transactions
