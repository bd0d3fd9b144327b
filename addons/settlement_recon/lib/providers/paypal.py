"""PayPal: the account's transactions (Transaction Search) mapped to the
canonical ``settlement_line``, and its bank withdrawals to ``payout``.

Entry points the Odoo layer calls::

    client = PayPalClient(base_url, client_id=..., client_secret=...)   # or backend._http_client(...)
    until = safe_until(until)                     # never past now - 3 h (see LAG)
    for kind, payload in fetch_activity(client, since, until):
        ...   # kind "settlement_line" or "payout" (canonical dicts)

Everything follows PayPal's published REST reference (developer.paypal.com:
"Authentication", "Transaction Search API v1", "Transaction event codes";
the OpenAPI document in github.com/paypal/paypal-rest-api-specifications,
openapi/reporting_transactions_v1.json).

Authentication
    OAuth 2.0 client credentials: ``POST /v1/oauth2/token`` with HTTP Basic
    ``client_id:client_secret`` and ``grant_type=client_credentials``; the
    answer's ``access_token`` is sent as ``Authorization: Bearer`` until
    ``expires_in`` seconds have passed (less a minute's margin). PayPal asks
    integrations to reuse a token until it expires rather than ask for one
    per call: tokens are kept in a process-wide :class:`TokenCache` (in
    memory only, keyed by API host, client id and a hash of the secret), so
    the jobs of one worker share them. An API call answered 401 (the token
    expired or was revoked early) drops it, fetches a new one and is sent
    once more; a second 401 is a permanent error.

Transaction Search
    ``GET /v1/reporting/transactions`` with ``start_date``/``end_date``
    (RFC 3339, seconds required), ``fields=all``, ``page_size`` (at most
    500) and ``page`` (from 1) up to the answer's ``total_pages``.
    - At most 31 days per query: longer ranges are split.
    - A query matching more than 10,000 transactions is refused with
      ``RESULTSET_TOO_LARGE``: that window is halved and each half asked
      in turn (again and again if need be).
    - Data lags: "It takes a maximum of three hours for executed
      transactions to appear". :func:`safe_until` and the client never ask
      past ``now - 3 h``: a window read too early would miss transactions
      for good once the caller moves its cursor past it.
    Only balance-affecting records are asked for (PayPal's default), so
    authorizations and other memos do not come.

Mapping: the wallet model (:func:`map_transaction`, :func:`payouts_from_withdrawals`)
    PayPal has no payout object. Without automatic settlement the PayPal
    balance is a wallet: every transaction is a line of that wallet
    (a sale +, a refund -, PayPal's fee kept per line, holds and releases,
    currency conversions in both currencies...), and money leaves it only
    when the merchant (or an automatic sweep) withdraws to the bank. So:
    - each transaction is a canonical ``settlement_line`` with ``payout_id``
      null, booked to the wallet as it happens;
    - each withdrawal to the bank (event group T04, e.g. T0400 general
      withdrawal, T0401 AutoSweep, T0403 user-initiated) becomes a
      canonical ``payout`` with ``lines: []``, the amount the bank receives
      (positive: direction credit) and ``trace_reference`` =
      ``bank_reference_id`` when PayPal gives one. The Odoo layer posts it
      as an internal transfer from the wallet to the in-transit account and
      matches it with the bank line like any payout;
    - a deposit from the bank into PayPal (group T03) is the same in the
      other direction: a debit payout (negative amount);
    - a reversed withdrawal (T1101, referring to the withdrawal by
      ``paypal_reference_id``) marks that payout failed when both are read
      together; read alone, it is a line of family ``payout`` whose
      ``payout_id`` names the withdrawal.
    Withdrawals and deposits are not also sent as lines: the payout is
    their booking (a fee PayPal took on the withdrawal row itself is sent as
    a fee line of amount 0). Fees: ``fee_amount`` is negative when PayPal charges it;
    the canonical ``fee`` is positive when charged, and net = amount - fee.
    Event codes map to families by :data:`FAMILY_BY_CODE`, then by group
    (:data:`FAMILY_BY_GROUP`, the first three characters); an unknown code
    is family ``unknown``, never an error.
"""

import base64
import hashlib
import json
import logging
import threading
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from odoo.addons.integration_core.lib.exceptions import MappingError, RemoteRejected, RemoteServerError
from odoo.addons.integration_core.lib.http_client import IntegrationHttpClient

from .common import UNKNOWN, amount_from, as_utc, check_family_table, checked, decimal_string, rfc3339

__all__ = [
    "API_URL",
    "FAMILY_BY_CODE",
    "FAMILY_BY_GROUP",
    "LAG",
    "MAX_WINDOW",
    "SANDBOX_URL",
    "PayPalClient",
    "ResultSetTooLarge",
    "TokenCache",
    "family_of_code",
    "fetch_activity",
    "map_transaction",
    "payouts_from_withdrawals",
    "safe_until",
    "split_windows",
]

_logger = logging.getLogger(__name__)

PROVIDER = "paypal"
API_URL = "https://api-m.paypal.com"
SANDBOX_URL = "https://api-m.sandbox.paypal.com"
TOKEN_PATH = "/v1/oauth2/token"
SEARCH_PATH = "/v1/reporting/transactions"
MAX_WINDOW = timedelta(days=31)  # "The maximum supported range is 31 days."
LAG = timedelta(hours=3)  # "It takes a maximum of three hours for executed transactions to appear"
MIN_WINDOW = timedelta(seconds=1)  # halving stops here: one second with > 10,000 results is PayPal's problem
MAX_PAGE_SIZE = 500
TOKEN_MARGIN = 60  # seconds before expires_in that a token is renewed
DEFAULT_TIMEOUT = (3.05, 60.0)  # Transaction Search can be slow on large windows
RESULTSET_TOO_LARGE = "RESULTSET_TOO_LARGE"

# Event groups (T<group><type>) -> family; developer.paypal.com "Transaction event codes".
FAMILY_BY_GROUP = check_family_table(
    {
        "T00": "charge",  # PayPal account-to-PayPal account payment (sent: negative, see _family)
        "T01": "fee",  # non-payment-related fees
        "T02": "currency_conversion",
        "T03": "payout",  # bank deposit into the PayPal account (a debit payout)
        "T04": "payout",  # bank withdrawal from the PayPal account (a payout)
        "T08": "adjustment",  # bonus
        "T09": "adjustment",  # incentive
        "T11": "refund",  # reversals (exact codes below for the others)
        "T12": "adjustment",  # adjustments (chargebacks below)
        "T14": "adjustment",  # dividend
        "T15": "reserve_hold",  # hold for dispute or other investigation (by sign, see _family)
        "T19": "adjustment",  # account correction
        "T20": "transfer",  # funds transfer from PayPal account to another
        "T21": "reserve_hold",  # reserves and releases (by sign)
        "T22": "transfer",  # transfers
    }
)
FAMILY_BY_CODE = check_family_table(
    {
        "T1101": "payout",  # reversal of ACH withdrawal transaction: a withdrawal came back
        "T1105": "reserve_release",  # reversal of general account hold
        "T1106": "dispute",  # payment reversal initiated by PayPal: completion of a chargeback
        "T1107": "refund",  # payment refund initiated by the merchant
        "T1108": "fee",  # fee reversal
        "T1109": "fee",  # fee refund
        "T1110": "dispute",  # hold for dispute investigation
        "T1111": "dispute_reversal",  # cancellation of hold for dispute resolution
        "T1201": "dispute",  # chargeback
        "T1202": "dispute_reversal",  # chargeback reversal
    }
)
SIGNED_GROUPS = frozenset({"T15", "T21"})  # holds negative, releases positive
BANK_GROUPS = frozenset({"T03", "T04"})
WITHDRAWAL_REVERSAL = "T1101"
# transaction_status -> canonical availability / payout status
AVAILABILITY = {"S": "available", "V": "available", "F": "available", "P": "pending"}
PAYOUT_STATUS = {"S": "paid", "P": "in_transit", "D": "failed", "V": "failed"}


# --- windows ------------------------------------------------------------------------------


def safe_until(until, now=None):
    """``until`` capped at ``now - 3 h`` (aware UTC datetimes): PayPal shows
    a transaction up to three hours after it happened, so a window ending
    later would be read incomplete, and the caller, moving its cursor to the
    window's end, would never ask for the missing transactions again. Store
    what this returns as the next run's start (minus the overlap)."""
    horizon = as_utc(now or datetime.now(timezone.utc)) - LAG
    return min(as_utc(until), horizon)


def split_windows(start, end, span=MAX_WINDOW):
    """[start, end] cut into consecutive windows of at most ``span``, as
    (start, end) pairs; a window ends one second before the next starts
    (PayPal's dates are to the second and both ends are inclusive), so no
    transaction is read twice."""
    start, end = as_utc(start), as_utc(end)
    windows = []
    while start <= end:
        stop = min(start + span, end)
        if stop < end:
            windows.append((start, stop - timedelta(seconds=1)))
        else:
            windows.append((start, stop))
        start = stop
        if stop == end:
            break
    return windows


def _halves(start, end):
    """[start, end] halved at the second: ((start, middle - 1 s), (middle, end))."""
    middle = start + (end - start) / 2
    middle = middle.replace(microsecond=0)
    if middle <= start:
        middle = start + timedelta(seconds=1)
    return (start, middle - timedelta(seconds=1)), (middle, end)


# --- the client -----------------------------------------------------------------------------


class TokenCache:
    """Access tokens by (API host, client id, secret hash), each with its
    expiry (in the client's clock's seconds); thread-safe, in memory only."""

    def __init__(self):
        self._tokens = {}
        self._lock = threading.Lock()

    def get(self, key, now):
        with self._lock:
            token, expires_at = self._tokens.get(key, (None, 0.0))
        return token if token and now < expires_at else None

    def put(self, key, token, expires_at):
        with self._lock:
            self._tokens[key] = (token, expires_at)

    def drop(self, key, token):
        """Forget ``token`` (refused by PayPal), unless another took its place."""
        with self._lock:
            if self._tokens.get(key, (None,))[0] == token:
                del self._tokens[key]


TOKENS = TokenCache()  # the process-wide cache every client uses unless given another


class ResultSetTooLarge(RemoteRejected):
    """PayPal's RESULTSET_TOO_LARGE: the window matches more than 10,000
    transactions. :meth:`PayPalClient.iter_transactions` halves the window;
    raised to the caller only for a window that cannot be halved."""


class PayPalClient(IntegrationHttpClient):
    """``PayPalClient(base_url, client_id=..., client_secret=...)``: PayPal's
    REST API, base URL first as integration_core's client factory
    (``backend._http_client``) calls every client (:data:`API_URL`,
    :data:`SANDBOX_URL`, or a local peer's URL in tests).

    :param client_id: the REST app's client id.
    :param client_secret: its secret; masked from logs and errors, as is
        every access token obtained with it.
    :param clock: seconds since the epoch (``time.time``), for the token's
        expiry; tests pass a manual clock.
    :param token_cache: where tokens are kept (default the process-wide
        :data:`TOKENS`; tests pass their own :class:`TokenCache`).

    Other keyword arguments go to :class:`IntegrationHttpClient` (timeout,
    rate_limiter, circuit_breaker, secrets, session, logger, ...).
    """

    def __init__(
        self, base_url=API_URL, *, client_id, client_secret, clock=time.time, token_cache=None, **kwargs
    ):
        if not client_id or not client_secret:
            raise ValueError("a PayPal client id and secret are required")
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")
        secrets = tuple(kwargs.pop("secrets", ()) or ()) + (client_secret, basic)
        kwargs.setdefault("logger", _logger)
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        headers = {"Accept": "application/json"}
        headers.update(kwargs.pop("default_headers", None) or {})
        super().__init__(base_url, default_headers=headers, secrets=secrets, **kwargs)
        self._basic = basic
        self.clock = clock
        self.token_cache = token_cache if token_cache is not None else TOKENS
        secret_hash = hashlib.sha256(client_secret.encode("utf-8")).hexdigest()
        self._token_key = (self.base_url, client_id, secret_hash)
        self.token_requests = 0  # how many tokens this client asked for (tests, diagnostics)

    # --- OAuth2 -----------------------------------------------------------------------

    def access_token(self):
        """A valid access token: the cached one, or a new one."""
        token = self.token_cache.get(self._token_key, self.clock())
        if token is None:
            token = self._fetch_token()
        if token not in self.secrets:
            self.secrets.append(token)
        return token

    def _fetch_token(self):
        try:
            body = self.request_json(
                "POST",
                TOKEN_PATH,
                data="grant_type=client_credentials",
                headers={
                    "Authorization": f"Basic {self._basic}",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
        except RemoteRejected as error:
            raise _token_error(error) from None
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise RemoteServerError("PayPal's token endpoint answered without an access_token")
        try:
            lifetime = float(body.get("expires_in") or 0)
        except (TypeError, ValueError):
            lifetime = 0.0
        self.token_requests += 1
        self.secrets.append(token)
        self.token_cache.put(self._token_key, token, self.clock() + max(lifetime - TOKEN_MARGIN, 0.0))
        return token

    def api_json(self, method, path, **kwargs):
        """An authenticated call; on 401 the token is renewed and the call
        sent once more. PayPal's error object is read into the error."""
        extra_headers = dict(kwargs.pop("headers", None) or {})
        for attempt in (1, 2):
            token = self.access_token()
            headers = dict(extra_headers, Authorization=f"Bearer {token}")
            try:
                return self.request_json(method, path, headers=headers, **kwargs)
            except RemoteRejected as error:
                if error.status_code == 401 and attempt == 1:
                    self.logger.info("PayPal refused the access token (401): asking for a new one")
                    self.token_cache.drop(self._token_key, token)
                    continue
                raise _paypal_error(error) from None
        raise AssertionError("unreachable")  # pragma: no cover

    # --- Transaction Search -----------------------------------------------------------

    def search_page(self, start, end, page=1, page_size=MAX_PAGE_SIZE, fields="all", **filters):
        """One page of ``GET /v1/reporting/transactions`` for [start, end]."""
        params = {
            "start_date": rfc3339(start),
            "end_date": rfc3339(end),
            "fields": fields,
            "page_size": int(page_size),
            "page": int(page),
        }
        params.update({key: value for key, value in filters.items() if value is not None})
        body = self.api_json("GET", SEARCH_PATH, params=params)
        if not isinstance(body, dict):
            raise RemoteServerError(
                "PayPal's transaction search answered with something that is not an object"
            )
        return body

    def iter_transactions(self, start, end, *, now=None, page_size=MAX_PAGE_SIZE, fields="all", **filters):
        """Every ``transaction_details[]`` item of [start, end], the range cut
        into windows of at most 31 days, a window too large for PayPal halved
        until it fits, and ``end`` capped at ``now - 3 h`` (:func:`safe_until`).
        A transaction met twice (same id and event code) is given once."""
        if not 1 <= int(page_size) <= MAX_PAGE_SIZE:
            raise ValueError(f"PayPal's page_size is 1 to {MAX_PAGE_SIZE}, not {page_size}")
        end = safe_until(end, now)
        seen = set()
        for window in split_windows(start, end):
            for detail in self._iter_window(window, page_size, fields, filters):
                key = _identity(detail)
                if key in seen:
                    continue
                seen.add(key)
                yield detail

    def _iter_window(self, window, page_size, fields, filters):
        pending = [window]
        while pending:
            start, end = pending.pop()
            try:
                first = self.search_page(start, end, 1, page_size, fields, **filters)
            except ResultSetTooLarge:
                if end - start < MIN_WINDOW * 2:
                    raise
                first_half, second_half = _halves(start, end)
                self.logger.info(
                    "PayPal: more than 10,000 transactions from %s to %s, halving",
                    rfc3339(start),
                    rfc3339(end),
                )
                pending.extend([second_half, first_half])  # the first half is read first
                continue
            yield from self._iter_pages(first, start, end, page_size, fields, filters)

    def _iter_pages(self, first, start, end, page_size, fields, filters):
        body, page = first, 1
        while True:
            details = body.get("transaction_details") or []
            yield from details
            total = body.get("total_pages")
            if isinstance(total, int):
                if page >= total:
                    return
            elif len(details) < page_size:
                return
            if not details:
                return
            page += 1
            body = self.search_page(start, end, page, page_size, fields, **filters)


def _token_error(error):
    """The token endpoint's OAuth error (``{"error": "invalid_client",
    "error_description": ...}``) made readable: wrong credentials, permanent."""
    try:
        parsed = json.loads(error.body or "")
    except ValueError:
        parsed = {}
    parsed = parsed if isinstance(parsed, dict) else {}
    kind = str(parsed.get("error") or error.status_code)
    return RemoteRejected(
        template="PayPal refused the client credentials (HTTP %(status)s %(error)s: %(description)s); "
        "check the REST app's client id and secret",
        params={
            "status": error.status_code,
            "error": kind,
            "description": parsed.get("error_description") or "-",
        },
        code=f"paypal.token.{kind}",
        status_code=error.status_code,
        body=error.body,
    )


def _paypal_error(error):
    """The PayPal error (name, message, details[].issue, debug_id) made readable;
    RESULTSET_TOO_LARGE as :class:`ResultSetTooLarge`."""
    try:
        parsed = json.loads(error.body or "")
    except ValueError:
        parsed = {}
    parsed = parsed if isinstance(parsed, dict) else {}
    name = str(parsed.get("name") or "")
    issues = [
        str(d.get("issue")) for d in parsed.get("details") or [] if isinstance(d, dict) and d.get("issue")
    ]
    params = {
        "status": error.status_code,
        "name": name or "-",
        "message": parsed.get("message") or error.body[:300],
        "issues": ", ".join(issues) or "-",
        "debug_id": parsed.get("debug_id") or "-",
    }
    cls = ResultSetTooLarge if RESULTSET_TOO_LARGE in (name, *issues) else RemoteRejected
    return cls(
        template="PayPal refused the request (HTTP %(status)s %(name)s: %(message)s; issues %(issues)s) "
        "[debug_id %(debug_id)s]",
        params=params,
        code=f"paypal.{name or error.status_code}",
        status_code=error.status_code,
        body=error.body,
    )


def _identity(detail):
    """What makes a transaction the same when two windows both return it."""
    info = detail.get("transaction_info") if isinstance(detail, dict) else None
    info = info if isinstance(info, dict) else {}
    if not info.get("transaction_id"):
        return json.dumps(detail, sort_keys=True, default=str)
    return (info["transaction_id"], info.get("transaction_event_code"))


# --- fetching -----------------------------------------------------------------------------


def fetch_activity(client, since, until, now=None):
    """``("settlement_line", line)`` and ``("payout", payout)`` pairs, canonical
    and validated, for every PayPal transaction of [since, until] (capped at
    ``now - 3 h``): withdrawals and deposits as payouts, the rest as wallet
    lines (see the module docstring)."""
    details = list(client.iter_transactions(since, until, now=now))
    payouts = payouts_from_withdrawals(details)
    consumed = {payout["external_id"] for payout in payouts if payout["status"] == "failed"}
    for index, detail in enumerate(details):
        info = _info(detail, f"transaction_details[{index}]")
        group = _group(info.get("transaction_event_code"))
        if group in BANK_GROUPS:
            fee_line = _bank_fee_line(detail, f"transaction_details[{index}]")
            if fee_line is not None:
                yield "settlement_line", fee_line
            continue
        if (
            info.get("transaction_event_code") == WITHDRAWAL_REVERSAL
            and info.get("paypal_reference_id") in consumed
        ):
            continue
        yield "settlement_line", map_transaction(detail, where=f"transaction_details[{index}]")
    for payout in payouts:
        yield "payout", payout


# --- mapping --------------------------------------------------------------------------------


def family_of_code(code, amount=None):
    """The family of a PayPal event code: exact code first, then its group;
    holds by sign (negative held, positive released); a payment sent (T00,
    negative) is a transfer out of the wallet; anything else ``unknown``."""
    code = str(code or "")
    if code in FAMILY_BY_CODE:
        return FAMILY_BY_CODE[code]
    group = _group(code)
    family = FAMILY_BY_GROUP.get(group, UNKNOWN)
    if amount is not None and group in SIGNED_GROUPS:
        return "reserve_hold" if amount < 0 else "reserve_release"
    if amount is not None and group == "T00" and amount < 0:
        return "transfer"
    return family


def _group(code):
    code = str(code or "")
    return code[:3] if len(code) == 5 and code[0] == "T" else None


def map_transaction(detail, payout_id=None, where="transaction_detail"):
    """The canonical settlement line (settlement_line.v1) for one
    ``transaction_details[]`` item; :class:`MappingError` naming the field
    when an essential one is missing or not an amount."""
    info = _info(detail, where)
    transaction_id = _text(info, "transaction_id", where)
    code = _text(info, "transaction_event_code", where)
    amount, currency = _money(info.get("transaction_amount"), f"{where}.transaction_info.transaction_amount")
    fee = _fee(info.get("fee_amount"), currency, where)
    family = family_of_code(code, amount)
    reference = info.get("paypal_reference_id") or None
    line = {
        "schema_version": 1,
        "provider": PROVIDER,
        "external_id": transaction_id,
        "payout_id": payout_id or (reference if code == WITHDRAWAL_REVERSAL else None),
        "provider_type": code,
        "family": family,
        "amount": decimal_string(amount),
        "fee": decimal_string(fee),
        "net": decimal_string(amount - fee),
        "currency": currency,
        "fee_details": [{"type": "fee", "amount": decimal_string(fee), "description": None}] if fee else [],
        "presentment_amount": None,
        "presentment_currency": None,
        "exchange_rate": None,
        "order_transaction_id": transaction_id if family in ("charge", "refund") else reference,
        "order_ref": info.get("invoice_id") or None,
        "source_id": reference,
        "dispute_id": None,
        "availability": AVAILABILITY.get(info.get("transaction_status")),
        "created_at": _paypal_datetime(info.get("transaction_initiation_date"), where),
        "available_on": None,
        "description": info.get("transaction_subject") or info.get("transaction_note") or None,
        "raw": detail,
    }
    return checked("settlement_line", line)


def payouts_from_withdrawals(details):
    """Canonical payouts (``lines: []``) for the bank withdrawals (T04) and
    deposits (T03) among ``details``; a withdrawal reversed by a T1101 among
    them is ``failed`` (failure_code ``T1101``)."""
    reversed_ids = {}
    for detail in details:
        info = detail.get("transaction_info") if isinstance(detail, dict) else None
        if isinstance(info, dict) and info.get("transaction_event_code") == WITHDRAWAL_REVERSAL:
            if info.get("paypal_reference_id"):
                reversed_ids[info["paypal_reference_id"]] = info.get("transaction_id")
    payouts = []
    for index, detail in enumerate(details):
        where = f"transaction_details[{index}]"
        info = _info(detail, where)
        if _group(info.get("transaction_event_code")) not in BANK_GROUPS:
            continue
        payouts.append(_payout(info, reversed_ids, where))
    return payouts


def _payout(info, reversed_ids, where):
    transaction_id = _text(info, "transaction_id", where)
    amount, currency = _money(info.get("transaction_amount"), f"{where}.transaction_info.transaction_amount")
    paid_to_bank = -amount  # a withdrawal leaves the wallet (negative) and reaches the bank (positive)
    status = PAYOUT_STATUS.get(info.get("transaction_status"), "in_transit")
    failure = None
    if transaction_id in reversed_ids:
        status, failure = "failed", WITHDRAWAL_REVERSAL
    elif status == "failed":
        failure = f"status {info.get('transaction_status')}"
    created = _paypal_datetime(info.get("transaction_initiation_date"), where)
    payload = {
        "schema_version": 1,
        "provider": PROVIDER,
        "external_id": transaction_id,
        "status": status,
        "direction": "debit" if paid_to_bank < 0 else "credit",
        "amount": decimal_string(paid_to_bank),
        "currency": currency,
        "created_at": created,
        "arrival_date": None,
        "trace_reference": info.get("bank_reference_id") or None,
        "bank_account": None,
        "failure_code": failure,
        "lines_complete": True,
        "lines": [],
    }
    return checked("payout", payload)


def _bank_fee_line(detail, where):
    """The fee PayPal took on a withdrawal or deposit itself (``fee_amount``
    on that row; usually PayPal books such fees apart, as T0102): the payout
    moves the amount to the bank, this line books the fee in the wallet."""
    line = map_transaction(detail, where=where)
    if Decimal(line["fee"]) == 0:
        return None
    line.update(
        amount="0", net=decimal_string(-Decimal(line["fee"])), family="fee", order_transaction_id=None
    )
    return checked("settlement_line", line)


def _info(detail, where):
    info = detail.get("transaction_info") if isinstance(detail, dict) else None
    if not isinstance(info, dict):
        raise MappingError(f"{where}.transaction_info is missing", code="paypal.field_missing")
    return info


def _text(info, key, where):
    value = info.get(key)
    if not value:
        raise MappingError(f"{where}.transaction_info.{key} is missing", code="paypal.field_missing")
    return str(value)


def _money(money, where):
    """(Decimal, currency) of a PayPal money object ``{currency_code, value}``."""
    if not isinstance(money, dict) or not money.get("currency_code"):
        raise MappingError(f"{where} is missing or has no currency_code", code="paypal.field_missing")
    return amount_from(money.get("value"), f"{where}.value"), str(money["currency_code"]).upper()


def _fee(money, currency, where):
    """PayPal's ``fee_amount`` (negative when charged) as the canonical fee
    (positive when charged); zero when PayPal gives none."""
    if not money:
        return amount_from(0, "fee")
    fee, fee_currency = _money(money, f"{where}.transaction_info.fee_amount")
    if fee_currency != currency:
        raise MappingError(
            f"{where}.transaction_info.fee_amount is in {fee_currency}, the transaction in {currency}",
            code="paypal.fee_currency",
        )
    return -fee


def _paypal_datetime(value, where):
    """PayPal's dates (``2024-05-01T10:00:00+0000``, also with ``Z`` or
    ``+00:00``) as canonical RFC 3339 UTC; None when absent."""
    if not value:
        return None
    text = str(value).strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    elif len(text) >= 5 and text[-5] in "+-" and text[-4:].isdigit():
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise MappingError(
            f"{where}.transaction_info.transaction_initiation_date is not a date and time: {value!r}",
            code="paypal.date_invalid",
        ) from None
    return rfc3339(moment)
