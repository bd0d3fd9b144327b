"""The example system's order, in the suite's canonical order (order.v1).

The example system sends::

    {"id": 42, "number": "EX-42", "currency": "USD", "updated": "2024-05-01T10:00:00+00:00",
     "buyer": {"id": 7, "name": "Ada", "email": "ada@example.com"},
     "items": [{"id": 1, "sku": "INT-WIDGET", "title": "Widget", "qty": 2, "price": "50.00"}],
     "paid": true}
"""

from decimal import Decimal


def order_to_canonical(order):
    buyer = order.get("buyer") or {}
    return {
        "schema_version": 1,
        "external_id": str(order["id"]),
        "name": str(order.get("number") or order["id"]),
        "currency": order["currency"],
        "updated_at": order.get("updated"),
        "taxes_included": False,
        "customer": {
            "external_id": str(buyer["id"]) if buyer.get("id") is not None else None,
            "name": buyer.get("name") or "Unknown buyer",
            "email": buyer.get("email"),
        },
        "lines": [
            {
                "external_id": str(item["id"]),
                "sku": item.get("sku"),
                "name": item.get("title") or item.get("sku") or "",
                "quantity": item["qty"],
                "unit_price": float(Decimal(str(item["price"]))),
                "taxes": [],
            }
            for item in order.get("items") or []
        ],
        "financial_status": "paid" if order.get("paid") else "pending",
    }
