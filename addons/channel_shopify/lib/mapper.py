"""Shopify payloads -> canonical dicts (pure functions, no I/O, no ORM).

Two order shapes reach us and both give the same canonical order v1
(``integration_core/schemas/order.v1.json``):

- the REST resource shape, which is also the webhook body
  (``orders/create``, ``orders/updated``…): snake_case, numeric ids, money
  as decimal strings plus, on recent API versions, ``*_set`` money bags;
- the GraphQL ``Order`` node that :mod:`.client` queries (camelCase, GIDs,
  ``...Set {shopMoney {amount}}`` money bags, connections).

Each shape is first flattened by a small normaliser (``_normalise_rest`` /
``_normalise_graphql``) into one intermediate form; ``_build_order`` turns
that into the canonical order, so the business rules live in one place:

- ids are the numeric Shopify ids as strings (GIDs are reduced with
  :func:`.gid.from_gid`), so REST and GraphQL agree;
- money is read in the shop currency (``shop_money`` of a bag when present,
  else the plain field) and handed over as floats;
- ``line.discount_amount`` is the sum of the line's discount allocations,
  else the legacy ``total_discount``;
- shipping lines are net of their own discount allocations;
- order-level ``discounts`` are only the discount codes NOT allocated to
  lines: none as soon as any line or shipping line carries allocations.
  Without allocations, each code keeps its amount, but the codes together
  never exceed what the order's own ``total_discounts`` leaves once line
  discounts are counted (old payloads list a code that the order totals
  never applied; Shopify's totals are the money truth). GraphQL exposes
  codes without amounts: the remainder becomes one entry named after them;
- when no line carries ``tax_lines`` but the order does (very old
  payloads), every taxable line gets the order's tax titles and rates
  without amounts, so the tax mapping still applies;
- timestamps are converted to UTC ISO-8601 (``2008-01-10T16:00:00Z``):
  REST gives the shop's offset, GraphQL gives UTC; both mean one instant;
- REST ``fulfillment_status: null`` means nothing fulfilled yet and maps
  to ``"unfulfilled"``, like GraphQL ``UNFULFILLED``.

Structurally unusable input (no id, no currency, no line with a positive
quantity, a price that is not a number) raises ``MappingError``.
"""

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from odoo.addons.integration_core.lib.exceptions import MappingError

from .gid import from_gid

SCHEMA_VERSION = 1
ZERO = Decimal("0")

FINANCIAL_STATUSES = frozenset(
    {"pending", "authorized", "partially_paid", "paid", "partially_refunded", "refunded", "voided"}
)
_REST_FULFILLMENT = {
    None: "unfulfilled",
    "unfulfilled": "unfulfilled",
    "partial": "partial",
    "fulfilled": "fulfilled",
    "restocked": "restocked",
}
# Everything else (OPEN, IN_PROGRESS, ON_HOLD, SCHEDULED, PENDING_FULFILLMENT,
# REQUEST_DECLINED, UNFULFILLED) means nothing has shipped yet.
_GRAPHQL_FULFILLMENT = {
    "FULFILLED": "fulfilled",
    "PARTIALLY_FULFILLED": "partial",
    "RESTOCKED": "restocked",
}


# ----------------------------------------------------------------------------
# small readers
# ----------------------------------------------------------------------------


def _unwrap(payload, key):
    """Accept ``{"order": {...}}`` as well as the bare resource."""
    if isinstance(payload, dict) and isinstance(payload.get(key), dict) and len(payload) == 1:
        payload = payload[key]
    if not isinstance(payload, dict):
        raise MappingError(f"Shopify {key}: expected a JSON object, got {type(payload).__name__}")
    return payload


def _dec(value, what):
    if value is None or value == "":
        return None
    if isinstance(value, dict):  # MoneyV2 given where a scalar was expected
        value = value.get("amount")
        if value is None:
            return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise MappingError(f"{what}: {value!r} is not a number") from exc
    if not number.is_finite():
        raise MappingError(f"{what}: {value!r} is not a finite number")
    return number


def _money(value):
    return float(value) if value is not None else None


def _text(value):
    """Strip strings; empty strings become None."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _ident(value):
    """Numeric Shopify id as a string, from an int, a string or a GID."""
    return from_gid(value)


def _rest_amount(obj, field):
    """``obj[field + "_set"].shop_money.amount`` when present, else ``obj[field]``."""
    if not isinstance(obj, dict):
        return None
    bag = obj.get(field + "_set")
    if isinstance(bag, dict):
        shop = bag.get("shop_money")
        if isinstance(shop, dict) and shop.get("amount") not in (None, ""):
            return _dec(shop["amount"], field)
    return _dec(obj.get(field), field)


def _graphql_amount(obj, field):
    """``obj[field].shopMoney.amount`` of a GraphQL ``MoneyBag``."""
    if not isinstance(obj, dict):
        return None
    bag = obj.get(field)
    if not isinstance(bag, dict):
        return None
    shop = bag.get("shopMoney")
    if isinstance(shop, dict):
        return _dec(shop.get("amount"), field)
    return _dec(bag.get("amount"), field)


def _nodes(connection):
    """Items of a GraphQL connection (``nodes`` or ``edges[].node``) or a plain list."""
    if connection is None:
        return []
    if isinstance(connection, list):
        return connection
    if isinstance(connection, dict):
        if connection.get("nodes") is not None:
            return list(connection["nodes"])
        return [edge["node"] for edge in connection.get("edges") or [] if edge.get("node")]
    return []


def _timestamp(value, what):
    """ISO-8601 in UTC (``...Z``); None stays None."""
    text = _text(value)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise MappingError(f"{what}: {value!r} is not an ISO-8601 timestamp") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _quantity(value, what):
    number = _dec(value, what)
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def _rate(value):
    try:
        rate = float(value) if value is not None else 0.0
    except (TypeError, ValueError):
        rate = 0.0
    return max(rate, 0.0)


def _tags(value):
    if value is None:
        return []
    if isinstance(value, str):
        parts = value.split(",")
    else:
        parts = list(value)
    return [str(part).strip() for part in parts if str(part).strip()]


# ----------------------------------------------------------------------------
# shape normalisers: REST and GraphQL -> one intermediate form
# ----------------------------------------------------------------------------


def _rest_tax(tax):
    return {
        "title": _text(tax.get("title")) or "Tax",
        "rate": _rate(tax.get("rate")),
        "amount": _rest_amount(tax, "price"),
    }


# Where each shape keeps the address fields whose names differ (the others
# -- name, company, address1, address2, city, zip, phone -- are the same).
_REST_ADDRESS_KEYS = {
    "first_name": ("first_name",),
    "last_name": ("last_name",),
    "province_code": ("province_code",),
    "country_code": ("country_code",),
}
_GRAPHQL_ADDRESS_KEYS = {
    "first_name": ("firstName",),
    "last_name": ("lastName",),
    "province_code": ("provinceCode",),
    "country_code": ("countryCodeV2", "countryCode"),
}


def _address(address, keys):
    """A REST or GraphQL address (``keys``: one of the maps above) in the
    intermediate form."""
    if not isinstance(address, dict):
        return None

    def get(field):
        return next((address[k] for k in keys[field] if address.get(k)), None)

    name = _text(address.get("name")) or _text(
        " ".join(p for p in (get("first_name"), get("last_name")) if p)
    )
    return {
        "name": name,
        "company": address.get("company"),
        "address1": address.get("address1"),
        "address2": address.get("address2"),
        "city": address.get("city"),
        "zip": address.get("zip"),
        "province_code": get("province_code"),
        "country_code": get("country_code"),
        "phone": address.get("phone"),
    }


def _customer(customer, keys):
    """A REST or GraphQL customer (``keys`` as for :func:`_address`) in the
    intermediate form; None without one."""
    if not customer:
        return None
    return {
        "id": _ident(customer.get("id")),
        "first_name": next((customer.get(k) for k in keys["first_name"]), None),
        "last_name": next((customer.get(k) for k in keys["last_name"]), None),
        "email": customer.get("email"),
        "phone": customer.get("phone"),
    }


def _rest_address(address):
    return _address(address, _REST_ADDRESS_KEYS)


def _normalise_rest(order):
    lines = []
    for item in order.get("line_items") or []:
        lines.append(
            {
                "id": _ident(item.get("id")),
                "product_id": _ident(item.get("product_id")),
                "variant_id": _ident(item.get("variant_id")),
                "sku": _text(item.get("sku")),
                "barcode": _text(item.get("barcode")),
                "name": item.get("name") or item.get("title") or "",
                "quantity": _quantity(item.get("quantity"), "line quantity"),
                "price": _rest_amount(item, "price"),
                "allocations": [
                    _rest_amount(alloc, "amount") or ZERO for alloc in item.get("discount_allocations") or []
                ],
                "total_discount": _rest_amount(item, "total_discount"),
                "taxes": [_rest_tax(tax) for tax in item.get("tax_lines") or []],
                "taxable": item.get("taxable", True) is not False,
            }
        )
    shipping_lines = []
    for ship in order.get("shipping_lines") or []:
        shipping_lines.append(
            {
                "code": _text(ship.get("code")),
                "title": ship.get("title") or ship.get("code") or "Shipping",
                "price": _rest_amount(ship, "price"),
                "allocations": [
                    _rest_amount(alloc, "amount") or ZERO for alloc in ship.get("discount_allocations") or []
                ],
                "taxes": [_rest_tax(tax) for tax in ship.get("tax_lines") or []],
            }
        )
    customer = order.get("customer") if isinstance(order.get("customer"), dict) else None
    gateways = order.get("payment_gateway_names")
    if not gateways and order.get("gateway"):
        gateways = [order["gateway"]]
    status = order.get("financial_status")
    return {
        "id": _ident(order.get("id")),
        "name": _text(order.get("name")),
        "order_number": order.get("order_number") or order.get("number"),
        "currency": _text(order.get("currency")),
        "taxes_included": bool(order.get("taxes_included")),
        "created_at": order.get("created_at"),
        "updated_at": order.get("updated_at"),
        "cancelled_at": order.get("cancelled_at"),
        "email": _text(order.get("email")) or _text(order.get("contact_email")),
        "phone": _text(order.get("phone")),
        "note": order.get("note"),
        "tags": _tags(order.get("tags")),
        "gateways": [str(g) for g in gateways or [] if g],
        "location_id": _ident(order.get("location_id")),
        "financial_status": status if status in FINANCIAL_STATUSES else None,
        "fulfillment_status": _REST_FULFILLMENT.get(order.get("fulfillment_status")),
        "customer": _customer(customer, _REST_ADDRESS_KEYS),
        "billing": _rest_address(order.get("billing_address")),
        "shipping": _rest_address(order.get("shipping_address")),
        "lines": lines,
        "shipping_lines": shipping_lines,
        "discount_codes": [
            {"code": _text(code.get("code")) or "discount", "amount": _rest_amount(code, "amount")}
            for code in order.get("discount_codes") or []
            if isinstance(code, dict)
        ],
        "order_taxes": [_rest_tax(tax) for tax in order.get("tax_lines") or []],
        "totals": {
            "subtotal": _rest_amount(order, "subtotal_price"),
            "tax": _rest_amount(order, "total_tax"),
            "discount": _rest_amount(order, "total_discounts"),
            "total": _rest_amount(order, "total_price"),
        },
    }


def _graphql_tax(tax):
    rate = tax.get("rate")
    if rate is None and tax.get("ratePercentage") is not None:
        rate = float(tax["ratePercentage"]) / 100.0
    return {
        "title": _text(tax.get("title")) or "Tax",
        "rate": _rate(rate),
        "amount": _graphql_amount(tax, "priceSet"),
    }


def _graphql_address(address):
    return _address(address, _GRAPHQL_ADDRESS_KEYS)


def _normalise_graphql(node):
    lines = []
    for item in _nodes(node.get("lineItems")):
        variant = item.get("variant") or {}
        product = item.get("product") or variant.get("product") or {}
        lines.append(
            {
                "id": _ident(item.get("id")),
                "product_id": _ident(product.get("id")),
                "variant_id": _ident(variant.get("id")),
                "sku": _text(item.get("sku")) or _text(variant.get("sku")),
                "barcode": _text(variant.get("barcode")),
                "name": item.get("name") or item.get("title") or "",
                "quantity": _quantity(item.get("quantity"), "line quantity"),
                "price": _graphql_amount(item, "originalUnitPriceSet"),
                "allocations": [
                    _graphql_amount(alloc, "allocatedAmountSet") or ZERO
                    for alloc in item.get("discountAllocations") or []
                ],
                "total_discount": _graphql_amount(item, "totalDiscountSet"),
                "taxes": [_graphql_tax(tax) for tax in item.get("taxLines") or []],
                "taxable": item.get("taxable", True) is not False,
            }
        )
    shipping_lines = []
    for ship in _nodes(node.get("shippingLines")):
        shipping_lines.append(
            {
                "code": _text(ship.get("code")),
                "title": ship.get("title") or ship.get("code") or "Shipping",
                "price": _graphql_amount(ship, "originalPriceSet"),
                "allocations": [
                    _graphql_amount(alloc, "allocatedAmountSet") or ZERO
                    for alloc in ship.get("discountAllocations") or []
                ],
                "taxes": [_graphql_tax(tax) for tax in ship.get("taxLines") or []],
            }
        )
    customer = node.get("customer") if isinstance(node.get("customer"), dict) else None
    financial = (node.get("displayFinancialStatus") or "").lower() or None
    fulfillment = node.get("displayFulfillmentStatus")
    location = node.get("retailLocation") or node.get("physicalLocation") or {}
    return {
        "id": _text(node.get("legacyResourceId")) or _ident(node.get("id")),
        "name": _text(node.get("name")),
        "order_number": node.get("number"),
        "currency": _text(node.get("currencyCode")),
        "taxes_included": bool(node.get("taxesIncluded")),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
        "cancelled_at": node.get("cancelledAt"),
        "email": _text(node.get("email")),
        "phone": _text(node.get("phone")),
        "note": node.get("note"),
        "tags": _tags(node.get("tags")),
        "gateways": [str(g) for g in node.get("paymentGatewayNames") or [] if g],
        "location_id": _ident(location.get("id")),
        "financial_status": financial if financial in FINANCIAL_STATUSES else None,
        "fulfillment_status": (_GRAPHQL_FULFILLMENT.get(fulfillment, "unfulfilled") if fulfillment else None),
        "customer": _customer(customer, _GRAPHQL_ADDRESS_KEYS),
        "billing": _graphql_address(node.get("billingAddress")),
        "shipping": _graphql_address(node.get("shippingAddress")),
        "lines": lines,
        "shipping_lines": shipping_lines,
        "discount_codes": [
            {"code": code, "amount": None} for code in node.get("discountCodes") or [] if code
        ],
        "order_taxes": [_graphql_tax(tax) for tax in node.get("taxLines") or []],
        "totals": {
            "subtotal": _graphql_amount(node, "subtotalPriceSet"),
            "tax": _graphql_amount(node, "totalTaxSet"),
            "discount": _graphql_amount(node, "totalDiscountsSet"),
            "total": _graphql_amount(node, "totalPriceSet"),
        },
    }


# ----------------------------------------------------------------------------
# intermediate form -> canonical order v1
# ----------------------------------------------------------------------------


def _canonical_taxes(taxes):
    result = []
    for tax in taxes:
        entry = {"title": tax["title"], "rate": tax["rate"]}
        if tax.get("amount") is not None:
            entry["amount"] = _money(tax["amount"])
        result.append(entry)
    return result


def _canonical_address(address):
    if not address:
        return None
    country = (_text(address.get("country_code")) or "").upper()
    result = {
        "name": _text(address.get("name")),
        "company": _text(address.get("company")),
        "street": _text(address.get("address1")),
        "street2": _text(address.get("address2")),
        "city": _text(address.get("city")),
        "zip": _text(address.get("zip")),
        "state_code": _text(address.get("province_code")),
        "country_code": country if len(country) == 2 and country.isalpha() else None,
        "phone": _text(address.get("phone")),
        "email": None,
    }
    return result if any(value for value in result.values()) else None


def _canonical_customer(flat, billing, shipping):
    customer = flat["customer"] or {}
    full_name = _text(" ".join(p for p in (customer.get("first_name"), customer.get("last_name")) if p))
    email = _text(customer.get("email")) or flat["email"]
    name = (
        full_name
        or (billing or {}).get("name")
        or (shipping or {}).get("name")
        or email
        or (f"Shopify customer {customer['id']}" if customer.get("id") else None)
        or f"Guest ({flat['name'] or flat['id']})"
    )
    return {
        "external_id": customer.get("id"),
        "name": name,
        "email": email,
        "phone": _text(customer.get("phone")) or flat["phone"] or (billing or {}).get("phone"),
        "company": (billing or {}).get("company") or (shipping or {}).get("company"),
        "vat": None,
    }


def _build_order(flat):
    if not flat["id"]:
        raise MappingError("Shopify order without an id")
    label = flat["name"] or flat["id"]
    currency = (flat["currency"] or "").upper()
    if len(currency) != 3 or not currency.isalpha():
        raise MappingError(f"Shopify order {label}: missing or invalid currency {flat['currency']!r}")

    order_taxes = flat["order_taxes"]
    fallback_taxes = (
        [{"title": t["title"], "rate": t["rate"]} for t in order_taxes]
        if order_taxes and not any(line["taxes"] for line in flat["lines"])
        else []
    )
    allocated = False
    line_discounts = ZERO
    lines = []
    for line in flat["lines"]:
        if not line["quantity"] or line["quantity"] <= 0:
            continue  # removed by an order edit, or a zero-quantity placeholder
        if not line["id"]:
            raise MappingError(f"Shopify order {label}: a line item has no id")
        if line["price"] is None:
            raise MappingError(f"Shopify order {label}: line {line['id']} has no price")
        if line["allocations"]:
            allocated = True
            discount = sum(line["allocations"], ZERO)
        else:
            discount = line["total_discount"] or ZERO
        line_discounts += discount
        taxes = _canonical_taxes(line["taxes"])
        if not taxes and fallback_taxes and line["taxable"]:
            taxes = [dict(tax) for tax in fallback_taxes]
        lines.append(
            {
                "external_id": line["id"],
                "product_external_id": line["product_id"],
                "variant_external_id": line["variant_id"],
                "sku": line["sku"],
                "barcode": line["barcode"],
                "name": line["name"],
                "quantity": line["quantity"],
                "unit_price": _money(line["price"]),
                "discount_amount": _money(discount),
                "taxes": taxes,
            }
        )
    if not lines:
        raise MappingError(f"Shopify order {label}: no line item with a positive quantity")

    shipping_lines = []
    shipping_total = ZERO
    for ship in flat["shipping_lines"]:
        price = ship["price"] or ZERO
        if ship["allocations"]:
            allocated = True
            price -= sum(ship["allocations"], ZERO)
            line_discounts += sum(ship["allocations"], ZERO)
        shipping_total += price
        shipping_lines.append(
            {
                "code": ship["code"],
                "title": ship["title"],
                "price": _money(price),
                "taxes": _canonical_taxes(ship["taxes"]),
            }
        )

    discounts = []
    if not allocated:
        total_discounts = flat["totals"]["discount"]
        budget = None if total_discounts is None else max(total_discounts - line_discounts, ZERO)
        codes = flat["discount_codes"]
        for code in codes:
            amount = code["amount"]
            if amount is None:
                continue
            if budget is not None:
                amount = min(amount, budget)
                budget -= amount
            if amount > 0:
                discounts.append({"code": code["code"], "amount": _money(amount)})
        if budget and budget > 0 and not any(code["amount"] is not None for code in codes):
            name = ", ".join(code["code"] for code in codes) or "discount"
            discounts.append({"code": name, "amount": _money(budget)})

    billing = _canonical_address(flat["billing"])
    shipping = _canonical_address(flat["shipping"])
    totals = {key: _money(value) for key, value in flat["totals"].items() if value is not None}
    totals["shipping"] = _money(shipping_total)
    return {
        "schema_version": SCHEMA_VERSION,
        "external_id": flat["id"],
        "name": flat["name"] or (f"#{flat['order_number']}" if flat["order_number"] else flat["id"]),
        "created_at": _timestamp(flat["created_at"], "created_at"),
        "updated_at": _timestamp(flat["updated_at"], "updated_at"),
        "cancelled_at": _timestamp(flat["cancelled_at"], "cancelled_at"),
        "currency": currency,
        "taxes_included": flat["taxes_included"],
        "financial_status": flat["financial_status"],
        "fulfillment_status": flat["fulfillment_status"],
        "customer": _canonical_customer(flat, billing, shipping),
        "billing_address": billing,
        "shipping_address": shipping,
        "lines": lines,
        "shipping_lines": shipping_lines,
        "discounts": discounts,
        "totals": totals,
        "payment_gateways": flat["gateways"],
        "location_code": flat["location_id"],
        "note": _text(flat["note"]),
        "tags": flat["tags"],
    }


# ----------------------------------------------------------------------------
# public API
# ----------------------------------------------------------------------------


def order_to_canonical(order: dict) -> dict:
    """Canonical order v1 from a REST resource / webhook body (or ``{"order": …}``)."""
    return _build_order(_normalise_rest(_unwrap(order, "order")))


def graphql_order_to_canonical(node: dict) -> dict:
    """Canonical order v1 from a GraphQL ``Order`` node (fragment
    ``ShopifyOrder`` of :mod:`.queries`)."""
    if not isinstance(node, dict):
        raise MappingError(f"Shopify order: expected a JSON object, got {type(node).__name__}")
    return _build_order(_normalise_graphql(node))


def refund_to_canonical(refund: dict) -> dict:
    """A small channel-neutral refund from the REST / ``refunds/create`` shape.

    Result::

        {"external_id": "509562969", "order_external_id": "450789469",
         "created_at": "2016-06-20T17:35:06Z", "note": str | None,
         "restock": bool,            # legacy flag, or any line restocked
         "lines": [{"line_external_id", "sku", "quantity",
                    "subtotal", "tax", "restock_type"}],
         "amount": float,            # successful refund transactions
         "currency": str | None}

    ``subtotal``/``tax`` come from ``refund_line_items[].subtotal`` /
    ``total_tax`` when present; older payloads lack them, then they are
    derived from the refunded line item (unit price × quantity minus its
    discount share; its tax lines pro rata).
    """
    refund = _unwrap(refund, "refund")
    refund_id = _ident(refund.get("id"))
    order_id = _ident(refund.get("order_id"))
    if not refund_id or not order_id:
        raise MappingError("Shopify refund without id or order_id")
    lines = []
    restocked = bool(refund.get("restock"))
    for item in refund.get("refund_line_items") or []:
        line_item = item.get("line_item") or {}
        quantity = _quantity(item.get("quantity"), "refund quantity") or 0
        subtotal = _rest_amount(item, "subtotal")
        tax = _rest_amount(item, "total_tax")
        ordered = _dec(line_item.get("quantity"), "line quantity") or Decimal(quantity or 1)
        share = Decimal(str(quantity)) / ordered if ordered else ZERO
        if subtotal is None:
            price = _rest_amount(line_item, "price") or ZERO
            discount = sum(
                (_rest_amount(a, "amount") or ZERO for a in line_item.get("discount_allocations") or []),
                ZERO,
            ) or (_rest_amount(line_item, "total_discount") or ZERO)
            subtotal = price * Decimal(str(quantity)) - discount * share
        if tax is None:
            tax = sum((_rest_amount(t, "price") or ZERO for t in line_item.get("tax_lines") or []), ZERO)
            tax = tax * share
        restock_type = item.get("restock_type")
        if restock_type in ("return", "cancel"):
            restocked = True
        lines.append(
            {
                "line_external_id": _ident(item.get("line_item_id") or line_item.get("id")),
                "sku": _text(line_item.get("sku")),
                "quantity": quantity,
                "subtotal": round(float(subtotal), 2),
                "tax": round(float(tax), 2),
                "restock_type": restock_type,
            }
        )
    amount = ZERO
    currency = None
    for transaction in refund.get("transactions") or []:
        if transaction.get("kind", "refund") != "refund":
            continue
        if transaction.get("status") not in (None, "success"):
            continue
        amount += _rest_amount(transaction, "amount") or ZERO
        currency = currency or _text(transaction.get("currency"))
    return {
        "external_id": refund_id,
        "order_external_id": order_id,
        "created_at": _timestamp(refund.get("created_at") or refund.get("processed_at"), "created_at"),
        "note": _text(refund.get("note")),
        "restock": restocked,
        "lines": lines,
        "amount": _money(amount),
        "currency": currency,
    }


def product_to_canonical(product: dict) -> dict:
    """``{external_id, name, variants: [{external_id, sku, barcode, price,
    inventory_item_id, title}]}`` from a REST product or a GraphQL ``Product``.

    The GraphQL shape is recognised by its GID / connection of variants.
    """
    product = _unwrap(product, "product")
    variants_field = product.get("variants")
    graphql = isinstance(variants_field, dict) or "legacyResourceId" in product
    product_id = (
        _text(product.get("legacyResourceId")) or _ident(product.get("id"))
        if graphql
        else _ident(product.get("id"))
    )
    if not product_id:
        raise MappingError("Shopify product without an id")
    variants = []
    for variant in _nodes(variants_field):
        if graphql:
            inventory_item = _ident((variant.get("inventoryItem") or {}).get("id"))
            price = _dec(variant.get("price"), "variant price")
        else:
            inventory_item = _ident(variant.get("inventory_item_id"))
            price = _rest_amount(variant, "price")
        variant_id = _text(variant.get("legacyResourceId")) or _ident(variant.get("id"))
        if not variant_id:
            raise MappingError(f"Shopify product {product_id}: a variant has no id")
        variants.append(
            {
                "external_id": variant_id,
                "sku": _text(variant.get("sku")),
                "barcode": _text(variant.get("barcode")),
                "price": _money(price),
                "inventory_item_id": inventory_item,
                "title": _text(variant.get("title")),
            }
        )
    return {
        "external_id": product_id,
        "name": _text(product.get("title")) or product_id,
        "variants": variants,
    }
