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
  acknowledges every functional group but a 997's with a 997
  (:mod:`.acknowledgements`), and reconciles our 997s against what it sent
  (:attr:`awaiting_ack`);
- as a supplier, answers each of our 850s once with an 855, an 856 and an
  810 as its :class:`~.supplier.Behaviour` says (:mod:`.supplier`);
- takes faults from :attr:`faults` (:mod:`.faults`) and holds late files
  until its clock passes (:meth:`tick`): no sleeping.

Times: ``clock`` is monotonic seconds (a :class:`ManualClock` in tests),
``now`` the calendar date-time written in envelopes and documents.
"""

import threading
from dataclasses import dataclass, field
from datetime import datetime

from . import acknowledgements, documents, libs, supplier
from .faults import EdiFaults
from .supplier import Behaviour
from .x12 import ControlNumbers, Envelope, Identity, Mutation, Syntax, write_interchange

CUSTOMER = "customer"
SUPPLIER = "supplier"


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
        self.numbers = supplier.Numbers(profile.gs1_prefix)
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

    # -- 997 -----------------------------------------------------------------------------------

    def _acknowledge(self, group, edifile):
        """``("997", [body])`` for one of our groups, or ``("997", [])`` when a
        no_ack fault swallows it."""
        if self.faults.take("no_ack"):
            return ("997", [])
        return ("997", [acknowledgements.acknowledge(group, edifile, self.faults.take("reject_ack"))])

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
        """The supplier's answers to one of our orders (see :mod:`.supplier`)."""
        return supplier.answer_order(order, behaviour or self.behaviour, self.now().date(), self.numbers)

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
