"""Bad input never crashes a reader or a builder: mangled sets and wrongly
typed documents end in a DocumentError (naming where), nothing else."""

import copy
import random

import pytest
from docs_support import x12_sets
from test_documents_invoices import INVOIC, INVOICE_810
from test_documents_orders import ACK_855, CHANGE_860, ORDCHG, ORDER_850, ORDERS, ORDRSP

from odoo.addons.channel_edi.lib import documents, tree
from odoo.addons.channel_edi.lib.documents import DocumentError

DOCUMENTS = [
    ("850", ORDER_850, "X12"),
    ("855", ACK_855, "X12"),
    ("860", CHANGE_860, "X12"),
    ("810", INVOICE_810, "X12"),
    ("ORDERS", ORDERS, "EDIFACT"),
    ("ORDRSP", ORDRSP, "EDIFACT"),
    ("ORDCHG", ORDCHG, "EDIFACT"),
    ("INVOIC", INVOIC, "EDIFACT"),
]
BAD_ELEMENTS = [[[""]], [["ZZ"]], [["1,5"]], [["x", "y", "z"]], [], [["20241399"]], [["-"]]]
BAD_VALUES = [None, 5, 1.5, "x", [], {}, ["a"], {"a": 1}, True]


def _version(standard):
    return "004010" if standard == "X12" else "D96A"


def _sets():
    out = [(documents.build(t, copy.deepcopy(d), s, _version(s)), s) for t, d, s in DOCUMENTS]
    for name in (
        "staedi/x12_simple997.edi",
        "staedi/x12_simple999.edi",
        "staedi/x12_invoice810_po850_dual.edi",
    ):
        out += [(t, "X12") for t in x12_sets(name)]
    return out


def _mangle(segments, rng):
    segments = copy.deepcopy(segments)
    for _ in range(rng.randint(1, 3)):
        index = rng.randrange(1, len(segments) - 1)
        op = rng.random()
        if op < 0.2 and len(segments) > 3:
            del segments[index]
        elif op < 0.3:
            segments.insert(index, copy.deepcopy(segments[rng.randrange(len(segments))]))
        elif segments[index].elements:
            elements = segments[index].elements
            elements[rng.randrange(len(elements))] = copy.deepcopy(rng.choice(BAD_ELEMENTS))
    return segments


def test_mangled_sets_read_or_fail_with_a_document_error():
    rng = random.Random(10)
    for transaction, standard in _sets():
        for _ in range(60):
            mangled = tree.Transaction(
                transaction.type, transaction.control_number, _mangle(transaction.segments, rng)
            )
            try:
                documents.read(mangled, standard)
            except DocumentError as exc:
                assert str(exc)


def _paths(value, prefix=()):
    if prefix:
        yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, prefix + (index,))


@pytest.mark.parametrize("set_type, document, standard", DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_wrongly_typed_documents_fail_with_a_document_error(set_type, document, standard):
    for path in _paths(document):
        for bad in BAD_VALUES:
            broken = copy.deepcopy(document)
            target = broken
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = bad
            try:
                documents.build(set_type, broken, standard, _version(standard))
            except DocumentError as exc:
                assert str(exc)
