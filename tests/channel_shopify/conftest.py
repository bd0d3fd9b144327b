"""Fixtures of the Shopify tests: the sandbox peer, a client bound to it,
the canonical order schema, our own payloads."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from sandbox.shopify import ShopifySandbox

from odoo.addons.channel_shopify.lib.client import ShopifyClient

HERE = Path(__file__).resolve().parent
PAYLOADS_DIR = HERE / "payloads"
ORDER_SCHEMA = HERE.parents[1] / "addons" / "integration_core" / "schemas" / "order.v1.json"


def load_payload(name):
    return json.loads((PAYLOADS_DIR / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def order_validator():
    schema = json.loads(ORDER_SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.fixture(scope="session")
def payload():
    """``payload("order_webhook_modern.json")`` -> a fresh dict."""
    return load_payload


@pytest.fixture(scope="session")
def shopify_server():
    sandbox = ShopifySandbox()
    sandbox.start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def shop(shopify_server):
    """The running sandbox, reset to its seed data (3 orders, 5 variants, 2 locations)."""
    shopify_server.reset()
    yield shopify_server
    shopify_server.clear_faults()


@pytest.fixture
def make_client(shop):
    clients = []

    def make(**kwargs):
        kwargs.setdefault("timeout", (1.0, 5.0))
        kwargs.setdefault("max_throttle_wait", 0)
        token = kwargs.pop("access_token", shop.access_token)
        client = ShopifyClient(shop.base_url, token, shop.api_version, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client):
    return make_client()
