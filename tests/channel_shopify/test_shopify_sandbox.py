"""The sandbox peer itself: webhooks, control API, fixtures, cost model."""

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from odoo.addons.channel_shopify.lib import mapper, queries, webhook


class Receiver:
    """A tiny webhook endpoint recording what it receives."""

    def __init__(self, status=200):
        self.status = status
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/shopify/webhook"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    endpoint = Receiver()
    yield endpoint
    endpoint.close()


def test_signed_webhook_delivery(shop, receiver):
    order = shop.rest_order(next(iter(shop.orders)))
    [result] = shop.send_webhook("orders/create", order, url=receiver.url)
    assert result["status"] == 200
    [(headers, body)] = receiver.received
    parsed = webhook.parse_headers(headers)
    assert parsed.topic == "orders/create"
    assert parsed.shop_domain == shop.shop_domain
    assert parsed.api_version == shop.api_version
    assert parsed.event_id and parsed.webhook_id and parsed.triggered_at
    assert webhook.verify_hmac(shop.client_secret, body, parsed.hmac)
    assert not webhook.verify_hmac("other-secret", body, parsed.hmac)
    assert mapper.order_to_canonical(json.loads(body))["external_id"] == str(order["id"])


def test_duplicate_delivery_keeps_the_ids(shop, receiver):
    order = shop.rest_order(next(iter(shop.orders)))
    shop.send_webhook("orders/updated", order, duplicate=True, url=receiver.url)
    (first, body_1), (second, body_2) = receiver.received
    assert body_1 == body_2
    assert webhook.idempotency_key(first, body_1) == webhook.idempotency_key(second, body_2)
    assert [d["attempt"] for d in shop.webhook_deliveries] == [1, 2]


def test_out_of_order_delivery(shop, receiver):
    order = shop.create_order({"lines": [{"sku": "TRS-42"}]})
    updated = shop.update_order(order["id"], note="gift", updated_at="2030-01-01T00:00:00Z")
    shop.deliver_out_of_order([("orders/create", order), ("orders/updated", updated)], url=receiver.url)
    topics = [webhook.parse_headers(headers).topic for headers, _ in receiver.received]
    assert topics == ["orders/updated", "orders/create"]
    keys = {webhook.idempotency_key(headers) for headers, _ in receiver.received}
    assert len(keys) == 2


def test_failed_delivery_is_recorded(shop):
    endpoint = Receiver(status=500)
    try:
        [result] = shop.send_webhook("orders/create", {"id": 1}, url=endpoint.url)
    finally:
        endpoint.close()
    assert result["status"] == 500
    assert shop.state()["webhooks"] == {"sent": 1, "failed": 1}


def test_control_api(shop, receiver):
    shop.webhook_url = receiver.url
    try:
        base = shop.base_url
        answer = requests.post(
            f"{base}/_sandbox/orders", json={"lines": [{"sku": "MTS-S", "quantity": 2}]}, timeout=5
        )
        assert answer.status_code == 201
        order = answer.json()["order"]
        assert answer.json()["webhooks"][0]["status"] == 200
        [(headers, body)] = receiver.received
        assert webhook.parse_headers(headers).topic == "orders/create"
        assert json.loads(body)["id"] == order["id"]

        assert (
            requests.post(f"{base}/_sandbox/orders", json={"lines": [{"sku": "NOPE"}]}, timeout=5).status_code
            == 422
        )
        resent = requests.post(
            f"{base}/_sandbox/webhooks",
            json={"topic": "orders/updated", "order_id": order["id"], "duplicate": True},
            timeout=5,
        )
        assert [w["status"] for w in resent.json()["webhooks"]] == [200, 200]

        faults = requests.post(
            f"{base}/_sandbox/faults", json={"faults": [{"status": 502}], "count": 1}, timeout=5
        )
        assert faults.json() == {"faults_pending": 1}
        graphql = requests.post(
            shop.graphql_url,
            json={"query": "{ shop { name } }"},
            headers={"X-Shopify-Access-Token": shop.access_token},
            timeout=5,
        )
        assert graphql.status_code == 502

        state = requests.get(f"{base}/_sandbox/state", timeout=5).json()
        assert state["orders"] == 4
        assert state["calls"] == 1
        assert state["faults_pending"] == 0
        assert state["webhooks"]["sent"] == 3
        assert state["inventory"]

        assert requests.post(f"{base}/_sandbox/reset", timeout=5).json() == {"ok": True}
        assert requests.get(f"{base}/_sandbox/state", timeout=5).json()["orders"] == 3
        assert requests.get(f"{base}/_sandbox/nothing", timeout=5).status_code == 404
    finally:
        shop.webhook_url = None


def test_api_surface_checks(shop):
    headers = {"X-Shopify-Access-Token": shop.access_token}
    assert (
        requests.post(
            f"{shop.base_url}/admin/api/2025-13/graphql.json",
            json={"query": "{shop{name}}"},
            headers=headers,
            timeout=5,
        ).status_code
        == 404
    )
    assert requests.post(shop.graphql_url, data="not json", headers=headers, timeout=5).status_code == 400
    assert requests.post(shop.graphql_url, json={"query": "{shop{name}}"}, timeout=5).status_code == 401
    syntax = requests.post(shop.graphql_url, json={"query": "{ shop {"}, headers=headers, timeout=5).json()
    assert "Syntax Error" in syntax["errors"][0]["message"]
    no_first = shop.execute("{ orders { nodes { id } } }")
    assert "first or last" in no_first["errors"][0]["message"]


def test_cost_model():
    # connections: 2 + first x node; objects 1; scalars 0; mutations 10
    from sandbox.shopify import ShopifySandbox

    sandbox = ShopifySandbox(seed=False)
    products = sandbox.execute("{ products(first: 10) { edges { node { id title } } } }")
    assert products["extensions"]["cost"]["requestedQueryCost"] == 12  # Shopify's documented example
    assert products["extensions"]["cost"]["actualQueryCost"] == 2  # no product yet
    page = sandbox.execute(queries.ORDERS_QUERY, {"first": 1})
    assert page["extensions"]["cost"]["requestedQueryCost"] == 2 + queries.ORDER_NODE_COST
    variants = sandbox.execute(queries.PRODUCTS_QUERY, {"first": 1})
    assert variants["extensions"]["cost"]["requestedQueryCost"] == 2 + queries.PRODUCT_NODE_COST
    mutation = sandbox.execute(
        queries.WEBHOOK_SUBSCRIPTION_CREATE_MUTATION,
        {"topic": "ORDERS_CREATE", "webhookSubscription": {"callbackUrl": "https://example.com/hook"}},
    )
    assert mutation["extensions"]["cost"]["requestedQueryCost"] == 10
    status = mutation["extensions"]["cost"]["throttleStatus"]
    assert status["maximumAvailable"] == 2000.0 and status["restoreRate"] == 100.0


def test_every_client_document_validates_against_the_schema():
    from graphql import parse, validate
    from sandbox.shopify import ShopifySandbox

    schema = ShopifySandbox(seed=False).schema
    documents = {
        name: getattr(queries, name) for name in dir(queries) if name.endswith(("_QUERY", "_MUTATION"))
    }
    assert len(documents) >= 10
    for name, document in documents.items():
        assert validate(schema, parse(document)) == [], name


def test_seed_from_shopify_fixtures(shopify_fixtures_dir):
    from sandbox.shopify import ShopifySandbox

    sandbox = ShopifySandbox(seed=False)
    sandbox.seed_from_fixtures(shopify_fixtures_dir)
    assert sorted(location["name"] for location in sandbox.locations.values()) == [
        "Berlin Store",
        "Fifth Avenue AppleStore",
    ]
    assert 450789469 in sandbox.orders
    assert sandbox.inventory_quantity(39072856, 487838322) == 27
    node = sandbox.execute(queries.ORDER_QUERY, {"id": "gid://shopify/Order/450789469"})["data"]["order"]
    assert node["name"] == "#1001"
    assert [line["variant"]["id"] for line in node["lineItems"]["nodes"]] == [
        "gid://shopify/ProductVariant/39072856",
        "gid://shopify/ProductVariant/49148385",
        "gid://shopify/ProductVariant/457924702",
    ]


def test_standalone_help():
    from sandbox import shopify as module

    # the peer is a package: run its folder, as one would run the file it once was
    result = subprocess.run(
        [sys.executable, os.path.dirname(module.__file__), "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0
    assert "--webhook-url" in result.stdout
