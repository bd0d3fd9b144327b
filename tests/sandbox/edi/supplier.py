"""How the sandbox supplier answers our purchase orders: 855, 856, 810.

- 855 (BAK02 AD when every line is accepted as is, AC with changes, RJ
  rejected, without line detail): each line echoes our PO1 with its ACKs:
  IA accepted, IB backordered (the partial mode splits one line in two
  ACKs, the rest backordered ``backorder_days`` later), IP accepted with a
  price change (the PO1 then carries the new price; a price change takes
  precedence over a split of the same line);
- 856 (S-O-P-I): one carton per line with a new SSCC-18 and a lot number,
  the quantity accepted now;
- 810: the shipped quantities at the acknowledged prices, or on demand over
  the shipped quantity or over the PO price (to exercise our 3-way match).
"""

import threading
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from . import documents, gs1


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


class Numbers:
    """The supplier's sales order, shipment and invoice numbers and its SSCC
    serials (thread-safe)."""

    def __init__(self, gs1_prefix, first=1):
        self.gs1_prefix = gs1_prefix
        self._document = first - 1
        self._sscc = first - 1
        self._lock = threading.Lock()

    def document(self, prefix):
        with self._lock:
            self._document += 1
            return f"{prefix}{self._document:06d}"

    def sscc(self):
        with self._lock:
            self._sscc += 1
            return gs1.sscc(self.gs1_prefix, self._sscc)


def answer_order(order, b, today, numbers):
    """``[(set, [body])]``: the 855, then (unless rejected or ``ship`` is
    off) the 856 and 810 for one of our orders (the partner's reading of our
    850), as :class:`Behaviour` ``b`` says, dated ``today``. ``numbers``
    gives the supplier's document numbers and SSCCs (:class:`Numbers`)."""
    ship_date = today + timedelta(days=b.ship_days)
    response = {
        "po_number": order["po_number"],
        "order_date": order.get("order_date", ""),
        "reference": numbers.document("SO"),
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
    shipment_id = numbers.document("SH")
    packs = []
    for line, qty, _ in shipped:
        packs.append(
            {
                "sscc": numbers.sscc(),
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
        "invoice_number": numbers.document("INV"),
        "date": today,
        "po_number": order["po_number"],
        "order_date": order.get("order_date", ""),
        "shipment_id": shipment_id,
        "lines": invoice_lines,
    }
    answers.append(("810", [documents.build_810(invoice)]))
    return answers
