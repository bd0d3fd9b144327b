"""How the partner checks and acknowledges our files: the 997.

The partner reads our file with our X12 reader (its envelope errors: counts,
control numbers, missing trailers) and checks each set itself, lightly, as
a retailer's translator does: the set's header segment is there, its
mandatory elements are not empty, a few codes are in their lists (X12
004010 element definitions). What it finds becomes the 997's AK3 (segment:
code 3 mandatory segment missing, 8 segment has data element errors) and
AK4 (element: code 1 mandatory element missing, 7 invalid code value), AK5
(A accepted, R rejected with 2 trailer missing, 3 control number mismatch,
4 segment count mismatch, 5 segments in error) and AK9 (A, P partially
accepted, R; AK905 4 group control number mismatch, 5 set count mismatch).
"""

from . import documents

# mandatory elements the partner checks in our sets (AK4 code 1 when empty)
# and code lists (AK4 code 7), from the X12 004010 element definitions
REQUIRED = {
    "850": {"BEG": (1, 2, 3, 5)},
    "855": {"BAK": (1, 2, 3, 4)},
    "856": {"BSN": (1, 2, 3, 4), "HL": (1, 3)},
    "810": {"BIG": (1, 2)},
    "860": {"BCH": (1, 2, 3, 6)},
}
CODES = {
    ("BAK", 2): {"AC", "AD", "AE", "AK", "AP", "RD", "RF", "RJ", "RN", "RO", "ZZ"},
    ("ACK", 1): {
        "AA",
        "AC",
        "AR",
        "BP",
        "DR",
        "IA",
        "IB",
        "IC",
        "ID",
        "IE",
        "IF",
        "IH",
        "IP",
        "IQ",
        "IR",
        "IS",
        "IW",
        "R1",
        "R2",
        "R3",
        "R4",
        "SP",
    },
    ("HL", 3): {"S", "O", "T", "P", "I", "Q"},
    ("BEG", 1): {"00", "01", "05", "06", "07"},
}
# the header segment each set must have (AK3 code 3 when missing)
HEADERS = {"850": "BEG", "855": "BAK", "856": "BSN", "810": "BIG", "860": "BCH", "997": "AK1"}
# AK5/AK9 codes for the codec's envelope errors
ENVELOPE_CODES = {"segment_count": "4", "control_number_mismatch": "3", "missing_trailer": "2"}


def acknowledge(group, edifile, reject=None):
    """The 997 body acknowledging one of our functional groups: per set AK2,
    AK3/AK4 for what :func:`check_set` found, AK5 (``A``, or ``R`` with the
    codes of its envelope errors and ``5`` for segment errors); AK9 with the
    counts and the group trailer's errors. ``reject`` (a reject_ack fault)
    rejects every set with its code."""
    sets = []
    for transaction in group.transactions:
        positions = {s.position for s in transaction.segments}
        errors, codes = [], []
        for issue in edifile.errors:
            if issue.position in positions and issue.code in ENVELOPE_CODES:
                codes.append(ENVELOPE_CODES[issue.code])
        errors = check_set(transaction)
        if errors:
            codes.append("5")
        if reject:
            codes = codes or [str(reject.get("code", "5"))]
        code = "R" if codes else "A"
        sets.append(
            {
                "type": transaction.type,
                "control_number": transaction.control_number,
                "code": code,
                "errors": errors,
                "codes": sorted(set(codes)),
            }
        )
    group_codes = []
    trailer_errors = [
        i for i in edifile.errors if group.trailer is not None and i.position == group.trailer.position
    ]
    for issue in trailer_errors:
        group_codes.append({"transaction_count": "5", "control_number_mismatch": "4"}.get(issue.code, "1"))
    ack = {
        "functional_id": group.functional_id,
        "group_control": group.control_number,
        "sets": sets,
        "group_codes": group_codes,
    }
    if group_codes or reject:
        ack["group_code"] = "R"
    return documents.build_997(ack)


def check_set(transaction):
    """AK3/AK4 errors of one set: a missing header segment, empty
    mandatory elements, codes outside their list."""
    errors = []
    header = HEADERS.get(transaction.type)
    tags = [s.tag for s in transaction.body]
    if header and header not in tags:
        errors.append({"segment": header, "position": 2, "code": "3"})
    required = REQUIRED.get(transaction.type, {})
    for segment in transaction.body:
        for number in required.get(segment.tag, ()):
            if not segment.get(number):
                errors.append(
                    {
                        "segment": segment.tag,
                        "position": segment.set_position,
                        "code": "8",
                        "element": number,
                        "element_code": "1",
                    }
                )
        for (tag, number), allowed in CODES.items():
            if segment.tag == tag and segment.get(number) and segment.get(number) not in allowed:
                errors.append(
                    {
                        "segment": tag,
                        "position": segment.set_position,
                        "code": "8",
                        "element": number,
                        "element_code": "7",
                        "bad_value": segment.get(number),
                    }
                )
    return sorted(errors, key=lambda e: (e["position"], e.get("element", 0)))
