"""One trading partner: a retailer that buys from us (``role="customer"``)
or a supplier we buy from (``role="supplier"``).

It keeps its own identities (ISA qualifier ZZ, ``SANDBOXRETAIL`` /
``SANDBOXSUPPLY``), control-number sequences and separators, and:

- sends files (:meth:`TradingPartner.send`, :meth:`send_850`,
  :meth:`send_860`) through its ``deliver(name, data)`` (an SFTP mailbox
  drop or an AS2 POST, set by the sandbox), expecting a 997 for each;
- receives our files (:meth:`TradingPartner.receive`, called by the
  mailbox or the AS2 station): reads them with the codec, records every
  set (:attr:`documents`) as the partner reads it (:mod:`.documents`) and
  as ``channel_edi``'s typed document (key ``"typed"``, or
  ``"typed_error"``), refuses nothing silently,
  acknowledges every functional group but a 997's with a 997 (AK1/AK2,
  AK3/AK4 for the errors it found, AK5, AK9), and reconciles our 997s
  against what it sent (:attr:`awaiting_ack`);
- as a supplier, answers each 850 with an 855 (accept, partial: one line
  accepted IA and the rest backordered IB with a later date, reject RJ;
  optionally a price change IP), then an 856 (S-O-P-I, one carton per line
  with a valid SSCC-18 and a lot) and an 810 (TDS with implied decimals;
  invoicing over the shipped quantity or over the PO price on demand);
- takes faults from :attr:`faults` (:mod:`.faults`) and holds late files
  until its clock passes (:meth:`tick`): no sleeping.

Times: ``clock`` is monotonic seconds (a :class:`ManualClock` in tests),
``now`` the calendar date-time written in envelopes and documents.
"""

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from . import documents, gs1, libs
from .faults import EdiFaults
from .x12 import ControlNumbers, Envelope, Identity, Mutation, Syntax, write_interchange

CUSTOMER = "customer"
SUPPLIER = "supplier"

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


@dataclass
class Behaviour:
    """How a supplier answers an 850.

    ``ack``: ``accept`` (855 BAK02 AC, every line IA), ``partial`` (line
    ``partial_line`` split into IA and a backordered IB ``backorder_days``
    later) or ``reject`` (BAK02 RJ, nothing shipped or invoiced);
    ``price_change``: that line number's price goes up by ``price_delta``
    (ACK IP, and the 810 bills the new price); ``ship``: send the 856 and 810;
    ``invoice``: ``exact``, ``over_quantity`` (one more unit than shipped on
    the first line) or ``over_price`` (first line 10 % over the PO price).
    """

    ack: str = "accept"
    partial_line: int = 1
    backorder_days: int = 14
    price_change: int = 0
    price_delta: str = "0.50"
    ship: bool = True
    invoice: str = "exact"
    ship_days: int = 2

    MODES = {"ack": ("accept", "partial", "reject"), "invoice": ("exact", "over_quantity", "over_price")}

    def update(self, values):
        for key, value in values.items():
            if not hasattr(self, key) or key == "MODES":
                raise ValueError(f"unknown supplier behaviour {key!r}")
            allowed = self.MODES.get(key)
            if allowed and value not in allowed:
                raise ValueError(f"{key} is one of {', '.join(allowed)}, not {value!r}")
            setattr(self, key, type(getattr(self, key))(value))
        return self


@dataclass
class Profile:
    """The partner's setup (what our Odoo side must mirror)."""

    name: str  # "customer" / "supplier": how the sandbox and faults name it
    role: str  # CUSTOMER (a retailer buying from us) / SUPPLIER
    identity: Identity  # its ISA/GS ids
    our_identity: Identity  # ours, as it knows them
    dialect: str = "004010"
    usage: str = "P"
    syntax: Syntax = field(default_factory=Syntax)
    gs1_prefix: str = "0614141"  # its GS1 company prefix, for SSCCs
    as2_id: str = ""  # its AS2 name
    transport: str = "sftp"  # how it sends: "sftp" or "as2"


@dataclass
class SentFile:
    name: str
    data: bytes
    isa13: str
    gs06: str
    sets: list  # [(set id, ST02)]
    created: float
    due: float
    faults: list = field(default_factory=list)
    delivered: bool = False
    copies: int = 1
    deliver: object = field(default=None, repr=False)  # how this file goes (default: the partner's)
    ack: dict = None  # our 997 for it, once received


class TradingPartner:
    def __init__(self, profile, *, clock=None, now=None, deliver=None, behaviour=None, controls=None):
        import time

        self.profile = profile
        self.clock = clock or time.monotonic
        self.now = now or datetime.now
        self.deliver = deliver
        self.behaviour = behaviour or Behaviour()
        self.controls = controls or ControlNumbers()
        self.faults = EdiFaults()
        self._lock = threading.RLock()
        self._sscc_serial = 0
        self._doc_serial = 0
        self.reset_records()

    def reset_records(self):
        with self._lock:
            self.outbox = []  # every SentFile, in order
            self.received = []  # one record per file we sent it
            self.documents = []  # typed documents of our sets, in order
            self.awaiting_ack = {}  # (GS06, ST02) -> SentFile
            self.seen_interchanges = set()  # (sender, ISA13) for duplicate detection
            self.answered_orders = set()

    def reset(self):
        self.faults.reset()
        self.behaviour = Behaviour()
        self.reset_records()

    # -- sending -----------------------------------------------------------------------

    def _serial(self, prefix):
        self._doc_serial += 1
        return f"{prefix}{self._doc_serial:06d}"

    def send(self, set_type, bodies, *, delay=0.0, deliver=None):
        """Envelope ``bodies`` (body segments of one set each, all of
        ``set_type``) in one interchange and deliver it (or hold it
        ``delay`` seconds, or as a late fault says), through ``deliver``
        when given (e.g. the AS2 station for once), else :attr:`deliver`.
        Returns the :class:`SentFile`."""
        with self._lock:
            faults = self.faults.take_all(FILE_FAULTS_FOR_SEND, set_type)
            mutations = []
            for fault in faults:
                if fault["fault"] in ("bad_control_number", "invalid_segment"):
                    mutations.append(Mutation(fault["target"], fault.get("value"), bool(fault.get("drop"))))
            transactions = [(set_type, self.controls.next_st(), body) for body in bodies]
            envelope = Envelope(
                sender=self.profile.identity,
                receiver=self.profile.our_identity,
                isa13=self.controls.next_isa(),
                gs06=self.controls.next_gs(),
                dialect=self.profile.dialect,
                usage=self.profile.usage,
                when=self.now(),
                mutations=mutations,
            )
            data = write_interchange(envelope, transactions, self.profile.syntax)
            for fault in faults:
                if fault["fault"] == "late":
                    delay = max(delay, float(fault["seconds"]))
            now = self.clock()
            sent = SentFile(
                name=f"{self.profile.identity.id}_{set_type}_{envelope.isa13}.x12",
                data=data,
                isa13=envelope.isa13,
                gs06=envelope.gs06,
                sets=[(t, st02) for t, st02, _ in transactions],
                created=now,
                due=now + delay,
                faults=faults,
                copies=2 if any(f["fault"] == "duplicate_interchange" for f in faults) else 1,
                deliver=deliver,
            )
            self.outbox.append(sent)
            if set_type != "997":
                for _, st02 in sent.sets:
                    self.awaiting_ack[(sent.gs06, st02)] = sent
        self.tick()
        return sent

    def tick(self):
        """Deliver the files that are due (a late file once the clock has
        passed its time). Returns the files delivered now."""
        with self._lock:
            now = self.clock()
            due = [f for f in self.outbox if not f.delivered and f.due <= now]
            for sent in due:
                sent.delivered = True
        for sent in due:
            self._deliver(sent)
        return due

    def _deliver(self, sent):
        deliver = sent.deliver or self.deliver
        if deliver is None:
            return
        deliver(sent.name, sent.data)
        if sent.copies > 1:  # the same interchange (same ISA13) again, as a resend would
            stem = sent.name.rsplit(".", 1)[0]
            deliver(f"{stem}_resend.x12", sent.data)

    def pending(self):
        """Files held back (late), not delivered yet."""
        with self._lock:
            return [f for f in self.outbox if not f.delivered]

    def sent_documents(self, set_type=None):
        """``[(SentFile, set id, ST02)]`` of what the partner sent."""
        with self._lock:
            return [(f, t, n) for f in self.outbox for t, n in f.sets if set_type in (None, t)]

    # -- the customer's orders -------------------------------------------------------------

    def send_850(self, *orders, delay=0.0, deliver=None):
        """Send purchase orders (dicts as :func:`documents.build_850` takes)."""
        if self.profile.role != CUSTOMER:
            raise ValueError(f"{self.profile.name} is a supplier: it does not send 850s to us")
        return self.send(
            "850", [documents.build_850(order) for order in orders], delay=delay, deliver=deliver
        )

    def send_860(self, *changes, delay=0.0, deliver=None):
        if self.profile.role != CUSTOMER:
            raise ValueError(f"{self.profile.name} is a supplier: it does not send 860s to us")
        return self.send(
            "860", [documents.build_860(change) for change in changes], delay=delay, deliver=deliver
        )

    # -- receiving ---------------------------------------------------------------------------

    def receive(self, data, name="", via="sftp"):
        """Read one file we sent; acknowledge it, record it, answer it.
        Returns the record (``{"name", "via", "isa13", "duplicate", "errors",
        "documents"}``)."""
        x12 = libs.x12()
        record = {"name": name, "via": via, "received": self.clock(), "documents": [], "errors": []}
        try:
            edifile = x12.read(data)
        except x12.X12Error as exc:
            record["errors"].append({"message": str(exc), "segment": exc.segment, "element": exc.element})
            with self._lock:
                self.received.append(record)
            return record  # no ISA: nothing to acknowledge (a TA1 would need one)
        record["errors"] = [issue.as_dict() for issue in edifile.errors]
        answers = []
        with self._lock:
            for interchange in edifile.interchanges:
                key = (str(interchange.sender), interchange.control_number)
                record["isa13"] = interchange.control_number
                record["duplicate"] = key in self.seen_interchanges
                self.seen_interchanges.add(key)
                for group in interchange.groups:
                    for transaction in group.transactions:
                        doc = documents.read_set(transaction)
                        doc.update(isa13=interchange.control_number, gs06=group.control_number)
                        doc["typed"], doc["typed_error"] = typed_document(transaction)
                        doc["duplicate"] = record["duplicate"]
                        record["documents"].append(doc)
                        self.documents.append(doc)
                        if transaction.type == "997":
                            self._reconcile_997(doc)
                    if group.functional_id != "FA":  # never acknowledge an acknowledgement
                        answers.append(self._acknowledge(group, edifile))
                if not record["duplicate"]:
                    answers += self._business_answers(record["documents"])
            self.received.append(record)
        for set_type, bodies in answers:
            if bodies:
                self.send(set_type, bodies)
        return record

    def _reconcile_997(self, doc):
        for group in doc["groups"]:
            for item in group["sets"]:
                sent = self.awaiting_ack.pop((group["control_number"], item["control_number"]), None)
                if sent is not None:
                    sent.ack = {"code": item.get("code"), "group_code": group.get("code"), "at": self.clock()}

    def acknowledgement_of(self, sent):
        """Our 997's verdict on a file the partner sent (None while unacknowledged)."""
        return sent.ack

    # -- 997 ----------------------------------------------------------------------------------

    def _acknowledge(self, group, edifile):
        """``("997", [body])`` for one of our groups, or ``("997", [])`` when a
        no_ack fault swallows it."""
        if self.faults.take("no_ack"):
            return ("997", [])
        reject = self.faults.take("reject_ack")
        sets = []
        for transaction in group.transactions:
            positions = {s.position for s in transaction.segments}
            errors, codes = [], []
            for issue in edifile.errors:
                if issue.position in positions and issue.code in ENVELOPE_CODES:
                    codes.append(ENVELOPE_CODES[issue.code])
            errors = self._check_set(transaction)
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
            group_codes.append(
                {"transaction_count": "5", "control_number_mismatch": "4"}.get(issue.code, "1")
            )
        ack = {
            "functional_id": group.functional_id,
            "group_control": group.control_number,
            "sets": sets,
            "group_codes": group_codes,
        }
        if group_codes or reject:
            ack["group_code"] = "R"
        return ("997", [documents.build_997(ack)])

    def _check_set(self, transaction):
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

    # -- the supplier's answers ------------------------------------------------------------------

    def _business_answers(self, docs):
        if self.profile.role != SUPPLIER:
            return []
        answers = []
        for doc in docs:
            if doc["type"] != "850" or not doc.get("po_number") or doc["po_number"] in self.answered_orders:
                continue
            self.answered_orders.add(doc["po_number"])
            answers += self.answer_order(doc)
        return answers

    def answer_order(self, order, behaviour=None):
        """``[(set, [body])]``: the 855, then (unless rejected) the 856 and 810
        for one of our orders (a typed 850 document)."""
        b = behaviour or self.behaviour
        today = self.now().date()
        ship_date = today + timedelta(days=b.ship_days)
        response = {
            "po_number": order["po_number"],
            "order_date": order.get("order_date", ""),
            "reference": self._serial("SO"),
            "date": today,
            "lines": [],
        }
        shipped = []  # (line dict, quantity, price)
        for index, line in enumerate(order["lines"], 1):
            qty = Decimal(line["quantity"] or "0")
            price = Decimal(line["unit_price"] or "0")
            acks = []
            if b.price_change == index:
                price += Decimal(b.price_delta)
                acks.append({"status": "IP", "quantity": qty, "date": ship_date})
            elif b.ack == "partial" and b.partial_line == index and qty > 1:
                now_qty = (qty / 2).to_integral_value(rounding="ROUND_CEILING")
                acks.append({"status": "IA", "quantity": now_qty, "date": ship_date})
                acks.append(
                    {
                        "status": "IB",
                        "quantity": qty - now_qty,
                        "date": ship_date + timedelta(days=b.backorder_days),
                    }
                )
                qty = now_qty
            else:
                acks.append({"status": "IA", "quantity": qty, "date": ship_date})
            response["lines"].append(
                {
                    "line": line["line"],
                    "quantity": line["quantity"],
                    "uom": line["uom"] or "EA",
                    "unit_price": price,
                    "product_ids": line["product_ids"],
                    "acks": acks,
                }
            )
            shipped.append((line, qty, price))
        if b.ack == "reject":
            response["ack_type"] = "RJ"
        elif b.ack == "partial" or b.price_change:
            response["ack_type"] = "AC"
        else:
            response["ack_type"] = "AD"
        answers = [("855", [documents.build_855(response)])]
        if b.ack == "reject" or not b.ship:
            return answers
        shipment_id = self._serial("SH")
        packs = []
        for line, qty, _ in shipped:
            self._sscc_serial += 1
            packs.append(
                {
                    "sscc": gs1.sscc(self.profile.gs1_prefix, self._sscc_serial),
                    "items": [
                        {
                            "line": line["line"],
                            "product_ids": line["product_ids"],
                            "quantity": qty,
                            "uom": line["uom"] or "EA",
                            "lot": f"LOT{order['po_number'][-6:]}{line['line']}",
                        }
                    ],
                }
            )
        notice = {
            "shipment_id": shipment_id,
            "date": today,
            "po_number": order["po_number"],
            "order_date": order.get("order_date", ""),
            "packs": packs,
            "ship_to": order.get("ship_to") or {},
        }
        answers.append(("856", [documents.build_856(notice)]))
        invoice_lines = []
        for index, (line, qty, price) in enumerate(shipped, 1):
            if index == 1 and b.invoice == "over_quantity":
                qty += 1
            if index == 1 and b.invoice == "over_price":
                price = (price * Decimal("1.10")).quantize(Decimal("0.01"))
            invoice_lines.append(
                {
                    "line": line["line"],
                    "quantity": qty,
                    "uom": line["uom"] or "EA",
                    "unit_price": price,
                    "product_ids": line["product_ids"],
                }
            )
        invoice = {
            "invoice_number": self._serial("INV"),
            "date": today,
            "po_number": order["po_number"],
            "order_date": order.get("order_date", ""),
            "shipment_id": shipment_id,
            "lines": invoice_lines,
        }
        answers.append(("810", [documents.build_810(invoice)]))
        return answers

    # -- reading back ---------------------------------------------------------------------------

    def documents_of(self, set_type):
        """What we sent of ``set_type`` (``"855"``...), oldest first."""
        with self._lock:
            return [d for d in self.documents if d["type"] == set_type]

    def documents_for(self, po_number):
        """``{set id: [documents]}`` we sent about one purchase order (855,
        856 by its PRF, 810 by BIG04; 850/860 of ours to a supplier)."""
        out = {}
        with self._lock:
            for doc in self.documents:
                if doc.get("po_number") == po_number or po_number in doc.get("orders", ()):
                    out.setdefault(doc["type"], []).append(doc)
        return out

    def state(self):
        with self._lock:
            return {
                "name": self.profile.name,
                "role": self.profile.role,
                "identity": f"{self.profile.identity.qualifier}:{self.profile.identity.id}",
                "sent": [
                    {"name": f.name, "isa13": f.isa13, "sets": f.sets, "delivered": f.delivered, "ack": f.ack}
                    for f in self.outbox
                ],
                "received": [
                    {
                        "name": r["name"],
                        "via": r["via"],
                        "isa13": r.get("isa13"),
                        "duplicate": r.get("duplicate", False),
                        "sets": [d["type"] for d in r["documents"]],
                        "errors": r["errors"],
                    }
                    for r in self.received
                ],
                "documents": list(self.documents),
                "awaiting_ack": sorted(f"{gs06}/{st02}" for gs06, st02 in self.awaiting_ack),
                "faults_pending": self.faults.pending,
                "behaviour": {k: getattr(self.behaviour, k) for k in Behaviour.__dataclass_fields__},
            }


def typed_document(transaction):
    """``(document, error)``: our own typed document of a set we sent
    (``channel_edi``'s documents module, what a test or the tour compares
    with what we meant to send), or the reason it has none."""
    try:
        return libs.documents().read(transaction, "X12"), None
    except Exception as exc:  # a set type it does not read, or a set it finds malformed
        return None, str(exc)


FILE_FAULTS_FOR_SEND = ("late", "bad_control_number", "invalid_segment", "duplicate_interchange")
