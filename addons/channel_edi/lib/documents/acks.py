"""Functional acknowledgements: X12 997 and 999, EDIFACT CONTRL.

Reading one gives the groups and sets it acknowledges, with their codes::

    {"groups": [{"functional_id": "PO", "control_number": "165", "status": "A",
                 "included": "1", "received": "1", "accepted": "1",
                 "transactions": [{"set_type": "850", "control_number": "000191240",
                                   "status": "A"}]}]}

A rejected set lists its errors: ``segments`` (X12 AK3/IK3, CONTRL UCS):
``{"segment": "NM1", "position": "8", "loop": "", "code": "8", "elements":
[{"position": "8", "reference": "66", "code": "7", "value": "MI"}]}`` (AK4/IK4,
UCD) and the set's ``codes`` (AK502..AK506 / IK502.., CONTRL 0085). A 999
adds ``version`` (AK103), ``implementation`` (AK203) and ``context`` (CTX).
A CONTRL adds ``interchange`` (UCI: control number, sender, receiver,
action) and keeps each level's ``action`` (0083: 4 rejected, 7
acknowledged, 8 received; ``status`` R / A / received).

Building one from a file we received: :func:`acknowledge` takes the parsed
:class:`tree.EdiFile` and the validation issues per transaction set, and
gives one 997 (or 999) per X12 group and one CONTRL per EDIFACT
interchange. :func:`needs_ack` is the rule the Odoo layer calls first: an
acknowledgement (997, 999, CONTRL, TA1, an FA group) is never acknowledged.

Codes (X12 005010 / 004010):

- AK304/IK304 segment errors: 1 unrecognized segment, 2 unexpected, 3
  mandatory segment missing, 4 loop over maximum, 5 segment over maximum
  use, 6 not in the set, 7 out of sequence, 8 has data element errors;
- AK403/IK403 element errors: 1 mandatory missing, 2 conditional missing,
  3 too many elements, 4 too short, 5 too long, 6 invalid character, 7
  invalid code value, 8 invalid date, 9 invalid time, 10 exclusion
  violated, 12 too many repetitions, 13 too many components;
- AK501/IK501: A accepted, E accepted with errors, R rejected; AK502: 1 set
  not supported, 2 trailer missing, 3 control numbers differ, 4 segment
  count wrong, 5 segments in error;
- AK901: A, E, P (partially accepted), R; AK905: 1 group not supported, 3
  trailer missing, 4 control numbers differ, 5 set count wrong.
"""

from ..tree import Segment
from . import builder, reader
from .common import DocumentError, need, put, required, seg, value, x12_set
from .common import edifact_set as _edifact_set

ACK_SETS = ("997", "999", "CONTRL", "TA1")
ACK_GROUPS = ("FA",)  # X12 functional id of 997/999 groups

# Issue.code -> AK304 (segment error) when the issue has no ack_code of its own
SEGMENT_CODES = {
    "unknown_segment": "1",
    "unrecognized_segment": "1",
    "unexpected_segment": "2",
    "missing_segment": "3",
    "mandatory_segment": "3",
    "loop_max": "4",
    "loop_repeat": "4",
    "segment_max": "5",
    "segment_repeat": "5",
    "not_in_set": "6",
    "segment_order": "7",
    "out_of_sequence": "7",
}
# Issue.code -> AK403 (element error)
ELEMENT_CODES = {
    "missing_element": "1",
    "mandatory_element": "1",
    "conditional_element": "2",
    "too_many_elements": "3",
    "too_short": "4",
    "too_long": "5",
    "invalid_character": "6",
    "invalid_code": "7",
    "code_value": "7",
    "invalid_date": "8",
    "invalid_time": "9",
    "exclusion": "10",
    "too_many_repetitions": "12",
    "too_many_components": "13",
}
# envelope issues of a set (codec) -> AK502
SET_CODES = {"missing_trailer": "2", "control_number_mismatch": "3", "segment_count": "4"}
# envelope issues of a group -> AK905
GROUP_CODES = {"missing_trailer": "3", "control_number_mismatch": "4", "transaction_count": "5"}
# X12 AK4 code -> EDIFACT 0085 syntax error (CONTRL UCD01), and AK3 codes ->
# UCS02 (ISO 9735 service code list 0085: 12 invalid value, 13 missing, 15 not
# supported in this position, 16 too many constituents, 21 invalid
# character, 35 too many segment repetitions, 36 too many segment group
# repetitions, 39 data element too long, 40 too short)
CONTRL_ELEMENT = {
    "1": "13",
    "2": "13",
    "3": "16",
    "4": "40",
    "5": "39",
    "6": "21",
    "7": "12",
    "8": "12",
    "9": "12",
    "10": "12",
    "12": "16",
    "13": "16",
}
CONTRL_SEGMENT = {"1": "15", "2": "15", "3": "13", "4": "36", "5": "35", "6": "15", "7": "15"}
# AK502 set errors -> UCM 0085: 13 missing (UNT), 28 references do not match, 29 control count
CONTRL_MESSAGE = {"2": "13", "3": "28", "4": "29"}
CONTRL_STATUS = {"4": "R", "7": "A", "8": "received"}


def needs_ack(transaction=None, group=None):
    """False for an acknowledgement (997, 999, CONTRL, TA1) or a group of
    them (GS01 FA): acknowledging an acknowledgement starts a loop."""
    if transaction is not None and transaction.type in ACK_SETS:
        return False
    if group is not None and group.functional_id in ACK_GROUPS:
        return False
    if group is not None and group.transactions and all(t.type in ACK_SETS for t in group.transactions):
        return False
    return True


# --- reading -----------------------------------------------------------------------


def _elements_position(segment, number):
    """AK401/IK401 (C030): element position, component position, repetition."""
    out = {}
    put(out, "position", value(segment, number, 1))
    put(out, "component", value(segment, number, 2))
    put(out, "repetition", value(segment, number, 3))
    return out


def _context(segment):
    """A 999 CTX: identification (repeating name:reference), segment id,
    position, loop, position in segment, reference in segment."""
    context = {"identification": segment.repetitions(1)}
    put(context, "segment", value(segment, 2))
    put(context, "position", value(segment, 3))
    put(context, "loop", value(segment, 4))
    put(context, "element", [c for c in segment.components(5) if c] or None)
    put(context, "reference", [c for c in segment.components(6) if c] or None)
    return context


@reader("X12", "997")
@reader("X12", "999")
def read_x12_ack(transaction):
    """A 997 or 999 as {"groups": [...]} (one group: its AK1)."""
    is_999 = transaction.type == "999"
    group = None
    current = None  # the transaction being read
    detail = None  # the AK3/IK3 (or AK4/IK4) that a CTX follows
    for segment in transaction.body:
        tag = segment.tag
        if tag == "AK1":
            if group is not None:
                raise DocumentError(
                    f"segment {segment.set_position} (AK1): a {transaction.type} acknowledges one group."
                )
            group = {"functional_id": required(segment, 1), "control_number": required(segment, 2)}
            put(group, "version", value(segment, 3))
            group["transactions"] = []
        elif group is None:
            raise DocumentError(f"segment {segment.set_position} ({tag}): expected AK1 first.")
        elif tag == "AK2":
            current = {"set_type": required(segment, 1), "control_number": required(segment, 2)}
            put(current, "implementation", value(segment, 3))
            group["transactions"].append(current)
            detail = current
        elif tag in ("AK3", "IK3"):
            item = {"segment": required(segment, 1), "position": required(segment, 2)}
            put(item, "loop", value(segment, 3))
            put(item, "code", value(segment, 4))
            _need_set(current, segment).setdefault("segments", []).append(item)
            detail = item
        elif tag in ("AK4", "IK4"):
            item = _elements_position(segment, 1)
            put(item, "reference", value(segment, 2))
            item["code"] = required(segment, 3)
            put(item, "value", value(segment, 4))
            segments = _need_set(current, segment).get("segments")
            if not segments:
                raise DocumentError(
                    f"segment {segment.set_position} ({tag}): an element error needs its AK3/IK3 first."
                )
            segments[-1].setdefault("elements", []).append(item)
            detail = item
        elif tag == "CTX" and is_999:
            (detail if detail is not None else group).setdefault("context", []).append(_context(segment))
        elif tag in ("AK5", "IK5"):
            found = _need_set(current, segment)
            found["status"] = required(segment, 1)
            put(found, "codes", [c for c in (value(segment, n) for n in range(2, 7)) if c])
            detail = None
        elif tag == "AK9":
            group["status"] = required(segment, 1)
            group["included"] = required(segment, 2)
            group["received"] = required(segment, 3)
            group["accepted"] = required(segment, 4)
            put(group, "codes", [c for c in (value(segment, n) for n in range(5, 10)) if c])
    if group is None:
        raise DocumentError(f"{transaction.type} {transaction.control_number}: no AK1.")
    return {"groups": [group]}


def _need_set(current, segment):
    if current is None:
        raise DocumentError(f"segment {segment.set_position} ({segment.tag}): it needs an AK2 before it.")
    return current


@reader("EDIFACT", "CONTRL")
def read_contrl(transaction):
    """A CONTRL: UCI the interchange, UCF the groups, UCM the messages, UCS
    their segments, UCD their elements."""
    document = {"groups": []}
    group = None
    message = None
    for segment in transaction.body:
        tag = segment.tag
        if tag == "UCI":
            interchange = {"control_number": required(segment, 1)}
            put(interchange, "sender", _party(segment, 2))
            put(interchange, "receiver", _party(segment, 3))
            interchange["action"] = required(segment, 4, what="action code")
            put(interchange, "status", CONTRL_STATUS.get(interchange["action"]))
            _error_fields(interchange, segment, 5)
            document["interchange"] = interchange
        elif tag == "UCF":
            group = {"control_number": required(segment, 1)}
            put(group, "sender", _party(segment, 2))
            put(group, "receiver", _party(segment, 3))
            group["action"] = required(segment, 4, what="action code")
            put(group, "status", CONTRL_STATUS.get(group["action"]))
            _error_fields(group, segment, 5)
            group["transactions"] = []
            document["groups"].append(group)
        elif tag == "UCM":
            if group is None:
                group = {"implicit": True, "transactions": []}
                document["groups"].append(group)
            message = {"control_number": required(segment, 1), "set_type": required(segment, 2, 1)}
            version = ":".join(c for c in segment.components(2)[1:] if c)
            put(message, "version", version or None)
            message["action"] = required(segment, 3, what="action code")
            put(message, "status", CONTRL_STATUS.get(message["action"]))
            _error_fields(message, segment, 4)
            group["transactions"].append(message)
        elif tag == "UCS":
            if message is None:
                raise DocumentError(f"segment {segment.set_position} (UCS): it needs a UCM before it.")
            item = {"position": required(segment, 1)}
            put(item, "code", value(segment, 2))
            message.setdefault("segments", []).append(item)
        elif tag == "UCD":
            if message is None or not message.get("segments"):
                raise DocumentError(f"segment {segment.set_position} (UCD): it needs a UCS before it.")
            item = {"code": required(segment, 1), "position": required(segment, 2, 1)}
            put(item, "component", value(segment, 2, 2))
            message["segments"][-1].setdefault("elements", []).append(item)
    if "interchange" not in document:
        raise DocumentError(f"CONTRL {transaction.control_number}: no UCI.")
    return document


def _party(segment, number):
    party = {}
    put(party, "id", value(segment, number, 1))
    put(party, "qualifier", value(segment, number, 2))
    return party or None


def _error_fields(target, segment, first):
    """0085 syntax error code, 0135 service segment tag, S011 data element."""
    put(target, "code", value(segment, first))
    put(target, "segment", value(segment, first + 1))
    put(target, "element", value(segment, first + 2))


# --- building from a document ------------------------------------------------------


def _one_group(document, set_type):
    groups = need(document, "groups")
    if not isinstance(groups, list) or len(groups) != 1:
        raise DocumentError(f"groups: a {set_type} acknowledges exactly one group (AK1).")
    return groups[0]


def _ctx(context, path):
    identification = need(context, "identification", path)
    element = context.get("element") or []
    reference = context.get("reference") or []
    values = [
        [list(r) for r in identification],
        [[context.get("segment") or ""]],
        [[context.get("position") or ""]],
        [[context.get("loop") or ""]],
        [list(element) or [""]],
        [list(reference) or [""]],
    ]
    while values and values[-1] == [[""]]:
        values.pop()
    return Segment("CTX", values)


@builder("X12", "997")
def build_997(document, version, control_number="0001", **_options):
    return _build_x12_ack("997", document, version, control_number)


@builder("X12", "999")
def build_999(document, version, control_number="0001", **_options):
    return _build_x12_ack("999", document, version, control_number)


def _build_x12_ack(set_type, document, version, control_number):
    is_999 = set_type == "999"
    group = _one_group(document, set_type)
    path = "groups[0]"
    body = [
        seg(
            "AK1",
            need(group, "functional_id", path),
            need(group, "control_number", path),
            group.get("version") if is_999 else None,
        )
    ]
    body.extend(_ctx(c, f"{path}.context[{i}]") for i, c in enumerate(group.get("context") or []) if is_999)
    for index, item in enumerate(group.get("transactions") or []):
        where_ = f"{path}.transactions[{index}]"
        body.append(
            seg(
                "AK2",
                need(item, "set_type", where_),
                need(item, "control_number", where_),
                item.get("implementation") if is_999 else None,
            )
        )
        if is_999:
            body.extend(_ctx(c, f"{where_}.context[{i}]") for i, c in enumerate(item.get("context") or []))
        for s_index, error in enumerate(item.get("segments") or []):
            s_path = f"{where_}.segments[{s_index}]"
            body.append(
                seg(
                    "IK3" if is_999 else "AK3",
                    need(error, "segment", s_path),
                    need(error, "position", s_path),
                    error.get("loop"),
                    error.get("code"),
                )
            )
            if is_999:
                body.extend(
                    _ctx(c, f"{s_path}.context[{i}]") for i, c in enumerate(error.get("context") or [])
                )
            for e_index, element in enumerate(error.get("elements") or []):
                e_path = f"{s_path}.elements[{e_index}]"
                body.append(
                    seg(
                        "IK4" if is_999 else "AK4",
                        (
                            need(element, "position", e_path),
                            element.get("component"),
                            element.get("repetition"),
                        ),
                        element.get("reference"),
                        need(element, "code", e_path),
                        element.get("value"),
                    )
                )
                if is_999:
                    body.extend(
                        _ctx(c, f"{e_path}.context[{i}]") for i, c in enumerate(element.get("context") or [])
                    )
        body.append(
            seg("IK5" if is_999 else "AK5", need(item, "status", where_), *(item.get("codes") or [])[:5])
        )
    body.append(
        seg(
            "AK9",
            need(group, "status", path),
            need(group, "included", path),
            need(group, "received", path),
            need(group, "accepted", path),
            *(group.get("codes") or [])[:5],
        )
    )
    return x12_set(set_type, body, version, control_number)


@builder("EDIFACT", "CONTRL")
def build_contrl(document, version, control_number="1", **_options):
    """A CONTRL from its document (see :func:`read_contrl`)."""
    interchange = need(document, "interchange")
    body = [
        seg(
            "UCI",
            need(interchange, "control_number", "interchange"),
            _party_out(interchange.get("sender")),
            _party_out(interchange.get("receiver")),
            need(interchange, "action", "interchange"),
            interchange.get("code"),
            interchange.get("segment"),
            interchange.get("element"),
        )
    ]
    for g_index, group in enumerate(document.get("groups") or []):
        path = f"groups[{g_index}]"
        if not group.get("implicit"):
            body.append(
                seg(
                    "UCF",
                    need(group, "control_number", path),
                    _party_out(group.get("sender")),
                    _party_out(group.get("receiver")),
                    need(group, "action", path),
                    group.get("code"),
                    group.get("segment"),
                    group.get("element"),
                )
            )
        for index, message in enumerate(group.get("transactions") or []):
            where_ = f"{path}.transactions[{index}]"
            identifier = (need(message, "set_type", where_), *(message.get("version") or "").split(":"))
            body.append(
                seg(
                    "UCM",
                    need(message, "control_number", where_),
                    identifier,
                    need(message, "action", where_),
                    message.get("code"),
                    message.get("segment"),
                    message.get("element"),
                )
            )
            for s_index, error in enumerate(message.get("segments") or []):
                s_path = f"{where_}.segments[{s_index}]"
                body.append(seg("UCS", need(error, "position", s_path), error.get("code")))
                for e_index, element in enumerate(error.get("elements") or []):
                    e_path = f"{s_path}.elements[{e_index}]"
                    body.append(
                        seg(
                            "UCD",
                            need(element, "code", e_path),
                            (need(element, "position", e_path), element.get("component")),
                        )
                    )
    return _edifact_set("CONTRL", body, version or "D:3:UN", control_number)


def _party_out(party):
    if not party:
        return None
    return (party.get("id"), party.get("qualifier"))


# --- acknowledging a received file -------------------------------------------------


def _issues_of(issues, transaction):
    found = issues.get(id(transaction)) if issues else None
    return [i for i in (found or []) if getattr(i, "severity", "error") == "error"]


def _within(issue, segments):
    return bool(segments) and segments[0].position <= issue.position <= segments[-1].position


def _segment_code(issue):
    code = getattr(issue, "ack_code", "") or ""
    if _element_number(issue):
        return "8"
    return code or SEGMENT_CODES.get(issue.code, "8")


def _element_number(issue):
    """The element position of an element issue (Issue.element_position, or
    read from Issue.element: "BEG03" -> 3); 0 for a segment issue."""
    found = getattr(issue, "element_position", 0) or 0
    if found:
        return found
    text = issue.element or ""
    digits = text[len(issue.segment) :] if issue.segment and text.startswith(issue.segment) else ""
    return int(digits) if digits.isdigit() else 0


def _element_code(issue):
    return getattr(issue, "ack_code", "") or ELEMENT_CODES.get(issue.code, "7")


def transaction_ack(transaction, issues, envelope_errors=(), standard="X12"):
    """The acknowledgement of one transaction set: {"set_type",
    "control_number", "status", "codes", "segments"}; ``issues`` are the
    validator's for this set, ``envelope_errors`` the codec's (SE count,
    control numbers, missing SE). ``standard`` "EDIFACT" gives CONTRL codes
    (0085) in ``segments`` (UCS/UCD shape)."""
    out = {"set_type": transaction.type, "control_number": transaction.control_number}
    codes = []
    for issue in envelope_errors:
        code = SET_CODES.get(issue.code)
        if code and code not in codes:
            codes.append(code)
    by_segment = {}
    for issue in issues:
        if issue.code in SET_CODES and issue.segment in ("SE", "UNT", "ST", "UNH"):
            code = SET_CODES[issue.code]
            if code not in codes:
                codes.append(code)
            continue
        position = str(issue.set_position or issue.position)
        entry = by_segment.get((position, issue.segment))
        if entry is None:
            entry = by_segment[(position, issue.segment)] = _segment_entry(issue, position, standard)
        if _element_number(issue):
            if standard == "X12":
                entry["code"] = "8"
            else:
                entry.pop("code", None)
            entry.setdefault("elements", []).append(_element_entry(issue, standard))
    if by_segment:
        out["segments"] = list(by_segment.values())
        if "5" not in codes:
            codes.append("5")
    out["status"] = "R" if codes else "A"
    put(out, "codes", codes[:5])
    return out


def _segment_entry(issue, position, standard):
    if standard == "X12":
        entry = {"segment": issue.segment or "", "position": position}
        put(entry, "loop", getattr(issue, "loop", "") or None)
        entry["code"] = _segment_code(issue)
        return entry
    entry = {"position": position}
    if not _element_number(issue):
        entry["code"] = getattr(issue, "contrl_code", "") or CONTRL_SEGMENT.get(_segment_code(issue), "18")
    return entry


def _element_entry(issue, standard):
    number_ = str(_element_number(issue))
    component = getattr(issue, "component_position", 0)
    if standard == "X12":
        element = {"position": number_}
        put(element, "component", str(component) if component else None)
        put(element, "reference", getattr(issue, "data_element", "") or None)
        element["code"] = _element_code(issue)
        put(element, "value", (getattr(issue, "value", "") or "")[:99] or None)
        return element
    code = getattr(issue, "contrl_code", "") or CONTRL_ELEMENT.get(_element_code(issue), "12")
    element = {"code": code, "position": number_}
    put(element, "component", str(component) if component else None)
    return element


def group_ack(group, issues=None, envelope_errors=(), kind="997"):
    """The 997/999 document of one X12 group."""
    transactions = []
    for transaction in group.transactions:
        own = [e for e in envelope_errors if _within(e, transaction.segments)]
        item = transaction_ack(transaction, _issues_of(issues, transaction), own)
        if kind == "999" and transaction.version and transaction.version != group.version:
            item["implementation"] = transaction.version
        transactions.append(item)
    accepted = sum(1 for t in transactions if t["status"] in ("A", "E"))
    codes = []
    trailer = group.trailer
    for issue in envelope_errors:
        if trailer is not None and issue.position == trailer.position and issue.code in GROUP_CODES:
            codes.append(GROUP_CODES[issue.code])
        elif (
            trailer is None
            and issue.code == "missing_trailer"
            and "3" not in codes
            and not any(_within(issue, t.segments) for t in group.transactions)
        ):
            codes.append("3")
    if codes or (transactions and accepted == 0):
        status = "R"
    elif accepted < len(transactions):
        status = "P"
    else:
        status = "A"
    out = {"functional_id": group.functional_id, "control_number": group.control_number}
    if kind == "999":
        put(out, "version", group.version or None)
    out["transactions"] = transactions
    out["status"] = status
    out["included"] = str(len(transactions))
    out["received"] = str(len(transactions))
    out["accepted"] = str(accepted)
    put(out, "codes", codes[:5])
    return {"groups": [out]}


def contrl_ack(interchange, issues=None, envelope_errors=()):
    """The CONTRL document of one EDIFACT interchange: UCI with action 7
    (acknowledged) or 4 (rejected: an envelope error outside every
    message), a UCF per UNG group, a UCM per message (7, or 4 with its UCS
    and UCD errors or, for an envelope error, its 0085 code)."""
    groups = []
    for group in interchange.groups:
        messages = [_contrl_message(t, issues, envelope_errors) for t in group.transactions]
        if group.implicit:
            groups.append({"implicit": True, "transactions": messages})
        else:
            groups.append(
                {
                    "control_number": group.control_number,
                    "action": "7",
                    "status": "A",
                    "transactions": messages,
                }
            )
    uci = {"control_number": interchange.control_number}
    put(uci, "sender", _party_of(interchange.sender))
    put(uci, "receiver", _party_of(interchange.receiver))
    outside = [
        e for e in envelope_errors if not any(_within(e, t.segments) for t in interchange.transactions())
    ]
    uci["action"] = "4" if outside else "7"
    uci["status"] = CONTRL_STATUS[uci["action"]]
    return {"interchange": uci, "groups": groups}


def _contrl_message(transaction, issues, envelope_errors):
    own = [e for e in envelope_errors if _within(e, transaction.segments)]
    ack = transaction_ack(transaction, _issues_of(issues, transaction), own, "EDIFACT")
    message = {"control_number": transaction.control_number, "set_type": transaction.type}
    put(message, "version", transaction.version or None)
    message["action"] = "4" if ack["status"] == "R" else "7"
    message["status"] = CONTRL_STATUS[message["action"]]
    if ack["status"] == "R" and not ack.get("segments"):
        message["code"] = CONTRL_MESSAGE.get((ack.get("codes") or [""])[0], "18")  # 18: unspecified
    put(message, "segments", ack.get("segments"))
    return message


def _party_of(party):
    out = {"id": party.id}
    put(out, "qualifier", party.qualifier or None)
    return out


def acknowledge(edifile, issues=None, *, kind=None, control_number=None):
    """The acknowledgements of a received file, as a list of dicts:
    ``{"interchange", "group" (X12, else None), "set_type", "document",
    "transaction"}`` - one 997/999 per X12 group, one CONTRL per EDIFACT
    interchange; nothing for acknowledgements themselves (:func:`needs_ack`).

    ``issues``: the validator's issues per transaction, keyed by
    ``id(transaction)``; the file's envelope errors (``edifile.errors``) are
    matched to the sets and groups by position. ``kind`` forces "997" or
    "999" for X12; by default a 005010 group gets a 999, others a 997.
    ``control_number``: a callable giving the ST02/UNH01 of each
    acknowledgement (the partner's sequence); "0001" / "1" by default.
    """
    issues = issues or {}
    out = []
    for interchange in edifile.interchanges:
        if interchange.standard == "EDIFACT":
            if all(not needs_ack(t) for t in interchange.transactions()):
                continue
            document = contrl_ack(interchange, issues, edifile.errors)
            transaction = build_contrl(document, "D:3:UN", control_number() if control_number else "1")
            out.append(
                {
                    "interchange": interchange,
                    "group": None,
                    "set_type": "CONTRL",
                    "document": document,
                    "transaction": transaction,
                }
            )
            continue
        for group in interchange.groups:
            if not needs_ack(group=group):
                continue
            set_type = kind or ("999" if (group.version or "").startswith("00501") else "997")
            document = group_ack(group, issues, edifile.errors, set_type)
            version = group.version or "004010"
            ack_version = "005010X231" if set_type == "999" else version[:6]
            transaction = _build_x12_ack(
                set_type, document, ack_version, control_number() if control_number else "0001"
            )
            out.append(
                {
                    "interchange": interchange,
                    "group": group,
                    "set_type": set_type,
                    "document": document,
                    "transaction": transaction,
                }
            )
    return out
