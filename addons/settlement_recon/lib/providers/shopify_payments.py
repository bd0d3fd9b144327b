"""Shopify Payments payouts and their balance transactions, read over the
GraphQL Admin API and mapped to the canonical ``payout`` (with its lines,
``settlement_line``).

Entry points (the Odoo layer calls these; ``client`` is channel_shopify's
:class:`~odoo.addons.channel_shopify.lib.client.ShopifyClient`, whose cost
throttling, error classification and pagination every call goes through):

- ``fetch_payouts(client, since=None, until=None, *, overlap=DEFAULT_OVERLAP)``
  yields canonical payout dicts, oldest issued first: the payouts issued
  from ``since - overlap`` (to ``until``), each with all its lines. Shopify
  sends no payout webhook, so a scheduled run polls with an overlap: a
  payout's status changes after it is issued (SCHEDULED -> PAID, or FAILED
  days later), and the overlap reads recent payouts again; the caller
  updates what it has by ``external_id``.
- ``fetch_payout(client, payout_id)``: one canonical payout (legacy id or
  GID), or None.
- ``map_payout(payout_node, transaction_nodes, *, lines_complete=True)`` and
  ``map_line(node, payout_id=None)``: the pure mappers, for raw nodes kept
  by the caller (raw payloads are kept, then mapped again when a family
  table changes).
- ``iter_raw_payouts(client, since=None, until=None, *, overlap=...)``
  yields ``(payout_node, transaction_nodes)`` as Shopify sent them (the raw
  payloads to keep); ``iter_payout_nodes`` / ``payout_transaction_nodes``
  are the raw pages.

Shopify's side (shopify.dev, Admin GraphQL 2025-01):
``shopifyPaymentsAccount { payouts(query: "issued_at:>='...'", sortKey:
ISSUED_AT) }`` and ``balanceTransactions(query:
"payments_transfer_id:<payout legacy id>")``, which lists the payout's lines
and its own ``TRANSFER`` (the money leaving the balance, -net).
``ShopifyPaymentsPayout.externalTraceId`` (the bank's trace reference) exists
from API version 2025-10: it is asked for only when the client's version has
it, else ``trace_reference`` is None and the bank match relies on amount and
date.

The mapping (sign conventions of the canonical kinds: from the merchant's
balance, charge +, refund -, fee positive when charged, net = amount - fee;
the values are Shopify's, never recomputed, so the integrity gate sees what
Shopify said):

- ids are the numeric ids as strings: a payout's ``legacyResourceId``, a
  balance transaction's GID reduced to its number, and
  ``order_transaction_id`` = ``sourceOrderTransactionId`` (a BigInt: digits),
  the same form as channel_shopify's canonical order
  ``transactions[].external_id``; ``order_ref`` is the order's numeric id
  (channel_shopify's order ``external_id``), its name goes in the
  description;
- ``family`` comes from :data:`FAMILIES` by ``type``; for ``DISPUTE`` and
  ``RESERVED_FUNDS`` the sign decides (a dispute taken back vs. won back, a
  reserve held vs. released). A type not in the table is ``unknown`` (the
  exception queue);
- the payout's own ``TRANSFER`` is not a line (the lines' nets sum to the
  payout's amount); a ``TRANSFER_FAILURE`` of an earlier payout is one;
- ``direction`` from ``transactionType`` (``WITHDRAWAL`` is a debit),
  else from the sign of ``net``; ``amount`` is signed by the direction;
- amounts are decimal strings at the currency's minor unit (``"96.8"`` ->
  ``"96.80"``; JPY has none), never floats.

Malformed nodes raise ``ValidationFailed`` naming the path
(``lines[3].amount.amount: expected a number, got 'x'``); a shop without a
Shopify Payments account raises ``BusinessRuleError``.
"""

from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP

from odoo.addons.channel_shopify.lib.gid import from_gid, to_gid
from odoo.addons.integration_core.lib import reader as read
from odoo.addons.integration_core.lib.exceptions import BusinessRuleError
from odoo.addons.integration_core.lib.money import currency_quantum
from odoo.addons.integration_core.lib.reader import Reader

PROVIDER = "shopify_payments"
SCHEMA_VERSION = 1
DEFAULT_OVERLAP = timedelta(days=7)
EXTERNAL_TRACE_ID_SINCE = "2025-10"
PAYOUTS_PAGE = 50
LINES_PAGE = 90

# ShopifyPaymentsTransactionType -> family; a tuple is (family when the
# amount is negative, family when positive).
FAMILIES = {
    "CHARGE": "charge",
    "REFUND": "refund",
    "DISPUTE": ("dispute", "dispute_reversal"),
    "RESERVED_FUNDS": ("reserve_hold", "reserve_release"),
    "RESERVED_FUNDS_WITHDRAWAL": "reserve_hold",
    "RESERVED_FUNDS_REVERSAL": "reserve_release",
    "ADJUSTMENT": "adjustment",
    "CHANNEL_CREDIT": "adjustment",
    "CHANNEL_CREDIT_REVERSAL": "adjustment",
    "APPLICATION_FEE_REFUND": "fee",
    "BILLING_DEBIT": "fee",
    "BILLING_DEBIT_REVERSAL": "fee",
    "ADVANCE": "transfer",
    "ADVANCE_FUNDING": "transfer",
    "TRANSFER": "payout",
    "TRANSFER_FAILURE": "payout",
    "TRANSFER_CANCEL": "payout",
    "TRANSFER_REFUND": "payout",
}
# The fee of a line, by type, in fee_details (Shopify gives one fee amount).
FEE_TYPES = {"CHARGE": "processing_fee", "DISPUTE": "chargeback_fee"}
PAYOUT_STATUSES = {
    "SCHEDULED": "scheduled",
    "IN_TRANSIT": "in_transit",
    "PAID": "paid",
    "FAILED": "failed",
    "CANCELED": "canceled",
}

ACCOUNT_QUERY = """
query ShopifyPaymentsAccount {
  shopifyPaymentsAccount { id activated defaultCurrency balance { amount currencyCode } }
}
"""

_PAYOUT_FIELDS = """
id legacyResourceId status issuedAt transactionType %(trace)s
net { amount currencyCode }
summary {
  chargesGross { amount } chargesFee { amount }
  refundsFeeGross { amount } refundsFee { amount }
  adjustmentsGross { amount } adjustmentsFee { amount }
  reservedFundsGross { amount } reservedFundsFee { amount }
  retriedPayoutsGross { amount } retriedPayoutsFee { amount }
}
"""
# payout 1 + net 1 + summary 1 + its 10 moneys
PAYOUT_NODE_COST = 13

_PAYOUTS_QUERY = """
query ShopifyPaymentsPayouts($first: Int!, $after: String, $query: String) {
  shopifyPaymentsAccount {
    payouts(first: $first, after: $after, query: $query, sortKey: ISSUED_AT) {
      pageInfo { hasNextPage endCursor }
      nodes { %s }
    }
  }
}
"""

BALANCE_TRANSACTIONS_QUERY = """
query ShopifyPaymentsPayoutTransactions($first: Int!, $after: String, $query: String!) {
  shopifyPaymentsAccount {
    balanceTransactions(first: $first, after: $after, query: $query, sortKey: PROCESSED_AT) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id type test transactionDate sourceId sourceType sourceOrderTransactionId adjustmentReason
        amount { amount currencyCode } fee { amount currencyCode } net { amount currencyCode }
        associatedOrder { id name }
        associatedPayout { id status }
        adjustmentsOrders { orderTransactionId name amount { amount } }
      }
    }
  }
}
"""
# transaction 1 + amount, fee, net 3 + order 1 + payout 1 + adjustment orders 2
BALANCE_TRANSACTION_NODE_COST = 8


def has_external_trace_id(api_version):
    """Whether ``ShopifyPaymentsPayout.externalTraceId`` exists in that API version."""
    return api_version == "unstable" or (api_version or "") >= EXTERNAL_TRACE_ID_SINCE


def payouts_query(api_version):
    """The payouts page document for ``api_version`` (with ``externalTraceId`` from 2025-10)."""
    fields = _PAYOUT_FIELDS % {"trace": "externalTraceId" if has_external_trace_id(api_version) else ""}
    return _PAYOUTS_QUERY % fields


# ----------------------------------------------------------------------------
# reading (through channel_shopify's client)
# ----------------------------------------------------------------------------


def payments_account(client):
    """The ``ShopifyPaymentsAccount`` node; BusinessRuleError when the shop has none."""
    account = client.graphql(ACCOUNT_QUERY).get("shopifyPaymentsAccount")
    if not account:
        raise BusinessRuleError("This Shopify shop has no Shopify Payments account")
    return account


def _utc_text(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _moment(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def iter_payout_nodes(client, since=None, until=None, *, query=None, page_size=PAYOUTS_PAGE):
    """Raw ``ShopifyPaymentsPayout`` nodes issued from ``since`` to ``until``
    (datetimes or ISO texts, naive means UTC; both inclusive, either may be
    None), oldest first, page by page."""
    terms = []
    if since is not None:
        terms.append(f"issued_at:>='{_utc_text(since)}'")
    if until is not None:
        terms.append(f"issued_at:<='{_utc_text(until)}'")
    if query:
        terms.append(query)
    return client.paginate(
        payouts_query(client.api_version),
        ("shopifyPaymentsAccount", "payouts"),
        {"query": " ".join(terms) or None},
        page_size=page_size,
        node_cost=PAYOUT_NODE_COST,
    )


def payout_transaction_nodes(client, payout_id, *, page_size=LINES_PAGE):
    """Every raw ``ShopifyPaymentsBalanceTransaction`` node of one payout
    (legacy id or GID), its own ``TRANSFER`` included."""
    legacy_id = from_gid(payout_id)
    return list(
        client.paginate(
            BALANCE_TRANSACTIONS_QUERY,
            ("shopifyPaymentsAccount", "balanceTransactions"),
            {"query": f"payments_transfer_id:{legacy_id}"},
            page_size=page_size,
            node_cost=BALANCE_TRANSACTION_NODE_COST,
        )
    )


def iter_raw_payouts(
    client,
    since=None,
    until=None,
    *,
    overlap=DEFAULT_OVERLAP,
    page_size=PAYOUTS_PAGE,
    lines_page_size=LINES_PAGE,
):
    """``(payout_node, transaction_nodes)`` pairs as Shopify sent them, for
    the payouts issued from ``since - overlap`` to ``until``: what the
    caller keeps as raw payloads and maps with :func:`map_payout`.
    BusinessRuleError when the shop has no Shopify Payments account."""
    payments_account(client)
    start = _moment(since) - overlap if since is not None else None
    for node in iter_payout_nodes(client, start, until, page_size=page_size):
        legacy_id = node.get("legacyResourceId") or node.get("id")
        yield node, payout_transaction_nodes(client, legacy_id, page_size=lines_page_size)


def fetch_payouts(
    client,
    since=None,
    until=None,
    *,
    overlap=DEFAULT_OVERLAP,
    page_size=PAYOUTS_PAGE,
    lines_page_size=LINES_PAGE,
):
    """Canonical payouts issued from ``since - overlap`` to ``until``, each
    with all its lines (see the module docstring)."""
    for node, transactions in iter_raw_payouts(
        client, since, until, overlap=overlap, page_size=page_size, lines_page_size=lines_page_size
    ):
        yield map_payout(node, transactions)


def fetch_payout(client, payout_id):
    """One canonical payout by its legacy id or GID, or None when Shopify does not know it."""
    legacy_id = from_gid(payout_id)
    for node in iter_payout_nodes(client, query=f"id:{legacy_id}", page_size=1):
        if from_gid(node.get("legacyResourceId") or node.get("id")) == legacy_id:
            return map_payout(node, payout_transaction_nodes(client, legacy_id))
    return None


# ----------------------------------------------------------------------------
# mapping (pure)
# ----------------------------------------------------------------------------


def minor_unit(currency):
    return currency_quantum(currency)


def decimal_text(amount, currency):
    """A canonical decimal string: at the currency's minor unit when that is
    exact (``96.8`` -> ``"96.80"``), else every digit Shopify gave."""
    quantized = amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)
    value = quantized if quantized == amount else amount.normalize()
    return format(value.copy_abs() if not value else value, "f")  # never "-0.00"


def _money(node, key, currency=None):
    """``(amount, currency)`` of a ``MoneyV2`` under ``key`` (amount required)."""
    money = node.object(key)
    amount = money.money("amount")
    if amount is None:
        raise read.invalid(money.at("amount"), "an amount is required")
    code = (money.text("currencyCode") or currency or "").upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise read.invalid(
            money.at("currencyCode"), f"expected a 3-letter currency code, got {read.show(code)}"
        )
    return amount, code


def family_of(provider_type, amount):
    """The family of a ``ShopifyPaymentsTransactionType`` (``unknown`` when not in :data:`FAMILIES`)."""
    family = FAMILIES.get(provider_type, "unknown")
    if isinstance(family, tuple):
        return family[0] if amount < 0 else family[1]
    return family


def _availability(payout_status):
    if not payout_status:
        return None
    return "pending" if payout_status in ("PENDING", "ACTION_REQUIRED") else "available"


def map_line(node, payout_id=None, *, path=""):
    """One ``ShopifyPaymentsBalanceTransaction`` node -> canonical settlement line."""
    line = Reader.root(node, path)
    external_id = from_gid(line.ident("id"))
    if not external_id:
        raise read.invalid(line.at("id"), "a balance transaction has no id")
    provider_type = line.text("type")
    if not provider_type:
        raise read.invalid(line.at("type"), "a balance transaction has no type")
    amount, currency = _money(line, "amount")
    fee, _ = _money(line, "fee", currency)
    net, _ = _money(line, "net", currency)
    order = line.object("associatedOrder")
    payout = line.object("associatedPayout")
    order_transaction = from_gid(line.ident("sourceOrderTransactionId"))
    adjustment_orders = line.objects("adjustmentsOrders")
    if not order_transaction and len(adjustment_orders) == 1:
        order_transaction = from_gid(adjustment_orders[0].ident("orderTransactionId"))
    source_type = line.text("sourceType")
    source_id = from_gid(line.ident("sourceId"))
    order_name = order.text("name") or (
        adjustment_orders[0].text("name") if len(adjustment_orders) == 1 else None
    )
    description = line.text("adjustmentReason") or (f"Order {order_name}" if order_name else None)
    result = {
        "schema_version": SCHEMA_VERSION,
        "provider": PROVIDER,
        "external_id": external_id,
        "payout_id": from_gid(payout_id) if payout_id else from_gid(payout.ident("id")),
        "provider_type": provider_type,
        "family": family_of(provider_type, amount),
        "amount": decimal_text(amount, currency),
        "fee": decimal_text(fee, currency),
        "net": decimal_text(net, currency),
        "currency": currency,
        "fee_details": [{"type": FEE_TYPES.get(provider_type, "fee"), "amount": decimal_text(fee, currency)}]
        if fee
        else [],
        "presentment_amount": None,
        "presentment_currency": None,
        "exchange_rate": None,
        "order_transaction_id": order_transaction,
        "order_ref": from_gid(order.ident("id")),
        "source_id": source_id,
        "dispute_id": source_id if source_type == "DISPUTE" else None,
        "availability": _availability(payout.text("status")),
        "created_at": line.timestamp("transactionDate"),
        "available_on": None,
        "description": description,
        "raw": node if isinstance(node, dict) else None,
    }
    return result


def _is_own_transfer(node, payout_legacy_id):
    """The payout's own ``TRANSFER`` (the balance paying it out), not a line."""
    return (
        isinstance(node, dict)
        and node.get("type") == "TRANSFER"
        and from_gid(node.get("sourceId")) == payout_legacy_id
    )


def map_payout(payout_node, transaction_nodes, *, lines_complete=True):
    """A ``ShopifyPaymentsPayout`` node and its balance transaction nodes
    (as ``balanceTransactions(query: "payments_transfer_id:...")`` gives
    them) -> canonical payout. ``lines_complete=False`` when the caller
    could not read them all."""
    payout = Reader.root(payout_node)
    legacy_id = from_gid(payout.ident("legacyResourceId") or payout.ident("id"))
    if not legacy_id:
        raise read.invalid(payout.at("legacyResourceId"), "the payout has no id")
    status_text = payout.text("status")
    status = PAYOUT_STATUSES.get(status_text or "")
    if status is None:
        raise read.invalid(payout.at("status"), f"unknown payout status {read.show(status_text)}")
    net, currency = _money(payout, "net")
    kind = payout.text("transactionType")
    if kind in ("DEPOSIT", "WITHDRAWAL"):
        direction = "debit" if kind == "WITHDRAWAL" else "credit"
    else:
        direction = "debit" if net < 0 else "credit"
    amount = -net.copy_abs() if direction == "debit" else net.copy_abs()
    if not isinstance(transaction_nodes, (list, tuple)):
        raise read.invalid("lines", f"expected a list, got {type(transaction_nodes).__name__}")
    lines = [
        map_line(node, legacy_id, path=f"lines[{index}]")
        for index, node in enumerate(transaction_nodes)
        if not _is_own_transfer(node, legacy_id)
    ]
    issued = payout.timestamp("issuedAt")
    return {
        "schema_version": SCHEMA_VERSION,
        "provider": PROVIDER,
        "external_id": legacy_id,
        "status": status,
        "direction": direction,
        "amount": decimal_text(amount, currency),
        "currency": currency,
        "created_at": issued,
        "arrival_date": None,
        "trace_reference": payout.text("externalTraceId"),
        "bank_account": None,
        "failure_code": "failed" if status == "failed" else None,
        "lines_complete": bool(lines_complete),
        "lines": lines,
        "raw": payout_node if isinstance(payout_node, dict) else None,
    }


def payout_gid(legacy_id):
    """``gid://shopify/ShopifyPaymentsPayout/<id>`` of a legacy payout id."""
    return to_gid("ShopifyPaymentsPayout", legacy_id)
