"""The example channel's plain parts: its mapper's output is a valid
canonical order, its table is sound, and it declares what a channel needs."""

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.topics import ODOO_EVENTS
from odoo.addons.integration_example.lib import mapper
from odoo.addons.integration_example.lib.client import ExampleClient
from odoo.addons.integration_example.models.integration_backend import EXAMPLE_TOPICS


def test_order_maps_to_a_valid_canonical_order():
    order = {
        "id": 42,
        "number": "EX-42",
        "currency": "USD",
        "updated": "2024-05-01T10:00:00+00:00",
        "buyer": {"id": 7, "name": "Ada", "email": "ada@example.com"},
        "items": [{"id": 1, "sku": "INT-WIDGET", "title": "Widget", "qty": 2, "price": "50.10"}],
        "paid": True,
    }
    data = canonical.validate("order", mapper.order_to_canonical(order))
    assert data["external_id"] == "42"
    assert data["lines"][0]["unit_price"] == 50.1
    assert data["financial_status"] == "paid"


def test_an_anonymous_unpaid_order_is_valid_too():
    order = {"id": 1, "currency": "EUR", "items": [{"id": 9, "sku": "X", "qty": 1, "price": 3}]}
    data = canonical.validate("order", mapper.order_to_canonical(order))
    assert data["customer"]["name"] == "Unknown buyer"
    assert data["financial_status"] == "pending"


def test_the_table_declares_a_webhook_topic_and_an_odoo_event_listener():
    inbound = EXAMPLE_TOPICS.by_remote("order/new")
    assert inbound.name == "order.created" and inbound.feed == "webhook" and inbound.kind == "order"
    [listening] = EXAMPLE_TOPICS.listening_to("picking.done")
    assert listening.direction == "out" and listening.listener == "_listen_pickings_done"
    assert listening.odoo_event in ODOO_EVENTS


def test_the_client_sends_the_idempotency_key(monkeypatch):
    client = ExampleClient("http://example.invalid/api")
    sent = {}

    def fake_request_json(method, path, **kwargs):
        sent.update(method=method, path=path, **kwargs)
        return {"id": "S1"}

    monkeypatch.setattr(client, "request_json", fake_request_json)
    assert client.send_shipment({"a": 1}, "key-1") == {"id": "S1"}
    assert sent["headers"] == {"Idempotency-Key": "key-1"}
    assert (sent["method"], sent["path"]) == ("POST", "/shipments")
