"""What the sandbox retailer orders and where it ships: products known by
GTIN (UPC-A ``UP`` or GTIN-13 ``EN``), its own item number (``IN``) and our
vendor part number (``VN``); ship-to locations by GLN (``UL``, a
distribution centre) or by store number (``92``, assigned by the buyer).

The GTINs and GLNs carry valid GS1 check digits (under GS1's documentation
prefix 0614141), so our side's product and partner matching can be tested
on them. The demo data of Odoo must hold the same products (``barcode`` =
the GTIN, ``default_code`` = the vendor part) and ship-to partners (GLN or
store number): :func:`Catalog.as_config` lists them.
"""

import itertools
import threading
from decimal import Decimal

from .gs1 import check_digit


def _gtin(body):
    return body + check_digit(body)


PRODUCTS = [
    # (vendor part VN, buyer item IN, GTIN, qualifier, description, unit price)
    ("EDI-MUG-01", "100001", _gtin("06141410001"), "UP", "Sandbox mug", "4.25"),
    ("EDI-TEE-M", "100002", _gtin("06141410002"), "UP", "Sandbox T-shirt M", "7.90"),
    ("EDI-CAP-01", "100003", _gtin("061414100003"), "EN", "Sandbox cap", "5.10"),
    ("EDI-BAG-01", "100004", _gtin("061414100004"), "EN", "Sandbox tote bag", "3.60"),
]
SHIP_TO = {
    "dc": {"name": "SANDBOX RETAIL DC 7", "identifiers": {"UL": _gtin("061414100010")}},
    "store": {"name": "SANDBOX RETAIL STORE 0042", "identifiers": {"92": "0042"}},
}


class Catalog:
    """The retailer's items and locations, and its PO numbers."""

    def __init__(self, products=PRODUCTS, ship_to=None, po_prefix="SBX"):
        self.products = list(products)
        self.ship_to = dict(ship_to or SHIP_TO)
        self.po_prefix = po_prefix
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def next_po(self):
        with self._lock:
            return f"{self.po_prefix}{next(self._numbers):06d}"

    def order(self, po_number, order_date, *, lines=2, ship_to="store", delivery=None, start=0):
        """An 850 document: ``lines`` lines over the catalog's products."""
        out = []
        for index in range(lines):
            vn, buyer, gtin, qualifier, description, price = self.products[
                (start + index) % len(self.products)
            ]
            out.append(
                {
                    "line": str(index + 1),
                    "quantity": str(12 * (index + 1)),
                    "uom": "EA",
                    "unit_price": price,
                    "product_ids": {qualifier: gtin, "IN": buyer, "VN": vn},
                    "description": description,
                }
            )
        order = {
            "po_number": po_number,
            "order_date": order_date,
            "currency": "USD",
            "ship_to": self.ship_to[ship_to],
            "lines": out,
        }
        if delivery:
            order["delivery_requested"] = delivery
        return order

    def as_config(self):
        return {
            "products": [
                {
                    "vendor_part": vn,
                    "buyer_part": buyer,
                    "gtin": gtin,
                    "qualifier": q,
                    "name": name,
                    "price": str(Decimal(price)),
                }
                for vn, buyer, gtin, q, name, price in self.products
            ],
            "ship_to": self.ship_to,
        }
