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
  else the plain field) and handed over as :class:`~decimal.Decimal`, digit
  for digit as Shopify sent it (``"89.90"`` -> ``Decimal("89.90")``): never
  through a binary float. Tax rates are Decimals too; quantities are ints
  (Decimals when not whole). ``canonical.dumps``/``loads`` store them exactly;
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
  to ``"unfulfilled"``, like GraphQL ``UNFULFILLED``;
- ``transactions`` (optional in order v1) are the order's payment
  transactions from GraphQL ``Order.transactions`` (sale, authorization,
  capture, refund, void; ``CHANGE`` and ``SUGGESTED_REFUND`` are not
  payments and are left out). Shopify's REST order, and so its webhooks,
  carries none: a REST payload gives the key only when it has a
  ``transactions`` list (REST Transaction shape), else the GraphQL fetch
  supplies them. ``external_id`` and ``parent_id`` are the numeric ids
  (``gid://shopify/OrderTransaction/123`` -> ``"123"``), the form in which
  Shopify Payments balance transactions name them
  (``sourceOrderTransactionId``, a BigInt).

Every value is checked as it is read (through
:class:`~odoo.addons.integration_core.lib.reader.Reader`): a value of the
wrong type, a number that is not finite or out of range, a timestamp that is
not ISO 8601, and structurally unusable input (no id, no currency, no line
with a positive quantity) raise ``ValidationFailed`` naming the field's path
in the Shopify payload, e.g. ``line_items[2].quantity: expected a number,
got 'abc'``. Any other exception out of a mapper is a bug.
"""

from decimal import ROUND_HALF_UP, Decimal

from odoo.addons.integration_core.lib import reader as read
from odoo.addons.integration_core.lib.reader import Reader

from .gid import from_gid

SCHEMA_VERSION = 1
# A B2B order's customer is the Shopify company, bound to its Odoo partner
# under this prefix (``company:<legacy id>``): a person's binding is the
# bare customer id, so the two never meet.
COMPANY_BINDING_PREFIX = "company:"
DAYS_LIMIT = Decimal("10000")  # payment terms: due in fewer days than this
ZERO = Decimal("0")
CENT = Decimal("0.01")

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
# small readers (on top of integration_core's Reader)
# ----------------------------------------------------------------------------


def _root(payload, key):
    """Accept ``{"order": {...}}`` as well as the bare resource (paths then
    start with ``order.``)."""
    if isinstance(payload, dict) and isinstance(payload.get(key), dict) and len(payload) == 1:
        return Reader(payload[key], key)
    return Reader.root(payload)


def _ident(node, key):
    """Numeric Shopify id as a string, from an int, a string or a GID."""
    return from_gid(node.ident(key))


def _amount(node, key):
    """A money scalar, or the ``amount`` of a MoneyV2 given in its place."""
    if isinstance(node.get(key), dict):
        return node.object(key).money("amount")
    return node.money(key)


def _rest_amount(node, field):
    """``node[field + "_set"].shop_money.amount`` when present, else ``node[field]``."""
    shop = node.object(field + "_set").object("shop_money")
    if shop.get("amount") not in (None, ""):
        return _amount(shop, "amount")
    return _amount(node, field)


def _graphql_amount(node, field):
    """``node[field].shopMoney.amount`` of a GraphQL ``MoneyBag``."""
    bag = node.object(field)
    if bag.get("shopMoney") is not None:
        return _amount(bag.object("shopMoney"), "amount")
    return _amount(bag, "amount")


def _nodes(node, key):
    """Items of a GraphQL connection (``nodes`` or ``edges[].node``) or of a
    plain list under ``key``, as Readers."""
    if not isinstance(node.get(key), dict):
        return node.objects(key)
    connection = node.object(key)
    if connection.get("nodes") is not None:
        return connection.objects("nodes")
    return [edge.object("node") for edge in connection.objects("edges") if edge.get("node")]


def _count(number):
    """A quantity as an int when whole, else a Decimal."""
    return int(number) if number == number.to_integral_value() else number


def _money(value):
    """An amount (a Decimal read by the Reader, or computed from such) as it
    goes into a canonical payload: the Decimal itself, never a float."""
    return value


def _cents(amount):
    """A computed amount (a pro rata share) to the cent, half away from zero."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _bounded(amount, path, what):
    """``amount`` (a Decimal computed from bounded amounts: a sum, a net
    price) once checked against the money limit."""
    if amount.copy_abs() >= read.MONEY_LIMIT:
        raise read.invalid(path, f"{what} is out of range ({amount:.2f})")
    return amount


def _total(amounts, path, what):
    return _bounded(sum(amounts, ZERO), path, what)


def _rate(node, key):
    """A tax rate as a Decimal fraction (0.06); absent is 0, negative is 0."""
    rate = node.number(key, limit=read.RATE_LIMIT)
    return max(rate, ZERO) if rate is not None else ZERO


def _tags(node, key):
    """Tags from a comma-separated string (REST) or a list (GraphQL)."""
    value = node.get(key)
    parts = node.string(key).split(",") if isinstance(value, str) else node.strings(key)
    return [part.strip() for part in parts if part.strip()]


def _clean(value):
    """A string already read, stripped; empty strings become None."""
    return (value or "").strip() or None


# ----------------------------------------------------------------------------
# shape normalisers: REST and GraphQL -> one intermediate form
# ----------------------------------------------------------------------------


def _rest_tax(tax):
    return {
        "title": tax.text("title") or "Tax",
        "rate": _rate(tax, "rate"),
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
    """A REST or GraphQL address (a Reader; ``keys``: one of the maps above)
    in the intermediate form; None when absent or empty."""
    if not address:
        return None

    def get(field):
        return next((value for value in (address.string(key) for key in keys[field]) if value), None)

    name = address.text("name") or _clean(" ".join(p for p in (get("first_name"), get("last_name")) if p))
    return {
        "name": name,
        "company": address.string("company"),
        "address1": address.string("address1"),
        "address2": address.string("address2"),
        "city": address.string("city"),
        "zip": address.string("zip"),
        "province_code": get("province_code"),
        "country_code": get("country_code"),
        "phone": address.string("phone"),
    }


def _customer(customer, keys):
    """A REST or GraphQL customer (a Reader; ``keys`` as for :func:`_address`)
    in the intermediate form; None without one."""
    if not customer:
        return None
    return {
        "id": _ident(customer, "id"),
        "first_name": customer.string(keys["first_name"][0]),
        "last_name": customer.string(keys["last_name"][0]),
        "email": customer.string("email"),
        "phone": customer.string("phone"),
    }


def _payment_terms(terms, name_key, type_key, days_key):
    """B2B payment terms of an order: ``{name, type, due_in_days}`` (type in
    lower case: ``net``, ``receipt``, ``fulfillment``, ``fixed``), or None."""
    if not terms:
        return None
    days = terms.get(days_key)
    return {
        "name": terms.string(name_key) or None,
        "type": (terms.string(type_key) or "").lower() or None,
        "due_in_days": int(terms.number(days_key, limit=DAYS_LIMIT, minimum=0)) if days is not None else None,
    }


def _normalise_rest(order):
    lines = []
    for item in order.objects("line_items"):
        lines.append(
            {
                "path": item.path,
                "id": _ident(item, "id"),
                "product_id": _ident(item, "product_id"),
                "variant_id": _ident(item, "variant_id"),
                "sku": item.text("sku"),
                "barcode": item.text("barcode"),
                "name": item.string("name") or item.string("title") or "",
                "quantity": item.quantity("quantity"),
                "price": _rest_amount(item, "price"),
                "allocations": [
                    _rest_amount(alloc, "amount") or ZERO for alloc in item.objects("discount_allocations")
                ],
                "total_discount": _rest_amount(item, "total_discount"),
                "taxes": [_rest_tax(tax) for tax in item.objects("tax_lines")],
                "taxable": item.boolean("taxable", True),
            }
        )
    shipping_lines = []
    for ship in order.objects("shipping_lines"):
        shipping_lines.append(
            {
                "path": ship.path,
                "code": ship.text("code"),
                "title": ship.string("title") or ship.string("code") or "Shipping",
                "price": _rest_amount(ship, "price"),
                "allocations": [
                    _rest_amount(alloc, "amount") or ZERO for alloc in ship.objects("discount_allocations")
                ],
                "taxes": [_rest_tax(tax) for tax in ship.objects("tax_lines")],
            }
        )
    gateways = order.strings("payment_gateway_names")
    if not gateways:
        gateways = [gateway for gateway in (order.string("gateway"),) if gateway]
    status = order.string("financial_status")
    return {
        "paths": {
            "id": order.at("id"),
            "currency": order.at("currency"),
            "lines": order.at("line_items"),
            "shipping_lines": order.at("shipping_lines"),
            "discount": order.at("total_discounts"),
        },
        "id": _ident(order, "id"),
        "name": order.text("name"),
        "order_number": order.ident("order_number") or order.ident("number"),
        "currency": order.text("currency"),
        "taxes_included": order.boolean("taxes_included"),
        "created_at": order.timestamp("created_at"),
        "updated_at": order.timestamp("updated_at"),
        "cancelled_at": order.timestamp("cancelled_at"),
        "email": order.text("email") or order.text("contact_email"),
        "phone": order.text("phone"),
        "note": order.text("note"),
        "tags": _tags(order, "tags"),
        "gateways": gateways,
        "location_id": _ident(order, "location_id"),
        "financial_status": status if status in FINANCIAL_STATUSES else None,
        "fulfillment_status": _REST_FULFILLMENT.get(order.string("fulfillment_status")),
        "customer": _customer(order.object("customer"), _REST_ADDRESS_KEYS),
        "company_id": _ident(order.object("company"), "id"),
        "company_name": None,
        "po_number": order.text("po_number"),
        "payment_terms": _payment_terms(
            order.object("payment_terms"), "payment_terms_name", "payment_terms_type", "due_in_days"
        ),
        "billing": _address(order.object("billing_address"), _REST_ADDRESS_KEYS),
        "shipping": _address(order.object("shipping_address"), _REST_ADDRESS_KEYS),
        "lines": lines,
        "shipping_lines": shipping_lines,
        "discount_codes": [
            {"code": code.text("code") or "discount", "amount": _rest_amount(code, "amount")}
            for code in order.objects("discount_codes")
        ],
        "order_taxes": [_rest_tax(tax) for tax in order.objects("tax_lines")],
        "transactions": _transactions(order, "transactions", graphql=False),
        "totals": {
            "subtotal": _rest_amount(order, "subtotal_price"),
            "tax": _rest_amount(order, "total_tax"),
            "discount": _rest_amount(order, "total_discounts"),
            "total": _rest_amount(order, "total_price"),
        },
    }


# Shopify's transaction kinds (GraphQL OrderTransactionKind, REST kind) ->
# order v1's; the others (change, suggested refund) move no payment.
_TRANSACTION_KINDS = {
    "sale": "sale",
    "capture": "capture",
    "authorization": "authorization",
    "emv_authorization": "authorization",
    "refund": "refund",
    "void": "void",
}
# GraphQL OrderTransactionStatus / REST status -> order v1's.
_TRANSACTION_STATUSES = {
    "success": "success",
    "pending": "pending",
    "awaiting_response": "pending",
    "unknown": "pending",
    "failure": "failure",
    "error": "error",
}


def _transaction(transaction, graphql):
    """One order transaction (REST or GraphQL shape) in the canonical form,
    or None for a kind that moves no payment."""
    kind = _TRANSACTION_KINDS.get((transaction.string("kind") or "").lower())
    if kind is None:
        return None
    transaction_id = _ident(transaction, "id")
    if not transaction_id:
        raise read.invalid(transaction.at("id"), "an order transaction has no id")
    status = (transaction.string("status") or "").lower()
    if graphql:
        bag = transaction.object("amountSet").object("shopMoney")
        amount = _amount(bag, "amount")
        currency = bag.text("currencyCode")
        parent = _ident(transaction.object("parentTransaction"), "id")
        processed = transaction.timestamp("processedAt") or transaction.timestamp("createdAt")
    else:
        amount = _rest_amount(transaction, "amount")
        currency = transaction.text("currency")
        parent = _ident(transaction, "parent_id")
        processed = transaction.timestamp("processed_at") or transaction.timestamp("created_at")
    return {
        "external_id": transaction_id,
        "kind": kind,
        "status": _TRANSACTION_STATUSES.get(status, "pending"),
        "gateway": transaction.text("gateway"),
        "amount": _money(amount if amount is not None else ZERO),
        "currency": (currency or "").upper() or None,
        "processed_at": processed,
        "parent_id": parent,
    }


def _transactions(node, key, graphql):
    """The order's transactions under ``key``, or None when the payload has none."""
    if node.get(key) is None:
        return None
    items = (_transaction(item, graphql) for item in node.objects(key))
    return [item for item in items if item is not None]


def _graphql_tax(tax):
    if tax.get("rate") is None and tax.get("ratePercentage") is not None:
        percentage = tax.number("ratePercentage", limit=read.RATE_LIMIT * 100)
        rate = max(percentage / 100, ZERO) if percentage is not None else ZERO
    else:
        rate = _rate(tax, "rate")
    return {
        "title": tax.text("title") or "Tax",
        "rate": rate,
        "amount": _graphql_amount(tax, "priceSet"),
    }


def _normalise_graphql(node):
    lines = []
    for item in _nodes(node, "lineItems"):
        variant = item.object("variant")
        product = item.object("product") or variant.object("product")
        lines.append(
            {
                "path": item.path,
                "id": _ident(item, "id"),
                "product_id": _ident(product, "id"),
                "variant_id": _ident(variant, "id"),
                "sku": item.text("sku") or variant.text("sku"),
                "barcode": variant.text("barcode"),
                "name": item.string("name") or item.string("title") or "",
                "quantity": item.quantity("quantity"),
                "price": _graphql_amount(item, "originalUnitPriceSet"),
                "allocations": [
                    _graphql_amount(alloc, "allocatedAmountSet") or ZERO
                    for alloc in item.objects("discountAllocations")
                ],
                "total_discount": _graphql_amount(item, "totalDiscountSet"),
                "taxes": [_graphql_tax(tax) for tax in item.objects("taxLines")],
                "taxable": item.boolean("taxable", True),
            }
        )
    shipping_lines = []
    for ship in _nodes(node, "shippingLines"):
        shipping_lines.append(
            {
                "path": ship.path,
                "code": ship.text("code"),
                "title": ship.string("title") or ship.string("code") or "Shipping",
                "price": _graphql_amount(ship, "originalPriceSet"),
                "allocations": [
                    _graphql_amount(alloc, "allocatedAmountSet") or ZERO
                    for alloc in ship.objects("discountAllocations")
                ],
                "taxes": [_graphql_tax(tax) for tax in ship.objects("taxLines")],
            }
        )
    financial = (node.string("displayFinancialStatus") or "").lower() or None
    fulfillment = node.string("displayFulfillmentStatus")
    location = node.object("retailLocation") or node.object("physicalLocation")
    return {
        "paths": {
            "id": node.at("legacyResourceId"),
            "currency": node.at("currencyCode"),
            "lines": node.at("lineItems"),
            "shipping_lines": node.at("shippingLines"),
            "discount": node.at("totalDiscountsSet"),
        },
        "id": node.ident("legacyResourceId") or _ident(node, "id"),
        "name": node.text("name"),
        "order_number": node.ident("number"),
        "currency": node.text("currencyCode"),
        "taxes_included": node.boolean("taxesIncluded"),
        "created_at": node.timestamp("createdAt"),
        "updated_at": node.timestamp("updatedAt"),
        "cancelled_at": node.timestamp("cancelledAt"),
        "email": node.text("email"),
        "phone": node.text("phone"),
        "note": node.text("note"),
        "tags": _tags(node, "tags"),
        "gateways": node.strings("paymentGatewayNames"),
        "location_id": _ident(location, "id"),
        "financial_status": financial if financial in FINANCIAL_STATUSES else None,
        "fulfillment_status": (_GRAPHQL_FULFILLMENT.get(fulfillment, "unfulfilled") if fulfillment else None),
        "customer": _customer(node.object("customer"), _GRAPHQL_ADDRESS_KEYS),
        "company_id": _ident(node.object("purchasingEntity").object("company"), "id"),
        "company_name": node.object("purchasingEntity").object("company").string("name"),
        "po_number": node.text("poNumber"),
        "payment_terms": _payment_terms(
            node.object("paymentTerms"), "paymentTermsName", "paymentTermsType", "dueInDays"
        ),
        "billing": _address(node.object("billingAddress"), _GRAPHQL_ADDRESS_KEYS),
        "shipping": _address(node.object("shippingAddress"), _GRAPHQL_ADDRESS_KEYS),
        "lines": lines,
        "shipping_lines": shipping_lines,
        "discount_codes": [{"code": code, "amount": None} for code in node.strings("discountCodes")],
        "order_taxes": [_graphql_tax(tax) for tax in node.objects("taxLines")],
        "transactions": _transactions(node, "transactions", graphql=True),
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
    country = (_clean(address.get("country_code")) or "").upper()
    result = {
        "name": _clean(address.get("name")),
        "company": _clean(address.get("company")),
        "street": _clean(address.get("address1")),
        "street2": _clean(address.get("address2")),
        "city": _clean(address.get("city")),
        "zip": _clean(address.get("zip")),
        "state_code": _clean(address.get("province_code")),
        "country_code": country if len(country) == 2 and country.isascii() and country.isalpha() else None,
        "phone": _clean(address.get("phone")),
        "email": None,
    }
    return result if any(value for value in result.values()) else None


def _canonical_customer(flat, billing, shipping):
    customer = flat["customer"] or {}
    full_name = _clean(" ".join(p for p in (customer.get("first_name"), customer.get("last_name")) if p))
    email = _clean(customer.get("email")) or flat["email"]
    name = (
        full_name
        or (billing or {}).get("name")
        or (shipping or {}).get("name")
        or email
        or (f"Shopify customer {customer['id']}" if customer.get("id") else None)
        or f"Guest ({flat['name'] or flat['id']})"
    )
    if flat.get("company_id"):
        # a B2B order: the buyer orders for a Shopify company, whose partner
        # is bound as ``company:<id>`` (see COMPANY_BINDING_PREFIX)
        return {
            "external_id": f"{COMPANY_BINDING_PREFIX}{flat['company_id']}",
            "name": flat.get("company_name") or (billing or {}).get("company") or name,
            "email": email,
            "phone": _clean(customer.get("phone")) or flat["phone"] or (billing or {}).get("phone"),
            "company": flat.get("company_name") or (billing or {}).get("company"),
            "vat": None,
        }
    return {
        "external_id": customer.get("id"),
        "name": name,
        "email": email,
        "phone": _clean(customer.get("phone")) or flat["phone"] or (billing or {}).get("phone"),
        "company": (billing or {}).get("company") or (shipping or {}).get("company"),
        "vat": None,
    }


def _build_order(flat):
    paths = flat["paths"]
    if not flat["id"]:
        raise read.invalid(paths["id"], "the order has no id")
    currency = (flat["currency"] or "").upper()
    if len(currency) != 3 or not (currency.isascii() and currency.isalpha()):
        raise read.invalid(
            paths["currency"], f"expected a 3-letter currency code, got {read.show(flat['currency'])}"
        )

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
        if not line["quantity"]:
            continue  # removed by an order edit, or a zero-quantity placeholder
        if not line["id"]:
            raise read.invalid(read.at(line["path"], "id"), "a line item with a quantity has no id")
        if line["price"] is None:
            raise read.invalid(read.at(line["path"], "price"), "a line item with a quantity has no price")
        if line["allocations"]:
            allocated = True
            discount = _total(line["allocations"], line["path"], "the sum of the discount allocations")
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
                "quantity": _count(line["quantity"]),
                "unit_price": _money(line["price"]),
                "discount_amount": _money(discount),
                "taxes": taxes,
            }
        )
    if not lines:
        raise read.invalid(paths["lines"], "no line item with a positive quantity")

    shipping_lines = []
    shipping_total = ZERO
    for ship in flat["shipping_lines"]:
        price = ship["price"] or ZERO
        if ship["allocations"]:
            allocated = True
            ship_discount = _total(ship["allocations"], ship["path"], "the sum of the discount allocations")
            price = _bounded(price - ship_discount, ship["path"], "the price net of its discounts")
            line_discounts += ship_discount
        shipping_total += price
        shipping_lines.append(
            {
                "code": ship["code"],
                "title": ship["title"],
                "price": _money(price),
                "taxes": _canonical_taxes(ship["taxes"]),
            }
        )
    _bounded(shipping_total, paths["shipping_lines"], "the total shipping price")

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
            budget = _bounded(budget, paths["discount"], "the discount not allocated to lines")
            discounts.append({"code": name, "amount": _money(budget)})

    billing = _canonical_address(flat["billing"])
    shipping = _canonical_address(flat["shipping"])
    totals = {key: _money(value) for key, value in flat["totals"].items() if value is not None}
    totals["shipping"] = _money(shipping_total)
    order = {
        "schema_version": SCHEMA_VERSION,
        "external_id": flat["id"],
        "name": flat["name"] or (f"#{flat['order_number']}" if flat["order_number"] else flat["id"]),
        "created_at": flat["created_at"],
        "updated_at": flat["updated_at"],
        "cancelled_at": flat["cancelled_at"],
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
        "note": flat["note"],
        "tags": flat["tags"],
        "po_number": flat.get("po_number"),
        "payment_terms": flat.get("payment_terms"),
    }
    if flat["transactions"] is not None:
        order["transactions"] = flat["transactions"]
    return order


# ----------------------------------------------------------------------------
# public API
# ----------------------------------------------------------------------------


def order_to_canonical(order: dict) -> dict:
    """Canonical order v1 from a REST resource / webhook body (or ``{"order": …}``)."""
    return _build_order(_normalise_rest(_root(order, "order")))


def graphql_order_to_canonical(node: dict) -> dict:
    """Canonical order v1 from a GraphQL ``Order`` node (fragment
    ``ShopifyOrder`` of :mod:`.queries`)."""
    return _build_order(_normalise_graphql(Reader.root(node)))


def refund_to_canonical(refund: dict) -> dict:
    """A small channel-neutral refund from the REST / ``refunds/create`` shape.

    Result::

        {"external_id": "509562969", "order_external_id": "450789469",
         "created_at": "2016-06-20T17:35:06Z", "note": str | None,
         "restock": bool,            # legacy flag, or any line restocked
         "lines": [{"line_external_id", "sku", "quantity",
                    "subtotal", "tax", "restock_type"}],
         "amount": Decimal,          # successful refund transactions
         "currency": str | None}

    ``subtotal``/``tax`` come from ``refund_line_items[].subtotal`` /
    ``total_tax`` when present; older payloads lack them, then they are
    derived from the refunded line item (unit price × quantity minus its
    discount share; its tax lines pro rata).
    """
    refund = _root(refund, "refund")
    refund_id = _ident(refund, "id")
    order_id = _ident(refund, "order_id")
    if not refund_id:
        raise read.invalid(refund.at("id"), "the refund has no id")
    if not order_id:
        raise read.invalid(refund.at("order_id"), "the refund names no order")
    lines = []
    restocked = refund.boolean("restock")
    for item in refund.objects("refund_line_items"):
        line_item = item.object("line_item")
        quantity = item.quantity("quantity") or ZERO
        subtotal = _rest_amount(item, "subtotal")
        tax = _rest_amount(item, "total_tax")
        ordered = line_item.quantity("quantity") or quantity or Decimal(1)
        share = quantity / ordered
        if subtotal is None:
            price = _rest_amount(line_item, "price") or ZERO
            discount = _total(
                (_rest_amount(a, "amount") or ZERO for a in line_item.objects("discount_allocations")),
                line_item.at("discount_allocations"),
                "the sum of the discount allocations",
            ) or (_rest_amount(line_item, "total_discount") or ZERO)
            subtotal = _bounded(price * quantity - discount * share, item.path, "the refunded subtotal")
        if tax is None:
            tax = _total(
                (_rest_amount(t, "price") or ZERO for t in line_item.objects("tax_lines")),
                line_item.at("tax_lines"),
                "the sum of the tax lines",
            )
            tax = _bounded(tax * share, item.path, "the refunded tax")
        restock_type = item.string("restock_type")
        if restock_type in ("return", "cancel"):
            restocked = True
        lines.append(
            {
                "line_external_id": _ident(item, "line_item_id") or _ident(line_item, "id"),
                "sku": line_item.text("sku"),
                "quantity": _count(quantity),
                "subtotal": _cents(subtotal),
                "tax": _cents(tax),
                "restock_type": restock_type,
            }
        )
    amount = ZERO
    currency = None
    for transaction in refund.objects("transactions"):
        kind = transaction.string("kind") if "kind" in transaction else "refund"
        if kind != "refund":
            continue
        if transaction.string("status") not in (None, "success"):
            continue
        amount += _rest_amount(transaction, "amount") or ZERO
        currency = currency or transaction.text("currency")
    _bounded(amount, refund.at("transactions"), "the amount refunded")
    created = "created_at" if refund.get("created_at") not in (None, "") else "processed_at"
    return {
        "external_id": refund_id,
        "order_external_id": order_id,
        "created_at": refund.timestamp(created),
        "note": refund.text("note"),
        "restock": restocked,
        "lines": lines,
        "amount": _money(amount),
        "currency": currency,
    }


def _active(status):
    """Shopify's product status (REST ``active``/``archived``/``draft``,
    GraphQL ``ACTIVE``/...): only an archived product is inactive."""
    return (status or "").lower() != "archived"


def product_to_canonical(product: dict) -> dict:
    """Canonical product v1 (``{schema_version, external_id, name, active,
    updated_at, variants: [{external_id, sku, barcode, price,
    inventory_item_id, title}]}``) from a REST product or a GraphQL
    ``Product``: what both shapes give (the GraphQL queries read no vendor,
    type or weight), so both map the same product to the same payload.

    The GraphQL shape is recognised by its GID / connection of variants. A
    Shopify product always has at least one variant (the default one); a
    product without any is refused, as the schema wants. Prices are
    Decimals, as Shopify wrote them.
    """
    product = _root(product, "product")
    graphql = isinstance(product.get("variants"), dict) or "legacyResourceId" in product
    product_id = (
        product.ident("legacyResourceId") or _ident(product, "id") if graphql else _ident(product, "id")
    )
    if not product_id:
        raise read.invalid(product.at("id"), "the product has no id")
    variants = []
    for variant in _nodes(product, "variants"):
        if graphql:
            inventory_item = _ident(variant.object("inventoryItem"), "id")
            price = _amount(variant, "price")
        else:
            inventory_item = _ident(variant, "inventory_item_id")
            price = _rest_amount(variant, "price")
        variant_id = variant.ident("legacyResourceId") or _ident(variant, "id")
        if not variant_id:
            raise read.invalid(variant.at("id"), "a variant has no id")
        variants.append(
            {
                "external_id": variant_id,
                "sku": variant.text("sku"),
                "barcode": variant.text("barcode"),
                "price": _money(price),
                "inventory_item_id": inventory_item,
                "title": variant.text("title"),
            }
        )
    if not variants:
        raise read.invalid(product.at("variants"), "a product has at least one variant")
    return {
        "schema_version": SCHEMA_VERSION,
        "external_id": product_id,
        "name": product.text("title") or product_id,
        "active": _active(product.string("status")),
        "updated_at": product.timestamp("updatedAt" if graphql else "updated_at"),
        "variants": variants,
    }


def refund_to_credit_note(refund: dict, currency=None) -> dict:
    """Canonical invoice v1 of kind credit note from a refund as
    :func:`refund_to_canonical` gives it: what integration_core's credit
    note importer books. ``currency``: the order's, for a refund whose
    transactions name none. The credit note is dated when Odoo books it.

    Each refunded line with a quantity credits its order line (by the
    line item's id, else its SKU) at its refunded subtotal (net of its
    discount share) divided by the quantity. A refund of no line (shipping,
    goodwill) is one line of the refunded amount, without taxes. A refund
    of nothing at all is refused.
    """
    lines = []
    for index, line in enumerate(refund["lines"]):
        if not line["quantity"]:
            continue
        quantity = Decimal(line["quantity"])
        lines.append(
            {
                "order_line_external_id": line["line_external_id"],
                "sku": line["sku"],
                "name": line["sku"] or f"Refunded line {line['line_external_id'] or index + 1}",
                "quantity": line["quantity"],
                "unit_price": _unit_price(line["subtotal"], quantity),
            }
        )
    if not lines and refund["amount"]:
        lines.append(
            {
                "name": refund["note"] or "Shopify refund",
                "quantity": 1,
                "unit_price": refund["amount"],
                "taxes": [],
            }
        )
    if not lines:
        raise read.invalid("refund_line_items", "the refund credits nothing (no line, no amount refunded)")
    code = (refund["currency"] or currency or "").upper()
    if len(code) != 3 or not (code.isascii() and code.isalpha()):
        raise read.invalid(
            "transactions",
            f"expected a 3-letter currency code, got {read.show(refund['currency'] or currency)}",
        )
    return {
        "schema_version": SCHEMA_VERSION,
        "external_id": refund["external_id"],
        "number": f"Shopify refund {refund['external_id']}",
        "move_type": "credit_note",
        "order_ref": refund["order_external_id"],
        "note": refund["note"],
        "currency": code,
        "lines": lines,
    }


def _unit_price(subtotal, quantity):
    """``subtotal / quantity``, exact when it divides, else to 6 places
    (Odoo rounds a unit price to its own digits anyway)."""
    price = subtotal / quantity
    exact = price.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    return price if price == exact else exact
