"""HTTP routing of the Shopify peer: ``POST /admin/api/<version>/graphql.json``
(faults, API version, access token, call records), the bulk file download
(:mod:`.bulk`), and the Shopify routes of the control API (``POST
/_sandbox/orders``, ``POST /_sandbox/webhooks``; the base serves ``state``,
``faults`` and ``reset``)."""

import json
import time

from .common import API_VERSION_RE, BULK_PATH_RE, GRAPHQL_PATH_RE
from .graphql import operation_label

THROTTLED_REST_BODY = {
    "errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."
}


class ServerMixin:
    """What the Shopify peer serves (the rest is :class:`sandbox.peer.Peer`'s)."""

    @property
    def graphql_url(self):
        return f"{self.base_url}/admin/api/{self.api_version}/graphql.json"

    def route(self, handler, method, path, raw):
        bulk = BULK_PATH_RE.match(path)
        if bulk and method == "GET":
            return self._handle_bulk_download(handler, int(bulk.group(1)))
        match = GRAPHQL_PATH_RE.match(path)
        if not match or method != "POST":
            return handler.reply(404, {"errors": "Not Found"})
        return self._handle_graphql(handler, match.group(1), raw)

    def fault_body(self, status):
        if status == 429:
            return THROTTLED_REST_BODY
        return super().fault_body(status)

    def _handle_graphql(self, handler, version, raw):
        call = {
            "n": None,
            "time": time.time(),
            "path": handler.path,
            "api_version": version,
            "operation": None,
            "status": None,
            "requested_cost": None,
            "actual_cost": None,
            "throttled": False,
            "fault": None,
        }
        with self._lock:
            self.calls.append(call)
            call["n"] = len(self.calls)
            fault = self.faults.next()
        call["fault"] = fault
        try:
            payload = json.loads(raw or b"{}")
        except ValueError:
            payload = {}
        call["operation"] = operation_label(payload.get("query") if isinstance(payload, dict) else None)
        if fault:
            call["status"] = fault.get("status")  # None for a delay alone: set again below
            if self.answer_fault(handler, fault):
                return None
        if not API_VERSION_RE.match(version):
            call["status"] = 404
            return handler.reply(404, {"errors": "Not Found"})
        if handler.headers.get("X-Shopify-Access-Token") != self.access_token:
            call["status"] = 401
            return handler.reply(
                401,
                {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"},
            )
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            call["status"] = 400
            return handler.reply(400, {"errors": {"query": "Required parameter missing or invalid"}})
        with self._lock:
            body = self.execute(payload["query"], payload.get("variables"), payload.get("operationName"))
        cost = (body.get("extensions") or {}).get("cost") or {}
        call["status"] = 200
        call["requested_cost"] = cost.get("requestedQueryCost")
        call["actual_cost"] = cost.get("actualQueryCost")
        call["throttled"] = any(
            (error.get("extensions") or {}).get("code") == "THROTTLED" for error in body.get("errors") or []
        )
        return handler.reply(200, body, {"X-Shopify-API-Version": version})

    # -- control API -----------------------------------------------------------------

    def control_routes(self):
        routes = super().control_routes()
        routes[("POST", "/_sandbox/orders")] = self._control_orders
        routes[("POST", "/_sandbox/webhooks")] = self._control_webhooks
        return routes

    def _control_orders(self, handler, data):
        """Create an order (keys of :meth:`create_order`) and fire
        ``orders/create`` unless ``"webhook": false``."""
        notify = bool(data.pop("webhook", True)) and bool(self.webhook_url)
        try:
            order = self.create_order(data, notify=False)
        except (ValueError, KeyError) as exc:
            return handler.reply(422, {"error": str(exc)})
        deliveries = self.send_webhook("orders/create", order) if notify else []
        return handler.reply(201, {"order": order, "webhooks": _strip_headers(deliveries)})

    def _control_webhooks(self, handler, data):
        """Deliver ``topic`` with ``payload`` (or the stored ``order_id``)."""
        payload = data.get("payload")
        if payload is None and data.get("order_id"):
            payload = self.rest_order(data["order_id"])
        if payload is None or not data.get("topic"):
            return handler.reply(422, {"error": "topic and payload (or order_id) are required"})
        results = self.send_webhook(data["topic"], payload, bool(data.get("duplicate")), url=data.get("url"))
        return handler.reply(200, {"webhooks": _strip_headers(results)})


def _strip_headers(results):
    return [{key: value for key, value in result.items() if key != "headers"} for result in results]
