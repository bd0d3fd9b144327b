"""The sample files of the shipping and warehouse document tests
(``tests/channel_edi/fixtures``, with their licences), read by the codec."""

from pathlib import Path

from odoo.addons.channel_edi.lib import x12

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def x12_transactions(path):
    """Every transaction set of the X12 file at ``path`` (relative to fixtures/)."""
    edi_file = x12.read((FIXTURES / path).read_bytes())
    assert not edi_file.errors, edi_file.errors
    return [t for interchange in edi_file.interchanges for t in interchange.transactions()]
