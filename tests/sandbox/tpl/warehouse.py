"""The warehouse itself: stock, orders, receipts and returns over simulated time.

No HTTP and no file format here: :class:`Warehouse` is what a 3PL's
warehouse management system does, and the faces (:mod:`.rest`, ShipBob's
REST API; :mod:`.x12face`, an X12 trading partner) show it in their words.

- Stock per SKU and lot (``lots[lot] = {"expiry": "2027-03-31" | None,
  "on_hand": n}``; ``""`` is the lot of SKUs without lots). Orders commit
  stock when they arrive, first expiry first out.
- Orders are picked ``pick_delay`` seconds after they arrive and shipped
  ``ship_delay`` seconds after (on the injected clock: a test moves a
  :class:`~sandbox.peer.ManualClock` with :meth:`Warehouse.advance`). A
  cancel request before the pick cancels the order; after it, it is refused
  (too late: the goods are packed).
- Behaviours on demand, per order reference (:meth:`set_behaviour`) or for a
  share of orders (:meth:`set_shares`, seeded):
  ``short`` (ship fewer of a line: ``{"sku": s, "quantity": n, "rest":
  "backorder" | "cancel"}``; the default short is one unit of the first
  line), ``split`` (``n`` shipments), ``substitute`` (``{"sku": a, "with":
  b}``: b ships instead of a), ``exception`` (the order waits, out of stock).
- A backordered rest ships ``backorder_delay`` seconds later, once the
  stock covers it (a later shipment, its own ``order.shipped`` and 945).
- Receiving orders (WRO, 943): ``receive_delay`` after they are announced
  they arrive; a behaviour per WRO reference gives differences
  (``{"short": {sku: n}, "over": {sku: n}, "damaged": {sku: n}}``); what is
  received and not damaged is stowed.
- Returns arrive ``return_delay`` after they are announced and are restocked
  (or disposed, as their requested action says).
- Inventory drift (:meth:`drift`): random found/lost adjustments with a
  reason code (947 W19-01: ``05`` lost, ``07`` found, ``01`` damaged).

Every change is an event (``{"kind": "order.shipped", ...}``) handed to the
``listeners`` (the faces turn them into webhooks or X12 files) and kept in
:attr:`events`. Thread-safe: one re-entrant lock, listeners are called
outside it.
"""

import itertools
import random
import threading
import time
from datetime import datetime, timedelta, timezone

# 947 W19-01 reason codes the warehouse uses (X12 DE 181)
REASON_DAMAGED = "01"
REASON_LOST = "05"
REASON_FOUND = "07"
REASONS = {REASON_DAMAGED: "Damaged", REASON_LOST: "Lost", REASON_FOUND: "Found"}

CARRIERS = (  # (carrier, service, SCAC)
    ("UPS", "Ground", "UPSN"),
    ("FedEx", "Home Delivery", "FDEG"),
    ("USPS", "Priority Mail", "USPS"),
)
BEHAVIOURS = ("short", "split", "substitute", "exception")


class WarehouseError(ValueError):
    """A request the warehouse refuses (unknown SKU, bad quantity...): the
    faces answer it as their system does (422, a 997 rejection)."""


class Warehouse:
    """``name``; ``clock``: monotonic seconds (default :func:`time.monotonic`);
    ``start``: the calendar time at the clock's first reading (default now,
    UTC); delays in seconds; ``seed`` for the behaviours' shares and drift;
    ``gs1_prefix`` for the SSCCs of its cartons."""

    def __init__(
        self,
        name="Demo 3PL",
        *,
        clock=None,
        start=None,
        pick_delay=3600.0,
        ship_delay=3600.0,
        receive_delay=86400.0,
        return_delay=86400.0,
        backorder_delay=86400.0,
        seed=None,
        gs1_prefix="0614141",
        location_id=7,
        location_name="Demo 3PL (Chicago)",
    ):
        self.name = name
        self.clock = clock or time.monotonic
        self._clock0 = self.clock()
        self._start = start or datetime.now(timezone.utc).replace(microsecond=0)
        self.pick_delay = float(pick_delay)
        self.ship_delay = float(ship_delay)
        self.receive_delay = float(receive_delay)
        self.return_delay = float(return_delay)
        self.backorder_delay = float(backorder_delay)
        self.gs1_prefix = gs1_prefix
        self.location = {"id": location_id, "name": location_name}
        self.listeners = []
        self._lock = threading.RLock()
        self._seed = seed
        self.reset()

    def reset(self):
        """An empty warehouse (no stock, orders, receipts, behaviours)."""
        with self._lock:
            self.rng = random.Random(self._seed)
            self._ids = itertools.count(1001)
            self._serials = itertools.count(1)
            self.items = {}  # sku -> {"sku", "name", "inventory_id", "product_id", "lots": {lot: {...}}}
            self.orders = {}  # id -> order
            self.receipts = {}  # id -> WRO
            self.returns = {}  # id -> return
            self.adjustments = []
            self.events = []
            self.behaviours = {}  # reference -> behaviour dict
            self.shares = {}  # behaviour -> share of orders
            self.paused = False

    # -- time --------------------------------------------------------------------------------

    def now(self):
        """The warehouse's calendar time (UTC): the start plus simulated seconds."""
        return self._start + timedelta(seconds=self.clock() - self._clock0)

    def stamp(self, when=None):
        return (when or self.now()).strftime("%Y-%m-%dT%H:%M:%SZ")

    def advance(self, seconds=0.0):
        """Move a manual clock ``seconds`` forward (when it can be moved) and
        do what is due; returns the events it produced."""
        if seconds and hasattr(self.clock, "advance"):
            self.clock.advance(seconds)
        return self.tick()

    def tick(self):
        """Do the work that is due now: picks, shipments, arrivals. Nothing
        while paused. Returns the new events."""
        out = []
        with self._lock:
            if self.paused:
                return []
            now = self.clock()
            for order in sorted(self.orders.values(), key=lambda o: o["id"]):
                if order["status"] in ("Cancelled", "Fulfilled") or order.get("held"):
                    continue
                if not order["picked"] and now >= order["pick_at"]:
                    out += self._pick(order)
                if order["picked"] and not order["shipped"] and now >= order["ship_at"]:
                    out += self._ship(order)
            for receipt in self.receipts.values():
                if receipt["status"] == "Awaiting" and now >= receipt["arrive_at"]:
                    out += self._receive(receipt)
            out += self._fill_backorders()
            for ret in self.returns.values():
                if ret["status"] == "Awaiting Arrival" and now >= ret["arrive_at"]:
                    out += self._process_return(ret)
        return self._emit(out)

    def _emit(self, events):
        with self._lock:
            self.events.extend(events)
            listeners = list(self.listeners)
        for event in events:
            for listener in listeners:
                listener(event)
        return events

    def _next_id(self):
        return next(self._ids)

    # -- stock -------------------------------------------------------------------------------

    def stock(self, sku, quantity, *, lot="", expiry=None, name=None):
        """Put ``quantity`` of ``sku`` (in ``lot`` expiring on ``expiry``) on hand."""
        with self._lock:
            item = self.item(sku, name=name, create=True)
            entry = item["lots"].setdefault(lot or "", {"expiry": expiry, "on_hand": 0})
            entry["on_hand"] += int(quantity)
            if expiry:
                entry["expiry"] = expiry
            return item

    def item(self, sku, *, name=None, create=False):
        with self._lock:
            item = self.items.get(sku)
            if item is None:
                if not create:
                    raise WarehouseError(f"unknown SKU {sku!r}")
                number = self._next_id()
                item = {
                    "sku": sku,
                    "name": name or sku,
                    "inventory_id": number,
                    "product_id": number,
                    "lots": {},
                }
                self.items[sku] = item
            elif name:
                item["name"] = name
            return item

    def item_by_inventory_id(self, inventory_id):
        with self._lock:
            for item in self.items.values():
                if item["inventory_id"] == int(inventory_id):
                    return item
        raise WarehouseError(f"unknown inventory id {inventory_id}")

    def on_hand(self, sku):
        item = self.items.get(sku)
        return sum(lot["on_hand"] for lot in item["lots"].values()) if item else 0

    def committed(self, sku):
        """Units of ``sku`` committed to orders not picked yet."""
        return sum(
            line["committed"]
            for order in self.orders.values()
            if not order["picked"] and order["status"] not in ("Cancelled",)
            for line in order["lines"]
            if line["sku"] == sku
        )

    def backordered(self, sku):
        return sum(
            line["backordered"]
            for order in self.orders.values()
            if order["status"] not in ("Cancelled",)
            for line in order["lines"]
            if line["sku"] == sku
        )

    def awaiting(self, sku):
        return sum(
            line["expected"]
            for receipt in self.receipts.values()
            if receipt["status"] == "Awaiting"
            for line in receipt["lines"]
            if line["sku"] == sku
        )

    def levels(self, sku):
        """ShipBob's quantity kinds for one SKU (see :mod:`.views`)."""
        on_hand = self.on_hand(sku)
        committed = self.committed(sku)
        return {
            "on_hand": on_hand,
            "committed": committed,
            "fulfillable": max(on_hand - committed, 0),
            "backordered": self.backordered(sku),
            "awaiting": self.awaiting(sku),
            "exception": 0,
        }

    def _take(self, sku, quantity):
        """Take ``quantity`` off the shelf, first expiry first: ``[(lot, expiry, n)]``."""
        item = self.items[sku]
        taken = []
        left = quantity
        for lot, entry in sorted(item["lots"].items(), key=lambda kv: (kv[1]["expiry"] or "9999", kv[0])):
            if left <= 0:
                break
            n = min(entry["on_hand"], left)
            if n > 0:
                entry["on_hand"] -= n
                taken.append((lot, entry["expiry"], n))
                left -= n
        return taken

    def drift(self, count=1, *, sku=None, quantity=None, reason=None):
        """``count`` random inventory adjustments (found, lost, damaged) on
        lots with stock, as a cycle count finds them; ``sku``/``quantity``
        (signed)/``reason`` make one exactly. Returns the adjustment events."""
        out = []
        with self._lock:
            for _ in range(int(count)):
                candidates = [s for s in sorted(self.items) if self.on_hand(s) > 0 or sku]
                if not candidates:
                    break
                target = sku or self.rng.choice(candidates)
                item = self.item(target)
                lots = sorted(item["lots"]) or [""]
                lot = self.rng.choice(lots)
                entry = item["lots"].setdefault(lot, {"expiry": None, "on_hand": 0})
                delta = int(quantity) if quantity is not None else self.rng.choice((-2, -1, 1, 2))
                delta = max(delta, -entry["on_hand"]) if delta < 0 else delta
                if delta == 0:
                    continue
                code = reason or (
                    REASON_FOUND if delta > 0 else self.rng.choice((REASON_LOST, REASON_DAMAGED))
                )
                entry["on_hand"] += delta
                adjustment = {
                    "id": self._next_id(),
                    "sku": target,
                    "inventory_id": item["inventory_id"],
                    "lot": lot,
                    "expiry": entry["expiry"],
                    "quantity": delta,
                    "reason_code": code,
                    "reason": REASONS.get(code, code),
                    "date": self.stamp(),
                }
                self.adjustments.append(adjustment)
                out.append({"kind": "inventory.adjusted", "adjustment": adjustment})
        return self._emit(out)

    # -- behaviours ----------------------------------------------------------------------------

    def set_behaviour(self, reference, **behaviour):
        """What happens to the order (or WRO) ``reference``: keys of
        :data:`BEHAVIOURS` for orders (``short={"sku":..., "quantity": 1,
        "rest": "cancel"}``, ``split=2``, ``substitute={"sku": a, "with": b}``,
        ``exception=True``), ``short``/``over``/``damaged`` ``{sku: n}`` for a WRO."""
        with self._lock:
            self.behaviours.setdefault(str(reference), {}).update(behaviour)

    def set_shares(self, seed=None, **shares):
        """A share of orders gets a behaviour: ``set_shares(short=0.1,
        split=0.05)`` (0 stops it); ``seed`` makes the draw repeatable."""
        with self._lock:
            for key, share in shares.items():
                if key not in BEHAVIOURS or not 0 <= float(share) <= 1:
                    raise WarehouseError(f"{key}: a behaviour ({', '.join(BEHAVIOURS)}) with a share 0..1")
                self.shares[key] = float(share)
            if seed is not None:
                self.rng = random.Random(seed)

    def _behaviour_for(self, reference, lines):
        behaviour = dict(self.behaviours.get(str(reference), {}))
        for key, share in sorted(self.shares.items()):
            if key not in behaviour and share and self.rng.random() < share:
                behaviour[key] = _default_behaviour(key, lines)
        return behaviour

    # -- orders ----------------------------------------------------------------------------------

    def find_order(self, reference):
        with self._lock:
            return next((o for o in self.orders.values() if o["reference_id"] == reference), None)

    def create_order(self, reference, lines, *, source="rest", channel_id=None, data=None):
        """Receive an order: ``lines`` are ``{"sku", "quantity", "line_ref"?,
        "name"?, "lot"?}``. Commits stock (first expiry first). Raises
        :class:`WarehouseError` for a duplicate reference or a bad line."""
        with self._lock:
            if self.find_order(reference):
                raise WarehouseError(f"order {reference!r} exists already")
            if not lines:
                raise WarehouseError("an order has at least one line")
            order_lines = []
            for number, line in enumerate(lines, 1):
                quantity = int(line["quantity"])
                if quantity <= 0:
                    raise WarehouseError(f"line {number}: quantity must be positive")
                item = self.item(line["sku"], name=line.get("name"), create=True)
                order_lines.append(
                    {
                        "number": number,
                        "sku": line["sku"],
                        "name": item["name"],
                        "inventory_id": item["inventory_id"],
                        "line_ref": line.get("line_ref"),
                        "quantity": quantity,
                        "committed": 0,
                        "backordered": 0,
                        "shipped": 0,
                        "cancelled": 0,
                    }
                )
            now = self.clock()
            order = {
                "id": self._next_id(),
                "reference_id": reference,
                "source": source,
                "channel_id": channel_id,
                "data": data or {},
                "lines": order_lines,
                "status": "Processing",
                "created": self.stamp(),
                "updated": self.stamp(),
                "pick_at": now + self.pick_delay,
                "ship_at": now + self.pick_delay + self.ship_delay,
                "picked": False,
                "shipped": False,
                "shipments": [],
                "cancel_requests": [],
            }
            order["behaviour"] = self._behaviour_for(reference, order_lines)
            for line in order_lines:
                free = max(self.on_hand(line["sku"]) - self.committed(line["sku"]), 0)
                line["committed"] = min(free, line["quantity"])
                line["backordered"] = line["quantity"] - line["committed"]
            if order["behaviour"].get("exception") or any(line["backordered"] for line in order_lines):
                order["status"] = "Exception"
            self.orders[order["id"]] = order
            # ShipBob makes the order's shipment when the order arrives; it is
            # packed (or split, or cancelled) later
            planned = [
                {"line": line, "sku": line["sku"], "lot": None, "expiry": None, "quantity": line["quantity"]}
                for line in order_lines
            ]
            shipment = self._new_shipment(order, planned, status=order["status"])
            events = [{"kind": "order.created", "order_id": order["id"]}]
            if order["status"] == "Exception":
                order["held"] = bool(order["behaviour"].get("exception"))
                events.append(
                    {"kind": "shipment.exception", "order_id": order["id"], "shipment_id": shipment["id"]}
                )
        return order, self._emit(events)

    def _open_shipment(self, order):
        """The order's shipment not packed yet (Processing or Exception), if any."""
        return next((s for s in order["shipments"] if s["status"] in ("Processing", "Exception")), None)

    def cancel_order(self, order_id):
        """A cancel request: ``(accepted, reason)``. Accepted before the pick
        (the order and its shipments are cancelled, the stock released);
        refused once picked ("too late")."""
        with self._lock:
            order = self.orders[int(order_id)]
            if order["status"] == "Cancelled":
                return True, "Order is already cancelled", []
            if order["picked"]:
                order["cancel_requests"].append({"at": self.stamp(), "accepted": False})
                return False, "Order has already been picked and cannot be cancelled", []
            order["status"] = "Cancelled"
            order["updated"] = self.stamp()
            for line in order["lines"]:
                line["cancelled"], line["committed"], line["backordered"] = line["quantity"], 0, 0
            order["cancel_requests"].append({"at": self.stamp(), "accepted": True})
            shipment = self._open_shipment(order) or self._new_shipment(order, [], status="Cancelled")
            shipment["status"] = "Cancelled"
            events = [{"kind": "order.cancelled", "order_id": order["id"], "shipment_id": shipment["id"]}]
        return True, "Order cancelled", self._emit(events)

    def cancel_shipment(self, order_id, shipment_id):
        """A cancel request for one shipment (ShipBob's ``POST
        /order/{orderId}/shipment/{shipmentId}:cancel``: "the shipment must
        not be picked, packed, or shipped"): ``(accepted, reason, events)``.
        Accepted for the shipment of a rest waiting for stock after a short
        (its backordered units are cancelled, the rest of the order is not
        shipped) and for the shipment of an order not picked yet (the order
        is cancelled); refused for a shipment packed or shipped. Raises
        KeyError for a shipment the order does not have."""
        with self._lock:
            order = self.orders[int(order_id)]
            shipment = next(s for s in order["shipments"] if s["id"] == int(shipment_id))
            if shipment["status"] == "Cancelled":
                return True, "Shipment is already cancelled", []
            if shipment["status"] not in ("Processing", "Exception"):
                return False, f"Shipment is {shipment['status']} and cannot be cancelled", []
        if not order["picked"]:
            return self.cancel_order(order_id)
        with self._lock:
            waiting = [line for line in order["lines"] if line["backordered"]]
            if order["status"] != "PartiallyFulfilled" or not waiting:
                return False, "Shipment has already been picked and cannot be cancelled", []
            shipment["unshipped"] = _unshipped(waiting, "backordered")
            for line in waiting:
                line["cancelled"] += line["backordered"]
                line["backordered"] = 0
            shipment["status"] = "Cancelled"
            order["status"] = "Fulfilled"
            order["updated"] = self.stamp()
            events = [{"kind": "shipment.cancelled", "order_id": order["id"], "shipment_id": shipment["id"]}]
        return True, "Shipment cancelled", self._emit(events)

    def release_hold(self, order_id):
        """An exception order goes on (e.g. stock arrived)."""
        with self._lock:
            order = self.orders[int(order_id)]
            order["held"] = False

    def _pick(self, order):
        """Pick: the lines as the behaviour says; from now on no cancellation."""
        behaviour = order["behaviour"]
        short = behaviour.get("short")
        substitute = behaviour.get("substitute")
        for line in order["lines"]:
            planned = line["committed"]
            if short and short.get("sku", order["lines"][0]["sku"]) == line["sku"]:
                planned = max(planned - int(short.get("quantity", 1)), 0)
            ship_sku = line["sku"]
            if substitute and substitute.get("sku") == line["sku"]:
                ship_sku = substitute["with"]
                self.item(ship_sku, create=True)
            available = self.on_hand(ship_sku)
            planned = min(planned, available)
            line["picks"] = [
                {"sku": ship_sku, "lot": lot, "expiry": expiry, "quantity": n}
                for lot, expiry, n in self._take(ship_sku, planned)
            ]
            line["short"] = line["quantity"] - sum(p["quantity"] for p in line["picks"])
            line["committed"] = 0
        order["picked"] = True
        order["status"] = "Processing"
        order["updated"] = self.stamp()
        return [{"kind": "order.picked", "order_id": order["id"]}]

    def _ship(self, order):
        """Ship what was picked, in one or ``split`` shipments; the short rest
        is backordered (the order stays open) or cancelled (a cancelled
        shipment names it)."""
        behaviour = order["behaviour"]
        picks = [dict(p, line=line) for line in order["lines"] for p in line.get("picks", [])]
        parts = max(1, min(int(behaviour.get("split") or 1), len(picks) or 1))
        groups = [picks[i::parts] for i in range(parts)] if len(picks) > 1 else [picks]
        if len(picks) == 1 and parts > 1 and picks[0]["quantity"] > 1:
            first = dict(picks[0], quantity=picks[0]["quantity"] // 2)
            second = dict(picks[0], quantity=picks[0]["quantity"] - first["quantity"])
            groups = [[first], [second]]
        shipped = []
        for group in [g for g in groups if g]:
            shipment = self._open_shipment(order)
            if shipment is None:
                shipment = self._new_shipment(order, group, status="Completed")
            else:
                self._pack(shipment, order, group)
            for pick in group:
                pick["line"]["shipped"] += pick["quantity"]
            shipped.append(shipment["id"])
        # one event once every label of the order is printed (ShipBob's order.shipped)
        events = (
            [{"kind": "order.shipped", "order_id": order["id"], "shipment_ids": shipped}] if shipped else []
        )
        rest_policy = (behaviour.get("short") or {}).get("rest", "backorder")
        short_lines = [line for line in order["lines"] if line.get("short")]
        for line in order["lines"]:
            line.pop("picks", None)
        order["shipped"] = True
        order["updated"] = self.stamp()
        open_shipment = self._open_shipment(order)
        if open_shipment is not None:  # nothing could be picked at all
            open_shipment["status"] = "Cancelled" if rest_policy == "cancel" else "Exception"
        if short_lines and rest_policy == "cancel":
            for line in short_lines:
                line["cancelled"] += line.pop("short")
                line["backordered"] = 0
            shipment = open_shipment or self._new_shipment(order, [], status="Cancelled")
            shipment["unshipped"] = _unshipped(short_lines, "cancelled")
            events.append(
                {"kind": "shipment.cancelled", "order_id": order["id"], "shipment_id": shipment["id"]}
            )
            order["status"] = "Fulfilled"
        elif short_lines:
            for line in short_lines:
                line["backordered"] = line.pop("short")
            order["status"] = "PartiallyFulfilled"
            order["backorder_at"] = self.clock() + self.backorder_delay
            planned = [
                {
                    "line": line,
                    "sku": line["sku"],
                    "lot": None,
                    "expiry": None,
                    "quantity": line["backordered"],
                }
                for line in short_lines
            ]
            shipment = open_shipment or self._new_shipment(order, planned, status="Exception")
            shipment["unshipped"] = _unshipped(short_lines, "backordered")
            events.append(
                {"kind": "shipment.exception", "order_id": order["id"], "shipment_id": shipment["id"]}
            )
        else:
            order["status"] = "Fulfilled"
        return events

    def _fill_backorders(self):
        """Ship backordered rests once stock covers them (a later shipment:
        another order.shipped, another 945)."""
        out = []
        for order in self.orders.values():
            if order["status"] != "PartiallyFulfilled" or order.get("held"):
                continue
            if self.clock() < order.get("backorder_at", 0):
                continue
            lines = [line for line in order["lines"] if line["backordered"]]
            if not lines or any(
                self.on_hand(l["sku"]) - self.committed(l["sku"]) < l["backordered"] for l in lines
            ):
                continue
            picks = []
            for line in lines:
                for lot, expiry, n in self._take(line["sku"], line["backordered"]):
                    picks.append(
                        {"line": line, "sku": line["sku"], "lot": lot, "expiry": expiry, "quantity": n}
                    )
                line["shipped"] += line["backordered"]
                line["backordered"] = 0
            shipment = self._open_shipment(order)
            if shipment is None:
                shipment = self._new_shipment(order, picks, status="Completed")
            else:
                self._pack(shipment, order, picks)
            order["status"] = "Fulfilled"
            order["updated"] = self.stamp()
            out.append({"kind": "order.shipped", "order_id": order["id"], "shipment_ids": [shipment["id"]]})
        return out

    def _pack(self, shipment, order, picks):
        """A shipment is packed and labelled: its items, carrier, tracking, BOL, SSCC."""
        number = shipment["id"]
        carrier, service, scac = CARRIERS[number % len(CARRIERS)]
        shipment.update(
            status="Completed",
            shipped=self.stamp(),
            carrier=carrier,
            service=service,
            scac=scac,
            tracking_number=f"1Z{number:06d}{next(self._serials):08d}",
            bol=f"BOL{number:08d}",
            sscc=_sscc(self.gs1_prefix, number),
            items=self._items(picks),
            unshipped=[],
        )
        return shipment

    def _new_shipment(self, order, picks, *, status):
        shipment = {
            "id": self._next_id(),
            "order_id": order["id"],
            "reference_id": order["reference_id"],
            "status": status,
            "created": self.stamp(),
            "shipped": None,
            "delivered": None,
            "carrier": None,
            "service": None,
            "scac": None,
            "tracking_number": None,
            "bol": None,
            "sscc": None,
            "items": self._items(picks),
            "unshipped": [],
        }
        order["shipments"].append(shipment)
        if status == "Completed":
            self._pack(shipment, order, picks)
        return shipment

    def _items(self, picks):
        return [
            {
                "line": pick["line"]["number"],
                "line_ref": pick["line"]["line_ref"],
                "ordered_sku": pick["line"]["sku"],
                "sku": pick["sku"],
                "name": self.items[pick["sku"]]["name"],
                "inventory_id": self.items[pick["sku"]]["inventory_id"],
                "lot": pick["lot"] or None,
                "expiry": pick["expiry"],
                "quantity": pick["quantity"],
            }
            for pick in picks
        ]

    def deliver(self, shipment_id, exception=False):
        """The carrier delivers a shipment (or reports an exception)."""
        with self._lock:
            for order in self.orders.values():
                for shipment in order["shipments"]:
                    if shipment["id"] == int(shipment_id):
                        kind = "shipment.exception" if exception else "shipment.delivered"
                        if not exception:
                            shipment["delivered"] = self.stamp()
                        events = [{"kind": kind, "order_id": order["id"], "shipment_id": shipment["id"]}]
                        break
                else:
                    continue
                break
            else:
                raise WarehouseError(f"unknown shipment {shipment_id}")
        return self._emit(events)

    def shipment(self, shipment_id):
        for order in self.orders.values():
            for shipment in order["shipments"]:
                if shipment["id"] == int(shipment_id):
                    return order, shipment
        raise WarehouseError(f"unknown shipment {shipment_id}")

    # -- receiving ----------------------------------------------------------------------------------

    def create_receipt(self, reference, lines, *, source="rest", data=None):
        """Announce inbound goods (a WRO, a 943): ``lines`` ``{"sku",
        "quantity", "lot"?, "expiry"?, "line_ref"?}``."""
        with self._lock:
            if not lines:
                raise WarehouseError("a receiving order has at least one line")
            receipt_lines = []
            for number, line in enumerate(lines, 1):
                quantity = int(line["quantity"])
                if quantity <= 0:
                    raise WarehouseError(f"line {number}: quantity must be positive")
                item = self.item(line["sku"], create=True)
                receipt_lines.append(
                    {
                        "number": number,
                        "sku": line["sku"],
                        "inventory_id": item["inventory_id"],
                        "line_ref": line.get("line_ref"),
                        "lot": line.get("lot") or "",
                        "expiry": line.get("expiry"),
                        "expected": quantity,
                        "received": 0,
                        "damaged": 0,
                        "stowed": 0,
                    }
                )
            receipt = {
                "id": self._next_id(),
                "reference": reference,
                "source": source,
                "data": data or {},
                "lines": receipt_lines,
                "status": "Awaiting",
                "created": self.stamp(),
                "updated": self.stamp(),
                "arrive_at": self.clock() + self.receive_delay,
                "history": [{"status": "Awaiting", "timestamp": self.stamp()}],
            }
            self.receipts[receipt["id"]] = receipt
        return receipt, self._emit([{"kind": "receipt.created", "receipt_id": receipt["id"]}])

    def _receive(self, receipt):
        behaviour = self.behaviours.get(str(receipt["reference"]), {})
        for line in receipt["lines"]:
            received = line["expected"]
            received -= int((behaviour.get("short") or {}).get(line["sku"], 0))
            received += int((behaviour.get("over") or {}).get(line["sku"], 0))
            received = max(received, 0)
            damaged = min(int((behaviour.get("damaged") or {}).get(line["sku"], 0)), received)
            line["received"], line["damaged"], line["stowed"] = received, damaged, received - damaged
            if line["stowed"]:
                self.stock(line["sku"], line["stowed"], lot=line["lot"], expiry=line["expiry"])
        receipt["status"] = "Completed"
        receipt["updated"] = self.stamp()
        receipt["history"] += [
            {"status": "Arrived", "timestamp": self.stamp()},
            {"status": "Completed", "timestamp": self.stamp()},
        ]
        return [{"kind": "receipt.completed", "receipt_id": receipt["id"]}]

    # -- returns -------------------------------------------------------------------------------------

    def create_return(self, reference, lines, *, original_shipment_id=None, tracking_number=None, data=None):
        """A customer return on its way: ``lines`` ``{"sku", "quantity",
        "action": "Restock" | "Quarantine" | "Dispose" | "Default", "lot"?}``."""
        with self._lock:
            if any(r["reference"] == reference for r in self.returns.values()):
                raise WarehouseError(f"return {reference!r} exists already")
            if not lines:
                raise WarehouseError("a return has at least one item")
            ret = {
                "id": self._next_id(),
                "reference": reference,
                "original_shipment_id": original_shipment_id,
                "tracking_number": tracking_number,
                "data": data or {},
                "lines": [
                    {
                        "sku": line["sku"],
                        "inventory_id": self.item(line["sku"], create=True)["inventory_id"],
                        "quantity": int(line["quantity"]),
                        "action": line.get("action") or "Default",
                        "lot": line.get("lot") or "",
                        "processed": 0,
                    }
                    for line in lines
                ],
                "status": "Awaiting Arrival",
                "created": self.stamp(),
                "completed": None,
                "arrive_at": self.clock() + self.return_delay,
                "history": [{"status": "Awaiting Arrival", "timestamp": self.stamp()}],
            }
            self.returns[ret["id"]] = ret
        return ret, self._emit([{"kind": "return.created", "return_id": ret["id"]}])

    def _process_return(self, ret):
        for line in ret["lines"]:
            line["processed"] = line["quantity"]
            if line["action"] in ("Restock", "Default"):
                self.stock(line["sku"], line["quantity"], lot=line["lot"])
        ret["status"] = "Completed"
        ret["completed"] = self.stamp()
        ret["history"] += [
            {"status": "Arrived", "timestamp": self.stamp()},
            {"status": "Completed", "timestamp": self.stamp()},
        ]
        return [{"kind": "return.completed", "return_id": ret["id"]}]

    # -- state ------------------------------------------------------------------------------------------

    def state(self):
        with self._lock:
            return {
                "name": self.name,
                "now": self.stamp(),
                "paused": self.paused,
                "stock": {
                    sku: {lot or "-": dict(entry) for lot, entry in item["lots"].items()}
                    for sku, item in sorted(self.items.items())
                },
                "orders": {
                    o["reference_id"]: {
                        "id": o["id"],
                        "status": o["status"],
                        "shipments": [(s["id"], s["status"]) for s in o["shipments"]],
                    }
                    for o in self.orders.values()
                },
                "receipts": {r["reference"]: r["status"] for r in self.receipts.values()},
                "returns": {r["reference"]: r["status"] for r in self.returns.values()},
                "adjustments": len(self.adjustments),
                "behaviours": self.behaviours,
                "shares": self.shares,
            }


def _unshipped(lines, field):
    return [{"line": line["number"], "sku": line["sku"], "quantity": line[field]} for line in lines]


def _default_behaviour(key, lines):
    if key == "short":
        return {"sku": lines[0]["sku"], "quantity": 1, "rest": "backorder"}
    if key == "split":
        return 2
    if key == "substitute":
        return {"sku": lines[0]["sku"], "with": f"{lines[0]['sku']}-ALT"}
    return True


def _sscc(prefix, serial):
    """The SSCC-18 of a carton (GS1 mod-10, see sandbox.edi.gs1)."""
    from ..edi.gs1 import sscc

    return sscc(prefix, serial)
