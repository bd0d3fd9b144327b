"""Stripe's REST face (``https://api.stripe.com/v1/...`` on loopback), the
read side a reconciliation needs, modelled on Stripe's OpenAPI description:

- authentication: ``Authorization: Bearer sk_test_...`` (or HTTP Basic with
  the key as user name); none or an unknown key answers 401 with Stripe's
  error object; ``Stripe-Version`` is accepted (a malformed one is a 400)
  and echoed, with a ``Request-Id``;
- ``GET /v1/payouts`` (``limit`` 1-100, ``starting_after``, ``ending_before``,
  ``created``, ``arrival_date`` (an integer or ``[gt|gte|lt|lte]``),
  ``status``, ``destination``) and ``GET /v1/payouts/{id}``;
- ``GET /v1/balance_transactions`` (``payout``: automatic payouts only,
  ``type``, ``source``, ``currency``, ``created``, and the cursors) and
  ``GET /v1/balance_transactions/{id}``;
- ``GET /v1/charges/{id}``, ``/v1/refunds/{id}``, ``/v1/disputes/{id}``,
  ``GET /v1/balance``, ``GET /v1/events`` (``type``, ``types[]``,
  ``created``) and ``/v1/events/{id}``;
- ``expand[]`` on all of them (``data.source`` in lists);
- lists answer ``{"object": "list", "data", "has_more", "url"}``, newest
  first; an unknown parameter is a 400 ``parameter_unknown``;
- errors ``{"error": {"type", "code", "message", "param"}}``: 404
  ``resource_missing``, 401 without ``code``, 429 ``rate_limit`` (a leaky
  bucket of 25 requests refilled at 25/s per key: Stripe's test-mode read
  limit); Stripe documents no ``Retry-After`` on a 429 (it advises
  exponential backoff), so the sandbox sends none unless a fault names one.
"""

import base64
import math
import secrets
from urllib.parse import parse_qsl, urlsplit

from ..peer import LeakyBucket
from .common import API_VERSION_RE, BALANCE_TRANSACTION_TYPES, DEFAULT_LIMIT, MAX_LIMIT, PAYOUT_STATUSES
from .store import StripeError, resource_missing
from .views import expand, view

RATE_LIMIT_MESSAGE = (
    "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests."
)
NO_KEY = (
    "You did not provide an API key. You need to provide your API key in the Authorization header, "
    "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication "
    "for details, or we can help at https://support.stripe.com/."
)
LIST_PARAMS = {"limit", "starting_after", "ending_before", "expand"}
# resource -> (object name in messages, list filters)
RESOURCES = {
    "payouts": ("payout", {"created", "arrival_date", "status", "destination"}),
    "balance_transactions": ("balance transaction", {"created", "currency", "payout", "source", "type"}),
    "charges": ("charge", None),
    "refunds": ("refund", None),
    "disputes": ("dispute", None),
    "events": ("event", {"created", "type", "types", "delivery_success"}),
}
OBJECT_OF = {
    "payouts": "payout",
    "balance_transactions": "balance_transaction",
    "charges": "charge",
    "refunds": "refund",
    "disputes": "dispute",
    "events": "event",
}
KIND_OF = {"payouts": "payout", "balance_transactions": "txn", "events": "event"}
RANGE_KEYS = ("gt", "gte", "lt", "lte")


def parse_params(query):
    """Stripe's form encoding: ``created[gte]=1`` -> ``{"created": {"gte": "1"}}``,
    ``expand[]=a&expand[]=b`` (or ``expand[0]``) -> ``{"expand": ["a", "b"]}``."""
    params = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        if "[" in key and key.endswith("]"):
            name, _, sub = key[:-1].partition("[")
            if sub == "" or sub.isdigit():
                params.setdefault(name, [])
                if not isinstance(params[name], list):
                    raise StripeError(400, f"Invalid array: {name}", param=name)
                params[name].append(value)
            else:
                params.setdefault(name, {})
                if not isinstance(params[name], dict):
                    raise StripeError(400, f"Invalid hash: {name}", param=name)
                params[name][sub] = value
        else:
            params[key] = value
    return params


def _integer(value, param):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise StripeError(
            400, f"Invalid integer: {value}", code="parameter_invalid_integer", param=param
        ) from None


def range_filter(params, name):
    """``name`` as an exact integer or a ``{gt, gte, lt, lte}`` hash -> a predicate, or None."""
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, dict):
        bounds = {}
        for key, raw in value.items():
            if key not in RANGE_KEYS:
                raise StripeError(
                    400,
                    f"Received unknown parameter: {name}[{key}]",
                    code="parameter_unknown",
                    param=f"{name}[{key}]",
                )
            bounds[key] = _integer(raw, f"{name}[{key}]")
        return lambda v: (
            ("gt" not in bounds or v > bounds["gt"])
            and ("gte" not in bounds or v >= bounds["gte"])
            and ("lt" not in bounds or v < bounds["lt"])
            and ("lte" not in bounds or v <= bounds["lte"])
        )
    if isinstance(value, list):
        raise StripeError(400, f"Invalid integer: {value}", code="parameter_invalid_integer", param=name)
    exact = _integer(value, name)
    return lambda v: v == exact


class ApiMixin:
    """The routes of :class:`~.sandbox.StripeSandbox` (state in ``self.store``)."""

    def bucket_for(self, key):
        with self._lock:
            if key not in self.buckets:
                self.buckets[key] = LeakyBucket(self.rate_limit, self.rate_limit, clock=self.clock)
            return self.buckets[key]

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
        version = handler.headers.get("Stripe-Version") or self.store.api_version
        headers = {"Request-Id": "req_" + secrets.token_hex(7), "Stripe-Version": version}
        try:
            key = self._authenticate(handler.headers.get("Authorization"))
            if not API_VERSION_RE.match(version):
                headers["Stripe-Version"] = self.store.api_version
                raise StripeError(400, f"Invalid Stripe API version: {version}", param="Stripe-Version")
            bucket = self.bucket_for(key)
            if not bucket.take(1):
                call["throttled"] = True
                raise StripeError(429, RATE_LIMIT_MESSAGE, code="rate_limit")
            answer = self.dispatch(method, path, parse_params(urlsplit(handler.path).query))
        except StripeError as exc:
            call["status"] = exc.status
            handler.reply(exc.status, exc.body, headers)
        else:
            call["status"] = 200
            handler.reply(200, answer, headers)
        self.flush_webhooks()  # what fell due meanwhile, after the answer and outside the locks
        return None

    def _authenticate(self, header):
        header = (header or "").strip()
        if not header:
            raise StripeError(401, NO_KEY)
        scheme, _, value = header.partition(" ")
        key = None
        if scheme.lower() == "bearer":
            key = value.strip()
        elif scheme.lower() == "basic":
            try:
                key = base64.b64decode(value.strip()).decode("utf-8").partition(":")[0]
            except (ValueError, UnicodeDecodeError):
                key = None
        if not key:
            raise StripeError(401, NO_KEY)
        if key not in self.api_keys:
            shown = key[:8] + "*" * max(len(key) - 12, 4) + key[-4:] if len(key) > 12 else key
            raise StripeError(401, f"Invalid API Key provided: {shown}")
        return key

    def fault_body(self, status):
        if status == 429:
            return {
                "error": {
                    "type": "invalid_request_error",
                    "code": "rate_limit",
                    "message": RATE_LIMIT_MESSAGE,
                }
            }
        if status >= 500:
            return {"error": {"type": "api_error", "message": "An unknown error occurred"}}
        return {"error": {"type": "invalid_request_error", "message": "The request could not be processed."}}

    def answer_fault(self, handler, fault):
        """The base's fault answers worded as Stripe's, but a 429 carries a
        ``Retry-After`` only when the fault names one (Stripe documents none)."""
        status = fault.get("status") if fault else None
        if status == 429 and not fault.get("drop") and fault.get("body") is None:
            if fault.get("delay"):
                self.faults.wait(float(fault["delay"]))
            headers = {"Request-Id": "req_" + secrets.token_hex(7)}
            if fault.get("retry_after") is not None:
                headers["Retry-After"] = str(fault["retry_after"])
            handler.reply(429, self.fault_body(429), headers)
            return True
        return super().answer_fault(handler, fault)

    # -- dispatch ----------------------------------------------------------------------------

    def dispatch(self, method, path, params):
        parts = [p for p in path.split("/") if p]
        if method != "GET" or len(parts) < 2 or parts[0] != "v1":
            raise self._unrecognized(method, path)
        store = self.store
        store.process()  # what fell due by now (sweeps, arrivals) happens before the answer
        with store.lock:
            if parts[1:] == ["balance"]:
                self._check_params(params, {"expand"})
                return self._balance()
            resource = parts[1]
            if resource not in RESOURCES or len(parts) > 3:
                raise self._unrecognized(method, path)
            if len(parts) == 3:
                self._check_params(params, {"expand"})
                return self._retrieve(resource, parts[2], params)
            if RESOURCES[resource][1] is None:
                raise self._unrecognized(method, path)
            return self._list(resource, params)

    @staticmethod
    def _unrecognized(method, path):
        return StripeError(
            404,
            f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can help at "
            "https://support.stripe.com/.",
        )

    @staticmethod
    def _check_params(params, allowed):
        for name in params:
            if name not in allowed:
                raise StripeError(
                    400, f"Received unknown parameter: {name}", code="parameter_unknown", param=name
                )

    def _expand_list(self, params, in_list):
        paths = params.get("expand") or []
        if isinstance(paths, str | dict):
            raise StripeError(400, "Invalid array", param="expand")
        if not in_list:
            return paths
        out = []
        for p in paths:
            if not p.startswith("data."):
                raise StripeError(
                    400, f"This property cannot be expanded ({p.split('.')[0]}).", param="expand"
                )
            out.append(p[len("data.") :])
        return out

    def _retrieve(self, resource, object_id, params):
        store = self.store
        obj = store.objects.get(object_id)
        if obj is None or obj["object"] != OBJECT_OF[resource]:
            raise resource_missing(RESOURCES[resource][0], object_id)
        return expand(store, view(store, obj), self._expand_list(params, False))

    def _balance(self):
        amounts = self.store.balance()
        return {
            "object": "balance",
            "available": [
                {"amount": v["available"], "currency": c, "source_types": {"card": v["available"]}}
                for c, v in sorted(amounts.items())
            ],
            "pending": [
                {"amount": v["pending"], "currency": c, "source_types": {"card": v["pending"]}}
                for c, v in sorted(amounts.items())
            ],
            "livemode": False,
        }

    def _list(self, resource, params):
        store = self.store
        name, filters = RESOURCES[resource]
        self._check_params(params, LIST_PARAMS | filters)
        limit = _integer(params.get("limit", DEFAULT_LIMIT), "limit")
        if limit < 1:
            raise StripeError(400, "This value must be greater than or equal to 1.", param="limit")
        if limit > MAX_LIMIT:
            raise StripeError(400, f"This value must be less than or equal to {MAX_LIMIT}.", param="limit")
        if params.get("starting_after") and params.get("ending_before"):
            raise StripeError(
                400, "You may only specify one of these parameters: ending_before, starting_after."
            )
        expand_paths = self._expand_list(params, True)
        ids = self._candidates(resource, params)
        checks = []
        for field in ("created", "arrival_date"):
            predicate = range_filter(params, field) if field in filters else None
            if predicate:
                checks.append(lambda o, f=field, p=predicate: p(o[f]))
        if "status" in filters and params.get("status"):
            if params["status"] not in PAYOUT_STATUSES:
                raise StripeError(
                    400, f"Invalid status: must be one of {', '.join(PAYOUT_STATUSES)}", param="status"
                )
            checks.append(lambda o: o["status"] == params["status"])
        for field in ("currency", "source", "destination"):
            if field in filters and params.get(field):
                checks.append(
                    lambda o, f=field: o.get(f) == params[f].lower()
                    if f == "currency"
                    else o.get(f) == params[f]
                )
        if resource == "balance_transactions" and params.get("type"):
            if params["type"] not in BALANCE_TRANSACTION_TYPES:
                raise StripeError(
                    400, f"Invalid type: must be one of {', '.join(BALANCE_TRANSACTION_TYPES)}", param="type"
                )
            checks.append(lambda o: o["type"] == params["type"])
        if resource == "events":
            types = params.get("types") or ([params["type"]] if params.get("type") else [])
            if types:
                checks.append(lambda o: any(_event_type_matches(t, o["type"]) for t in types))
        order = store.order
        objects = [store.objects[i] for i in ids]
        objects = [o for o in objects if all(check(o) for check in checks)]
        objects.sort(key=lambda o: (o["created"], order[o["id"]]), reverse=True)
        page, has_more = self._page(resource, objects, params, limit)
        return {
            "object": "list",
            "data": [expand(store, view(store, o), expand_paths) for o in page],
            "has_more": has_more,
            "url": f"/v1/{resource}",
        }

    def _candidates(self, resource, params):
        store = self.store
        if resource == "balance_transactions" and params.get("payout"):
            payout = store.objects.get(params["payout"])
            if payout is None or payout["object"] != "payout":
                raise resource_missing("payout", params["payout"], param="payout")
            if not payout["automatic"]:
                raise StripeError(
                    400,
                    "Balance transaction history can only be filtered on automatic transfers, not manual.",
                    param="payout",
                )
            return store.payout_lines(payout["id"])
        return store.kinds[KIND_OF.get(resource, resource)]

    def _page(self, resource, objects, params, limit):
        store = self.store
        cursor_id = params.get("starting_after") or params.get("ending_before")
        if not cursor_id:
            return objects[:limit], len(objects) > limit
        cursor = store.objects.get(cursor_id)
        param = "starting_after" if params.get("starting_after") else "ending_before"
        if cursor is None or cursor["object"] != OBJECT_OF[resource]:
            raise StripeError(
                400, f"No such {RESOURCES[resource][0]}: '{cursor_id}'", code="resource_missing", param=param
            )
        key = (cursor["created"], store.order[cursor_id])

        def key_of(o):
            return (o["created"], store.order[o["id"]])

        if param == "starting_after":
            older = [o for o in objects if key_of(o) < key]
            return older[:limit], len(older) > limit
        newer = [o for o in objects if key_of(o) > key]
        return newer[-limit:], len(newer) > limit

    def throttle_status(self, key):
        bucket = self.bucket_for(key)
        return {"available": math.floor(bucket.available()), "size": bucket.size}


def _event_type_matches(pattern, event_type):
    if pattern.endswith(".*"):
        return event_type.startswith(pattern[:-1])
    return pattern == event_type
