"""ShipBob's REST face of the warehouse: ``https://api.shipbob.com/{version}/...``
on loopback, modelled on the published OpenAPI (2026-01 document, 2026-07
migration guide).

- ``Authorization: Bearer <token>`` on every call (401, empty body, otherwise).
- Rate limit: 150 requests per minute per token (a :class:`LeakyBucket` of
  150 refilled at 2.5/s); over it, 429 ``{"statusCode": 429, "message":
  "Rate limit is exceeded. Try again in N seconds."}`` with ``x-retry-after``
  (seconds) and ``x-remaining-calls``; every answer carries ``x-remaining-calls``.
- ``POST /order`` (``shipbob_channel_id`` header required: 400 without it,
  403 for a channel the token does not own); a duplicate ``reference_id``
  answers 422 ``{"": ["Cannot insert order with existing ReferenceId"]}``.
- ``GET /order`` (``Page``, ``Limit`` <= 250, ``IDs``, ``ReferenceIds``,
  ``StartDate``/``EndDate``, ``LastUpdateStartDate``/``LastUpdateEndDate``,
  ``HasTracking``, ``SortOrder``) with the ``Page-Number``, ``Total-Pages``,
  ``Total-Count``, ``Page-Size`` and ``Next-Page`` headers;
  ``GET /order/{id}``, ``POST /order/{id}:cancel`` (200 with
  ``canceled_shipment_results``; a picked order gives ``is_success`` false and
  the order unchanged), ``POST /order/{id}/shipment/{sid}:cancel`` (one
  shipment not picked: the rest of a short waiting for stock; 400 once
  picked), ``GET /order/{id}/shipment``,
  ``GET /order/{id}/shipment/{sid}``, ``GET /shipment/{sid}``.
- ``POST /receiving`` (WRO), ``GET /receiving/{id}``, ``GET /receiving``
  (``Page``, ``Limit``, ``IDs``, ``Statuses``, ``PurchaseOrderNumbers``).
- ``GET /inventory-level`` and ``GET /inventory-level/lots`` (``PageSize``,
  ``Cursor``; ``items`` with ``first``/``next``/``prev``/``last`` links).
- ``POST /return``, ``GET /return/{id}``, ``GET /return`` (cursor pages).
- ``POST /webhook``, ``GET /webhook``, ``DELETE /webhook/{id}`` (see
  :mod:`.webhooks`); ``GET /channel``.
"""

import json
import math
from datetime import datetime
from urllib.parse import parse_qs, urlencode, urlsplit

from .common import (
    API_VERSIONS,
    DEFAULT_LIMIT,
    DUPLICATE_ORDER,
    MAX_PAGE,
    PATH_RE,
)
from .warehouse import WarehouseError


class ApiError(Exception):
    """An answer other than 2xx: ``status`` and ``body`` (None: empty)."""

    def __init__(self, status, body=None):
        super().__init__(status)
        self.status = status
        self.body = body


def _field_error(field, message, status=400):
    return ApiError(status, {field: [message]})


class RestMixin:
    """The routes (the rest is :class:`sandbox.peer.Peer`'s and the sandbox's)."""

    @property
    def request_version(self):
        """The API version of the call being served (the path's), else the default."""
        return getattr(self._local, "version", None) or self.api_version

    def route(self, handler, method, path, raw):
        match = PATH_RE.match(path)
        call = {"method": method, "path": handler.path, "status": None, "fault": None, "throttled": False}
        with self._lock:
            self.calls.append(call)
            fault = self.faults.next()
        call["fault"] = fault
        if fault:
            call["status"] = fault.get("status")
            if self.answer_fault(handler, fault):
                return None
        if not match or match.group(1) not in API_VERSIONS:
            call["status"] = 404
            return handler.reply(404, {"message": "Not Found"})
        self._local.version = match.group(1)
        token = _bearer(handler.headers.get("Authorization"))
        if token not in self.tokens:
            call["status"] = 401
            return handler.reply_raw(401, b"", "application/json")
        bucket = self.bucket_for(token)
        if not bucket.take(1):
            wait = max(1, math.ceil(bucket.seconds_until(1)))
            call.update(status=429, throttled=True)
            return handler.reply(
                429,
                {"statusCode": 429, "message": f"Rate limit is exceeded. Try again in {wait} seconds."},
                {"x-retry-after": str(wait), "x-remaining-calls": "0"},
            )
        remaining = {"x-remaining-calls": str(int(bucket.available()))}
        query = {k.lower(): v[-1] for k, v in parse_qs(urlsplit(handler.path).query).items()}
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            call["status"] = 400
            return handler.reply(400, {"": ["The request body is not valid JSON"]}, remaining)
        try:
            status, answer, headers = self.dispatch(method, match.group(2), query, body, handler.headers)
        except ApiError as exc:
            self.flush_webhooks()
            call["status"] = exc.status
            if exc.body is None:
                return handler.reply_raw(exc.status, b"", "application/json", remaining)
            return handler.reply(exc.status, exc.body, remaining)
        self.flush_webhooks()  # outside the lock: a receiver may call back
        call["status"] = status
        headers = dict(remaining, **(headers or {}))
        if answer is None:
            return handler.reply_raw(status, b"", "application/json", headers)
        return handler.reply(status, answer, headers)

    def fault_body(self, status):
        return {"message": "An unexpected error occurred. Please try again later."}

    def answer_fault(self, handler, fault):
        """The base's fault answers, but a 429 is worded as ShipBob's rate
        limit (body and ``x-retry-after``, plus the standard ``Retry-After``)."""
        if fault and fault.get("status") == 429 and not fault.get("delay") and fault.get("body") is None:
            wait = fault.get("retry_after", self.default_retry_after)
            body = {"statusCode": 429, "message": f"Rate limit is exceeded. Try again in {wait} seconds."}
            headers = {"x-retry-after": str(wait), "Retry-After": str(wait), "x-remaining-calls": "0"}
            handler.reply(429, body, headers)
            return True
        return super().answer_fault(handler, fault)

    # -- dispatch -----------------------------------------------------------------------------

    def dispatch(self, method, path, query, body, headers):
        """``(status, body, headers)`` for one API call, or :class:`ApiError`."""
        parts = [p for p in path.split("/") if p]
        head = parts[0] if parts else ""
        rest = parts[1:]
        routes = {
            "order": self._orders,
            "shipment": self._shipments,
            "receiving": self._receiving,
            "inventory-level": self._inventory,
            "return": self._returns,
            "webhook": self._webhooks,
            "channel": self._channels,
        }
        action = None
        if ":" in head:  # e.g. /order/{id}:cancel is parts ["order", "12:cancel"]; no collection actions
            raise ApiError(404, {"message": "Not Found"})
        action = routes.get(head)
        if action is None:
            raise ApiError(404, {"message": "Not Found"})
        with self._lock, self.warehouse._lock:  # the X12 face and the demo loop change it too
            return action(method, rest, query, body, headers)

    def _channel_header(self, headers, required):
        value = headers.get("shipbob_channel_id")
        if value in (None, ""):
            if required:
                raise _field_error("shipbob_channel_id", "The shipbob_channel_id header is required")
            return None
        try:
            channel = int(value)
        except ValueError:
            raise _field_error("shipbob_channel_id", f"The value '{value}' is not valid.") from None
        if channel != self.channel["id"]:
            raise ApiError(403, None)
        return channel

    # -- orders ---------------------------------------------------------------------------------

    def _orders(self, method, rest, query, body, headers):
        if not rest:
            if method == "POST":
                return self._create_order(body, headers)
            if method == "GET":
                self._channel_header(headers, required=False)
                return self._list_orders(query)
        elif len(rest) == 1 and method == "POST" and rest[0].endswith(":cancel"):
            return 200, self._cancel(self._order(rest[0].split(":")[0])), None
        elif len(rest) == 1 and method == "GET":
            return 200, self.order_view(self._order(rest[0])), None
        elif len(rest) == 2 and rest[1] == "shipment" and method == "GET":
            order = self._order(rest[0])
            return 200, [self.shipment_view(order, s) for s in order["shipments"]], None
        elif len(rest) == 3 and rest[1] == "shipment" and method == "POST" and rest[2].endswith(":cancel"):
            return self._cancel_shipment(self._order(rest[0]), rest[2].split(":")[0])
        elif len(rest) == 3 and rest[1] == "shipment" and method == "GET":
            order = self._order(rest[0])
            shipment = next((s for s in order["shipments"] if str(s["id"]) == rest[2]), None)
            if shipment is None:
                raise ApiError(404, None)
            return 200, self.shipment_view(order, shipment), None
        raise ApiError(404, {"message": "Not Found"})

    def _order(self, value):
        try:
            order = self.warehouse.orders.get(int(value))
        except ValueError:
            raise _field_error("orderId", f"The value '{value}' is not valid.") from None
        if order is None or order["source"] != "rest":
            raise ApiError(404, None)
        return order

    def _create_order(self, body, headers):
        channel = self._channel_header(headers, required=True)
        if not isinstance(body, dict):
            raise _field_error("", "A non-empty request body is required.")
        errors = {}
        for field in ("reference_id", "shipping_method", "recipient", "products", "type"):
            if not body.get(field):
                errors[field] = [f"The {field} field is required."]
        recipient = body.get("recipient") or {}
        address = recipient.get("address") or {}
        if body.get("recipient"):
            for field in ("address1", "city", "country"):
                if not address.get(field):
                    errors[f"recipient.address.{field}"] = [f"The {field} field is required."]
        lines = []
        for i, product in enumerate(body.get("products") or []):
            where = f"products[{i}]"
            if not isinstance(product, dict):
                errors[where] = ["A product is an object."]
                continue
            quantity = product.get("quantity")
            if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
                errors[f"{where}.quantity"] = ["The quantity must be a positive integer."]
            sku = product.get("reference_id")
            if not sku and product.get("id") is not None:
                try:
                    sku = self.warehouse.item_by_inventory_id(product["id"])["sku"]
                except (WarehouseError, ValueError, TypeError):
                    errors[f"{where}.id"] = [f"Product {product['id']} does not exist."]
            elif not sku:
                errors[f"{where}.reference_id"] = ["The reference_id field is required."]
            elif sku not in self.warehouse.items and not product.get("name"):
                errors[f"{where}.name"] = ["Name is required for a product that does not exist yet."]
            lines.append(
                {
                    "sku": sku,
                    "quantity": quantity,
                    "name": product.get("name"),
                    "line_ref": product.get("external_line_id"),
                }
            )
        if body.get("type") and body["type"] not in ("DTC", "DropShip", "B2B"):
            errors["type"] = [f"The value '{body['type']}' is not valid."]
        if errors:
            raise ApiError(400, errors)
        if self.warehouse.find_order(body["reference_id"]):
            raise ApiError(422, DUPLICATE_ORDER)
        data = {key: body.get(key) for key in body if key not in ("products",)}
        try:
            order, _events = self.warehouse.create_order(
                body["reference_id"], lines, source="rest", channel_id=channel, data=data
            )
        except WarehouseError as exc:
            raise ApiError(422, {"": [str(exc)]}) from None
        return 201, self.order_view(order), None

    def _list_orders(self, query):
        orders = [o for o in self.warehouse.orders.values() if o["source"] == "rest"]
        if query.get("ids"):
            wanted = {v.strip() for v in query["ids"].split(",")}
            orders = [o for o in orders if str(o["id"]) in wanted]
        if query.get("referenceids"):
            wanted = {v.strip() for v in query["referenceids"].split(",")}
            orders = [o for o in orders if o["reference_id"] in wanted]
        for key, field, op in (
            ("startdate", "created", "ge"),
            ("enddate", "created", "le"),
            ("lastupdatestartdate", "updated", "ge"),
            ("lastupdateenddate", "updated", "le"),
        ):
            if query.get(key):
                bound = _parse_date(query[key], key)
                orders = [o for o in orders if _compare(_parse_date(o[field], field), bound, op)]
        if query.get("hastracking"):
            wanted = query["hastracking"].lower() == "true"
            orders = [o for o in orders if any(s["tracking_number"] for s in o["shipments"]) == wanted]
        descending = (query.get("sortorder") or "").lower() in ("newest", "desc", "descending")
        orders.sort(key=lambda o: o["id"], reverse=descending)
        page, limit = _page_and_limit(query)
        return self._paged([self.order_view(o) for o in orders], page, limit, "order", query)

    def _paged(self, views, page, limit, resource, query):
        total = len(views)
        pages = max(1, math.ceil(total / limit))
        items = views[(page - 1) * limit : page * limit]
        headers = {
            "Page-Number": str(page),
            "Total-Pages": str(pages),
            "Total-Count": str(total),
            "Page-Size": str(limit),
        }
        if page < pages:
            params = {k: v for k, v in query.items() if k not in ("page", "limit")}
            params.update(Page=page + 1, Limit=limit)
            headers["Next-Page"] = f"/{self.request_version}/{resource}?{urlencode(params)}"
        return 200, items, headers

    def _cancel(self, order):
        accepted, reason, events = self.warehouse.cancel_order(order["id"])
        cancelled = [e["shipment_id"] for e in events if e.get("shipment_id")]
        results = [
            {"shipment_id": s["id"], "action": "Cancel", "is_success": accepted, "reason": reason}
            for s in order["shipments"]
            if not accepted or s["id"] in cancelled
        ] or [{"shipment_id": 0, "action": "Cancel", "is_success": accepted, "reason": reason}]
        # Orders.CanceledOrderViewModel: order, order_id, status, canceled_shipment_results
        return {
            "order": self.order_view(order),
            "order_id": order["id"],
            "status": "Success" if accepted else "Failure",
            "canceled_shipment_results": results,
        }

    def _cancel_shipment(self, order, value):
        """``POST /order/{orderId}/shipment/{shipmentId}:cancel``: 200 with the
        shipment (``Orders.ShipmentViewModel``), cancelled; a shipment picked,
        packed or shipped is refused with a 400 (field -> messages)."""
        shipment = next((s for s in order["shipments"] if str(s["id"]) == value), None)
        if shipment is None:
            raise ApiError(404, None)
        accepted, reason, _events = self.warehouse.cancel_shipment(order["id"], shipment["id"])
        if not accepted:
            raise ApiError(400, {"shipmentId": [reason]})
        return 200, self.shipment_view(order, shipment), None

    def _shipments(self, method, rest, query, body, headers):
        if len(rest) == 1 and method == "GET":
            try:
                order, shipment = self.warehouse.shipment(rest[0])
            except (WarehouseError, ValueError):
                raise ApiError(404, None) from None
            return 200, self.shipment_view(order, shipment), None
        raise ApiError(404, {"message": "Not Found"})

    # -- receiving --------------------------------------------------------------------------------

    def _receiving(self, method, rest, query, body, headers):
        if not rest and method == "POST":
            return self._create_receipt(body)
        if not rest and method == "GET":
            receipts = list(self.warehouse.receipts.values())
            if query.get("ids"):
                wanted = {v.strip() for v in query["ids"].split(",")}
                receipts = [r for r in receipts if str(r["id"]) in wanted]
            if query.get("statuses"):
                wanted = {v.strip().lower() for v in query["statuses"].split(",")}
                receipts = [r for r in receipts if r["status"].lower() in wanted]
            if query.get("purchaseordernumbers"):
                wanted = {v.strip() for v in query["purchaseordernumbers"].split(",")}
                receipts = [r for r in receipts if r["reference"] in wanted]
            receipts.sort(key=lambda r: r["id"])
            page, limit = _page_and_limit(query)
            return self._paged([self.receipt_view(r) for r in receipts], page, limit, "receiving", query)
        if len(rest) == 1 and method == "GET":
            try:
                receipt = self.warehouse.receipts.get(int(rest[0]))
            except ValueError:
                receipt = None
            if receipt is None:
                raise ApiError(404, _problem(404, "Not Found", f"Receiving order {rest[0]} was not found"))
            return 200, self.receipt_view(receipt), None
        if len(rest) == 2 and rest[1] == "boxes" and method == "GET":
            # GET /receiving/{id}/boxes: the WRO's boxes with their items per lot
            try:
                receipt = self.warehouse.receipts.get(int(rest[0]))
            except ValueError:
                receipt = None
            if receipt is None:
                raise ApiError(404, _problem(404, "Not Found", f"Receiving order {rest[0]} was not found"))
            return 200, [self.receipt_box_view(receipt)], None
        raise ApiError(404, {"message": "Not Found"})

    def _create_receipt(self, body):
        # 2026-07: "create-WRO validation errors now return 422 instead of 400"
        status = 422 if self.request_version >= "2026-07" else 400
        if not isinstance(body, dict):
            raise ApiError(status, {"": ["A non-empty request body is required."]})
        errors = {}
        for field in (
            "fulfillment_center",
            "package_type",
            "box_packaging_type",
            "boxes",
            "expected_arrival_date",
        ):
            if not body.get(field):
                errors[field] = [f"The {field} field is required."]
        lines = []
        for b, box in enumerate(body.get("boxes") or []):
            for i, item in enumerate(box.get("box_items") or []):
                where = f"boxes[{b}].box_items[{i}]"
                try:
                    if item.get("sku"):
                        sku = self.warehouse.item(item["sku"])["sku"]
                    else:
                        sku = self.warehouse.item_by_inventory_id(item["inventory_id"])["sku"]
                except (WarehouseError, KeyError, TypeError, ValueError):
                    errors[f"{where}.inventory_id"] = ["Inventory item does not exist."]
                    continue
                quantity = item.get("quantity")
                if not isinstance(quantity, int) or quantity < 1:
                    errors[f"{where}.quantity"] = ["The quantity must be a positive integer."]
                    continue
                lot_date = item.get("lot_date")
                lines.append(
                    {
                        "sku": sku,
                        "quantity": quantity,
                        "lot": item.get("lot_number"),
                        "expiry": (lot_date or "")[:10] or None,
                    }
                )
        if errors:
            raise ApiError(status, errors)
        receipt, _events = self.warehouse.create_receipt(
            body.get("purchase_order_number") or "", lines, data=body
        )
        return 201, self.receipt_view(receipt), None

    # -- inventory ---------------------------------------------------------------------------------

    def _inventory(self, method, rest, query, body, headers):
        if method != "GET" or rest not in ([], ["lots"]):
            raise ApiError(404, {"message": "Not Found"})
        items = sorted(self.warehouse.items.values(), key=lambda i: i["inventory_id"])
        if query.get("inventoryids"):
            wanted = {v.strip() for v in query["inventoryids"].split(",")}
            items = [i for i in items if str(i["inventory_id"]) in wanted]
        if query.get("searchby"):
            needle = query["searchby"].lower()
            items = [i for i in items if needle in i["sku"].lower() or needle in i["name"].lower()]
        view = self.inventory_lots_view if rest == ["lots"] else self.inventory_level_view
        resource = "inventory-level/lots" if rest == ["lots"] else "inventory-level"
        return self._cursor_page([view(i) for i in items], query, resource, "pagesize")

    def _cursor_page(self, views, query, resource, size_key):
        try:
            size = int(query.get(size_key) or DEFAULT_LIMIT)
            start = int(query.get("cursor") or 0)
        except ValueError:
            raise ApiError(400, _problem(400, "Bad Request", "PageSize and Cursor are numbers")) from None
        size = max(1, min(size, MAX_PAGE))

        def link(offset):
            params = {k: v for k, v in query.items() if k not in ("cursor",)}
            params["Cursor"] = offset
            return f"/{self.request_version}/{resource}?{urlencode(params)}"

        last = max(0, (len(views) - 1) // size * size)
        return (
            200,
            {
                "items": views[start : start + size],
                "first": link(0),
                "last": link(last),
                "next": link(start + size) if start + size < len(views) else None,
                "prev": link(max(start - size, 0)) if start > 0 else None,
            },
            None,
        )

    # -- returns ----------------------------------------------------------------------------------------

    def _returns(self, method, rest, query, body, headers):
        if not rest and method == "POST":
            return self._create_return(body)
        if not rest and method == "GET":
            returns = sorted(self.warehouse.returns.values(), key=lambda r: r["id"])
            if query.get("referenceids"):
                wanted = {v.strip() for v in query["referenceids"].split(",")}
                returns = [r for r in returns if r["reference"] in wanted]
            if query.get("status"):
                returns = [r for r in returns if r["status"].lower() == query["status"].lower()]
            return self._cursor_page([self.return_view(r) for r in returns], query, "return", "limit")
        if len(rest) == 1 and method == "GET":
            try:
                ret = self.warehouse.returns.get(int(rest[0]))
            except ValueError:
                ret = None
            if ret is None:
                raise ApiError(404, _problem(404, "Not Found", f"Return {rest[0]} was not found"))
            return 200, self.return_view(ret), None
        raise ApiError(404, {"message": "Not Found"})

    def _create_return(self, body):
        if not isinstance(body, dict) or not body.get("reference_id") or not body.get("inventory"):
            raise ApiError(
                422, {"message": "Validation failed", "errors": ["reference_id and inventory are required"]}
            )
        lines = []
        for i, entry in enumerate(body["inventory"]):
            try:
                sku = self.warehouse.item_by_inventory_id(entry["id"])["sku"]
                quantity = int(entry["quantity"])
            except (WarehouseError, KeyError, TypeError, ValueError):
                raise ApiError(
                    422,
                    {"message": "Validation failed", "errors": [f"inventory[{i}]: unknown item or quantity"]},
                ) from None
            lines.append(
                {
                    "sku": sku,
                    "quantity": quantity,
                    "action": entry.get("requested_action"),
                    "lot": entry.get("lot_number"),
                }
            )
        try:
            ret, _events = self.warehouse.create_return(
                body["reference_id"],
                lines,
                original_shipment_id=body.get("original_shipment_id"),
                tracking_number=body.get("tracking_number"),
                data=body,
            )
        except WarehouseError as exc:
            raise ApiError(422, {"message": str(exc), "errors": [str(exc)]}) from None
        return 201, self.return_view(ret), None

    def _channels(self, method, rest, query, body, headers):
        if method != "GET" or rest:
            raise ApiError(404, {"message": "Not Found"})
        return 200, {"items": [dict(self.channel)], "next": None, "prev": None}, None


def _bearer(value):
    if not value or not value.startswith("Bearer "):
        return None
    return value[len("Bearer ") :].strip()


def _page_and_limit(query):
    try:
        page = int(query.get("page") or 1)
        limit = int(query.get("limit") or DEFAULT_LIMIT)
    except ValueError:
        raise _field_error("Page", "Page and Limit are whole numbers") from None
    if page < 1:
        raise _field_error("Page", "The field Page must be between 1 and 2147483647.")
    if not 1 <= limit <= MAX_PAGE:
        raise _field_error("Limit", f"The field Limit must be between 1 and {MAX_PAGE}.")
    return page, limit


def _parse_date(value, field):
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise _field_error(field, f"The value '{value}' is not valid.") from None


def _compare(value, bound, op):
    if value.tzinfo is None and bound.tzinfo is not None:
        bound = bound.replace(tzinfo=None)
    elif bound.tzinfo is None and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    return value >= bound if op == "ge" else value <= bound


def _problem(status, title, detail):
    """RFC 7807 ProblemDetails (receiving, inventory and returns errors)."""
    return {"type": "https://tools.ietf.org/html/rfc7231", "title": title, "status": status, "detail": detail}
