"""GraphQL views of the REST-shaped store: each ``_v_<type>`` turns a stored
dict into the GraphQL object Shopify answers (camelCase, GIDs, MoneyBags);
nested connections are resolved lazily."""

import hashlib
import json

from .common import (
    FINANCIAL,
    FULFILLMENT_DISPLAY,
    GID,
    ZERO,
    dec,
    gid,
    graphql_amount_text,
    legacy,
    rest_money,
    split_tags,
    utc_text,
)


class ViewsMixin:
    """The ``_v_*`` views, one per GraphQL type."""

    def _v_money(self, amount, currency=None):
        money = {"amount": graphql_amount_text(amount), "currencyCode": currency or self.currency}
        return {"shopMoney": money, "presentmentMoney": dict(money)}

    def _v_shop(self):
        shop = self.shop
        return {
            "id": gid("Shop", shop["id"]),
            "name": shop["name"],
            "email": shop["email"],
            "myshopifyDomain": shop["myshopify_domain"],
            "currencyCode": shop["currency"],
            "ianaTimezone": shop["iana_timezone"],
            "plan": {
                "displayName": shop["plan_display_name"],
                "partnerDevelopment": False,
                "shopifyPlus": False,
            },
        }

    def _v_location_by_id(self, location_id):
        location = self.locations.get(location_id)
        return self._v_location(location) if location else None

    def _v_location(self, location):
        return {
            "id": gid("Location", location["id"]),
            "legacyResourceId": str(location["id"]),
            "name": location["name"],
            "isActive": location.get("active", True),
            "fulfillsOnlineOrders": True,
            "address": {
                "address1": location.get("address1"),
                "address2": location.get("address2"),
                "city": location.get("city"),
                "zip": location.get("zip"),
                "province": location.get("province"),
                "provinceCode": location.get("province_code"),
                "country": location.get("country"),
                "countryCode": location.get("country_code"),
                "phone": location.get("phone"),
            },
        }

    def _v_product_by_id(self, product_id):
        product = self.products.get(product_id)
        return self._v_product(product) if product else None

    def _v_product(self, product):
        return {
            "id": gid("Product", product["id"]),
            "legacyResourceId": str(product["id"]),
            "title": product["title"],
            "handle": product.get("handle") or "",
            "status": (product.get("status") or "active").upper(),
            "vendor": product.get("vendor") or "",
            "productType": product.get("product_type") or "",
            "tags": split_tags(product.get("tags")),
            "createdAt": utc_text(product.get("created_at")),
            "updatedAt": utc_text(product.get("updated_at")),
            "variants": lambda info, **args: self._list_connection(
                product["variants"], args, lambda v: self._v_variant(v, product)
            ),
        }

    def _v_variant_by_id(self, variant_id):
        variant = self.variants.get(variant_id)
        if not variant:
            return None
        return self._v_variant(variant, self.products[variant["product_id"]])

    def _v_variant(self, variant, product):
        title = variant.get("title") or "Default Title"
        return {
            "id": gid("ProductVariant", variant["id"]),
            "legacyResourceId": str(variant["id"]),
            "title": title,
            "displayName": f"{product['title']} - {title}",
            "sku": variant.get("sku") or None,
            "barcode": variant.get("barcode") or None,
            "price": graphql_amount_text(dec(variant.get("price"))),
            "inventoryItem": lambda info, **_: self._v_inventory_item_by_id(variant["inventory_item_id"]),
            "product": lambda info, **_: self._v_product(product),
        }

    def _v_inventory_item_by_id(self, item_id):
        item = self.inventory_items.get(item_id)
        if not item:
            return None

        def levels():  # only when asked for: scanning every level per item is slow on big shops
            return sorted((loc, level) for (iid, loc), level in self.levels.items() if iid == item_id)

        return {
            "id": gid("InventoryItem", item_id),
            "legacyResourceId": str(item_id),
            "sku": item.get("sku") or None,
            "tracked": item.get("tracked", True),
            "inventoryLevel": lambda info, locationId: self._v_level(
                item_id,
                legacy(locationId, "Location"),
                self.levels.get((item_id, legacy(locationId, "Location"))),
            ),
            "inventoryLevels": lambda info, **args: self._list_connection(
                levels(), args, lambda pair: self._v_level(item_id, pair[0], pair[1])
            ),
        }

    def _v_level(self, item_id, location_id, level):
        if level is None:
            return None
        return {
            "id": f"{GID}InventoryLevel/{location_id}?inventory_item_id={item_id}",
            "item": lambda info, **_: self._v_inventory_item_by_id(item_id),
            "location": lambda info, **_: self._v_location_by_id(location_id),
            "quantities": lambda info, names: [
                {
                    "id": f"{GID}InventoryQuantity/{location_id}?inventory_item_id={item_id}&name={name}",
                    "name": name,
                    "quantity": level.get(name, 0),
                    "updatedAt": level.get("updated_at"),
                }
                for name in names
            ],
            "updatedAt": level.get("updated_at"),
        }

    def _v_adjustment_group(self, group):
        return {
            "id": gid("InventoryAdjustmentGroup", group["id"]),
            "createdAt": group["created_at"],
            "reason": group["reason"],
            "referenceDocumentUri": group["reference_document_uri"],
            "changes": lambda info, **_: [
                {
                    "name": change["name"],
                    "delta": change["delta"],
                    "quantityAfterChange": change["quantityAfterChange"],
                    "item": self._v_inventory_item_by_id(change["item_id"]),
                    "location": self._v_location_by_id(change["location_id"]),
                }
                for change in group["changes"]
            ],
        }

    def _v_order_by_gid(self, gid_value):
        order = self.orders.get(legacy(gid_value, "Order"))
        return self._v_order(order) if order else None

    def _v_tax(self, tax, currency):
        return {
            "title": tax.get("title") or "Tax",
            "rate": tax.get("rate"),
            "ratePercentage": round(float(tax["rate"]) * 100, 4) if tax.get("rate") is not None else None,
            "priceSet": self._v_money(rest_money(tax, "price"), currency),
            "channelLiable": tax.get("channel_liable"),
        }

    def _v_address(self, address):
        if not address:
            return None
        country = address.get("country_code")
        valid = self.schema.get_type("CountryCode").values
        digest = hashlib.sha1(json.dumps(address, sort_keys=True, default=str).encode()).hexdigest()[:10]
        return {
            "id": f"{GID}MailingAddress/{int(digest, 16)}",
            "name": address.get("name"),
            "firstName": address.get("first_name"),
            "lastName": address.get("last_name"),
            "company": address.get("company"),
            "address1": address.get("address1"),
            "address2": address.get("address2"),
            "city": address.get("city"),
            "province": address.get("province"),
            "provinceCode": address.get("province_code"),
            "country": address.get("country"),
            "countryCodeV2": country if country in valid else None,
            "zip": address.get("zip"),
            "phone": address.get("phone"),
        }

    def _v_customer(self, customer):
        if not customer:
            return None
        name = " ".join(p for p in (customer.get("first_name"), customer.get("last_name")) if p)
        return {
            "id": gid("Customer", customer["id"]),
            "legacyResourceId": str(customer["id"]),
            "firstName": customer.get("first_name"),
            "lastName": customer.get("last_name"),
            "displayName": name or customer.get("email") or "Customer",
            "email": customer.get("email"),
            "phone": customer.get("phone"),
        }

    def _v_line_item(self, line, currency):
        quantity = line.get("quantity") or 0
        price = rest_money(line, "price")
        allocations = [rest_money(alloc, "amount") for alloc in line.get("discount_allocations") or []]
        discounted = price - (sum(allocations, ZERO) / quantity if quantity else ZERO)
        return {
            "id": gid("LineItem", line["id"]),
            "name": line.get("name") or line.get("title") or "",
            "title": line.get("title") or line.get("name") or "",
            "variantTitle": line.get("variant_title"),
            "vendor": line.get("vendor"),
            "sku": line.get("sku") or None,
            "quantity": quantity,
            "currentQuantity": line.get("current_quantity", quantity),
            "taxable": line.get("taxable", True),
            "requiresShipping": line.get("requires_shipping", True),
            "product": lambda info, **_: self._v_product_by_id(line.get("product_id")),
            "variant": lambda info, **_: self._v_variant_by_id(line.get("variant_id")),
            "originalUnitPriceSet": self._v_money(price, currency),
            "discountedUnitPriceSet": self._v_money(discounted, currency),
            "totalDiscountSet": self._v_money(
                sum(allocations, ZERO) if allocations else rest_money(line, "total_discount"), currency
            ),
            "discountAllocations": [
                {"allocatedAmountSet": self._v_money(amount, currency)} for amount in allocations
            ],
            "taxLines": lambda info, first=None: [
                self._v_tax(tax, currency) for tax in (line.get("tax_lines") or [])[: first or None]
            ],
        }

    def _v_shipping_line(self, ship, currency):
        allocations = [rest_money(alloc, "amount") for alloc in ship.get("discount_allocations") or []]
        price = rest_money(ship, "price")
        return {
            "id": gid("ShippingLine", ship["id"]) if ship.get("id") else None,
            "code": ship.get("code"),
            "title": ship.get("title") or ship.get("code") or "Shipping",
            "source": ship.get("source"),
            "carrierIdentifier": ship.get("carrier_identifier"),
            "originalPriceSet": self._v_money(price, currency),
            "discountedPriceSet": self._v_money(price - sum(allocations, ZERO), currency),
            "discountAllocations": [
                {"allocatedAmountSet": self._v_money(amount, currency)} for amount in allocations
            ],
            "taxLines": [self._v_tax(tax, currency) for tax in ship.get("tax_lines") or []],
        }

    def _v_order(self, order):
        currency = order.get("currency") or self.currency
        status = order.get("financial_status")
        gateways = order.get("payment_gateway_names") or ([order["gateway"]] if order.get("gateway") else [])
        lines = order.get("line_items") or []
        shipping = order.get("shipping_lines") or []
        shipping_total = sum((rest_money(s, "price") for s in shipping), ZERO)
        return {
            "id": gid("Order", order["id"]),
            "legacyResourceId": str(order["id"]),
            "name": order.get("name") or f"#{order.get('order_number')}",
            "createdAt": utc_text(order.get("created_at")),
            "updatedAt": utc_text(order.get("updated_at") or order.get("created_at")),
            "processedAt": utc_text(order.get("processed_at") or order.get("created_at")),
            "cancelledAt": utc_text(order.get("cancelled_at")),
            "closedAt": utc_text(order.get("closed_at")),
            "currencyCode": currency,
            "presentmentCurrencyCode": order.get("presentment_currency") or currency,
            "taxesIncluded": bool(order.get("taxes_included")),
            "email": order.get("email"),
            "phone": order.get("phone"),
            "note": order.get("note"),
            "tags": split_tags(order.get("tags")),
            "test": bool(order.get("test")),
            "paymentGatewayNames": gateways,
            "discountCodes": [
                code.get("code") for code in order.get("discount_codes") or [] if code.get("code")
            ],
            "displayFinancialStatus": status.upper() if status in FINANCIAL else None,
            "displayFulfillmentStatus": FULFILLMENT_DISPLAY.get(
                order.get("fulfillment_status"), "UNFULFILLED"
            ),
            "retailLocation": lambda info, **_: self._v_location_by_id(order.get("location_id")),
            "customer": self._v_customer(order.get("customer")),
            "billingAddress": self._v_address(order.get("billing_address")),
            "shippingAddress": self._v_address(order.get("shipping_address")),
            "subtotalPriceSet": self._v_money(rest_money(order, "subtotal_price"), currency),
            "totalTaxSet": self._v_money(rest_money(order, "total_tax"), currency),
            "totalDiscountsSet": self._v_money(rest_money(order, "total_discounts"), currency),
            "totalPriceSet": self._v_money(rest_money(order, "total_price"), currency),
            "totalShippingPriceSet": self._v_money(shipping_total, currency),
            "currentTotalPriceSet": self._v_money(
                rest_money(order, "current_total_price")
                if order.get("current_total_price")
                else rest_money(order, "total_price"),
                currency,
            ),
            "taxLines": [self._v_tax(tax, currency) for tax in order.get("tax_lines") or []],
            "lineItems": lambda info, **args: self._list_connection(
                lines, args, lambda line: self._v_line_item(line, currency)
            ),
            "shippingLines": lambda info, includeRemovals=False, **args: self._list_connection(
                shipping, args, lambda ship: self._v_shipping_line(ship, currency)
            ),
            "fulfillments": lambda info, first=None: [
                self._v_fulfillment(f) for f in (order.get("fulfillments") or [])[: first or None]
            ],
            "fulfillmentOrders": lambda info, displayable=False, query=None, **args: self._list_connection(
                [fo for fo in self.fulfillment_orders.values() if fo["order_id"] == order["id"]],
                args,
                self._v_fulfillment_order,
            ),
        }

    def _v_fulfillment_order_by_id(self, fo_id):
        fo = self.fulfillment_orders.get(fo_id)
        return self._v_fulfillment_order(fo) if fo else None

    def _v_fulfillment_order(self, fo):
        order = self.orders.get(fo["order_id"], {})
        currency = order.get("currency") or self.currency
        lines = {line["id"]: line for line in order.get("line_items") or []}
        location = self.locations.get(fo["location_id"]) or {}
        actions = (
            [
                {"action": "CREATE_FULFILLMENT", "externalUrl": None},
                {"action": "MOVE", "externalUrl": None},
                {"action": "HOLD", "externalUrl": None},
            ]
            if fo["status"] in ("OPEN", "IN_PROGRESS")
            else []
        )
        return {
            "id": gid("FulfillmentOrder", fo["id"]),
            "orderId": gid("Order", fo["order_id"]),
            "status": fo["status"],
            "requestStatus": fo["request_status"],
            "createdAt": fo["created_at"],
            "updatedAt": fo["updated_at"],
            "assignedLocation": {
                "name": location.get("name") or "Unknown location",
                "address1": location.get("address1"),
                "city": location.get("city"),
                "countryCode": location.get("country_code") or "DE",
                "location": self._v_location_by_id(fo["location_id"]),
            },
            "supportedActions": actions,
            "lineItems": lambda info, **args: self._list_connection(
                fo["line_items"],
                args,
                lambda line: {
                    "id": gid("FulfillmentOrderLineItem", line["id"]),
                    "sku": line.get("sku"),
                    "totalQuantity": line["total_quantity"],
                    "remainingQuantity": line["remaining_quantity"],
                    "lineItem": self._v_line_item(
                        lines.get(line["line_item_id"], {"id": line["line_item_id"]}), currency
                    ),
                },
            ),
        }

    def _v_fulfillment_by_id(self, fulfillment_id):
        record = self.fulfillments.get(fulfillment_id)
        return self._v_fulfillment(record) if record else None

    def _v_fulfillment(self, record):
        order = self.orders.get(record["order_id"], {})
        currency = order.get("currency") or self.currency
        numbers = record.get("tracking_numbers") or []
        urls = record.get("tracking_urls") or []
        tracking = [
            {
                "company": record.get("tracking_company"),
                "number": number,
                "url": urls[index] if index < len(urls) else None,
            }
            for index, number in enumerate(numbers)
        ]
        return {
            "id": gid("Fulfillment", record["id"]),
            "legacyResourceId": str(record["id"]),
            "name": record.get("name") or str(record["id"]),
            "status": (record.get("status") or "success").upper(),
            "createdAt": utc_text(record.get("created_at")),
            "updatedAt": utc_text(record.get("updated_at") or record.get("created_at")),
            "location": lambda info, **_: self._v_location_by_id(record.get("location_id")),
            "order": lambda info, **_: self._v_order(order),
            "trackingInfo": lambda info, first=None: tracking[: first or None],
            "fulfillmentLineItems": lambda info, **args: self._list_connection(
                record.get("line_items") or [],
                args,
                lambda line: {
                    "id": gid("FulfillmentLineItem", f"{record['id']}{line['id']}"),
                    "quantity": line.get("quantity"),
                    "lineItem": self._v_line_item(line, currency),
                },
            ),
        }

    def _v_webhook_subscription(self, sub):
        return {
            "id": gid("WebhookSubscription", sub["id"]),
            "legacyResourceId": str(sub["id"]),
            "topic": sub["topic"],
            "format": sub["format"],
            "includeFields": sub["include_fields"],
            "createdAt": sub["created_at"],
            "updatedAt": sub["updated_at"],
            "endpoint": {"__typename": "WebhookHttpEndpoint", "callbackUrl": sub["callback_url"]},
            "callbackUrl": sub["callback_url"],
        }
