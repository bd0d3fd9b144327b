"""The warehouse as an X12 004010 trading partner over a file drop.

It reads our 940 (ship order; W05-01 ``N`` new, ``F`` cancel, ``R``
replace) and 943 (stock on its way) with channel_edi's reader, as any
translator would, answers a 997 for every functional group (the EDI
sandbox's acknowledgements), and writes, from the X12 layouts and with the
EDI sandbox's writer (:mod:`sandbox.edi.x12`), not with our codec:

- 945 per shipment: W06 (W06-01 ``F`` full detail, W06-02 our order,
  W06-04 its shipment id), W27
  (transport ``M``, SCAC), N9 ``BM`` bill of lading, ``CN`` tracking; one LX
  per carton with ``MAN*GM*00<SSCC-18>``, W12 per line (W12-01 ``CC``
  complete, ``BP`` partial with a backorder, ``CP`` partial, the rest
  cancelled, ``IS`` a substitution with W12-17/18 the ordered item; W12-02
  ordered, -03 shipped, -04 difference, -09 lot), N9 ``LT`` and G62 ``36``
  expiry; W03 totals;
- 944 per receipt: W17 (W17-01 ``F`` full detail, ``C`` a customer return), LX +
  W07 per line (received, lot) with W13 (``01`` damaged) for the damage; W14;
- 947 per adjustment: W15, LX + W19 (W19-01 reason, W19-02 signed quantity);
- 846 on demand (:meth:`X12Face.snapshot`): BIA ``00``/``SI``, LIN (``VN``
  SKU, ``LT`` lot) with QTY ``17`` on hand and ``33`` available.

Faults on demand (:meth:`X12Face.inject`, or ``{"x12": [...]}`` in ``POST
/_sandbox/faults``), each for the next file it applies to: ``{"fault":
"no_ack"}`` (our next group is never acknowledged), ``{"fault":
"reject_ack", "code": "5"}`` (rejected, AK5 R), ``{"fault": "late",
"seconds": 7200, "set": "945"}`` (the next 945 is held until the clock
passes), ``{"fault": "duplicate", "set": "945"}`` (delivered twice, same
ISA13).

Files go through ``deliver(name, data)`` (an SFTP mailbox of
:mod:`sandbox.sftp`, see :meth:`X12Face.attach_mailbox`) or, without one,
into :attr:`X12Face.sent`.
"""

import threading
from decimal import Decimal

from ..edi import acknowledgements, libs
from ..edi.x12 import ControlNumbers, Envelope, Identity, Syntax, write_interchange

OUR_IDENTITY = Identity("ZZ", "ODOOEDI")
WAREHOUSE_IDENTITY = Identity("ZZ", "SANDBOX3PL")


class X12Face:
    """``warehouse``; ``identity`` (ours: ``ZZ:SANDBOX3PL``) and
    ``partner`` (the depositor: ``ZZ:ODOOEDI``); ``deliver(name, data)``."""

    def __init__(
        self, warehouse, *, identity=WAREHOUSE_IDENTITY, partner=OUR_IDENTITY, deliver=None, returns=True
    ):
        self.warehouse = warehouse
        self.identity = identity
        self.partner = partner
        self.deliver = deliver
        self.returns = returns
        self.controls = ControlNumbers()
        self.syntax = Syntax()
        self._lock = threading.RLock()
        self._pending = []
        self.sent = []  # (name, data) of every file written
        self.faults = []  # pending fault dicts, see the module's docstring
        self.held = []  # (due, name, data) of late files
        self.received = []  # records of our files
        warehouse.listeners.append(self.on_event)

    def attach_mailbox(self, server, user="odoo-3pl", password="3pl-sandbox"):
        """Trade through an SFTP mailbox of ``server`` (a
        :class:`sandbox.sftp.SftpSandbox`): we upload to ``outbound/``, the
        warehouse answers in ``inbound/``."""
        from ..edi.mailbox import Mailboxes

        self.mailboxes = Mailboxes(server)
        self.mailboxes.add(self, user, password=password)
        return self.mailboxes

    # -- receiving our files -------------------------------------------------------------------

    def receive(self, data, name="", via="sftp"):
        """Read one of our files: 997 each group, act on 940s and 943s."""
        x12 = libs.x12()
        record = {"name": name, "via": via, "sets": [], "errors": []}
        try:
            edifile = x12.read(data)
        except x12.X12Error as exc:
            record["errors"].append(str(exc))
            self.received.append(record)
            return record
        acks = []
        for interchange in edifile.interchanges:
            for group in interchange.groups:
                for transaction in group.transactions:
                    record["sets"].append(transaction.type)
                    try:
                        self._act(transaction)
                    except Exception as exc:  # a set it cannot act on: recorded, acknowledged as read
                        record["errors"].append(f"{transaction.type} {transaction.control_number}: {exc}")
                if group.functional_id != "FA" and not self._take("no_ack"):
                    acks.append(acknowledgements.acknowledge(group, edifile, self._take("reject_ack")))
        with self._lock:
            self.received.append(record)
        if acks:
            self._write("997", acks)
        self.flush()
        return record

    def _act(self, transaction):
        document = libs.documents().read(transaction, "X12")
        if transaction.type == "940":
            reference = document["depositor_order_number"]
            purpose = document.get("order_status", "N")
            if purpose == "F":
                order = self.warehouse.find_order(reference)
                if order is not None:
                    self.warehouse.cancel_order(order["id"])
                return
            if purpose == "R" and self.warehouse.find_order(reference):
                return  # a replacement of an order already picked: nothing to redo
            lines = [
                {
                    "sku": _sku(line),
                    "quantity": int(Decimal(line["quantity"])),
                    "line_ref": line.get("line"),
                    "lot": line.get("lot"),
                }
                for line in document["lines"]
            ]
            self.warehouse.create_order(reference, lines, source="x12", data={"x12": document})
        elif transaction.type == "943":
            lines = [
                {"sku": _sku(line), "quantity": int(Decimal(line["quantity"])), "line_ref": str(i)}
                for i, line in enumerate(document["lines"], 1)
            ]
            reference = document.get("depositor_order_number") or document.get("shipment_id") or ""
            self.warehouse.create_receipt(reference, lines, source="x12", data={"x12": document})

    # -- the warehouse's files ------------------------------------------------------------------

    def on_event(self, event):
        warehouse = self.warehouse
        kind = event["kind"]
        bodies = []
        if kind == "order.shipped":
            order = warehouse.orders[event["order_id"]]
            if order["source"] == "x12":
                for shipment_id in event["shipment_ids"]:
                    bodies.append(("945", build_945(order, warehouse.shipment(shipment_id)[1], warehouse)))
        elif kind == "receipt.completed":
            receipt = warehouse.receipts[event["receipt_id"]]
            if receipt["source"] == "x12":
                bodies.append(("944", build_944(receipt, warehouse)))
        elif kind == "return.completed" and self.returns:
            bodies.append(("944", build_return_944(warehouse.returns[event["return_id"]], warehouse)))
        elif kind == "inventory.adjusted":
            bodies.append(("947", build_947(event["adjustment"], warehouse)))
        with self._lock:
            self._pending.extend(bodies)

    def inject(self, *faults):
        """Queue X12 faults (dicts, see the module's docstring)."""
        known = ("no_ack", "reject_ack", "late", "duplicate")
        for fault in faults:
            if fault.get("fault") not in known:
                raise ValueError(f"an X12 fault is one of {', '.join(known)}, not {fault.get('fault')!r}")
        with self._lock:
            self.faults.extend(dict(f) for f in faults)

    def _take(self, kind, set_type=None):
        with self._lock:
            for fault in self.faults:
                if fault["fault"] == kind and fault.get("set") in (None, set_type):
                    self.faults.remove(fault)
                    return fault
        return None

    def flush(self):
        """Write the files the warehouse's events asked for, and deliver the
        late files whose time has come."""
        with self._lock:
            pending, self._pending = self._pending, []
            now = self.warehouse.clock()
            due = [h for h in self.held if h[0] <= now]
            self.held = [h for h in self.held if h[0] > now]
        for set_type, body in pending:
            self._write(set_type, [body])
        for _due, name, data in due:
            self._deliver(name, data)

    def snapshot(self):
        """Write an 846 of everything on hand; returns its bytes."""
        return self._write("846", [build_846(self.warehouse, self.controls.isa + 1)])

    def _write(self, set_type, bodies):
        with self._lock:
            transactions = [(set_type, self.controls.next_st(), body) for body in bodies]
            envelope = Envelope(
                sender=self.identity,
                receiver=self.partner,
                isa13=self.controls.next_isa(),
                gs06=self.controls.next_gs(),
                when=self.warehouse.now().replace(tzinfo=None),
            )
            data = write_interchange(envelope, transactions, self.syntax)
            name = f"{self.identity.id}_{set_type}_{envelope.isa13}.x12"
            self.sent.append((name, data))
            late = self._take("late", set_type)
            if late is not None:
                self.held.append((self.warehouse.clock() + float(late.get("seconds", 3600)), name, data))
                return data
        self._deliver(name, data)
        if self._take("duplicate", set_type):
            self._deliver(name.replace(".x12", "_resend.x12"), data)
        return data

    def _deliver(self, name, data):
        if self.deliver is not None:
            self.deliver(name, data)

    def state(self):
        with self._lock:
            return {
                "sent": [name for name, _ in self.sent],
                "held": [name for _due, name, _data in self.held],
                "faults_pending": len(self.faults),
                "received": [
                    {"name": r["name"], "sets": r["sets"], "errors": r["errors"]} for r in self.received
                ],
            }


# --- documents ------------------------------------------------------------------------------


def _sku(line):
    ids = line.get("product_ids") or {}
    return ids.get("VN") or ids.get("SK") or ids.get("BP") or line.get("upc") or next(iter(ids.values()), "")


def _date(stamp):
    return stamp[:10].replace("-", "")


def _time(stamp):
    return stamp[11:16].replace(":", "")


def build_945(order, shipment, warehouse):
    """One shipment's 945 body."""
    stamp = shipment["shipped"] or warehouse.stamp()
    body = [
        ["W06", "F", order["reference_id"], _date(stamp), str(shipment["id"]), "", order["reference_id"]],
        ["N1", "WH", warehouse.name, "91", f"{warehouse.location['id']:03d}"],
        ["N9", "BM", shipment["bol"]],
        ["N9", "CN", shipment["tracking_number"]],
        ["G62", "11", _date(stamp)],
        ["W27", "M", shipment["scac"], f"{shipment['carrier']} {shipment['service']}"],
        ["LX", "1"],
        ["MAN", "GM", f"00{shipment['sscc']}"],
    ]
    rest = (order["behaviour"].get("short") or {}).get("rest", "backorder")
    total = 0
    for item in shipment["items"]:
        line = next(line for line in order["lines"] if line["number"] == item["line"])
        ordered = line["quantity"]
        difference = ordered - line["shipped"] if line["shipped"] < ordered else 0
        if item["sku"] != item["ordered_sku"]:
            status = "IS"
        elif difference:
            status = "BP" if rest == "backorder" else "CP"
        else:
            status = "CC"
        w12 = [
            "W12",
            status,
            str(ordered),
            str(item["quantity"]),
            str(difference) if difference else "",
            "EA",
            "",
            "VN",
            item["sku"],
            item["lot"] or "",
        ]
        if status == "IS":
            w12 += [""] * 7 + ["VN", item["ordered_sku"]]
        body.append(w12)
        body.append(["N9", "LI", str(item["line_ref"] or item["line"])])
        if item["expiry"]:
            body.append(["G62", "36", item["expiry"].replace("-", "")])
        total += item["quantity"]
    body.append(["W03", str(total)])
    return body


def build_944(receipt, warehouse):
    """A receipt's 944 body: received per line, damage in W13."""
    stamp = receipt["updated"]
    body = [
        ["W17", "F", _date(stamp), str(receipt["id"]), receipt["reference"]],
        ["N1", "WH", warehouse.name, "91", f"{warehouse.location['id']:03d}"],
    ]
    totals = {"received": 0, "expected": 0, "damaged": 0}
    for line in receipt["lines"]:
        body.append(["LX", str(line["number"])])
        body.append(["W07", str(line["received"]), "EA", "", "VN", line["sku"], "", "", line["lot"]])
        # the W07 loop's N9 (position 040) comes before its W13 loop (the exceptions)
        body.append(["N9", "LI", str(line["line_ref"] or line["number"])])
        if line["damaged"]:
            body.append(["W13", str(line["damaged"]), "EA", "01", line["lot"], "ZZ"])
        totals["received"] += line["received"]
        totals["expected"] += line["expected"]
        totals["damaged"] += line["damaged"]
    body.append(
        [
            "W14",
            str(totals["received"]),
            str(totals["expected"]),
            str(totals["damaged"]) if totals["damaged"] else "",
        ]
    )
    return body


def build_return_944(ret, warehouse):
    """A customer return received: a 944 with W17-01 ``C``."""
    stamp = ret["completed"] or warehouse.stamp()
    body = [["W17", "C", _date(stamp), str(ret["id"]), ret["reference"]]]
    total = 0
    for number, line in enumerate(ret["lines"], 1):
        body.append(["LX", str(number)])
        body.append(["W07", str(line["processed"]), "EA", "", "VN", line["sku"], "", "", line["lot"]])
        total += line["processed"]
    body.append(["W14", str(total)])
    return body


def build_947(adjustment, warehouse):
    """One inventory adjustment's 947 body."""
    stamp = adjustment["date"]
    return [
        ["W15", _date(stamp), str(adjustment["id"])],
        ["N1", "WH", warehouse.name, "91", f"{warehouse.location['id']:03d}"],
        ["LX", "1"],
        [
            "W19",
            adjustment["reason_code"],
            str(adjustment["quantity"]),
            "EA",
            "",
            "VN",
            adjustment["sku"],
            "",
            "",
            adjustment["lot"],
        ],
        ["N9", "ZZ", adjustment["reason"]],
    ]


def build_846(warehouse, report_number):
    """The inventory snapshot's 846 body: LIN per SKU and lot, QTY 17 on hand, 33 available."""
    stamp = warehouse.stamp()
    body = [["BIA", "00", "SI", f"INV{report_number:06d}", _date(stamp), _time(stamp)]]
    body.append(["N1", "WH", warehouse.name, "91", f"{warehouse.location['id']:03d}"])
    count = 0
    for sku, item in sorted(warehouse.items.items()):
        levels = warehouse.levels(sku)
        lots = sorted(item["lots"].items()) or [("", {"on_hand": 0, "expiry": None})]
        for lot, entry in lots:
            count += 1
            lin = ["LIN", str(count), "VN", sku]
            if lot:
                lin += ["LT", lot]
            body.append(lin)
            body.append(["PID", "F", "", "", "", item["name"]])
            if entry["expiry"]:
                body.append(["DTM", "036", entry["expiry"].replace("-", "")])
            share = entry["on_hand"] if len(lots) > 1 else levels["on_hand"]
            available = share if len(lots) > 1 else levels["fulfillable"]
            body.append(["QTY", "17", str(share), "EA"])
            body.append(["QTY", "33", str(available), "EA"])
    body.append(["CTT", str(count)])
    return body
