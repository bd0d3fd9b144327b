"""The sample inspector: one EDI file in, one JSON-able report out.

What partner onboarding needs to see of a sample: the envelopes as the file
gives them (control numbers zero-padded as written), what the reader
tolerated (``warnings``: BOM, line breaks, indentation, a non-fixed-width
ISA), every error found by the envelope checks and by validation against the
standard and the partner's rules (segment position, segment id, element,
message), and the typed business document of each transaction set.

``scripts/edi-inspect FILE`` prints :func:`inspect`'s report and exits with
its code; the Odoo sample inspector (wizards/) shows the same report.
No ORM here.
"""

from . import codec, documents, validation
from .readsegment import gc_paused

VALID, INVALID, NOT_EDI = 0, 1, 2


def issue_dict(issue):
    """An issue as the report lists it."""
    out = {
        "position": issue.position,
        "segment": issue.segment,
        "element": issue.element,
        "message": issue.message,
        "code": issue.code,
    }
    if getattr(issue, "set_position", 0):
        out["set_position"] = issue.set_position
    return out


def segment_tree(transaction):
    """The lossless segment tree of a set: each segment with its elements
    (repetitions of components), as the file has them."""
    return [
        {"id": s.tag, "position": s.position, "elements": [list(map(list, e)) for e in s.elements]}
        for s in transaction.segments
    ]


def inspect(data, overrides=None, include_tree=False, include_document=True):
    """``(report, exit code)`` for the bytes ``data``: 0 valid, 1 with
    errors (listed in the report), 2 not EDI at all.

    The cyclic garbage collector is paused meanwhile: the segment tree is
    hundreds of thousands of objects that live until the report is made, and
    collections walking them cost more than the work itself."""
    with gc_paused():
        return _inspect(data, overrides, include_tree, include_document)


def _inspect(data, overrides, include_tree, include_document):
    try:
        edifile = codec.read(data)
    except codec.NotEdi as exc:
        return {"standard": None, "error": str(exc), "warnings": [], "interchanges": []}, NOT_EDI
    report = {
        "standard": edifile.standard,
        "warnings": [issue_dict(w) for w in edifile.warnings],
        "errors": [issue_dict(e) for e in edifile.errors],
        "interchanges": [],
    }
    error_count = len(edifile.errors)
    for interchange in edifile.interchanges:
        entry = {
            "sender": {"qualifier": interchange.sender.qualifier, "id": interchange.sender.id},
            "receiver": {"qualifier": interchange.receiver.qualifier, "id": interchange.receiver.id},
            "control_number": interchange.control_number,
            "version": interchange.version,
            "date": interchange.date,
            "time": interchange.time,
            "usage": interchange.usage,
            "ack_requested": interchange.ack_requested,
            "groups": [],
        }
        for group in interchange.groups:
            group_entry = {
                "functional_id": group.functional_id,
                "sender": group.sender,
                "receiver": group.receiver,
                "control_number": group.control_number,
                "version": group.version,
                "transactions": [],
            }
            for transaction in group.transactions:
                version = transaction.version or group.version
                issues = validation.validate(transaction, interchange.standard, version, overrides=overrides)
                errors = [i for i in issues if i.severity == "error"]
                error_count += len(errors)
                set_entry = {
                    "type": transaction.type,
                    "control_number": transaction.control_number,
                    "version": version,
                    "errors": [issue_dict(i) for i in errors],
                    "warnings": [issue_dict(i) for i in issues if i.severity != "error"],
                }
                if include_document:
                    try:
                        set_entry["document"] = documents.read(transaction, interchange.standard)
                    except (ValueError, KeyError, IndexError) as exc:
                        set_entry["document"] = None
                        set_entry["errors"].append(
                            {
                                "position": transaction.segments[0].position,
                                "segment": transaction.segments[0].tag,
                                "element": "",
                                "message": f"cannot be read as a {transaction.type}: {exc}",
                                "code": "document",
                            }
                        )
                        error_count += 1
                if include_tree:
                    set_entry["segments"] = segment_tree(transaction)
                group_entry["transactions"].append(set_entry)
            entry["groups"].append(group_entry)
        report["interchanges"].append(entry)
    report["valid"] = error_count == 0
    return report, (VALID if error_count == 0 else INVALID)
