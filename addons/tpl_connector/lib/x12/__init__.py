"""The X12 004010 warehouse side of a 3PL, on channel_edi's codec, typed
documents and envelopes.

Out: a ``fulfilment_order`` becomes a 940, an ``inbound_notice`` or a
``return_notice`` a 943. In: a 945 becomes a ``shipment`` (v2), a 944 a
``receipt``, an 846 an ``inventory_snapshot``, a 947 an
``inventory_adjustment``. The mappers (:mod:`.outbound`, :mod:`.inbound`)
are pure functions between canonical payloads and channel_edi's typed
documents; this module holds the two registries the Odoo layer dispatches
on and the functions around them::

    kind, version, payload = map_transaction(transaction, partner_key="acme")
    transaction = build_outbound("fulfilment_order", order, control_number="0042")
    data = write_interchange(profile, [transaction], controls, when)

Errors: a mapper's :class:`MappingError` names the key path
(``lines[2].quantity_shipped``); :func:`map_transaction` names the segment
of the file it came from (``segment 12 (W12), W1203``). Both are permanent
(integration_core's hierarchy): a file that cannot be mapped is not retried.
"""

import re
from dataclasses import dataclass

from odoo.addons.channel_edi.lib import codec, documents, envelope, validation
from odoo.addons.channel_edi.lib.documents import warehouse
from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import ValidationFailed

from . import inbound, outbound
from .common import MappingError, fail

__all__ = [
    "INBOUND",
    "OUTBOUND",
    "Controls",
    "MappingError",
    "build_interchange",
    "build_outbound",
    "group_count",
    "map_document",
    "map_transaction",
    "outbound_document",
    "write_interchange",
]


# set type -> (canonical kind, mapper(document, *, partner_key, utc_offset, **options))
INBOUND = {
    "945": ("shipment", inbound.shipment_from_945),
    "944": ("receipt", inbound.receipt_from_944),
    "846": ("inventory_snapshot", inbound.snapshot_from_846),
    "947": ("inventory_adjustment", inbound.adjustment_from_947),
}
# canonical kind -> (set type, builder(payload, **options) -> typed document)
OUTBOUND = {
    "fulfilment_order": ("940", outbound.fulfilment_order_to_940),
    "inbound_notice": ("943", outbound.inbound_notice_to_943),
    "return_notice": ("943", outbound.return_notice_to_943),
}
VERSION = "004010"


# --- in -------------------------------------------------------------------------------------


def map_document(set_type, document, **options):
    """``(kind, schema version, payload)`` of a typed document we receive,
    validated against the canonical schema (:class:`ValidationFailed`
    otherwise). ``options``: ``partner_key``, ``utc_offset`` and the
    mapper's own (``complete``/``qualifiers`` of the 846)."""
    try:
        kind, mapper = INBOUND[str(set_type)]
    except KeyError:
        raise fail("set_type", f"{set_type!r}: we receive {', '.join(INBOUND)}") from None
    if not isinstance(document, dict):
        raise fail("(document)", f"a typed {set_type} document is an object")
    payload = mapper(document, **options)
    canonical.validate(kind, payload)
    return kind, payload.get("schema_version", 1), payload


def map_transaction(transaction, **options):
    """``(kind, schema version, payload)`` of a received transaction set
    (a channel_edi ``tree.Transaction``): read as its typed document, then
    mapped. A mapping error names the segment and element it came from."""
    set_type = transaction.type
    document = documents.read(transaction, "X12")
    try:
        return map_document(set_type, document, **options)
    except MappingError as exc:
        place = (exc.params or {}).get("place", "")
        located = _locate(transaction, set_type, place)
        if not located:
            raise
        problem = exc.params["problem"]
        raise MappingError(
            template="%(where)s (%(place)s): %(problem)s",
            params={"where": located, "place": place, "problem": problem},
            code=exc.code,
        ) from exc


_LINE = re.compile(r"^lines\[(\d+)\](?:\.(\w+))?")


def _locate(transaction, set_type, place):
    """ "segment 12 (W12), W1203" for a document key path, when it names a
    segment: a line's key, a beginning segment's or the carrier's."""
    spec = warehouse.SETS.get(set_type)
    if spec is None or not place:
        return ""
    found = _LINE.match(place)
    if found:
        index, key = int(found.group(1)), found.group(2)
        segments = [s for s in transaction.segments if s.tag == spec.line.tag]
        if index >= len(segments):
            return ""
        return _where(segments[index], _element(spec.line, key))
    head, _, key = place.partition(".")
    layout = spec.carrier if head == "carrier" else spec.beginning
    key = key if head == "carrier" else head
    if layout is None:
        return ""
    segment = next((s for s in transaction.segments if s.tag == layout.tag), None)
    number = _element(layout, key)
    if segment is None and number:
        return f"{layout.tag} (missing), {layout.tag}{number:02d}"
    return _where(segment, number) if segment is not None and number else ""


def _element(layout, key):
    for spec in layout.fields:
        if spec[1] == key:
            return spec[0]
    if key in layout.ids:
        return layout.ids[key][0] + 1
    return None


def _where(segment, number):
    position = segment.set_position or segment.position
    text = f"segment {position} ({segment.tag})"
    return f"{text}, {segment.tag}{number:02d}" if number else text


# --- out ------------------------------------------------------------------------------------


def build_outbound(kind, payload, *, version=VERSION, control_number="0001", **options):
    """The transaction set (``tree.Transaction``, ST..SE) of a canonical
    payload we send: the payload is checked against its schema, mapped to
    its typed document (``options`` are the builder's: warehouse qualifier,
    W66/W27 methods) and built by channel_edi. Returns the transaction;
    :func:`outbound_document` gives the document alone."""
    set_type, document = outbound_document(kind, payload, **options)
    return documents.build(set_type, document, "X12", version, control_number=control_number)


def outbound_document(kind, payload, **options):
    """``(set type, typed document)`` of a canonical payload we send."""
    try:
        set_type, builder = OUTBOUND[kind]
    except KeyError:
        raise fail("kind", f"{kind!r}: we send {', '.join(OUTBOUND)}") from None
    canonical.validate(kind, payload)
    return set_type, builder(payload, **options)


@dataclass(frozen=True)
class Controls:
    """The control numbers of one outbound file, drawn by the Odoo layer from
    the backend's counters: ISA13, and the first GS06 (one group per
    functional id, numbered on from it: draw :func:`group_count` numbers)."""

    interchange: int
    group: int


def group_count(transactions):
    """How many functional groups (GS/GE) a file of ``transactions`` has."""
    return len({envelope.FUNCTIONAL_IDS.get(t.type, t.type) for t in transactions})


def build_interchange(profile, transactions, controls, when):
    """The interchange (``tree.Interchange``) of ``transactions`` for a
    partner ``profile`` (channel_edi ``envelope.Profile``): one functional
    group per functional id (940 OW, 943 AR...) in the order met, dated
    ``when`` (a datetime: ISA09/10, GS04/05)."""
    groups, by_id = [], {}
    for transaction in transactions:
        functional_id = envelope.FUNCTIONAL_IDS.get(transaction.type)
        if functional_id is None:
            raise fail("transactions", f"{transaction.type}: no X12 functional group we write")
        if functional_id not in by_id:
            by_id[functional_id] = (str(int(controls.group) + len(groups)), functional_id, [])
            groups.append(by_id[functional_id])
        by_id[functional_id][2].append(transaction)
    return envelope.x12_interchange(profile, groups, controls.interchange, when)


def write_interchange(profile, transactions, controls, when, overrides=None):
    """The bytes of one outbound file: the interchange of ``transactions``,
    each set validated first against its guide and the partner's
    ``overrides`` (:class:`ValidationFailed` listing the errors, nothing
    written)."""
    interchange = build_interchange(profile, transactions, controls, when)
    version = profile.x12_versions[1]
    errors = []
    for transaction in transactions:
        for issue in validation.validate(transaction, "X12", version, overrides=overrides):
            if issue.severity == "error":
                errors.append(f"{transaction.type} {issue.segment} {issue.element}: {issue.message}".strip())
    if errors:
        raise ValidationFailed(f"Blocked: the file breaks its guide: {'; '.join(errors[:5])}", errors=errors)
    return codec.write(interchange)
