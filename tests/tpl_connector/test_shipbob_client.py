"""ShipBobClient against a tiny local HTTP server that answers as ShipBob's
2025-07 API documents (paths, headers, status codes, pagination).

The server is scripted per test: ``api.route(method, path, handler)`` where
the handler gets the recorded request and returns (status, headers, body).
Nothing sleeps: the client runs without a rate limiter here, except where
the limiter itself is the subject.
"""

import json
import logging
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
import shipbob_examples as examples

from odoo.addons.integration_core.lib.exceptions import RateLimited, RemoteRejected, RemoteServerError
from odoo.addons.integration_core.lib.rate_limit import TokenBucket
from odoo.addons.tpl_connector.lib.shipbob import client as shipbob_client
from odoo.addons.tpl_connector.lib.shipbob.client import OrderCreation, ShipBobClient

TOKEN = "pat-secret-123"
CHANNEL = 100102


class Recorded:
    def __init__(self, method, path, query, headers, body):
        self.method, self.path, self.query, self.headers, self.body = method, path, query, headers, body

    def json(self):
        return json.loads(self.body) if self.body else None


class FakeShipBob:
    """Routes (method, path) to handlers; records every request."""

    def __init__(self):
        self.routes = {}
        self.requests = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def _serve(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Recorded(
                    self.command, parts.path, dict(parse_qsl(parts.query)), dict(self.headers), body
                )
                fake.requests.append(request)
                handler = fake.routes.get((self.command, parts.path))
                status, headers, answer = handler(request) if handler else (404, {}, {"errors": ["no route"]})
                data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = do_PUT = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def route(self, method, path, handler):
        self.routes[(method, path)] = handler if callable(handler) else (lambda request: handler)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def server():
    fake = FakeShipBob()
    yield fake
    fake.close()


@pytest.fixture
def api(server):
    server.routes.clear()
    server.requests.clear()
    return server


@pytest.fixture
def client(api):
    with ShipBobClient(api.url, token=TOKEN, channel_id=CHANNEL, rate_limiter=None) as value:
        yield value


# --- construction and headers ---------------------------------------------------------


def test_token_and_channel_are_required():
    with pytest.raises(ValueError, match="access token"):
        ShipBobClient(token="", channel_id=CHANNEL)
    with pytest.raises(ValueError, match="channel id"):
        ShipBobClient(token=TOKEN, channel_id=None)


def test_defaults_follow_shipbobs_limits():
    client = ShipBobClient(token=TOKEN, channel_id=CHANNEL)
    assert client.base_url == "https://api.shipbob.com/"
    assert client.timeout == (3.05, 30.0)  # explicit (connect, read) seconds
    assert isinstance(client.rate_limiter, TokenBucket)
    assert client.rate_limiter.rate == pytest.approx(150 / 60)
    assert client.path("order", "12:cancel") == "/2025-07/order/12:cancel"
    assert TOKEN in client.secrets
    client.close()


def test_every_call_carries_the_bearer_token_and_channel(api, client):
    api.route("GET", "/2025-07/order/900", (200, {}, examples.ORDER))
    assert client.get_order(900)["reference_id"] == "string"
    (request,) = api.requests
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["shipbob_channel_id"] == str(CHANNEL)
    with pytest.raises(ValueError, match="order id is a number"):
        client.get_order("../channel")


def test_token_never_reaches_the_log(api, client, caplog):
    api.route("GET", "/2025-07/order/1", (400, {}, {"errors": [f"bad token {TOKEN}"]}))
    with caplog.at_level(logging.DEBUG), pytest.raises(RemoteRejected) as caught:
        client.get_order(1)
    assert TOKEN not in caplog.text and TOKEN not in caught.value.message


# --- orders ---------------------------------------------------------------------------


def test_create_order_posts_once_and_keeps_decimals(api, client):
    api.route("POST", "/2025-07/order", (201, {}, examples.CREATED_ORDER))
    result = client.create_order(
        {
            "reference_id": "WH3PL/OUT/00012",
            "products": [{"reference_id": "A", "quantity": 1, "unit_price": Decimal("9.90")}],
        }
    )
    assert result == OrderCreation(examples.CREATED_ORDER, created=True)
    assert not result.already_existed
    (request,) = api.requests
    assert b'"unit_price":9.90' in request.body
    assert request.headers["Content-Type"] == "application/json"


def test_duplicate_reference_is_already_done_not_an_error(api, client):
    existing = dict(examples.ORDER, id=900, reference_id="WH3PL/OUT/00012")
    other = dict(examples.ORDER, id=901, reference_id="WH3PL/OUT/000123")
    api.route("POST", "/2025-07/order", (422, {}, {"errors": ["Reference Id already exists"]}))
    api.route("GET", "/2025-07/order", (200, {}, [other, existing]))
    result = client.create_order({"reference_id": "WH3PL/OUT/00012", "products": []})
    assert result.already_existed and result.created is False
    assert result.order_id == "900"
    lookup = api.requests[-1]
    assert lookup.query["ReferenceIds"] == "WH3PL/OUT/00012"


def test_other_422_stays_a_rejection(api, client):
    api.route("POST", "/2025-07/order", (422, {}, {"errors": ["products: required"]}))
    api.route("GET", "/2025-07/order", (200, {}, []))
    with pytest.raises(RemoteRejected) as caught:
        client.create_order({"reference_id": "WH3PL/OUT/00099", "products": []})
    assert caught.value.status_code == 422 and "products: required" in caught.value.body
    with pytest.raises(RemoteRejected):  # no reference: nothing to look up
        client.create_order({"products": []})


def test_429_carries_shipbobs_x_retry_after(api, client):
    answer = {"statusCode": 429, "message": "Rate limit is exceeded. Try again in 25 seconds."}
    api.route("GET", "/2025-07/order/1", (429, {"x-retry-after": "25", "x-remaining-calls": "0"}, answer))
    with pytest.raises(RateLimited) as caught:
        client.get_order(1)
    assert caught.value.retry_after == 25.0 and caught.value.retryable


def test_server_errors_are_retryable_and_refusals_permanent(api, client):
    api.route("GET", "/2025-07/order/1", (503, {}, {"message": "down"}))
    api.route("GET", "/2025-07/order/2", (404, {}, {"message": "Not Found"}))
    with pytest.raises(RemoteServerError):
        client.get_order(1)
    with pytest.raises(RemoteRejected) as caught:
        client.get_order(2)
    assert not caught.value.retryable


def test_iter_orders_pages_with_page_and_limit(api, client):
    pages = {"1": [{"id": 1}, {"id": 2}], "2": [{"id": 3}, {"id": 4}], "3": [{"id": 5}]}

    def page(request):
        return 200, {"Page-Number": request.query["Page"], "Total-Pages": "3"}, pages[request.query["Page"]]

    api.route("GET", "/2025-07/order", page)
    orders = list(client.iter_orders(updated_since="2026-11-28T00:00:00Z", has_tracking=True, limit=2))
    assert [order["id"] for order in orders] == [1, 2, 3, 4, 5]
    assert [request.query["Page"] for request in api.requests] == ["1", "2", "3"]
    first = api.requests[0].query
    assert first["LastUpdateStartDate"] == "2026-11-28T00:00:00Z"
    assert (first["HasTracking"], first["Limit"], first["SortOrder"]) == ("true", "2", "Oldest")


def test_iter_orders_stops_on_a_short_page_without_headers(api, client):
    api.route("GET", "/2025-07/order", (200, {}, [{"id": 1}]))
    assert [order["id"] for order in client.iter_orders()] == [1]
    assert api.requests[0].query["Limit"] == "250"


def test_iter_shipments_pairs_each_shipment_with_its_order(api, client):
    order = dict(examples.ORDER, shipments=[{"id": 11}, {"id": 12}])
    api.route("GET", "/2025-07/order", (200, {}, [order]))
    pairs = list(client.iter_shipments(updated_since="2026-11-28T00:00:00Z"))
    assert [(item["id"], shipment["id"]) for item, shipment in pairs] == [(0, 11), (0, 12)]


def test_order_shipments_and_one_shipment(api, client):
    api.route("GET", "/2025-07/order/900/shipment", (200, {}, examples.ORDER_SHIPMENTS))
    api.route("GET", "/2025-07/shipment/11", (200, {}, examples.ORDER_SHIPMENTS[0]))
    assert client.get_order_shipments(900) == examples.ORDER_SHIPMENTS
    assert client.get_shipment("11")["id"] == 0


def test_cancel_answers_and_refusals(api, client):
    api.route("POST", "/2025-07/order/900:cancel", (200, {}, examples.CANCELLED_ORDER))
    assert client.cancel_order(900)["status"] == "Success"
    api.route("POST", "/2025-07/order/901:cancel", (422, {}, {"errors": ["Order already fulfilled"]}))
    assert client.cancel_order(901) == {
        "status": "Failure",
        "order_id": 901,
        "rejected": {"errors": ["Order already fulfilled"]},
    }
    api.route("POST", "/2025-07/order/902:cancel", (404, {}, {"message": "Not Found"}))
    with pytest.raises(RemoteRejected):
        client.cancel_order(902)


# --- receiving, inventory, returns, webhooks ------------------------------------------


def test_receiving_orders(api, client):
    api.route("POST", "/2025-07/receiving", (201, {}, examples.RECEIVING_ORDER))
    api.route("GET", "/2025-07/receiving/443001", (200, {}, examples.SANDBOX_WRO_COMPLETED))
    api.route("GET", "/2025-07/receiving/443001/boxes", (200, {}, examples.SANDBOX_WRO_BOXES_COMPLETED))
    api.route("GET", "/2025-07/receiving", (200, {}, [examples.SANDBOX_WRO_COMPLETED]))
    api.route("POST", "/2025-07/receiving/443001:cancel", (200, {}, examples.RECEIVING_ORDER))
    assert client.create_receiving_order({"purchase_order_number": "WH3PL/IN/00007"})["id"] == 0
    assert client.get_receiving_order(443001)["purchase_order_number"] == "POTEST1"
    assert len(client.get_receiving_boxes(443001)) == 2
    assert client.find_receiving_orders(["POTEST1", "POTEST2"])[0]["id"] == 443001
    assert api.requests[-1].query["PurchaseOrderNumbers"] == "POTEST1,POTEST2"
    client.cancel_receiving_order(443001)
    assert api.requests[-1].path == "/2025-07/receiving/443001:cancel"


def test_inventory_levels_follow_the_next_cursor(api, client):
    first = {"items": [{"sku": "A"}], "next": "/2025-07/inventory-level/locations?cursor=abc&LocationId=10"}
    last = {"items": [{"sku": "B"}], "next": None}

    def page(request):
        return 200, {}, last if request.query.get("cursor") == "abc" else first

    api.route("GET", "/2025-07/inventory-level/locations", page)
    items = list(client.iter_inventory_levels(by="locations", location_id=10, page_size=1))
    assert [item["sku"] for item in items] == ["A", "B"]
    assert api.requests[0].query == {"PageSize": "1", "LocationId": "10"}
    assert api.requests[1].query == {"cursor": "abc", "LocationId": "10"}
    with pytest.raises(ValueError):
        list(client.iter_inventory_levels(by="bins"))


def test_a_cursor_that_repeats_itself_is_an_error_not_a_loop(api, client):
    api.route(
        "GET", "/2025-07/inventory-level", (200, {}, {"items": [], "next": "/2025-07/inventory-level?c=1"})
    )
    with pytest.raises(RemoteServerError, match="repeats the page"):
        list(client.iter_inventory_levels())


def test_find_inventory_ids_matches_skus_exactly(api, client):
    def search(request):
        term = request.query["SearchBy"]
        items = (
            [{"sku": f"{term}-XL", "inventory_id": 2}, {"sku": term, "inventory_id": 1}]
            if term == "A"
            else []
        )
        return 200, {}, {"items": items}

    api.route("GET", "/2025-07/inventory-level", search)
    assert client.find_inventory_ids(["A", "Z", "A"]) == {"A": 1}
    assert [request.query["SearchBy"] for request in api.requests] == ["A", "Z"]


def test_returns(api, client):
    api.route("POST", "/2025-07/return", (201, {}, examples.CREATED_RETURN))
    api.route("GET", "/2025-07/return/55", (200, {}, examples.RETURN_ORDER))
    api.route("GET", "/2025-07/return", (200, {}, {"items": [examples.RETURN_ORDER], "next": ""}))
    assert client.create_return({"reference_id": "WH3PL/RET/00003"})["id"] == 0
    assert api.requests[0].headers["shipbob_channel_id"] == str(CHANNEL)
    assert client.get_return(55)["reference_id"] == "string"
    assert len(list(client.iter_returns(reference_ids=["WH3PL/RET/00003"], statuses=["Completed"]))) == 1
    assert api.requests[-1].query["ReferenceIds"] == "WH3PL/RET/00003"


def test_webhook_subscriptions(api, client):
    api.route("POST", "/2025-07/webhook", (200, {}, examples.WEBHOOK_SUBSCRIPTION))
    api.route("GET", "/2025-07/webhook", (200, {}, examples.WEBHOOK_SUBSCRIPTIONS | {"next": None}))
    api.route("DELETE", "/2025-07/webhook/12345", (204, {}, b""))
    secret = "whsec_" + "A" * 32
    client.create_webhook("https://odoo.example.com/shipbob/1", ["order.shipped"], secret=secret)
    assert api.requests[0].json() == {
        "url": "https://odoo.example.com/shipbob/1",
        "topics": ["order.shipped"],
        "secret": secret,
    }
    assert secret in client.secrets  # masked from logs from now on
    assert [item["id"] for item in client.iter_webhooks()] == ["12345"]
    client.delete_webhook("12345")
    assert api.requests[-1].method == "DELETE"


def test_module_constants_match_the_docs():
    assert shipbob_client.MAX_PAGE_SIZE == 250
    assert shipbob_client.SANDBOX_URL == "https://sandbox-api.shipbob.com"


def test_a_next_page_on_another_host_is_refused_before_the_token_goes_there(api, client):
    away = {"items": [{"sku": "A"}], "next": "https://evil.example.com/2025-07/inventory-level?c=2"}
    api.route("GET", "/2025-07/inventory-level", (200, {}, away))
    with pytest.raises(RemoteServerError, match="another host"):
        list(client.iter_inventory_levels())
    assert len(api.requests) == 1


def test_remaining_calls_are_noted(api, client):
    api.route("GET", "/2025-07/order/1", (200, {"x-remaining-calls": "149"}, {"id": 1}))
    client.get_order(1)
    assert client.remaining_calls == 149
