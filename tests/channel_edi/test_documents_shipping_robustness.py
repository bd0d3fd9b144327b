"""Shipping and warehouse documents never crash: every wrongly typed value
in a document is a DocumentError naming its path, every mangled set (a
segment dropped, repeated, moved, emptied, given junk) reads as a document
or a DocumentError naming the segment."""

import copy
import random

import pytest
from test_documents_shipping import desadv_document, s_o_t_p_i, s_t_o_i
from test_documents_warehouse import DOCS

from odoo.addons.channel_edi.lib import documents
from odoo.addons.channel_edi.lib.documents import DocumentError
from odoo.addons.channel_edi.lib.tree import Segment, Transaction

CASES = [("856", "X12", "004010", s_o_t_p_i), ("856", "X12", "004010", s_t_o_i)]
CASES += [("DESADV", "EDIFACT", "D:96A:UN:EAN005", desadv_document)]
CASES += [(set_type, "X12", "004010", make) for set_type, make in DOCS.items()]
WRONG = (7, 1.5, [], {}, "x", None, [1], {"a": 1}, True)


def _paths(found, prefix=()):
    if isinstance(found, dict):
        for key, item in found.items():
            yield (*prefix, key)
            yield from _paths(item, (*prefix, key))
    elif isinstance(found, list):
        for index, item in enumerate(found):
            yield (*prefix, index)
            yield from _paths(item, (*prefix, index))


def _set(found, path, new):
    for step in path[:-1]:
        found = found[step]
    found[path[-1]] = new


@pytest.mark.parametrize("set_type, standard, version, make", CASES, ids=lambda c: getattr(c, "__name__", c))
def test_wrongly_typed_values_are_document_errors(set_type, standard, version, make):
    for path in list(_paths(make())):
        for wrong in WRONG:
            document = make()
            _set(document, path, copy.deepcopy(wrong))
            try:
                documents.build(set_type, document, standard, version)
            except DocumentError:
                pass


@pytest.mark.parametrize("set_type, standard, version, make", CASES, ids=lambda c: getattr(c, "__name__", c))
def test_mangled_sets_read_or_name_the_segment(set_type, standard, version, make):
    built = documents.build(set_type, make(), standard, version)
    rng = random.Random(f"{set_type}-{make.__name__}")
    for _trial in range(150):
        segments = [Segment(s.tag, copy.deepcopy(s.elements)) for s in built.segments]
        index = rng.randrange(1, len(segments) - 1)
        operation = rng.choice(("drop", "repeat", "move", "empty", "junk"))
        if operation == "drop":
            del segments[index]
        elif operation == "repeat":
            segments.insert(index, Segment(segments[index].tag, copy.deepcopy(segments[index].elements)))
        elif operation == "move":
            other = rng.randrange(1, len(segments) - 1)
            segments[index], segments[other] = segments[other], segments[index]
        elif segments[index].elements:
            element = rng.randrange(len(segments[index].elements))
            segments[index].elements[element] = [[""]] if operation == "empty" else [["x", "y"], ["z"]]
        for position, segment in enumerate(segments, 1):
            segment.set_position = position
        try:
            documents.read(Transaction(built.type, built.control_number, segments, version), standard)
        except DocumentError as exc:
            assert "segment" in str(exc) or str(exc).split(":")[0] in ("856", "DESADV", set_type)
