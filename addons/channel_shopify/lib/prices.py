"""Prices out, the plain part: what to send, in which calls, and what was
refused. No ORM, no HTTP (the exporter model reads Odoo, the client calls
Shopify).

- :func:`price_hash`: the fingerprint of what was pushed for one variant to
  one target (the store's own price, or one price list). Kept on the
  variant's binding: a variant is sent again only when its hash changes.
- :func:`compare_at`: Shopify shows a compare-at price (struck through)
  only above the price; otherwise it is cleared.
- :func:`refusal`: a price we refuse to send (negative, currency not
  enabled on the store): Shopify would refuse it, or worse, show it.
- :func:`variant_batches`: ``productVariantsBulkUpdate`` takes the variants
  of one product, at most :data:`PRICE_BATCH_SIZE` a call: one call per
  product (per 250 of its variants).
- :func:`fixed_price_batches`: ``priceListFixedPricesAdd`` takes at most
  :data:`PRICE_BATCH_SIZE` prices a call, of any products.
- :func:`refused_inputs`: which inputs of a call Shopify refused, read from
  the ``field`` paths of its userErrors (``["variants", "3", "price"]``).

Money is Decimal throughout, rounded to the currency's minor unit, and
written as Shopify's decimal strings.
"""

import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .gid import to_gid

# shopify.dev "Shopify API limits": an input array takes at most 250 items.
PRICE_BATCH_SIZE = 250
# The target of a variant's own price (productVariantsBulkUpdate), in hashes.
STORE_TARGET = "store"

# Why a price is not sent: a stable code (the cause users fix) and its words.
REFUSED_NEGATIVE = "price.negative"
REFUSED_CURRENCY = "price.currency_not_enabled"
REFUSED_GONE = "price.variant_gone"
REFUSED_REMOTE = "price.refused"


@dataclass(frozen=True)
class VariantPrice:
    """One variant's price for one target.

    variant_id: the Shopify variant (legacy id); product_id: its Shopify
    product (legacy id, needed by productVariantsBulkUpdate); price and
    compare_at: Decimals in ``currency`` (compare_at None: none shown);
    res_id: the Odoo product.product (for refusals)."""

    variant_id: str
    product_id: str | None
    price: Decimal
    compare_at: Decimal | None
    currency: str
    res_id: int = 0


def quantize(amount, digits=2):
    """``amount`` (Decimal, float or str) rounded half up to ``digits`` decimals."""
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def money_text(amount):
    """Shopify's Money/Decimal input: ``"12.30"``."""
    return format(amount, "f")


def compare_at(price, candidate):
    """The compare-at price to show with ``price``: ``candidate`` when it is
    above the price, else None (Shopify clears it)."""
    if candidate is None or candidate <= price:
        return None
    return candidate


def price_hash(price, compare_at_price, currency):
    """A short fingerprint of what one target shows for a variant."""
    text = "|".join(
        (
            currency or "",
            money_text(price),
            money_text(compare_at_price) if compare_at_price is not None else "",
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def refusal(item, enabled_currencies=None):
    """(code, words) when ``item`` must not be sent, else None."""
    if item.price < 0 or (item.compare_at is not None and item.compare_at < 0):
        return REFUSED_NEGATIVE, f"negative price {money_text(item.price)} {item.currency}"
    if enabled_currencies is not None and item.currency not in enabled_currencies:
        return REFUSED_CURRENCY, f"currency {item.currency} is not enabled on the Shopify store"
    return None


def variant_input(item):
    """A ``ProductVariantsBulkInput``: id, price and compare-at price (null clears it)."""
    return {
        "id": to_gid("ProductVariant", item.variant_id),
        "price": money_text(item.price),
        "compareAtPrice": money_text(item.compare_at) if item.compare_at is not None else None,
    }


def variant_batches(items, size=PRICE_BATCH_SIZE):
    """``[(product_id, [VariantPrice])]``: each product's variants, at most
    ``size`` a batch, products in a stable order."""
    by_product = {}
    for item in items:
        by_product.setdefault(item.product_id, []).append(item)
    batches = []
    for product_id in sorted(by_product, key=str):
        group = sorted(by_product[product_id], key=lambda i: str(i.variant_id))
        for start in range(0, len(group), size):
            batches.append((product_id, group[start : start + size]))
    return batches


def fixed_price_input(item):
    """A ``PriceListPriceInput``: the variant, its price and compare-at price as MoneyInput."""
    value = {
        "variantId": to_gid("ProductVariant", item.variant_id),
        "price": {"amount": money_text(item.price), "currencyCode": item.currency},
    }
    if item.compare_at is not None:
        value["compareAtPrice"] = {"amount": money_text(item.compare_at), "currencyCode": item.currency}
    return value


def fixed_price_batches(items, size=PRICE_BATCH_SIZE):
    """The price list's prices in chunks of ``size``, in a stable order."""
    ordered = sorted(items, key=lambda i: (str(i.product_id), str(i.variant_id)))
    return [ordered[start : start + size] for start in range(0, len(ordered), size)]


def refused_inputs(user_errors, argument):
    """``{index: (code, message)}`` of the inputs of ``argument`` (e.g.
    ``"variants"``, ``"prices"``) that userErrors name; errors naming no
    input are under the key None."""
    refused = {}
    for error in user_errors or []:
        field = [str(part) for part in (error.get("field") or [])]
        index = None
        if len(field) >= 2 and field[0] == argument and field[1].isdigit():
            index = int(field[1])
        code = error.get("code") or "INVALID"
        message = error.get("message") or code
        if index in refused:
            continue
        refused[index] = (code, f"{'.'.join(field)}: {message}" if field else message)
    return refused
