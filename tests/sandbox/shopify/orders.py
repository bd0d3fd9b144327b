"""Orders as Shopify presents them: REST shape, money bags, discount
allocations, line and shipping taxes, and their fulfillment orders."""

import copy
from decimal import Decimal

from .common import ZERO, cents, dec, gid, parse_time, rest_amount_text, rest_bag, utc_text


class OrdersMixin:
    """Creating and changing orders (:meth:`create_order`, :meth:`update_order`)."""

    def _variant_by_sku(self, sku):
        for variant in self.variants.values():
            if variant.get("sku") == sku:
                return variant, self.products[variant["product_id"]]
        return None, None

    def _customer(self, spec):
        email = spec.get("email") or "jane.doe@example.com"
        customer = self.customers.get(email)
        if not customer:
            customer_id = self._next_id()
            customer = {
                "id": customer_id,
                "email": email,
                "first_name": spec.get("first_name", "Jane"),
                "last_name": spec.get("last_name", "Doe"),
                "phone": spec.get("phone"),
                "admin_graphql_api_id": gid("Customer", customer_id),
            }
            self.customers[email] = customer
        return customer

    def _address(self, customer, spec):
        spec = spec or {}
        first = spec.get("first_name", customer["first_name"])
        last = spec.get("last_name", customer["last_name"])
        return {
            "first_name": first,
            "last_name": last,
            "name": " ".join(p for p in (first, last) if p),
            "company": spec.get("company"),
            "address1": spec.get("address1", "Hauptstraße 1"),
            "address2": spec.get("address2", ""),
            "city": spec.get("city", "Berlin"),
            "zip": spec.get("zip", "10115"),
            "province": spec.get("province"),
            "province_code": spec.get("province_code"),
            "country": spec.get("country", "Germany"),
            "country_code": spec.get("country_code", "DE"),
            "phone": spec.get("phone", customer.get("phone")),
        }

    def _tax(self, net, rate, included):
        if not rate:
            return ZERO
        if included:
            return cents(net - net / (1 + rate))
        return cents(net * rate)

    def create_order(self, spec=None, *, notify=False):
        """Create an order the way Shopify would present it (REST shape of a
        recent API version, money bags, discount allocations, line taxes),
        with its fulfillment orders. ``notify`` fires ``orders/create``.

        ``spec`` keys (all optional): ``lines`` [{sku, quantity, price,
        discount, tax_rate}], ``customer`` {first_name, last_name, email,
        phone}, ``billing_address``/``shipping_address``, ``shipping``
        {title, price, code, tax_rate}, ``discount_code`` {code, amount |
        percentage}, ``taxes_included``, ``tax_rate``, ``currency``,
        ``created_at``/``updated_at``, ``location_id`` (POS order),
        ``fulfillment_locations`` {sku: location_id}, ``financial_status``,
        ``gateway``, ``tags``, ``note``, ``id``, ``email``.
        """
        spec = dict(spec or {})
        with self._lock:
            order = self._build_order(spec)
            self.orders[order["id"]] = order
            self._open_fulfillment_orders(order, spec.get("fulfillment_locations") or {})
            result = copy.deepcopy(order)
        if notify:
            self.send_webhook("orders/create", result)
        return result

    def _build_order(self, spec):
        currency = spec.get("currency") or self.currency
        included = bool(spec.get("taxes_included", False))
        default_rate = Decimal(str(spec.get("tax_rate", self.default_tax_rate)))
        created = parse_time(spec.get("created_at")) or self.now()
        updated = parse_time(spec.get("updated_at")) or created
        order_id = spec.get("id") or self._next_id()
        number = next(self._order_numbers)
        customer = self._customer(spec.get("customer") or {})
        lines_spec = spec.get("lines") or [{"sku": next(iter(self.variants.values()))["sku"], "quantity": 1}]

        lines = []
        applications = []
        for line_spec in lines_spec:
            variant, product = self._variant_by_sku(line_spec.get("sku"))
            if variant is None and line_spec.get("price") is None:
                raise ValueError(f"unknown SKU {line_spec.get('sku')!r} and no price given")
            quantity = int(line_spec.get("quantity", 1))
            price = dec(line_spec.get("price", variant and variant["price"]))
            rate = Decimal(str(line_spec.get("tax_rate", default_rate)))
            title = product["title"] if product else line_spec.get("title", "Custom item")
            variant_title = variant["title"] if variant else None
            line_id = self._next_id()
            line = {
                "id": line_id,
                "admin_graphql_api_id": gid("LineItem", line_id),
                "product_id": product["id"] if product else None,
                "variant_id": variant["id"] if variant else None,
                "sku": (variant or {}).get("sku") or line_spec.get("sku") or "",
                "title": title,
                "variant_title": variant_title if variant_title != "Default Title" else None,
                "name": title if variant_title in (None, "Default Title") else f"{title} - {variant_title}",
                "vendor": product.get("vendor") if product else None,
                "quantity": quantity,
                "current_quantity": quantity,
                "fulfillable_quantity": quantity,
                "fulfillment_status": None,
                "fulfillment_service": "manual",
                "requires_shipping": True,
                "taxable": bool(rate),
                "gift_card": False,
                "grams": 0,
                "price": rest_amount_text(price),
                "price_set": rest_bag(price, currency),
                "total_discount": "0.00",
                "total_discount_set": rest_bag(ZERO, currency),
                "discount_allocations": [],
                "tax_lines": [],
                "properties": [],
                "product_exists": product is not None,
                "_rate": rate,
            }
            if line_spec.get("discount"):
                amount = cents(dec(line_spec["discount"]))
                applications.append(
                    {
                        "type": "manual",
                        "title": "Line discount",
                        "description": "Line discount",
                        "value": rest_amount_text(amount),
                        "value_type": "fixed_amount",
                        "allocation_method": "one",
                        "target_selection": "explicit",
                        "target_type": "line_item",
                    }
                )
                line["discount_allocations"].append(
                    {
                        "amount": rest_amount_text(amount),
                        "amount_set": rest_bag(amount, currency),
                        "discount_application_index": len(applications) - 1,
                    }
                )
            lines.append(line)

        def net(line):
            gross = dec(line["price"]) * line["quantity"]
            return gross - sum((dec(a["amount"]) for a in line["discount_allocations"]), ZERO)

        discount_codes = []
        code = spec.get("discount_code")
        if code:
            base = sum((net(line) for line in lines), ZERO)
            if code.get("percentage") is not None:
                amount = cents(base * Decimal(str(code["percentage"])) / 100)
                value, value_type = str(code["percentage"]), "percentage"
            else:
                amount = cents(dec(code.get("amount")))
                value, value_type = rest_amount_text(amount), "fixed_amount"
            amount = min(amount, base)
            applications.append(
                {
                    "type": "discount_code",
                    "code": code["code"],
                    "value": value,
                    "value_type": value_type,
                    "allocation_method": "across",
                    "target_selection": "all",
                    "target_type": "line_item",
                }
            )
            index = len(applications) - 1
            remaining = amount
            for position, line in enumerate(lines):
                share = (
                    remaining
                    if position == len(lines) - 1
                    else cents(amount * net(line) / base)
                    if base
                    else ZERO
                )
                remaining -= share
                line["discount_allocations"].append(
                    {
                        "amount": rest_amount_text(share),
                        "amount_set": rest_bag(share, currency),
                        "discount_application_index": index,
                    }
                )
            discount_codes.append(
                {"code": code["code"], "amount": rest_amount_text(amount), "type": value_type}
            )

        subtotal = total_tax = total_discounts = line_items_price = ZERO
        tax_summary = {}
        for line in lines:
            rate = line.pop("_rate")
            line_net = net(line)
            tax = self._tax(line_net, rate, included)
            if rate:
                line["tax_lines"] = [
                    {
                        "title": self.default_tax_title,
                        "rate": float(rate),
                        "price": rest_amount_text(tax),
                        "price_set": rest_bag(tax, currency),
                        "channel_liable": False,
                    }
                ]
                tax_summary[(self.default_tax_title, float(rate))] = (
                    tax_summary.get((self.default_tax_title, float(rate)), ZERO) + tax
                )
            subtotal += line_net
            total_tax += tax
            total_discounts += dec(line["price"]) * line["quantity"] - line_net
            line_items_price += dec(line["price"]) * line["quantity"]

        shipping_lines = []
        shipping_total = ZERO
        ship = spec.get("shipping")
        if ship:
            price = cents(dec(ship.get("price")))
            rate = Decimal(str(ship.get("tax_rate", default_rate)))
            tax = self._tax(price, rate, included)
            shipping_lines.append(
                {
                    "id": self._next_id(),
                    "title": ship.get("title", "Standard"),
                    "code": ship.get("code", ship.get("title", "Standard")),
                    "source": "shopify",
                    "price": rest_amount_text(price),
                    "price_set": rest_bag(price, currency),
                    "discounted_price": rest_amount_text(price),
                    "discounted_price_set": rest_bag(price, currency),
                    "discount_allocations": [],
                    "tax_lines": [
                        {
                            "title": self.default_tax_title,
                            "rate": float(rate),
                            "price": rest_amount_text(tax),
                            "price_set": rest_bag(tax, currency),
                            "channel_liable": False,
                        }
                    ]
                    if rate
                    else [],
                }
            )
            if rate:
                tax_summary[(self.default_tax_title, float(rate))] = (
                    tax_summary.get((self.default_tax_title, float(rate)), ZERO) + tax
                )
            shipping_total += price
            total_tax += tax
        total = subtotal + shipping_total + (ZERO if included else total_tax)
        gateway = spec.get("gateway", "manual")
        billing = self._address(customer, spec.get("billing_address"))
        shipping_address = self._address(
            customer, spec.get("shipping_address") or spec.get("billing_address")
        )
        rest_created = self._rest_time(created)
        order = {
            "id": order_id,
            "admin_graphql_api_id": gid("Order", order_id),
            "name": spec.get("name") or f"#{number}",
            "number": number - 1000,
            "order_number": number,
            "email": spec.get("email", customer["email"]),
            "contact_email": spec.get("email", customer["email"]),
            "phone": None,
            "created_at": rest_created,
            "processed_at": rest_created,
            "updated_at": self._rest_time(updated),
            "cancelled_at": None,
            "cancel_reason": None,
            "closed_at": None,
            "currency": currency,
            "presentment_currency": currency,
            "taxes_included": included,
            "test": False,
            "confirmed": True,
            "financial_status": spec.get("financial_status", "paid"),
            "fulfillment_status": None,
            "gateway": gateway,
            "payment_gateway_names": [gateway] if gateway else [],
            "source_name": "pos" if spec.get("location_id") else "web",
            "location_id": spec.get("location_id"),
            "note": spec.get("note"),
            "tags": spec.get("tags", ""),
            "discount_codes": discount_codes,
            "discount_applications": applications,
            "subtotal_price": rest_amount_text(subtotal),
            "subtotal_price_set": rest_bag(subtotal, currency),
            "total_line_items_price": rest_amount_text(line_items_price),
            "total_line_items_price_set": rest_bag(line_items_price, currency),
            "total_discounts": rest_amount_text(total_discounts),
            "total_discounts_set": rest_bag(total_discounts, currency),
            "total_shipping_price_set": rest_bag(shipping_total, currency),
            "total_tax": rest_amount_text(total_tax),
            "total_tax_set": rest_bag(total_tax, currency),
            "total_price": rest_amount_text(total),
            "total_price_set": rest_bag(total, currency),
            "current_subtotal_price": rest_amount_text(subtotal),
            "current_total_discounts": rest_amount_text(total_discounts),
            "current_total_tax": rest_amount_text(total_tax),
            "current_total_price": rest_amount_text(total),
            "current_total_price_set": rest_bag(total, currency),
            "tax_lines": [
                {
                    "title": title,
                    "rate": rate,
                    "price": rest_amount_text(amount),
                    "price_set": rest_bag(amount, currency),
                    "channel_liable": False,
                }
                for (title, rate), amount in tax_summary.items()
            ],
            "customer": {
                **customer,
                "created_at": rest_created,
                "updated_at": rest_created,
                "state": "enabled",
                "tags": "",
                "currency": currency,
            },
            "billing_address": billing,
            "shipping_address": shipping_address,
            "line_items": lines,
            "shipping_lines": shipping_lines,
            "fulfillments": [],
            "refunds": [],
        }
        return order

    def _open_fulfillment_orders(self, order, locations_by_sku):
        default_location = next(iter(self.locations), None)
        groups = {}
        for line in order.get("line_items") or []:
            if not line.get("requires_shipping", True) or not line.get("quantity"):
                continue
            location = int(
                locations_by_sku.get(line.get("sku"), order.get("location_id") or default_location or 0)
            )
            groups.setdefault(location, []).append(line)
        stamp = utc_text(self.now())
        for location_id, lines in groups.items():
            fo_id = self._next_id()
            self.fulfillment_orders[fo_id] = {
                "id": fo_id,
                "order_id": order["id"],
                "status": "OPEN",
                "request_status": "UNSUBMITTED",
                "location_id": location_id,
                "created_at": stamp,
                "updated_at": stamp,
                "line_items": [
                    {
                        "id": self._next_id(),
                        "line_item_id": line["id"],
                        "sku": line.get("sku"),
                        "total_quantity": line["quantity"],
                        "remaining_quantity": line["quantity"],
                    }
                    for line in lines
                ],
            }

    def update_order(self, order_id, *, updated_at=None, notify=False, **changes):
        """Change REST fields of an order and bump ``updated_at``."""
        with self._lock:
            order = self.orders[int(order_id)]
            order.update(changes)
            order["updated_at"] = self._rest_time(updated_at or self.now())
            result = copy.deepcopy(order)
        if notify:
            self.send_webhook("orders/updated", result)
        return result
