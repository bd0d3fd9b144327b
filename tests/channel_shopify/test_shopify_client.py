"""ShopifyClient against the sandbox peer over loopback HTTP."""

import math
from datetime import datetime, timezone

import pytest
from sandbox.peer import ManualClock
from sandbox.shopify import CostBucket, ShopifySandbox

from odoo.addons.channel_shopify.lib import mapper, queries
from odoo.addons.channel_shopify.lib.client import (
    INVENTORY_BATCH_SIZE,
    ShopifyClient,
    from_gid,
    shop_base_url,
    to_gid,
    topic_enum,
)
from odoo.addons.integration_core.lib.exceptions import (
    BusinessRuleError,
    RateLimited,
    RemoteRejected,
    RemoteServerError,
    RemoteTimeout,
)


def graphql_calls(shop, operation=None):
    return [call for call in shop.calls if operation is None or call["operation"] == operation]


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


def test_gid_helpers():
    assert to_gid("Order", 450789469) == "gid://shopify/Order/450789469"
    assert to_gid("Order", "gid://shopify/Order/1") == "gid://shopify/Order/1"
    assert from_gid("gid://shopify/LineItem/466157049") == "466157049"
    assert from_gid("gid://shopify/InventoryLevel/905684977?inventory_item_id=808950810") == "905684977"
    assert from_gid(42) == "42"
    assert from_gid(None) is None
    with pytest.raises(ValueError):
        to_gid("Order", " ")


def test_url_and_topic_helpers():
    assert shop_base_url("example.myshopify.com") == "https://example.myshopify.com"
    assert shop_base_url("https://example.myshopify.com/admin/") == "https://example.myshopify.com"
    assert shop_base_url("http://127.0.0.1:8071") == "http://127.0.0.1:8071"
    assert topic_enum("orders/create") == "ORDERS_CREATE"
    assert topic_enum("inventory_levels/update") == "INVENTORY_LEVELS_UPDATE"


def test_client_needs_a_token():
    with pytest.raises(ValueError):
        ShopifyClient("example.myshopify.com", "")


# ----------------------------------------------------------------------------
# reading
# ----------------------------------------------------------------------------


def test_shop(shop, client):
    info = client.shop()
    assert info["name"] == "Sandbox Outdoor Shop"
    assert info["myshopifyDomain"] == shop.shop_domain
    assert info["currencyCode"] == "EUR"
    assert info["plan"]["displayName"] == "Basic"
    assert client.last_cost["requestedQueryCost"] == 2
    assert client.throttle_status["maximumAvailable"] == 2000.0
    assert client.throttle_status["restoreRate"] == 100.0
    call = shop.calls[-1]
    assert call["path"] == f"/admin/api/{shop.api_version}/graphql.json"


def test_pagination_over_several_pages(shop, client):
    for day in range(1, 8):
        shop.create_order({"created_at": f"2024-04-{day:02d}T10:00:00Z", "lines": [{"sku": "MTS-S"}]})
    nodes = list(client.iter_orders(page_size=3))
    assert len(nodes) == 10
    assert len({node["id"] for node in nodes}) == 10
    updated = [node["updatedAt"] for node in nodes]
    assert updated == sorted(updated)  # sortKey UPDATED_AT
    assert len(graphql_calls(shop, "orders")) == math.ceil(10 / 3)


def test_page_size_is_capped_by_the_query_cost_limit(shop, client):
    for day in range(1, 8):
        shop.create_order({"created_at": f"2024-04-{day:02d}T10:00:00Z", "lines": [{"sku": "MTS-S"}]})
    per_page = (queries.MAX_QUERY_COST - 2) // queries.ORDER_NODE_COST
    assert list(client.iter_orders(page_size=50))
    calls = graphql_calls(shop, "orders")
    assert len(calls) == math.ceil(10 / per_page)
    # our cost estimate is exactly the sandbox's calculation, and under the limit
    assert calls[0]["requested_cost"] == 2 + per_page * queries.ORDER_NODE_COST <= queries.MAX_QUERY_COST


def test_updated_since_filter(shop, client):
    since = datetime(2024, 2, 1, tzinfo=timezone.utc)
    names = [node["name"] for node in client.iter_orders(updated_since=since)]
    assert names == ["#1002", "#1003"]
    assert [n["name"] for n in client.iter_orders(updated_since="2024-03-15T11:45:00Z")] == ["#1003"]
    assert list(client.iter_orders(updated_since="2030-01-01T00:00:00")) == []


def test_long_orders_are_completed_with_extra_calls(shop, client, order_validator):
    # 23 lines: 10 with the order, 13 more from one line-items page
    shop.add_product(
        "Sticker",
        [{"title": f"#{n}", "sku": f"STK-{n}", "price": "1.50", "stock": 10} for n in range(23)],
    )
    created = shop.create_order({"lines": [{"sku": f"STK-{n}", "quantity": 1} for n in range(23)]})
    node = client.get_order(created["id"])
    assert len(node["lineItems"]["nodes"]) == 23
    assert len(graphql_calls(shop, "order")) == 2
    order = mapper.graphql_order_to_canonical(node)
    assert not list(order_validator.iter_errors(order))
    # the REST order (a webhook body) carries no transactions: the GraphQL fetch adds them
    assert order == mapper.order_to_canonical(created) | {
        "lines": order["lines"],
        "transactions": order["transactions"],
    }
    assert [t["kind"] for t in order["transactions"]] == ["sale"]
    assert [line["sku"] for line in order["lines"]] == [f"STK-{n}" for n in range(23)]


def test_get_unknown_order(client):
    assert client.get_order(999) is None


def test_iter_products_and_locations(shop, client):
    products = list(client.iter_products(page_size=2))
    assert [p["title"] for p in products] == ["Trail Runner Shoe", "Merino T-Shirt", "Steel Water Bottle"]
    assert len(graphql_calls(shop, "products")) == 2
    skus = [v["sku"] for p in products for v in p["variants"]["nodes"]]
    assert skus == ["TRS-42", "TRS-43", "MTS-S", "MTS-M", "SWB-750"]
    locations = list(client.iter_locations())
    assert sorted(location["name"] for location in locations) == ["Main Warehouse", "Store Munich"]


def test_products_with_many_variants_are_completed(shop, client):
    shop.add_product("Big", [{"title": f"V{n}", "sku": f"BIG-{n}", "price": "2"} for n in range(60)])
    big = next(p for p in client.iter_products() if p["title"] == "Big")
    assert len(big["variants"]["nodes"]) == 60
    assert len(mapper.product_to_canonical(big)["variants"]) == 60


def test_variant_inventory_items_by_variant_id(shop, client):
    variants = sorted(shop.variants.values(), key=lambda v: v["id"])
    ids = [str(v["id"]) for v in variants] + ["999999999"]  # the last one Shopify does not have
    found = client.variant_inventory_items(ids)
    assert found == {str(v["id"]): str(v["inventory_item_id"]) for v in variants}
    assert len(graphql_calls(shop, "nodes")) == 1


def test_variant_inventory_items_take_250_ids_a_call(shop, client):
    shop.add_product("Big", [{"title": f"V{n}", "sku": f"BIG-{n}", "price": "2"} for n in range(260)])
    ids = [str(v["id"]) for v in shop.variants.values()]
    assert len(client.variant_inventory_items(ids)) == len(ids)
    assert len(graphql_calls(shop, "nodes")) == 2


# ----------------------------------------------------------------------------
# failures
# ----------------------------------------------------------------------------


def test_throttled_query_raises_rate_limited_with_retry_after(shop, client, monkeypatch):
    # the bucket on a clock that stands still: nothing restores between the drain and the query
    monkeypatch.setattr(shop, "bucket", CostBucket(shop.bucket.size, shop.bucket.restore_rate, ManualClock()))
    shop.bucket.drain()
    with pytest.raises(RateLimited) as info:
        next(client.iter_orders(page_size=1))
    requested = 2 + queries.ORDER_NODE_COST
    # (requested - available) / restoreRate, available being 0 after the drain
    assert info.value.retry_after == pytest.approx(requested / 100.0, abs=0.1)
    assert info.value.retryable
    assert shop.calls[-1]["throttled"]
    assert client.last_cost["actualQueryCost"] is None


def test_proactive_wait_when_the_bucket_is_low(shop, make_client):
    waits = []
    client = make_client(max_throttle_wait=2.0, sleep=waits.append)
    client.shop()  # learns the cost (2) and the bucket
    assert waits == []
    client.throttle_status = {"maximumAvailable": 2000.0, "currentlyAvailable": 0, "restoreRate": 100.0}
    client.shop()
    assert len(waits) == 1 and 0 < waits[0] <= 0.02
    # a wait longer than max_throttle_wait is left to Shopify
    client.throttle_status = {"maximumAvailable": 2000.0, "currentlyAvailable": 0, "restoreRate": 0.5}
    client.shop()
    assert len(waits) == 1


def test_injected_429_honours_retry_after(shop, client):
    shop.inject_faults([{"status": 429, "retry_after": 2}])
    with pytest.raises(RateLimited) as info:
        client.shop()
    assert info.value.retry_after == 2.0
    assert client.shop()["name"]  # the fault plan is used up


def test_injected_503_is_a_retryable_server_error(shop, client):
    shop.inject_faults([{"status": 503}], count=2)
    for _ in range(2):
        with pytest.raises(RemoteServerError):
            client.shop()
    assert client.shop()["name"]
    assert [call["status"] for call in shop.calls] == [503, 503, 200]


def test_slow_answer_is_a_timeout(shop, make_client):
    client = make_client(timeout=(0.5, 0.3))
    shop.inject_faults([{"delay": 0.8}])
    with pytest.raises(RemoteTimeout):
        client.shop()


def test_wrong_token_is_rejected(make_client):
    client = make_client(access_token="shpat_wrong")
    with pytest.raises(RemoteRejected) as info:
        client.shop()
    assert info.value.status_code == 401
    assert not info.value.retryable
    assert "shpat_wrong" not in str(info.value)


def test_graphql_errors_are_rejected(client):
    with pytest.raises(RemoteRejected, match="Cannot query field"):
        client.graphql("{ shop { nonsense } }")


def test_max_cost_exceeded_is_rejected(client):
    query = "{ orders(first: 250) { nodes { lineItems(first: 250) { nodes { id } } } } }"
    with pytest.raises(RemoteRejected) as info:
        client.graphql(query)
    assert "MAX_COST_EXCEEDED" in info.value.details["codes"]


# ----------------------------------------------------------------------------
# writing
# ----------------------------------------------------------------------------


def test_inventory_batching(shop, client):
    warehouse, store = list(shop.locations)
    shop.add_product(
        "Sock", [{"title": f"S{n}", "sku": f"SOCK-{n}", "price": "5", "stock": 0} for n in range(300)]
    )
    items = [v["inventory_item_id"] for v in shop.variants.values() if v["sku"].startswith("SOCK-")]
    changes = [
        {"inventory_item_id": item, "location_id": location, "quantity": index % 17}
        for index, (item, location) in enumerate((i, loc) for i in items for loc in (warehouse, store))
    ]
    assert len(changes) == 600
    calls = client.set_inventory_quantities(changes)
    assert INVENTORY_BATCH_SIZE == 250
    assert calls == math.ceil(600 / INVENTORY_BATCH_SIZE) == 3
    assert shop.state()["inventory_calls"] == 3
    for change in changes[::37]:
        assert (
            shop.inventory_quantity(change["inventory_item_id"], change["location_id"]) == change["quantity"]
        )


def test_inventory_accepts_gids_and_last_change_wins(shop, client):
    item = shop.variants[next(iter(shop.variants))]["inventory_item_id"]
    location = next(iter(shop.locations))
    calls = client.set_inventory_quantities(
        [
            {"inventory_item_id": to_gid("InventoryItem", item), "location_id": location, "quantity": 3},
            {"inventory_item_id": item, "location_id": to_gid("Location", location), "quantity": 7},
        ]
    )
    assert calls == 1
    assert shop.inventory_quantity(item, location) == 7
    assert client.set_inventory_quantities([]) == 0


def test_inventory_user_errors_are_rejected(shop, client):
    location = next(iter(shop.locations))
    with pytest.raises(RemoteRejected, match="inventory item could not be found") as info:
        client.set_inventory_quantities([{"inventory_item_id": 1, "location_id": location, "quantity": 1}])
    assert info.value.details["user_errors"][0]["code"] == "INVALID_INVENTORY_ITEM"


def _order_with_two_lines(shop):
    order = shop.create_order({"lines": [{"sku": "TRS-42", "quantity": 1}, {"sku": "MTS-M", "quantity": 2}]})
    return order, order["line_items"][0]["id"], order["line_items"][1]["id"]


def test_partial_then_complete_fulfillment(shop, client):
    order, shoe, shirt = _order_with_two_lines(shop)
    [fulfillment] = client.create_fulfillment(
        order["id"],
        [{"line_item_id": shirt, "quantity": 1}],
        tracking_number="1Z999AA10123456784",
        tracking_url="https://www.ups.com/track?tracknum=1Z999AA10123456784",
        carrier="UPS",
    )
    assert fulfillment["status"] == "SUCCESS"
    assert fulfillment["trackingInfo"] == [
        {
            "company": "UPS",
            "number": "1Z999AA10123456784",
            "url": "https://www.ups.com/track?tracknum=1Z999AA10123456784",
        }
    ]
    assert shop.rest_order(order["id"])["fulfillment_status"] == "partial"
    [fo] = client.fulfillment_orders(order["id"])
    assert fo["status"] == "IN_PROGRESS"
    remaining = {
        from_gid(line["lineItem"]["id"]): line["remainingQuantity"] for line in fo["lineItems"]["nodes"]
    }
    assert remaining == {str(shoe): 1, str(shirt): 1}

    client.create_fulfillment(
        order["id"],
        [{"line_item_id": to_gid("LineItem", shoe), "quantity": 1}, {"line_item_id": shirt, "quantity": 1}],
    )
    assert shop.rest_order(order["id"])["fulfillment_status"] == "fulfilled"
    assert client.fulfillment_orders(order["id"])[0]["status"] == "CLOSED"
    state = shop.state()["fulfillments"]
    assert [[(line["sku"], line["quantity"]) for line in f["line_items"]] for f in state] == [
        [("MTS-M", 1)],
        [("TRS-42", 1), ("MTS-M", 1)],
    ]


def test_fulfillment_is_idempotent_on_tracking_number(shop, client):
    order, _shoe, shirt = _order_with_two_lines(shop)
    first = client.create_fulfillment(
        order["id"], [{"line_item_id": shirt, "quantity": 2}], tracking_number="TRK1"
    )
    again = client.create_fulfillment(
        order["id"], [{"line_item_id": shirt, "quantity": 2}], tracking_number="TRK1"
    )
    assert [f["id"] for f in again] == [f["id"] for f in first]
    assert len(shop.state()["fulfillments"]) == 1
    assert len(graphql_calls(shop, "fulfillmentCreate")) == 1


def test_fulfillment_created_before_a_crash_is_not_created_again(shop, client):
    order, _shoe, shirt = _order_with_two_lines(shop)
    done_at = datetime.now(timezone.utc).replace(microsecond=0)
    # the crashed attempt: created at Shopify, never recorded by the caller (no tracking number)
    [crashed] = client.create_fulfillment(order["id"], [{"line_item_id": shirt, "quantity": 1}])
    found, created = client.ensure_fulfillment(
        order["id"], [{"line_item_id": to_gid("LineItem", shirt), "quantity": 1}], created_after=done_at
    )
    assert (created, [f["id"] for f in found]) == (False, [crashed["id"]])
    assert len(shop.state()["fulfillments"]) == 1
    assert len(graphql_calls(shop, "fulfillmentCreate")) == 1


def test_fulfillment_of_the_same_lines_is_created_when_the_existing_one_is_not_ours(shop, client):
    order, _shoe, shirt = _order_with_two_lines(shop)
    [first] = client.create_fulfillment(order["id"], [{"line_item_id": shirt, "quantity": 1}])
    one = [{"line_item_id": shirt, "quantity": 1}]
    # already bound to another delivery
    _found, created = client.ensure_fulfillment(
        order["id"], one, created_after=datetime(2000, 1, 1), exclude_ids={first["id"]}
    )
    assert created
    # older than the delivery
    order2, _shoe2, shirt2 = _order_with_two_lines(shop)
    client.create_fulfillment(order2["id"], [{"line_item_id": shirt2, "quantity": 1}])
    _found, created = client.ensure_fulfillment(
        order2["id"], [{"line_item_id": shirt2, "quantity": 1}], created_after=datetime(2999, 1, 1)
    )
    assert created
    # other quantities (or no way to tell: no tracking number, no delivery time)
    order3, shoe3, shirt3 = _order_with_two_lines(shop)
    client.create_fulfillment(order3["id"], [{"line_item_id": shirt3, "quantity": 1}])
    _found, created = client.ensure_fulfillment(
        order3["id"], [{"line_item_id": shoe3, "quantity": 1}], created_after=datetime(2000, 1, 1)
    )
    assert created
    _found, created = client.ensure_fulfillment(order3["id"], [{"line_item_id": shirt3, "quantity": 1}])
    assert created
    assert len(graphql_calls(shop, "fulfillmentCreate")) == 7


def test_fulfilling_more_than_open_is_a_business_error(shop, client):
    order, shoe, _shirt = _order_with_two_lines(shop)
    with pytest.raises(BusinessRuleError, match="1 unit"):
        client.create_fulfillment(order["id"], [{"line_item_id": shoe, "quantity": 2}])
    assert not graphql_calls(shop, "fulfillmentCreate")
    client.create_fulfillment(order["id"])  # everything open
    with pytest.raises(BusinessRuleError, match="nothing left"):
        client.create_fulfillment(order["id"])


def test_fulfillment_over_two_locations(shop, client):
    warehouse, store = list(shop.locations)
    order = shop.create_order(
        {
            "lines": [{"sku": "TRS-42", "quantity": 1}, {"sku": "MTS-S", "quantity": 1}],
            "fulfillment_locations": {"MTS-S": store},
        }
    )
    assert len(client.fulfillment_orders(order["id"])) == 2
    created = client.create_fulfillment(
        order["id"], [{"line_item_id": line["id"], "quantity": 1} for line in order["line_items"]]
    )
    assert len(created) == 2
    assert shop.rest_order(order["id"])["fulfillment_status"] == "fulfilled"
    assert {f["location_id"] for f in shop.fulfillments.values()} == {warehouse, store}


def test_fulfillment_of_unknown_order(client):
    with pytest.raises(RemoteRejected) as info:
        client.create_fulfillment(123, [{"line_item_id": 1, "quantity": 1}])
    assert info.value.status_code == 404


def test_webhook_subscriptions(shop, client):
    assert client.webhook_subscriptions() == []
    created = client.create_webhook_subscription("orders/create", "https://odoo.example.com/shopify/webhook")
    assert created["topic"] == "ORDERS_CREATE"
    assert created["callback_url"] == "https://odoo.example.com/shopify/webhook"
    with pytest.raises(RemoteRejected, match="already been taken"):
        client.create_webhook_subscription("ORDERS_CREATE", "https://odoo.example.com/shopify/webhook")
    added = client.ensure_webhook_subscriptions(
        ["orders/create", "orders/updated", "refunds/create"], "https://odoo.example.com/shopify/webhook"
    )
    assert [sub["topic"] for sub in added] == ["ORDERS_UPDATED", "REFUNDS_CREATE"]
    assert {sub["topic"] for sub in client.webhook_subscriptions()} == {
        "ORDERS_CREATE",
        "ORDERS_UPDATED",
        "REFUNDS_CREATE",
    }


def test_small_bucket_throttles_a_burst():
    with ShopifySandbox(bucket_size=10, restore_rate=1) as shop:
        client = ShopifyClient(shop.base_url, shop.access_token, shop.api_version, max_throttle_wait=0)
        with pytest.raises(RateLimited) as info:
            for _ in range(10):
                client.shop()  # 2 points each: the sixth call finds the bucket empty
        assert 0 < info.value.retry_after <= 2.0
        assert sum(1 for call in shop.calls if call["throttled"]) == 1
        client.close()


NESTED_PAYOUTS = """
query($first: Int!, $after: String) {
  shopifyPaymentsAccount {
    payouts(first: $first, after: $after, sortKey: ISSUED_AT) {
      pageInfo { hasNextPage endCursor }
      nodes { legacyResourceId issuedAt }
    }
  }
}
"""


def test_paginate_reads_a_nested_connection_page_by_page(shop, client, monkeypatch):
    shop.create_order({"created_at": "2025-03-03T10:00:00Z", "gateway": "shopify_payments"})
    shop.create_order({"created_at": "2025-03-04T10:00:00Z", "gateway": "shopify_payments"})
    shop.create_order({"created_at": "2025-03-05T10:00:00Z", "gateway": "shopify_payments"})
    issued = shop.run_payouts("2025-03-09T00:00:00Z")
    assert len(issued) >= 3
    before = len(graphql_calls(shop))
    nodes = list(client.paginate(NESTED_PAYOUTS, ("shopifyPaymentsAccount", "payouts"), page_size=2))
    assert [n["legacyResourceId"] for n in nodes] == [p["legacyResourceId"] for p in issued]
    assert len(graphql_calls(shop)) - before == math.ceil(len(issued) / 2)
    monkeypatch.setattr(shop, "_v_payments_account", lambda: None)  # no Shopify Payments: nothing
    assert list(client.paginate(NESTED_PAYOUTS, ("shopifyPaymentsAccount", "payouts"))) == []
