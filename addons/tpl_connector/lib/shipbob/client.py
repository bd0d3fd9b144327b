"""ShipBob REST client (API version 2025-07): the one place we talk to ShipBob.

Built on :class:`IntegrationHttpClient`, which sends every request with a
timeout, through the circuit breaker and the rate limiter, masks the token
in logs, and classifies failures (timeouts, 5xx and 429 retryable, other
4xx permanent). What this module adds is ShipBob's own knowledge:

Authentication and headers
    ``Authorization: Bearer <personal access token>`` and the
    ``shipbob_channel_id`` header, which create and read calls of orders and
    returns need (developer.shipbob.com/auth; the OpenAPI "Create Order":
    header ``shipbob_channel_id`` required).

Rate limit
    150 requests per minute per user and application, a sliding window
    across all of ShipBob's APIs (developer.shipbob.com/rate-limit).
    A throttled call is answered 429 with ``x-retry-after: <seconds>`` (and
    ``x-remaining-calls``), not the standard ``Retry-After``: a response hook
    copies it over so that the base class's :class:`RateLimited` carries it
    as ``retry_after``. Without a limiter of its own the client paces itself
    with a token bucket at 150/60 requests per second; several workers of
    one account should share one (:func:`integration_core.lib.rate_limit.get_bucket`).

Duplicate orders
    ``reference_id`` must be unique in the account; ShipBob answers a second
    ``POST /order`` with the same one with HTTP 422. :meth:`ShipBobClient.create_order`
    then looks the order up by reference and returns it in an
    :class:`OrderCreation` with ``created=False``: the release is done, not
    failed. A 422 for any other reason (no order with that reference) stays
    a :class:`RemoteRejected`.

Pagination
    ``GET /order`` and ``GET /receiving`` are paged with ``Page`` (from 1)
    and ``Limit`` (at most 250) and answer with ``Page-Number`` /
    ``Total-Pages`` headers; inventory levels, returns and webhook
    subscriptions are cursor-paged: the body's ``next`` is the URL of the
    next page (absent or empty on the last). The ``iter_*`` methods follow
    either to the end.

Paths are those of ShipBob's published OpenAPI document for 2025-07
(``/2025-07/order``, ``/2025-07/order/{orderId}:cancel``,
``/2025-07/receiving``, ``/2025-07/inventory-level/locations``,
``/2025-07/return``, ``/2025-07/webhook`` ...).
"""

import logging
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import RemoteRejected, RemoteServerError
from odoo.addons.integration_core.lib.http_client import IntegrationHttpClient
from odoo.addons.integration_core.lib.rate_limit import TokenBucket

from . import API_VERSION

__all__ = [
    "MAX_PAGE_SIZE",
    "PRODUCTION_URL",
    "RATE_PER_SECOND",
    "SANDBOX_URL",
    "OrderCreation",
    "ShipBobClient",
]

_logger = logging.getLogger(__name__)

PRODUCTION_URL = "https://api.shipbob.com"
SANDBOX_URL = "https://sandbox-api.shipbob.com"
RATE_PER_SECOND = 150 / 60.0  # developer.shipbob.com/rate-limit
RATE_BURST = 10  # tokens saved up: short bursts, far below the 150 of the window
MAX_PAGE_SIZE = 250  # GET /order and GET /receiving: Limit at most 250 (default 50)
HEADER_CHANNEL = "shipbob_channel_id"
HEADER_RETRY_AFTER = "x-retry-after"
HEADER_REMAINING = "x-remaining-calls"
DEFAULT_TIMEOUT = (3.05, 30.0)


@dataclass(frozen=True)
class OrderCreation:
    """What :meth:`ShipBobClient.create_order` did.

    ``created`` is False when ShipBob already had an order with this
    ``reference_id`` (its 422 answer): ``order`` is then that existing
    order, found by reference. Either way the release is done.
    """

    order: dict
    created: bool

    @property
    def already_existed(self):
        return not self.created

    @property
    def order_id(self):
        return str(self.order.get("id")) if isinstance(self.order, dict) and self.order.get("id") else None


def _copy_retry_after(response, *args, **kwargs):
    """Response hook: ShipBob's ``x-retry-after`` becomes ``Retry-After``,
    which the base class turns into ``RateLimited.retry_after``."""
    if response.status_code == 429 and "Retry-After" not in response.headers:
        value = response.headers.get(HEADER_RETRY_AFTER)
        if value:
            response.headers["Retry-After"] = value
    return response


def _csv(values):
    return ",".join(str(value) for value in values)


class ShipBobClient(IntegrationHttpClient):
    """``ShipBobClient(base_url, token=..., channel_id=...)``: the base URL
    first, as integration_core's client factory (``backend._http_client``)
    calls every client; :data:`SANDBOX_URL` for ShipBob's sandbox (or a
    local peer's URL in tests).

    Extra keyword arguments go to :class:`IntegrationHttpClient` (timeout,
    rate_limiter, circuit_breaker, session, logger, ...).
    """

    def __init__(self, base_url=PRODUCTION_URL, *, token, channel_id, api_version=API_VERSION, **kwargs):
        if not token:
            raise ValueError("a ShipBob personal access token is required")
        if channel_id in (None, ""):
            raise ValueError("a ShipBob channel id is required (GET /channel lists them)")
        headers = {
            "Authorization": f"Bearer {token}",
            HEADER_CHANNEL: str(channel_id),
            "Accept": "application/json",
            "Content-Type": "application/json",
        }
        headers.update(kwargs.pop("default_headers", None) or {})
        secrets = tuple(kwargs.pop("secrets", ()) or ()) + (token,)
        kwargs.setdefault("logger", _logger)
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        if "rate_limiter" not in kwargs:
            kwargs["rate_limiter"] = TokenBucket(RATE_PER_SECOND, capacity=RATE_BURST)
        super().__init__(base_url, default_headers=headers, secrets=secrets, **kwargs)
        self.channel_id = str(channel_id)
        self.api_version = api_version
        self.remaining_calls = None  # x-remaining-calls of the last answer
        self.session.hooks.setdefault("response", []).extend([_copy_retry_after, self._note_remaining_calls])

    # --- plumbing -------------------------------------------------------------------

    def _note_remaining_calls(self, response, *args, **kwargs):
        """Response hook: keep ShipBob's ``x-remaining-calls`` (calls left in
        the sliding minute) for callers that want to slow down early."""
        value = response.headers.get(HEADER_REMAINING)
        if value is not None and str(value).strip().isdigit():
            self.remaining_calls = int(value)
        return response

    def path(self, *parts):
        """``/2025-07/<parts...>``; ids are quoted (``:cancel`` stays as is)."""
        return "/" + "/".join([self.api_version, *[str(part) for part in parts]])

    def _id(self, value, what):
        text = str(value).strip() if value is not None else ""
        if not text.isdigit():
            raise ValueError(f"a ShipBob {what} id is a number, got {value!r}")
        return text

    def _send_json(self, method, path, payload, **kwargs):
        """Send ``payload`` written by :func:`canonical.dumps`, so Decimal
        quantities and prices go out digit for digit (``requests``' own JSON
        encoder refuses Decimals)."""
        return self.request_json(method, path, data=canonical.dumps(payload).encode("utf-8"), **kwargs)

    def _iter_pages(self, path, params, limit):
        """Items of a Page/Limit-paged list, page after page."""
        page = 1
        while True:
            query = dict(params, Page=page, Limit=limit)
            response = self.request("GET", path, params=query)
            items = self._list_body(response, path)
            yield from items
            total = response.headers.get("Total-Pages")
            if len(items) < limit or (total and str(total).isdigit() and page >= int(total)):
                return
            page += 1

    def _iter_cursor(self, path, params):
        """Items of a cursor-paged list: follow the body's ``next`` URL."""
        url, query = path, params
        seen = set()
        while url:
            body = self.request_json("GET", url, params=query) or {}
            if not isinstance(body, dict):
                raise RemoteServerError(f"ShipBob answered {path} with {type(body).__name__}, not a page")
            yield from body.get("items") or []
            url, query = self._next_page(body.get("next"), path), None
            if url in seen:  # a page pointing at itself would loop forever
                raise RemoteServerError(f"ShipBob's pagination of {path} repeats the page {url}")
            seen.add(url)

    def _next_page(self, next_url, path):
        """The ``next`` URL of a page, refused when it leaves ShipBob's host
        (the request would carry our token there)."""
        if not next_url:
            return None
        if not isinstance(next_url, str):
            raise RemoteServerError(f"ShipBob's next page of {path} is not a URL")
        target = urlsplit(self.url(next_url))
        home = urlsplit(self.base_url)
        if (target.scheme, target.netloc) != (home.scheme, home.netloc):
            raise RemoteServerError(f"ShipBob's next page of {path} points to another host ({target.netloc})")
        return next_url

    def _list_body(self, response, path):
        if not response.content:
            return []
        try:
            body = response.json()
        except ValueError:
            raise RemoteServerError(f"ShipBob answered {path} with invalid JSON") from None
        if not isinstance(body, list):
            raise RemoteServerError(f"ShipBob answered {path} with {type(body).__name__}, not a list")
        return body

    # --- orders ----------------------------------------------------------------------

    def create_order(self, payload):
        """``POST /order``: create the order once; :class:`OrderCreation`.

        A 422 answer with an order of the same ``reference_id`` already at
        ShipBob gives ``OrderCreation(existing_order, created=False)``.
        """
        reference = payload.get("reference_id") if isinstance(payload, dict) else None
        try:
            order = self._send_json("POST", self.path("order"), payload)
        except RemoteRejected as error:
            if error.status_code != 422 or not reference:
                raise
            existing = self.find_order_by_reference(reference)
            if existing is None:
                raise
            self.logger.info("ShipBob already has order %s for reference %s", existing.get("id"), reference)
            return OrderCreation(existing, created=False)
        return OrderCreation(order or {}, created=True)

    def get_order(self, order_id):
        """``GET /order/{orderId}``: the order with its shipments."""
        return self.request_json("GET", self.path("order", self._id(order_id, "order")))

    def find_order_by_reference(self, reference):
        """The order whose ``reference_id`` is ``reference`` (exactly), or None."""
        params = {"ReferenceIds": reference, "Page": 1, "Limit": MAX_PAGE_SIZE}
        response = self.request("GET", self.path("order"), params=params)
        for order in self._list_body(response, "/order"):
            if isinstance(order, dict) and order.get("reference_id") == reference:
                return order
        return None

    def cancel_order(self, order_id):
        """``POST /order/{orderId}:cancel``: ShipBob's answer, always a dict.

        The 200 answer has ``status`` Success, Failure or PartialSuccess and
        ``canceled_shipment_results`` (see :func:`.mapping.cancellation_answer`).
        A 422 (ShipBob refuses to cancel, e.g. the order already shipped) is
        returned as ``{"status": "Failure", "order_id": ..., "rejected": <its
        body>}`` instead of raised: a refusal is an answer, not an error.
        """
        oid = self._id(order_id, "order")
        try:
            return self.request_json("POST", self.path("order", f"{oid}:cancel")) or {}
        except RemoteRejected as error:
            if error.status_code != 422:
                raise
            try:
                detail = canonical.loads(error.body) if error.body else None
            except ValueError:
                detail = error.body
            return {"status": "Failure", "order_id": int(oid), "rejected": detail}

    def cancel_shipment(self, order_id, shipment_id):
        """``POST /order/{orderId}/shipment/{shipmentId}:cancel``: the shipment,
        cancelled. ShipBob cancels a shipment not picked, packed or shipped
        (e.g. the rest of a short waiting for stock); otherwise it refuses
        with a 4xx, raised as ``RemoteRejected``."""
        path = self.path(
            "order",
            self._id(order_id, "order"),
            "shipment",
            f"{self._id(shipment_id, 'shipment')}:cancel",
        )
        return self.request_json("POST", path) or {}

    def get_order_shipments(self, order_id):
        """``GET /order/{orderId}/shipment``: every shipment of the order."""
        path = self.path("order", self._id(order_id, "order"), "shipment")
        return self._list_body(self.request("GET", path), path)

    def get_shipment(self, shipment_id):
        """``GET /shipment/{shipmentId}``."""
        return self.request_json("GET", self.path("shipment", self._id(shipment_id, "shipment")))

    def iter_orders(
        self,
        *,
        updated_since=None,
        updated_until=None,
        has_tracking=None,
        reference_ids=None,
        limit=MAX_PAGE_SIZE,
    ):
        """Orders, every page, oldest first: the polling catch-up.

        ``updated_since`` / ``updated_until`` (ISO 8601 date-times) filter on
        ShipBob's last update of the order (``LastUpdateStartDate`` /
        ``LastUpdateEndDate``), so a shipment confirmed while a webhook was
        lost is found on the next run. ``has_tracking=True`` keeps orders
        with at least one shipment handed to a carrier.
        """
        params = {"SortOrder": "Oldest"}
        if updated_since:
            params["LastUpdateStartDate"] = updated_since
        if updated_until:
            params["LastUpdateEndDate"] = updated_until
        if has_tracking is not None:
            params["HasTracking"] = "true" if has_tracking else "false"
        if reference_ids:
            params["ReferenceIds"] = _csv(reference_ids)
        yield from self._iter_pages(self.path("order"), params, min(int(limit), MAX_PAGE_SIZE))

    def iter_shipments(self, *, updated_since=None, updated_until=None, limit=MAX_PAGE_SIZE):
        """``(order, shipment)`` pairs of the orders updated in the window
        (see :meth:`iter_orders`); the order comes along because the
        mapper needs its lines to tell shorts from splits."""
        for order in self.iter_orders(updated_since=updated_since, updated_until=updated_until, limit=limit):
            for shipment in (order or {}).get("shipments") or []:
                yield order, shipment

    # --- receiving (WRO) -------------------------------------------------------------

    def create_receiving_order(self, payload):
        """``POST /receiving``: a warehouse receiving order (WRO)."""
        return self._send_json("POST", self.path("receiving"), payload)

    def get_receiving_order(self, wro_id):
        """``GET /receiving/{id}``: the WRO with expected/received/stowed
        quantities per inventory item."""
        return self.request_json("GET", self.path("receiving", self._id(wro_id, "receiving order")))

    def get_receiving_boxes(self, wro_id):
        """``GET /receiving/{id}/boxes``: boxes with received quantities and lots."""
        path = self.path("receiving", self._id(wro_id, "receiving order"), "boxes")
        return self._list_body(self.request("GET", path), path)

    def find_receiving_orders(self, purchase_order_numbers):
        """WROs whose ``purchase_order_number`` is one of these (our notice
        references): the check before creating one, since a WRO has no
        unique reference of its own."""
        params = {"PurchaseOrderNumbers": _csv(purchase_order_numbers)}
        return list(self._iter_pages(self.path("receiving"), params, MAX_PAGE_SIZE))

    def iter_receiving_orders(self, *, statuses=None, completed_since=None, fulfillment_center_ids=None):
        """WROs, every page (``Statuses``, ``CompletedStartDate`` filters)."""
        params = {}
        if statuses:
            params["Statuses"] = _csv(statuses)
        if completed_since:
            params["CompletedStartDate"] = completed_since
        if fulfillment_center_ids:
            params["FulfillmentCenterIds"] = _csv(fulfillment_center_ids)
        yield from self._iter_pages(self.path("receiving"), params, MAX_PAGE_SIZE)

    def cancel_receiving_order(self, wro_id):
        """``POST /receiving/{id}:cancel``."""
        return self.request_json(
            "POST", self.path("receiving", f"{self._id(wro_id, 'receiving order')}:cancel")
        )

    # --- inventory -------------------------------------------------------------------

    def iter_inventory_levels(self, *, by=None, location_id=None, page_size=MAX_PAGE_SIZE):
        """Inventory levels, every page (cursor-paged).

        ``by=None``: network totals (``/inventory-level``); ``"locations"``:
        per fulfilment centre (``/inventory-level/locations``); ``"lots"``:
        per lot and centre (``/inventory-level/lots``). ``location_id``
        keeps one centre (the ``LocationId`` filter of the grouped lists).
        """
        if by not in (None, "locations", "lots"):
            raise ValueError(f"by must be None, 'locations' or 'lots', not {by!r}")
        parts = ("inventory-level",) if by is None else ("inventory-level", by)
        params = {"PageSize": int(page_size)}
        if location_id is not None and by is not None:
            params["LocationId"] = str(location_id)
        yield from self._iter_cursor(self.path(*parts), params)

    def find_inventory_ids(self, skus):
        """``{sku: inventory_id}`` for the SKUs ShipBob knows (``GET
        /inventory-level?SearchBy=<sku>``, exact SKU match); a WRO and a
        return name inventory ids, not SKUs. Unknown SKUs are left out."""
        found = {}
        for sku in dict.fromkeys(skus):
            params = {"SearchBy": sku, "PageSize": MAX_PAGE_SIZE}
            for item in self._iter_cursor(self.path("inventory-level"), params):
                if isinstance(item, dict) and item.get("sku") == sku and item.get("inventory_id") is not None:
                    found[sku] = item["inventory_id"]
                    break
        return found

    # --- returns ---------------------------------------------------------------------

    def create_return(self, payload):
        """``POST /return``: a return order (the RMA announced to ShipBob)."""
        return self._send_json("POST", self.path("return"), payload)

    def get_return(self, return_id):
        """``GET /return/{id}``: the return with actions taken per item."""
        return self.request_json("GET", self.path("return", self._id(return_id, "return")))

    def iter_returns(self, *, reference_ids=None, statuses=None, completed_since=None, limit=MAX_PAGE_SIZE):
        """Return orders, every page (cursor-paged)."""
        params = {"Limit": int(limit), "SortOrder": "Asc"}
        if reference_ids:
            params["ReferenceIds"] = _csv(reference_ids)
        if statuses:
            params["Status"] = _csv(statuses)
        if completed_since:
            params["CompletedStartDate"] = completed_since
        yield from self._iter_cursor(self.path("return"), params)

    # --- webhook subscriptions -------------------------------------------------------

    def create_webhook(self, url, topics, *, secret=None, description=None):
        """``POST /webhook``: subscribe ``url`` to ShipBob ``topics``
        (``order.shipped``, ``return.completed`` ...). ``secret`` (``whsec_``
        and 32 base64 characters, see :func:`.webhooks.new_secret`) signs
        the deliveries; without it ShipBob makes one and answers it once."""
        payload = {"url": url, "topics": list(topics)}
        if secret:
            payload["secret"] = secret
            self.secrets.append(secret)
        if description:
            payload["description"] = description
        return self._send_json("POST", self.path("webhook"), payload)

    def iter_webhooks(self):
        """Subscriptions, every page (``Cursor``-paged)."""
        yield from self._iter_cursor(self.path("webhook"), {})

    def delete_webhook(self, subscription_id):
        """``DELETE /webhook/{id}``."""
        self.request("DELETE", self.path("webhook", quote(str(subscription_id), safe="")))
