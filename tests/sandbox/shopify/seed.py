"""Seed data of the test shop: the default one, or Shopify's own samples."""

import json
from pathlib import Path


class SeedMixin:
    """What :meth:`ShopifySandbox.reset` seeds (the demo shop has its own, see :mod:`.demo`)."""

    def seed_default(self):
        """Two locations, three products (five variants with SKUs and EAN
        barcodes) stocked at both, and three orders spread over 2024."""
        main = self.add_location("Main Warehouse", city="Berlin", address1="Lagerstraße 1", zip_code="10115")
        store = self.add_location("Store Munich", city="München", address1="Marienplatz 2", zip_code="80331")
        self.add_product(
            "Trail Runner Shoe",
            [
                {"title": "42", "sku": "TRS-42", "barcode": "4006381333931", "price": "89.90", "stock": 25},
                {"title": "43", "sku": "TRS-43", "barcode": "4006381333948", "price": "89.90", "stock": 12},
            ],
            product_type="Shoes",
        )
        self.add_product(
            "Merino T-Shirt",
            [
                {"title": "S", "sku": "MTS-S", "barcode": "4006381333955", "price": "39.00", "stock": 40},
                {"title": "M", "sku": "MTS-M", "barcode": "4006381333962", "price": "39.00", "stock": 35},
            ],
            product_type="Apparel",
        )
        self.add_product(
            "Steel Water Bottle",
            [{"sku": "SWB-750", "barcode": "4006381333979", "price": "24.50", "stock": {main["id"]: 100}}],
            product_type="Accessories",
        )
        self.create_order(
            {
                "created_at": "2024-01-05T09:30:00Z",
                "lines": [{"sku": "TRS-42", "quantity": 1}, {"sku": "SWB-750", "quantity": 2}],
                "shipping": {"title": "Standard", "price": "4.90"},
                "financial_status": "paid",
            }
        )
        self.create_order(
            {
                "created_at": "2024-02-10T15:00:00Z",
                "customer": {"first_name": "Max", "last_name": "Mustermann", "email": "max@example.com"},
                "lines": [{"sku": "MTS-M", "quantity": 3}],
                "discount_code": {"code": "WINTER10", "percentage": 10},
                "shipping": {"title": "Express", "price": "9.90"},
                "financial_status": "paid",
                "tags": "vip, newsletter",
            }
        )
        self.create_order(
            {
                "created_at": "2024-03-15T11:45:00Z",
                "customer": {"first_name": "Erika", "last_name": "Musterfrau", "email": "erika@example.com"},
                "lines": [{"sku": "TRS-43", "quantity": 1}],
                "taxes_included": True,
                "location_id": store["id"],
                "gateway": "shopify_payments",
                "financial_status": "paid",
            }
        )

    def seed_from_fixtures(self, directory):
        """Load Shopify's REST sample resources (locations, products,
        inventory levels, orders) from ``directory``.

        The samples are old demo data: products that orders reference are
        missing from ``products.json``, and variants have no
        ``inventory_item_id``. Referenced products are added from the order
        lines, and a variant's inventory item reuses the variant id.
        """
        directory = Path(directory)

        def load(name):
            path = directory / name
            return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

        with self._lock:
            for location in (load("locations.json") or {}).get("locations", []):
                self.add_location(
                    location["name"],
                    country_code=location.get("country_code") or "US",
                    location_id=location["id"],
                )
            products = load("products.json") or []
            for product in products.get("products", []) if isinstance(products, dict) else products:
                self.add_product(
                    product["title"],
                    [
                        {
                            "id": variant["id"],
                            "inventory_item_id": variant.get("inventory_item_id") or variant["id"],
                            "title": variant.get("title"),
                            "sku": variant.get("sku"),
                            "barcode": variant.get("barcode"),
                            "price": variant.get("price"),
                        }
                        for variant in product.get("variants", [])
                    ],
                    vendor=product.get("vendor") or "",
                    product_id=product["id"],
                )
            orders = []
            single = load("order.json")
            if single:
                orders.append(single["order"])
            listing = load("orders.json")
            if listing:
                orders.extend(
                    order for order in listing["orders"] if order["id"] not in {o["id"] for o in orders}
                )
            for order in orders:
                self.add_rest_order(order)
            for level in (load("inventory_levels.json") or {}).get("inventory_levels", []):
                self._set_level(level["inventory_item_id"], level["location_id"], level.get("available") or 0)
