"""Stripe: payouts and the balance transactions they settle, mapped to the
canonical ``payout`` / ``settlement_line``, and signed webhooks.

Entry points the Odoo layer calls::

    client = StripeClient(base_url, api_key=secret_key)          # or backend._http_client(...)
    for payout in fetch_payouts(client, since, until):           # canonical payout dicts, with lines
        ...
    payout = fetch_payout(client, "po_...")                      # after a payout.* webhook
    event = verify_signature(body, headers["Stripe-Signature"], [whsec, ...])
    for line in fetch_balance_lines(client, since, until):       # wallet model (manual payouts)
        ...

All of it follows Stripe's published API reference (docs.stripe.com/api)
and OpenAPI document (github.com/stripe/openapi):

Requests
    ``GET /v1/payouts`` (``created[gte]``, ``created[lte]``; the bank
    account expanded on request only), ``GET /v1/payouts/{id}``, ``GET
    /v1/balance_transactions`` (``payout=``, ``created[...]``,
    ``expand[]=data.source``: the charge, refund or dispute behind a line). Lists are cursor-paged:
    ``limit`` (1 to 100), ``starting_after=<last id>`` while ``has_more``.
    Every request carries ``Authorization: Bearer <secret key>`` and a
    pinned ``Stripe-Version`` (:data:`API_VERSION`), so a change of the
    account's default version changes nothing here.

Errors
    Stripe answers errors with ``{"error": {"type", "code", "message",
    "param", ...}}``. On top of the base client's classification (timeouts,
    429 and 5xx retryable; other 4xx permanent: ``invalid_request_error``,
    ``idempotency_error``, a wrong key...), the ``Stripe-Should-Retry``
    header Stripe sends is honoured: ``true`` on a 4xx (a lock conflict, say)
    makes it retryable. The permanent error's message names Stripe's type,
    code and message, and its ``code`` is ``stripe.<type>.<code>``.

Mapping (:func:`map_payout`, :func:`map_balance_transaction`)
    - Amounts are integers in the currency's smallest unit; they become
      decimal strings by Stripe's own exponent of the currency
      (:func:`currency_exponent`: 0 for JPY, KRW and the other zero-decimal
      currencies, 3 for BHD, JOD, KWD, OMR, TND, 2 otherwise, ISK, HUF and
      TWD included, which Stripe keeps two-decimal in the API).
    - ``reporting_category`` (Stripe's own grouping for accounting) gives
      the family, through :data:`FAMILY_BY_CATEGORY`; reserve categories go
      by sign (held negative, released positive). A category not in the
      table is family ``unknown``, never an error.
    - ``fee_details[]`` becomes ``fee_details`` (type, amount, description).
    - The payout's own balance transaction (``type=payout`` whose source is
      the payout) is what the payout *is*, not one of its lines: it is left
      out, so that the payout amount equals the sum of the lines' net.
    - ``order_transaction_id`` is the charge or refund behind the line
      (``source`` ``ch_``/``py_``/``re_``/``pyr_``/``pi_``), for a dispute the
      disputed charge (``source`` expanded: the dispute's ``charge``), for
      a partial-capture reversal the charge it reduces.
    - A negative payout amount is a debit payout (Stripe takes money from
      the bank to cover a negative balance); ``trace_id.value`` is the
      trace reference the bank line will carry; ``pending`` is scheduled.
    - A manual payout (``automatic: false``) has no lines: Stripe lists
      balance transactions by payout for automatic payouts only. It is the
      wallet model: the Odoo layer books it as an internal transfer from
      the Stripe balance to the in-transit account, and the balance lines
      come from :func:`fetch_balance_lines`.
    - An automatic payout whose ``reconciliation_status`` is
      ``in_progress`` may not list all its transactions yet:
      ``lines_complete`` is False and the payout is fetched again on
      ``payout.reconciliation_completed``.

Webhooks (:func:`verify_signature`)
    ``Stripe-Signature: t=<unix time>,v1=<hex>,v1=<hex>``: the HMAC-SHA256,
    keyed with the endpoint's signing secret, of ``"<t>.<raw body>"``.
    Several ``v1`` are allowed (secret rolling), and several secrets may be
    configured; any match passes. A timestamp further than ``tolerance``
    seconds (300 by default, as Stripe's libraries) from now is refused,
    so that a captured delivery cannot be replayed.
"""

import json
import logging
import time
from datetime import datetime, timezone
from decimal import Decimal

from odoo.addons.integration_core.lib import signature
from odoo.addons.integration_core.lib.exceptions import (
    MappingError,
    PermanentError,
    RemoteRejected,
    RemoteServerError,
    ValidationFailed,
)
from odoo.addons.integration_core.lib.http_client import IntegrationHttpClient
from odoo.addons.integration_core.lib.rate_limit import TokenBucket

from .common import amount_from, as_utc, check_family_table, checked, decimal_string, family_of, rfc3339

__all__ = [
    "API_URL",
    "API_VERSION",
    "FAMILY_BY_CATEGORY",
    "PAYOUT_EVENTS",
    "StripeClient",
    "WebhookSignatureError",
    "currency_exponent",
    "fetch_balance_lines",
    "fetch_payout",
    "fetch_payouts",
    "map_balance_transaction",
    "map_payout",
    "minor_to_decimal",
    "payout_id_of_event",
    "verify_signature",
]

_logger = logging.getLogger(__name__)

PROVIDER = "stripe"
API_URL = "https://api.stripe.com"
API_VERSION = "2024-06-20"  # pinned: the fields read here exist in it (payout.trace_id, reporting_category)
MAX_PAGE_SIZE = 100  # list endpoints: limit between 1 and 100
# Stripe's documented read limit is 100 operations per second in live mode and
# 25 in test mode; the default bucket keeps under the test-mode figure.
RATE_PER_SECOND = 20.0
RATE_BURST = 20
DEFAULT_TIMEOUT = (3.05, 30.0)
HEADER_SHOULD_RETRY = "Stripe-Should-Retry"
HEADER_REQUEST_ID = "Request-Id"

# docs.stripe.com/currencies: zero-decimal and three-decimal currencies
ZERO_DECIMAL = frozenset("BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split())
THREE_DECIMAL = frozenset("BHD JOD KWD OMR TND".split())

# reporting_category -> family (docs.stripe.com/reports/reporting-categories).
# Reserves are split by sign in _family(); a category not listed is "unknown".
FAMILY_BY_CATEGORY = check_family_table(
    {
        "charge": "charge",
        "charge_failure": "charge",  # a charge that failed after it was credited (ACH, SEPA): negative
        "partial_capture_reversal": "charge",  # the uncaptured part of an authorization: reduces the charge
        "refund": "refund",
        "refund_failure": "refund",  # a refund that failed: the money comes back, positive
        "dispute": "dispute",
        "dispute_reversal": "dispute_reversal",
        "fee": "fee",
        "network_cost": "fee",
        "tax": "fee",  # taxes on Stripe's fees
        "risk_reserved_funds": "reserve_hold",
        "connect_reserved_funds": "reserve_hold",
        "other_adjustment": "adjustment",
        "contribution": "adjustment",
        "payout": "payout",
        "payout_reversal": "payout",  # a failed or canceled payout's money back in the balance
        "transfer": "transfer",
        "transfer_reversal": "transfer",
        "topup": "transfer",
        "topup_reversal": "transfer",
    }
)
RESERVE_CATEGORIES = frozenset({"risk_reserved_funds", "connect_reserved_funds"})
# Stripe payout status -> canonical payout status
PAYOUT_STATUS = {
    "pending": "scheduled",
    "in_transit": "in_transit",
    "paid": "paid",
    "failed": "failed",
    "canceled": "canceled",
}
# webhook events after which a payout is (re)fetched
PAYOUT_EVENTS = frozenset(
    {
        "payout.created",
        "payout.updated",
        "payout.paid",
        "payout.failed",
        "payout.canceled",
        "payout.reconciliation_completed",
    }
)
# the ids the order side knows a payment or refund by
ORDER_TRANSACTION_PREFIXES = ("ch_", "py_", "re_", "pyr_", "pi_")
DISPUTE_PREFIXES = ("dp_", "du_")
# keys of the charge's metadata that name the channel order (order_ref)
ORDER_REF_KEYS = ("order_id", "order_ref", "order")


# --- amounts and times ------------------------------------------------------------------


def currency_exponent(currency):
    """Decimal places Stripe uses for ``currency`` in API amounts."""
    code = str(currency or "").upper()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def minor_to_decimal(amount, currency, where="amount"):
    """A Stripe integer amount in the currency's smallest unit as a Decimal
    (``1234`` USD -> ``Decimal("12.34")``, ``500`` JPY -> ``Decimal("500")``).
    Anything but an integer is a :class:`MappingError` naming ``where``."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise MappingError(
            template="%(where)s is not an integer amount in minor units: %(value)r",
            params={"where": where, "value": amount},
            code="stripe.amount_invalid",
        )
    return Decimal(amount).scaleb(-currency_exponent(currency))


def _money(amount, currency, where):
    return decimal_string(minor_to_decimal(amount, currency, where))


def _timestamp(value, where):
    """A Stripe timestamp (unix seconds) as an aware UTC datetime, or None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise MappingError(f"{where} is not a unix timestamp: {value!r}", code="stripe.timestamp_invalid")
    return datetime.fromtimestamp(value, tz=timezone.utc)


def _datetime(value, where):
    moment = _timestamp(value, where)
    return rfc3339(moment) if moment else None


def _date(value, where):
    moment = _timestamp(value, where)
    return moment.date().isoformat() if moment else None


def _unix(value):
    """``value`` (an aware/naive datetime, naive meaning UTC, or unix seconds)
    as unix seconds, for ``created[gte]`` and the like; None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return int(as_utc(value).timestamp())
    return int(value)


# --- the client ---------------------------------------------------------------------------


class StripeClient(IntegrationHttpClient):
    """``StripeClient(base_url, api_key=...)``: Stripe's REST API, base URL
    first as integration_core's client factory (``backend._http_client``)
    calls every client (:data:`API_URL`, or a local peer's URL in tests).

    :param api_key: the secret (``sk_...``) or restricted (``rk_...``) key;
        it is masked from logs and errors.
    :param api_version: the ``Stripe-Version`` sent with every request.
    :param stripe_account: a connected account id (``acct_...``) to act
        for (``Stripe-Account`` header), or None.

    Other keyword arguments go to :class:`IntegrationHttpClient` (timeout,
    rate_limiter, circuit_breaker, secrets, session, logger, ...).
    """

    def __init__(self, base_url=API_URL, *, api_key, api_version=API_VERSION, stripe_account=None, **kwargs):
        if not api_key:
            raise ValueError("a Stripe secret key is required")
        headers = {
            "Authorization": f"Bearer {api_key}",
            "Stripe-Version": api_version,
            "Accept": "application/json",
        }
        if stripe_account:
            headers["Stripe-Account"] = stripe_account
        headers.update(kwargs.pop("default_headers", None) or {})
        secrets = tuple(kwargs.pop("secrets", ()) or ()) + (api_key,)
        kwargs.setdefault("logger", _logger)
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        if "rate_limiter" not in kwargs:
            kwargs["rate_limiter"] = TokenBucket(RATE_PER_SECOND, capacity=RATE_BURST)
        super().__init__(base_url, default_headers=headers, secrets=secrets, **kwargs)
        self.api_version = api_version
        self.last_request_id = None  # Request-Id of the last answer (for support tickets)
        self._should_retry = None
        self.session.hooks.setdefault("response", []).append(self._note_response)

    # --- plumbing -------------------------------------------------------------------

    def _note_response(self, response, *args, **kwargs):
        """Response hook: keep Stripe's ``Request-Id`` and ``Stripe-Should-Retry``."""
        self.last_request_id = response.headers.get(HEADER_REQUEST_ID)
        self._should_retry = (response.headers.get(HEADER_SHOULD_RETRY) or "").strip().lower() or None
        return response

    def request(self, method, path_or_url, **kwargs):
        """The base request, with Stripe's error object read into the error
        (see the module docstring)."""
        self._should_retry = None
        try:
            return super().request(method, path_or_url, **kwargs)
        except RemoteRejected as error:
            raise self._stripe_error(error) from None

    def _stripe_error(self, error):
        details = _error_object(error.body)
        kind = details.get("type") or "error"
        code = details.get("code") or ""
        message = details.get("message") or error.body[:300]
        params = {
            "status": error.status_code,
            "type": kind,
            "code": code or "-",
            "message": message,
            "request_id": self.last_request_id or "-",
        }
        if self._should_retry == "true":
            return RemoteServerError(
                template="Stripe asks to retry (HTTP %(status)s, %(type)s/%(code)s): %(message)s",
                params=params,
                code=f"stripe.retry.{code or kind}",
            )
        return RemoteRejected(
            template="Stripe refused the request (HTTP %(status)s, %(type)s/%(code)s): %(message)s "
            "[request %(request_id)s]",
            params=params,
            code=f"stripe.{kind}.{code}" if code else f"stripe.{kind}",
            status_code=error.status_code,
            body=error.body,
        )

    def iter_list(self, path, params=None, limit=MAX_PAGE_SIZE):
        """Every object of a Stripe list, page after page (``starting_after``
        the last id while ``has_more``)."""
        if not 1 <= int(limit) <= MAX_PAGE_SIZE:
            raise ValueError(f"a Stripe page holds 1 to {MAX_PAGE_SIZE} objects, not {limit}")
        query = {key: value for key, value in (params or {}).items() if value is not None}
        query["limit"] = int(limit)
        after = None
        while True:
            if after:
                query["starting_after"] = after
            body = self.request_json("GET", path, params=query)
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise RemoteServerError(f"Stripe answered {path} with something that is not a list object")
            items = body["data"]
            yield from items
            if not body.get("has_more") or not items:
                return
            last = items[-1].get("id") if isinstance(items[-1], dict) else None
            if not last or last == after:
                raise RemoteServerError(f"Stripe's pagination of {path} does not advance (after {after})")
            after = last

    # --- payouts and balance transactions ------------------------------------------

    def iter_payouts(
        self,
        created_gte=None,
        created_lte=None,
        *,
        status=None,
        expand_destination=False,
        limit=MAX_PAGE_SIZE,
    ):
        """``GET /v1/payouts``: payouts created in [created_gte, created_lte]
        (datetimes or unix seconds), newest first as Stripe lists them.
        ``expand_destination`` expands the bank account, so that the payout's
        ``bank_account`` is its last four digits rather than its ``ba_`` id."""
        params = {
            "created[gte]": _unix(created_gte),
            "created[lte]": _unix(created_lte),
            "status": status,
            "expand[]": ["data.destination"] if expand_destination else None,
        }
        return self.iter_list("/v1/payouts", params, limit)

    def get_payout(self, payout_id):
        """``GET /v1/payouts/{id}``."""
        return self.request_json("GET", f"/v1/payouts/{_object_id(payout_id, 'po_')}")

    def iter_balance_transactions(
        self,
        payout=None,
        *,
        created_gte=None,
        created_lte=None,
        type=None,  # noqa: A002  (Stripe's parameter name)
        expand_source=True,
        limit=MAX_PAGE_SIZE,
    ):
        """``GET /v1/balance_transactions``: those paid out in ``payout``
        (automatic payouts only), or created in a range. ``expand_source``
        expands each ``source`` (the charge, refund, dispute...), which the
        mapper reads for the disputed charge, presentment amount and order
        reference."""
        params = {
            "payout": _object_id(payout, "po_") if payout else None,
            "created[gte]": _unix(created_gte),
            "created[lte]": _unix(created_lte),
            "type": type,
            "expand[]": ["data.source"] if expand_source else None,
        }
        return self.iter_list("/v1/balance_transactions", params, limit)


def _object_id(value, prefix):
    text = str(value or "").strip()
    if not text.startswith(prefix) or "/" in text or "?" in text:
        raise ValueError(f"a Stripe id starting with {prefix}, not {value!r}")
    return text


def _error_object(body):
    """Stripe's ``error`` object from an answer's body, {} when there is none."""
    try:
        parsed = json.loads(body or "")
    except ValueError:
        return {}
    error = parsed.get("error") if isinstance(parsed, dict) else None
    return error if isinstance(error, dict) else {}


# --- fetching -----------------------------------------------------------------------------


def fetch_payouts(client, since, until):
    """Canonical payouts created in [since, until], each with its lines.

    Poll with an overlap (``since`` a few days before the last run): a
    payout already known comes again and is updated, not duplicated.
    """
    for payout in client.iter_payouts(created_gte=since, created_lte=until):
        yield _with_lines(client, payout)


def fetch_payout(client, payout_id):
    """One canonical payout with its lines, e.g. after ``payout.paid``,
    ``payout.failed`` or ``payout.reconciliation_completed``."""
    return _with_lines(client, client.get_payout(payout_id))


def _with_lines(client, payout):
    if not isinstance(payout, dict) or not payout.get("id"):
        raise MappingError("Stripe returned a payout without an id", code="stripe.payout_invalid")
    lines = []
    if payout.get("automatic", True):
        lines = list(client.iter_balance_transactions(payout=payout["id"]))
    return map_payout(payout, lines)


def fetch_balance_lines(client, since, until):
    """Canonical settlement lines for every balance transaction created in
    [since, until] except payouts themselves: the wallet model (manual
    payouts), where lines are booked as they happen."""
    for transaction in client.iter_balance_transactions(created_gte=since, created_lte=until):
        if transaction.get("type") in ("payout", "payout_cancel", "payout_failure"):
            continue
        yield map_balance_transaction(transaction)


# --- mapping --------------------------------------------------------------------------------


def map_payout(payout, balance_transactions):
    """The canonical payout (payout.v1) for a Stripe payout object and the
    balance transactions listed for it (``GET /v1/balance_transactions?
    payout=``); validated, or :class:`ValidationFailed`/:class:`MappingError`."""
    if not isinstance(payout, dict):
        raise MappingError("a Stripe payout must be an object", code="stripe.payout_invalid")
    payout_id = _required(payout, "id", "payout")
    currency = _required(payout, "currency", "payout").upper()
    amount = minor_to_decimal(payout.get("amount"), currency, "payout.amount")
    status = payout.get("status")
    if status not in PAYOUT_STATUS:
        raise MappingError(
            template="payout.status %(status)r is not a Stripe payout status",
            params={"status": status},
            code="stripe.payout_status",
        )
    lines = [
        map_balance_transaction(transaction, payout_id=payout_id, where=f"balance_transactions[{index}]")
        for index, transaction in enumerate(balance_transactions or [])
        if not _is_the_payout_itself(transaction, payout_id)
    ]
    automatic = payout.get("automatic", True)
    payload = {
        "schema_version": 1,
        "provider": PROVIDER,
        "external_id": payout_id,
        "status": PAYOUT_STATUS[status],
        "direction": "debit" if amount < 0 else "credit",
        "amount": decimal_string(amount),
        "currency": currency,
        "created_at": _datetime(payout.get("created"), "payout.created"),
        "arrival_date": _date(payout.get("arrival_date"), "payout.arrival_date"),
        "trace_reference": _trace_reference(payout),
        "bank_account": _bank_account(payout.get("destination")),
        "failure_code": payout.get("failure_code"),
        "lines_complete": not automatic or payout.get("reconciliation_status") != "in_progress",
        "lines": lines,
        "raw": payout,
    }
    return checked("payout", payload)


def _is_the_payout_itself(transaction, payout_id):
    if not isinstance(transaction, dict) or transaction.get("type") != "payout":
        return False
    return _source_id(transaction.get("source")) in (payout_id, None)


def _trace_reference(payout):
    trace = payout.get("trace_id")
    if isinstance(trace, dict) and trace.get("value"):
        return str(trace["value"])
    return None


def _bank_account(destination):
    """The destination's last four digits when expanded, else its id."""
    if isinstance(destination, dict):
        return destination.get("last4") or destination.get("id")
    return destination or None


def map_balance_transaction(transaction, payout_id=None, where="balance_transaction"):
    """The canonical settlement line (settlement_line.v1) for one Stripe
    balance transaction, ``source`` expanded or not."""
    if not isinstance(transaction, dict):
        raise MappingError(f"{where} must be an object", code="stripe.balance_transaction_invalid")
    currency = _required(transaction, "currency", where).upper()
    amount = minor_to_decimal(transaction.get("amount"), currency, f"{where}.amount")
    category = transaction.get("reporting_category") or transaction.get("type")
    if not category:
        raise MappingError(f"{where} has neither reporting_category nor type", code="stripe.category_missing")
    source = transaction.get("source")
    source_id = _source_id(source)
    line = {
        "schema_version": 1,
        "provider": PROVIDER,
        "external_id": _required(transaction, "id", where),
        "payout_id": payout_id,
        "provider_type": category,
        "family": _family(category, amount),
        "amount": decimal_string(amount),
        "fee": _money(transaction.get("fee", 0), currency, f"{where}.fee"),
        "net": _money(transaction.get("net"), currency, f"{where}.net"),
        "currency": currency,
        "fee_details": _fee_details(transaction.get("fee_details"), currency, where),
        "presentment_amount": None,
        "presentment_currency": None,
        "exchange_rate": _exchange_rate(transaction.get("exchange_rate"), where),
        "order_transaction_id": _order_transaction_id(category, source),
        "order_ref": _order_ref(source),
        "source_id": source_id,
        "dispute_id": source_id if source_id and source_id.startswith(DISPUTE_PREFIXES) else None,
        "availability": transaction.get("status")
        if transaction.get("status") in ("pending", "available")
        else None,
        "created_at": _datetime(transaction.get("created"), f"{where}.created"),
        "available_on": _date(transaction.get("available_on"), f"{where}.available_on"),
        "description": transaction.get("description"),
        "raw": transaction,
    }
    line.update(_presentment(source, amount, currency, where))
    return checked("settlement_line", line)


def _required(data, key, where):
    value = data.get(key)
    if value in (None, ""):
        raise MappingError(f"{where}.{key} is missing", code="stripe.field_missing")
    return str(value)


def _family(category, amount):
    if category in RESERVE_CATEGORIES:
        return "reserve_hold" if amount < 0 else "reserve_release"
    return family_of(FAMILY_BY_CATEGORY, category)


def _fee_details(details, currency, where):
    result = []
    for index, detail in enumerate(details or []):
        if not isinstance(detail, dict):
            raise MappingError(f"{where}.fee_details[{index}] must be an object", code="stripe.fee_invalid")
        fee_currency = detail.get("currency") or currency
        result.append(
            {
                "type": detail.get("type") or "fee",
                "amount": _money(detail.get("amount"), fee_currency, f"{where}.fee_details[{index}].amount"),
                "description": detail.get("description"),
            }
        )
    return result


def _exchange_rate(value, where):
    """Stripe's ``exchange_rate`` (a JSON number: settlement units per
    presentment unit) as a decimal string, rounded to six places."""
    if value is None:
        return None
    return decimal_string(amount_from(value, f"{where}.exchange_rate"))


def _source_id(source):
    if isinstance(source, dict):
        return source.get("id")
    return source or None


def _source_object(source):
    """The kind of an expanded or unexpanded source: 'charge', 'refund', 'dispute'..."""
    if isinstance(source, dict):
        return source.get("object")
    return None


def _order_transaction_id(category, source):
    """The payment or refund the order knows (see the module docstring)."""
    source_id = _source_id(source)
    kind = _source_object(source)
    if kind == "dispute" or (source_id or "").startswith(DISPUTE_PREFIXES):
        charge = source.get("charge") if isinstance(source, dict) else None
        return _source_id(charge)
    if category == "partial_capture_reversal" and isinstance(source, dict) and source.get("charge"):
        return _source_id(source.get("charge"))
    if source_id and source_id.startswith(ORDER_TRANSACTION_PREFIXES):
        return source_id
    return None


def _order_ref(source):
    """The channel order named in the source's (or its charge's) metadata."""
    if not isinstance(source, dict):
        return None
    for holder in (source, source.get("charge")):
        metadata = holder.get("metadata") if isinstance(holder, dict) else None
        if isinstance(metadata, dict):
            for key in ORDER_REF_KEYS:
                if metadata.get(key):
                    return str(metadata[key])
    return None


def _presentment(source, amount, currency, where):
    """What the buyer paid in their own currency, from an expanded charge or
    refund whose currency differs from the settlement currency; signed like
    the line (a refund's amount is negative)."""
    if not isinstance(source, dict) or _source_object(source) not in ("charge", "refund"):
        return {}
    source_currency = str(source.get("currency") or "").upper()
    if not source_currency or source_currency == currency or source.get("amount") is None:
        return {}
    value = minor_to_decimal(source.get("amount"), source_currency, f"{where}.source.amount")
    if amount < 0:
        value = -value
    return {"presentment_amount": decimal_string(value), "presentment_currency": source_currency}


# --- webhooks -------------------------------------------------------------------------------


class WebhookSignatureError(PermanentError):
    """A Stripe webhook whose signature is missing, malformed, wrong or too
    old: refuse it (HTTP 400); it is never retried. ``code`` says which:
    ``stripe.signature.missing``, ``.malformed``, ``.mismatch``, ``.expired``."""

    category = "validation"


def verify_signature(payload, header, secrets, now=None, tolerance=300):
    """The event (a dict) of a Stripe webhook whose ``Stripe-Signature``
    ``header`` holds a valid ``v1`` for the raw ``payload`` (bytes) under one
    of ``secrets`` (the endpoints' ``whsec_...`` signing secrets), signed at
    most ``tolerance`` seconds from ``now`` (unix seconds; default the clock).

    Raises :class:`WebhookSignatureError` (permanent) otherwise, and
    :class:`ValidationFailed` for a body that is not a JSON event.
    """
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    if not header or not str(header).strip():
        raise WebhookSignatureError(
            "The Stripe webhook is unsigned (no Stripe-Signature header).", code="stripe.signature.missing"
        )
    timestamp, candidates = _parse_signature_header(str(header))
    keys = [secret for secret in secrets or () if secret]
    if not keys:
        raise WebhookSignatureError(
            "No Stripe webhook signing secret is configured.", code="stripe.signature.no_secret"
        )
    signed = str(timestamp).encode("ascii") + b"." + payload
    expected = [signature.hmac_sha256_hex(key, signed) for key in keys]
    if not any(
        signature.verify_signature(candidate, value) for candidate in candidates for value in expected
    ):
        raise WebhookSignatureError(
            "The Stripe webhook's signature does not match its body under any configured secret.",
            code="stripe.signature.mismatch",
        )
    now = time.time() if now is None else float(now)
    if tolerance and abs(now - timestamp) > tolerance:
        raise WebhookSignatureError(
            template="The Stripe webhook was signed %(age)d s from now, beyond the %(tolerance)d s tolerance "
            "(a replay, or a clock off).",
            params={"age": int(now - timestamp), "tolerance": int(tolerance)},
            code="stripe.signature.expired",
        )
    try:
        event = json.loads(payload.decode("utf-8"))
    except (UnicodeError, ValueError):
        raise ValidationFailed("The Stripe webhook body is not JSON.", errors=["(root): not JSON"]) from None
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        raise ValidationFailed("The Stripe webhook body is not an event.", errors=["type: missing"])
    return event


def _parse_signature_header(header):
    """``(timestamp, [v1 signatures])`` from ``t=...,v1=...,v1=...,v0=...``
    (other schemes are ignored, as Stripe's libraries do)."""
    timestamp = None
    candidates = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            timestamp = value.strip()
        elif key == "v1" and value.strip():
            candidates.append(value.strip())
    if timestamp is None or not timestamp.isdigit():
        raise WebhookSignatureError(
            "The Stripe-Signature header has no timestamp (t=).", code="stripe.signature.malformed"
        )
    if not candidates:
        raise WebhookSignatureError(
            "The Stripe-Signature header has no v1 signature.", code="stripe.signature.malformed"
        )
    return int(timestamp), candidates


def payout_id_of_event(event):
    """The payout id a ``payout.*`` event is about (then call
    :func:`fetch_payout`), None for any other event."""
    if not isinstance(event, dict) or event.get("type") not in PAYOUT_EVENTS:
        return None
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if isinstance(obj, dict) and str(obj.get("id") or "").startswith("po_"):
        return obj["id"]
    return None
