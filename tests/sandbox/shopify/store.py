"""The shop's state: locations, products, variants, inventory levels, and
the REST-shaped records every other part reads (ids, timestamps)."""

import copy
import re
from datetime import datetime, timezone

from .common import dec, gid, parse_time, rest_amount_text, utc_text


class StoreMixin:
    """The store: REST-shaped dicts keyed by id (:attr:`locations`,
    :attr:`products`, :attr:`variants`, :attr:`inventory_items`,
    :attr:`levels` by ``(item id, location id)``, :attr:`orders`, ...),
    filled by :meth:`ShopifySandbox.reset`."""

    def now(self):
        return datetime.now(timezone.utc).replace(microsecond=0)

    def _rest_time(self, value):
        moment = parse_time(value)
        return moment.astimezone(self.tz).isoformat(timespec="seconds") if moment else None

    def _next_id(self):
        return next(self._ids)

    def add_location(
        self, name, *, country_code="DE", city=None, address1=None, zip_code=None, location_id=None
    ):
        with self._lock:
            location_id = location_id or self._next_id()
            now = self._rest_time(self.now())
            self.locations[location_id] = {
                "id": location_id,
                "name": name,
                "address1": address1,
                "address2": None,
                "city": city,
                "zip": zip_code,
                "province": None,
                "province_code": None,
                "country": country_code,
                "country_code": country_code,
                "phone": None,
                "active": True,
                "created_at": now,
                "updated_at": now,
                "admin_graphql_api_id": gid("Location", location_id),
            }
            return copy.deepcopy(self.locations[location_id])

    def add_product(
        self, title, variants, *, vendor="Sandbox Outdoor", product_type="", product_id=None, updated_at=None
    ):
        """``variants``: dicts with title, sku, barcode, price and optional
        ``stock`` (an int for every location, or ``{location_id: qty}``) and
        ``id`` / ``inventory_item_id``."""
        with self._lock:
            product_id = product_id or self._next_id()
            stamp = self._rest_time(updated_at or self.now())
            handle = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
            product = {
                "id": product_id,
                "title": title,
                "handle": handle,
                "status": "active",
                "vendor": vendor,
                "product_type": product_type,
                "tags": "",
                "created_at": stamp,
                "updated_at": stamp,
                "admin_graphql_api_id": gid("Product", product_id),
                "options": [{"name": "Title"}],
                "images": [],
                "variants": [],
            }
            self.products[product_id] = product
            for spec in variants:
                self._add_variant(product, spec)
            return copy.deepcopy(product)

    def _add_variant(self, product, spec):
        variant_id = spec.get("id") or self._next_id()
        item_id = spec.get("inventory_item_id") or self._next_id()
        title = spec.get("title") or "Default Title"
        variant = {
            "id": variant_id,
            "product_id": product["id"],
            "title": title,
            "sku": spec.get("sku") or "",
            "barcode": spec.get("barcode"),
            "price": rest_amount_text(dec(spec.get("price"))),
            "position": len(product["variants"]) + 1,
            "inventory_item_id": item_id,
            "inventory_management": "shopify",
            "inventory_policy": "deny",
            "taxable": True,
            "requires_shipping": True,
            "grams": spec.get("grams", 0),
            "option1": title,
            "created_at": product["created_at"],
            "updated_at": product["updated_at"],
            "admin_graphql_api_id": gid("ProductVariant", variant_id),
        }
        product["variants"].append(variant)
        self.variants[variant_id] = variant
        self.inventory_items[item_id] = {
            "id": item_id,
            "sku": variant["sku"],
            "tracked": True,
            "variant_id": variant_id,
        }
        stock = spec.get("stock", 0)
        per_location = stock if isinstance(stock, dict) else dict.fromkeys(self.locations, stock)
        for location_id, quantity in per_location.items():
            if "stock" in spec or (item_id, int(location_id)) not in self.levels:
                self._set_level(item_id, int(location_id), int(quantity))
        return variant

    def _set_level(self, item_id, location_id, available, on_hand=None):
        self.levels[(item_id, location_id)] = {
            "available": available,
            "on_hand": available if on_hand is None else on_hand,
            "updated_at": utc_text(self.now()),
        }

    def add_rest_order(self, order):
        """Store a REST-shaped order as given (e.g. one of Shopify's samples)."""
        with self._lock:
            order = copy.deepcopy(order)
            for line in order.get("line_items") or []:
                variant_id = line.get("variant_id")
                if not variant_id or variant_id in self.variants:
                    continue
                spec = {
                    "id": variant_id,
                    "inventory_item_id": variant_id,
                    "title": line.get("variant_title"),
                    "sku": line.get("sku"),
                    "price": line.get("price"),
                }
                product = self.products.get(line.get("product_id"))
                if product:
                    self._add_variant(product, spec)
                else:
                    self.add_product(
                        line.get("title") or line.get("name") or "Product",
                        [spec],
                        product_id=line.get("product_id"),
                        vendor=line.get("vendor") or "",
                    )
            self.orders[order["id"]] = order
            self._open_fulfillment_orders(order, {})
            return copy.deepcopy(order)

    def rest_order(self, order_id):
        """The order as a webhook body would carry it."""
        with self._lock:
            return copy.deepcopy(self.orders[int(order_id)])

    def rest_product(self, product_id):
        with self._lock:
            return copy.deepcopy(self.products[int(product_id)])

    def inventory_quantity(self, inventory_item_id, location_id, name="available"):
        with self._lock:
            level = self.levels.get((int(inventory_item_id), int(location_id)))
            return level[name] if level else None
