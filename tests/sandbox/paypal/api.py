"""PayPal's REST face on loopback: OAuth 2.0 client credentials and the
Transaction Search API (``GET /v1/reporting/transactions``), modelled on
PayPal's published OpenAPI description and developer docs.

- ``POST /v1/oauth2/token`` with ``Authorization: Basic base64(client_id:secret)``
  and ``grant_type=client_credentials`` -> ``{"scope", "access_token",
  "token_type": "Bearer", "app_id", "expires_in", "nonce"}``; wrong
  credentials: 401 ``{"error": "invalid_client", "error_description":
  "Client Authentication failed"}``; another grant: 400 ``unsupported_grant_type``.
- Every API call needs ``Authorization: Bearer <access_token>``: none is 401
  ``AUTHENTICATION_FAILURE`` (the OpenAPI's error_401); an unknown or expired
  token is 401 ``{"error": "invalid_token", "error_description": ...}``, as
  PayPal answers a stale token (the client gets a new one and retries).
- ``GET /v1/reporting/transactions``: ``start_date`` and ``end_date``
  required (RFC 3339 with seconds; at most 31 days apart), ``transaction_id``,
  ``transaction_type`` (T-code), ``transaction_status``, ``transaction_amount``
  (``[500 TO 1005]`` in minor units), ``transaction_currency``, ``fields``
  (``transaction_info`` default, ``all`` or a list), ``balance_affecting_records_only``,
  ``page_size`` (1-500, default 100), ``page`` (from 1). Errors are
  ``{"name", "message", "debug_id", "details": [{"field", "value",
  "location", "issue", "description"}], "links"}``: ``INVALID_REQUEST`` (400)
  for a bad or too wide window, ``RESULTSET_TOO_LARGE`` (400, with
  ``total_items`` and ``maximum_items``) above 10,000 results, and "Data for
  the given start date is not available." for a start after the last refresh.
- The answer: ``transaction_details`` oldest first, ``account_number``,
  ``start_date``, ``end_date`` (the request's, or ``last_refreshed_datetime``
  when that is earlier: transactions of the last three hours are not
  searchable yet), ``last_refreshed_datetime``, ``page``, ``total_items``,
  ``total_pages``, ``links`` (``self``, ``next``, ``last``). ``ending_balance``
  and ``available_balance`` are given only when no optional filter is.
- Throttling: a leaky bucket per token; 429 ``RATE_LIMIT_REACHED``.
"""

import base64
import math
import secrets
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit

from ..peer import LeakyBucket
from .common import (
    DEFAULT_PAGE_SIZE,
    FIELDS,
    MAX_PAGE_SIZE,
    MAX_WINDOW_DAYS,
    SCOPE,
    STATUSES,
    format_date,
    money,
    parse_date,
)

DOCS = "https://developer.paypal.com/docs/api/transaction-search/v1/#errors"
FILTERS = (
    "transaction_id",
    "transaction_type",
    "transaction_status",
    "transaction_amount",
    "transaction_currency",
    "payment_instrument_type",
    "store_id",
    "terminal_id",
)
KNOWN_PARAMS = set(FILTERS) | {
    "start_date",
    "end_date",
    "fields",
    "balance_affecting_records_only",
    "page_size",
    "page",
}
AUTH_FAILURE = {
    "name": "AUTHENTICATION_FAILURE",
    "message": "Authentication failed due to missing authorization header, or invalid authentication credentials.",
}


class PayPalError(Exception):
    """An answer other than 2xx: ``status`` and the JSON ``body``."""

    def __init__(self, status, body):
        super().__init__(body.get("name") or body.get("error"))
        self.status = status
        self.body = body


def api_error(status, name, message, details=None, **extra):
    body = {"name": name, "message": message, "debug_id": secrets.token_hex(7)}
    if details is not None:
        body["details"] = details
    body.update(extra)
    body["links"] = [{"href": f"{DOCS}", "rel": "information_link", "method": "GET"}]
    return PayPalError(status, body)


def invalid(field, value, issue, description):
    return api_error(
        400,
        "INVALID_REQUEST",
        "Request is not well-formed, syntactically incorrect, or violates schema.",
        [{"field": field, "value": value, "location": "query", "issue": issue, "description": description}],
    )


class ApiMixin:
    """The routes of :class:`~.sandbox.PayPalSandbox` (state in ``self.store``)."""

    def route(self, handler, method, path, raw):
        call = {"method": method, "path": handler.path, "status": None, "fault": None, "throttled": False}
        with self._lock:
            self.calls.append(call)
        fault = self.faults.next()
        call["fault"] = fault
        if fault:
            call["status"] = fault.get("status")
            if self.answer_fault(handler, fault):
                return None
        headers = {"Paypal-Debug-Id": secrets.token_hex(7)}
        try:
            if path == "/v1/oauth2/token":
                if method != "POST":
                    raise PayPalError(
                        405, {"name": "METHOD_NOT_SUPPORTED", "message": "Method not supported"}
                    )
                answer = self.issue_token(handler.headers.get("Authorization"), raw)
            elif path in ("/v1/reporting/transactions", "/v1/reporting/balances"):
                token = self.check_token(handler.headers.get("Authorization"))
                if method != "GET":
                    raise PayPalError(
                        405, {"name": "METHOD_NOT_SUPPORTED", "message": "Method not supported"}
                    )
                bucket = self.bucket_for(token)
                if not bucket.take(1):
                    call["throttled"] = True
                    raise api_error(
                        429, "RATE_LIMIT_REACHED", "Too many requests. Blocked due to rate limiting."
                    )
                query = dict(parse_qsl(urlsplit(handler.path).query, keep_blank_values=True))
                answer = self.search(query) if path.endswith("/transactions") else self.balances(query)
            else:
                raise api_error(404, "RESOURCE_NOT_FOUND", "The specified resource does not exist.")
        except PayPalError as exc:
            call["status"] = exc.status
            return handler.reply(exc.status, exc.body, headers)
        call["status"] = 200
        return handler.reply(200, answer, headers)

    def fault_body(self, status):
        if status == 429:
            return {
                "name": "RATE_LIMIT_REACHED",
                "message": "Too many requests. Blocked due to rate limiting.",
                "debug_id": secrets.token_hex(7),
            }
        if status == 503:
            return {
                "name": "SERVICE_UNAVAILABLE",
                "message": "Service Unavailable.",
                "debug_id": secrets.token_hex(7),
            }
        if status >= 500:
            return {
                "name": "INTERNAL_SERVER_ERROR",
                "message": "An internal server error occurred.",
                "debug_id": secrets.token_hex(7),
            }
        return {
            "name": "INVALID_REQUEST",
            "message": "Request is not well-formed, syntactically incorrect, or " "violates schema.",
            "debug_id": secrets.token_hex(7),
        }

    def bucket_for(self, token):
        with self._lock:
            if token not in self.buckets:
                self.buckets[token] = LeakyBucket(self.rate_burst, self.rate_per_second, clock=self.clock)
            return self.buckets[token]

    # -- OAuth ---------------------------------------------------------------------------------

    def issue_token(self, header, raw):
        scheme, _, value = (header or "").partition(" ")
        client_id = secret = None
        if scheme.lower() == "basic":
            try:
                client_id, _, secret = base64.b64decode(value.strip()).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                client_id = None
        if not client_id or self.clients.get(client_id) != secret:
            raise PayPalError(
                401, {"error": "invalid_client", "error_description": "Client Authentication failed"}
            )
        form = dict(parse_qsl(raw.decode("utf-8", "replace")))
        grant = form.get("grant_type")
        if grant != "client_credentials":
            raise PayPalError(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "Grant Type is NULL"
                    if not grant
                    else f"Grant Type {grant} is not supported",
                },
            )
        token = "A21AA" + secrets.token_urlsafe(60).replace("-", "A").replace("_", "B")[:80]
        with self._lock:
            self.tokens[token] = self.clock() + self.token_lifetime
        return {
            "scope": SCOPE,
            "access_token": token,
            "token_type": "Bearer",
            "app_id": "APP-80W284485P519543T",
            "expires_in": int(self.token_lifetime),
            "nonce": format_date(self.store.now()).replace("+0000", "Z") + secrets.token_urlsafe(16),
        }

    def check_token(self, header):
        scheme, _, token = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise PayPalError(401, dict(AUTH_FAILURE, debug_id=secrets.token_hex(7), links=[]))
        token = token.strip()
        with self._lock:
            expires = self.tokens.get(token)
        if expires is None:
            raise PayPalError(
                401, {"error": "invalid_token", "error_description": "Token signature verification failed"}
            )
        if self.clock() >= expires:
            raise PayPalError(
                401, {"error": "invalid_token", "error_description": "The token passed in was expired"}
            )
        return token

    def expire_tokens(self):
        """Every issued token expires now (a test of the client's renewal)."""
        with self._lock:
            for token in self.tokens:
                self.tokens[token] = self.clock()

    # -- Transaction Search -----------------------------------------------------------------------

    def search(self, query):
        store = self.store
        for name in query:
            if name not in KNOWN_PARAMS:
                raise invalid(name, query[name], "UNKNOWN_PARAMETER", f"{name} is not a known parameter.")
        start, end = self._window(query)
        fields = self._fields(query.get("fields") or "transaction_info")
        page_size = self._integer(query, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        page = self._integer(query, "page", 1, 1, 2147483647)
        refreshed = store.last_refreshed()
        if start > refreshed:
            raise api_error(400, "INVALID_REQUEST", "Data for the given start date is not available.", [])
        served_end = min(end, refreshed)
        checks = self._filters(query)
        with store.lock:
            now = store.now()
            matches = [
                r
                for r in store.records
                if start <= r["_at"] <= served_end and r["_visible"] <= now and all(c(r) for c in checks)
            ]
            matches.sort(key=lambda r: (r["_at"], r["_seq"]))
            if len(matches) > self.max_results:
                raise api_error(
                    400,
                    "RESULTSET_TOO_LARGE",
                    "Result set size is greater than the maximum limit. Change the filter criteria and try again.",
                    [],
                    total_items=len(matches),
                    maximum_items=self.max_results,
                )
            total_pages = max(1, math.ceil(len(matches) / page_size))
            chunk = matches[(page - 1) * page_size : page * page_size]
            balances = None if any(query.get(f) for f in FILTERS) else self._balances(chunk)
            details = [self._detail(r, fields, balances) for r in chunk]
        return {
            "transaction_details": details,
            "account_number": store.account_number,
            "start_date": format_date(start),
            "end_date": format_date(served_end),
            "last_refreshed_datetime": format_date(refreshed),
            "page": page,
            "total_items": len(matches),
            "total_pages": total_pages,
            "links": self._links(query, page, total_pages),
        }

    def balances(self, query):
        """``GET /v1/reporting/balances`` (``as_of_time``, ``currency_code``):
        per currency ``total_balance``, ``available_balance`` and
        ``withheld_balance`` (claims and reserves held), as of the last refresh."""
        store = self.store
        for name in query:
            if name not in ("as_of_time", "currency_code", "include_crypto_currencies"):
                raise invalid(name, query[name], "UNKNOWN_PARAMETER", f"{name} is not a known parameter.")
        refreshed = store.last_refreshed()
        as_of = refreshed
        if query.get("as_of_time"):
            as_of = parse_date(query["as_of_time"])
            if as_of is None:
                raise invalid(
                    "as_of_time",
                    query["as_of_time"],
                    "INVALID_PARAMETER_SYNTAX",
                    "as_of_time must be an RFC 3339 date-time with seconds.",
                )
            as_of = min(as_of, refreshed)
        wanted = (query.get("currency_code") or "").upper()
        with store.lock:
            currencies = sorted(
                {r["transaction_info"]["transaction_amount"]["currency_code"] for r in store.records}
                | set(store.currencies)
            )
            held = {}
            for r in store.records:
                code = r["transaction_info"]["transaction_event_code"]
                if r["_at"] <= as_of and code in ("T1110", "T1111", "T2103", "T2104"):
                    currency = r["transaction_info"]["transaction_amount"]["currency_code"]
                    held[currency] = held.get(currency, Decimal(0)) - store.amount_of(r)
            balances = []
            for currency in currencies:
                if wanted and currency != wanted:
                    continue
                available = store.balance(currency, as_of)
                withheld = held.get(currency, Decimal(0))
                balances.append(
                    {
                        "currency": currency,
                        "primary": currency == store.currencies[0],
                        "total_balance": money(available + withheld, currency),
                        "available_balance": money(available, currency),
                        "withheld_balance": money(withheld, currency),
                    }
                )
        return {
            "balances": balances,
            "account_id": store.account_number,
            "as_of_time": format_date(as_of),
            "last_refresh_time": format_date(refreshed),
        }

    def _window(self, query):
        for name in ("start_date", "end_date"):
            if not query.get(name):
                raise invalid(name, "", "MISSING_REQUIRED_PARAMETER", f"{name} is required.")
        start, end = parse_date(query["start_date"]), parse_date(query["end_date"])
        for name, value in (("start_date", start), ("end_date", end)):
            if value is None:
                raise invalid(
                    name,
                    query[name],
                    "INVALID_PARAMETER_SYNTAX",
                    f"{name} must be an RFC 3339 date-time with seconds.",
                )
        if end < start:
            raise invalid(
                "end_date", query["end_date"], "INVALID_DATE_RANGE", "end_date is before start_date."
            )
        if end - start > MAX_WINDOW_DAYS * 86400:
            raise invalid(
                "start_date",
                query["start_date"],
                "INVALID_DATE_RANGE",
                f"Date range is greater than {MAX_WINDOW_DAYS} days.",
            )
        return start, end

    @staticmethod
    def _fields(value):
        names = [f.strip() for f in value.split(",") if f.strip()]
        if names == ["all"]:
            return FIELDS
        unknown = [n for n in names if n not in FIELDS]
        if unknown or not names:
            raise invalid(
                "fields", value, "INVALID_PARAMETER_VALUE", "fields is all or a list of " + ", ".join(FIELDS)
            )
        return tuple(names)

    @staticmethod
    def _integer(query, name, default, low, high):
        raw = query.get(name)
        if raw in (None, ""):
            return default
        try:
            value = int(raw)
        except ValueError:
            raise invalid(name, raw, "INVALID_PARAMETER_SYNTAX", f"{name} must be an integer.") from None
        if not low <= value <= high:
            raise invalid(name, raw, "INVALID_PARAMETER_VALUE", f"{name} must be between {low} and {high}.")
        return value

    def _filters(self, query):
        checks = []
        if query.get("balance_affecting_records_only") not in (None, "", "Y", "N"):
            raise invalid(
                "balance_affecting_records_only",
                query["balance_affecting_records_only"],
                "INVALID_PARAMETER_VALUE",
                "balance_affecting_records_only is Y or N.",
            )
        if query.get("transaction_id") and not 17 <= len(query["transaction_id"]) <= 19:
            raise invalid(
                "transaction_id",
                query["transaction_id"],
                "INVALID_PARAMETER_SYNTAX",
                "A transaction ID is 17 characters long (an order ID 19).",
            )
        if query.get("transaction_id"):
            checks.append(lambda r: r["transaction_info"]["transaction_id"] == query["transaction_id"])
        if query.get("transaction_type"):
            checks.append(
                lambda r: r["transaction_info"]["transaction_event_code"] == query["transaction_type"]
            )
        if query.get("transaction_status"):
            if query["transaction_status"] not in STATUSES:
                raise invalid(
                    "transaction_status",
                    query["transaction_status"],
                    "INVALID_PARAMETER_VALUE",
                    "transaction_status is one of " + ", ".join(STATUSES),
                )
            checks.append(
                lambda r: r["transaction_info"]["transaction_status"] == query["transaction_status"]
            )
        if query.get("transaction_currency"):
            currency = query["transaction_currency"].upper()
            checks.append(lambda r: r["transaction_info"]["transaction_amount"]["currency_code"] == currency)
        if query.get("transaction_amount"):
            raw = query["transaction_amount"].strip()
            try:
                low, high = (int(v) for v in raw.strip("[]").split(" TO "))
            except ValueError:
                raise invalid(
                    "transaction_amount",
                    raw,
                    "INVALID_PARAMETER_SYNTAX",
                    "transaction_amount is '[<start-range> TO <end-range>]' in lower denominations.",
                ) from None

            def in_range(r):
                amount = r["transaction_info"]["transaction_amount"]
                minor = Decimal(amount["value"]) * (
                    1 if amount["currency_code"] in ("JPY", "HUF", "TWD") else 100
                )
                return low <= minor <= high

            checks.append(in_range)
        return checks

    def _balances(self, records):
        """``{id(record): (ending, available)}`` for ``records``: the balance of
        the record's currency after it, over the whole account (not only the
        records asked for); ``ending`` counts what claims and reserves hold, ``available``
        does not. Computed once per state of the account (records only grow)."""
        store = self.store
        cached = getattr(self, "_balance_cache", None)
        if cached is None or cached[0] != len(store.records):
            running, held, table = {}, {}, {}
            for r in sorted(store.records, key=lambda r: (r["_at"], r["_seq"])):
                info = r["transaction_info"]
                currency = info["transaction_amount"]["currency_code"]
                delta = store.amount_of(r) + store.fee_of(r)
                running[currency] = running.get(currency, Decimal(0)) + delta
                if info["transaction_event_code"] in ("T1110", "T1111", "T2103", "T2104"):
                    held[currency] = held.get(currency, Decimal(0)) - delta
                table[id(r)] = (running[currency] + held.get(currency, 0), running[currency], currency)
            cached = self._balance_cache = (len(store.records), table)
        table = cached[1]
        out = {}
        for r in records:
            ending, available, currency = table[id(r)]
            out[id(r)] = (money(ending, currency), money(available, currency))
        return out

    @staticmethod
    def _detail(record, fields, balances):
        detail = {}
        for name in fields:
            value = record[name]
            if name == "transaction_info":
                value = dict(value)
                if balances is not None:
                    value["ending_balance"], value["available_balance"] = balances[id(record)]
            detail[name] = value
        return detail

    def _links(self, query, page, total_pages):
        base = f"{self.base_url}/v1/reporting/transactions"

        def href(number):
            return base + "?" + urlencode(dict(query, page=number))

        links = [{"href": href(page), "rel": "self", "method": "GET"}]
        if page < total_pages:
            links.append({"href": href(page + 1), "rel": "next", "method": "GET"})
        links.append({"href": href(total_pages), "rel": "last", "method": "GET"})
        return links
