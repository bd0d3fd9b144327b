"""Test transactions from text, one segment per line.

``build("ST*850*0001\nBEG*00*SA*PO1**20240105\nSE*3*0001")`` gives the
:class:`~tree.Transaction` a reader would, with plain (already split)
segments, so that each validation test shows the segments it is about.
Files are read with the codec (``codec.read``) instead.
"""

from odoo.addons.channel_edi.lib import tree


def build(text, element="*", component=">", repetition="^"):
    """A transaction from lines ``"ST*850*0001"`` (one segment per line),
    positions set as a reader would (file position = set position)."""
    segments = []
    for line in text.strip().splitlines():
        line = line.strip().rstrip("~'")
        if not line:
            continue
        tag, *values = line.split(element)
        elements = [[r.split(component) for r in v.split(repetition)] for v in values]
        segments.append(
            tree.Segment(tag, elements, position=len(segments) + 1, set_position=len(segments) + 1)
        )
    first = segments[0]
    kind = first.get(2) if first.tag == "UNH" else first.get(1)
    return tree.Transaction(kind, first.get(1 if first.tag == "UNH" else 2), segments)
