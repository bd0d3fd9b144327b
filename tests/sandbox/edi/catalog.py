"""What the sandbox retailer orders and where it ships (``demo_catalog.json``).

Products are known by GTIN (UPC-A ``UP`` or GTIN-13 ``EN``), the retailer's
item number (``IN``) and our vendor part number (``VN``, the internal
reference of Odoo 17's demo products, so the demo database matches them by
SKU); ship-to locations by GLN (``UL``, a distribution centre) or by the
buyer's store number (``92``). GTINs and GLNs carry valid GS1 check digits
under GS1's documentation prefix 0614141. The file is data the Odoo demo
data can read too (barcodes, customer product codes, ship-to partners).
"""

import itertools
import json
import threading
from pathlib import Path

CATALOG_FILE = Path(__file__).with_name("demo_catalog.json")


def load(path=CATALOG_FILE):
    return json.loads(Path(path).read_text(encoding="utf-8"))


class Catalog:
    """The retailer's items and locations, and its PO numbers."""

    def __init__(self, data=None, po_prefix="SBX", first=1):
        data = data or load()
        self.products = list(data["products"])
        self.ship_to = dict(data["ship_to"])
        self.po_prefix = po_prefix
        self._numbers = itertools.count(first)
        self._lock = threading.Lock()

    def next_po(self):
        with self._lock:
            return f"{self.po_prefix}{next(self._numbers):06d}"

    def order(
        self, po_number, order_date, *, lines=2, ship_to="store", delivery=None, start=0, quantities=None
    ):
        """An 850 document: ``lines`` lines over the catalog's products
        from ``start`` (quantities 12, 24, 36... unless given)."""
        out = []
        for index in range(lines):
            product = self.products[(start + index) % len(self.products)]
            qty = quantities[index] if quantities else 12 * (index + 1)
            out.append(
                {
                    "line": str(index + 1),
                    "quantity": str(qty),
                    "uom": "EA",
                    "unit_price": product["price"],
                    "product_ids": {
                        product["qualifier"]: product["gtin"],
                        "IN": product["buyer_part"],
                        "VN": product["vendor_part"],
                    },
                    "description": product["name"],
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
