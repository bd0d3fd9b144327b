"""Bulk queries: ShopifyClient against the sandbox over loopback, and the
plain reassembly of JSONL lines."""

import pytest

from odoo.addons.channel_shopify.lib import bulk, mapper, queries
from odoo.addons.integration_core.lib.exceptions import PermanentError, RemoteRejected


def wait_until_done(client, gid, polls=10):
    """Poll like the Odoo event does; returns every status seen and the final operation."""
    seen = []
    for _i in range(polls):
        operation = client.bulk_operation(gid)
        seen.append(operation["status"])
        if operation["status"] not in bulk.RUNNING_STATUSES:
            return seen, operation
    raise AssertionError(f"still running after {polls} polls: {seen}")


# ----------------------------------------------------------------------------
# reassemble (no HTTP)
# ----------------------------------------------------------------------------


def test_reassemble_nests_children_out_of_order_under_several_parents():
    lines = [
        {"id": "gid://shopify/ProductVariant/12", "sku": "B-1", "__parentId": "gid://shopify/Product/2"},
        {"id": "gid://shopify/Product/1", "title": "A"},
        {"id": "gid://shopify/ProductVariant/11", "sku": "A-1", "__parentId": "gid://shopify/Product/1"},
        {"id": "gid://shopify/Product/2", "title": "B"},
        {"id": "gid://shopify/ProductVariant/13", "sku": "A-2", "__parentId": "gid://shopify/Product/1"},
        {"id": "gid://shopify/Product/3", "title": "C"},
    ]
    roots = bulk.reassemble(iter(lines), queries.PRODUCTS_BULK_CHILDREN)
    assert [root["title"] for root in roots] == ["A", "B", "C"]
    assert [v["sku"] for v in roots[0]["variants"]["nodes"]] == ["A-1", "A-2"]
    assert [v["sku"] for v in roots[1]["variants"]["nodes"]] == ["B-1"]
    assert "variants" not in roots[2]
    assert bulk.ensure_connections(roots[2], ["variants"])["variants"] == {"nodes": []}
    assert all("__parentId" not in v for root in roots[:2] for v in root["variants"]["nodes"])
    assert lines[0]["__parentId"]  # the input is not changed


def test_reassemble_grandchildren_and_unmapped_types():
    lines = [
        {"id": "gid://shopify/Order/1"},
        {"id": "gid://shopify/LineItem/5", "__parentId": "gid://shopify/Order/1"},
        {"id": "gid://shopify/Metafield/9", "__parentId": "gid://shopify/LineItem/5"},
    ]
    (order,) = bulk.reassemble(lines)
    (line,) = order["lineItems"]["nodes"]
    assert line["metafields"]["nodes"] == [{"id": "gid://shopify/Metafield/9"}]


def test_reassemble_refuses_an_orphan():
    with pytest.raises(PermanentError, match="not in the file"):
        bulk.reassemble([{"id": "gid://shopify/ProductVariant/1", "__parentId": "gid://shopify/Product/404"}])


def test_failure_message_is_plain_words():
    text = bulk.failure_message(
        {"id": "gid://shopify/BulkOperation/7", "status": "FAILED", "errorCode": "TIMEOUT"}
    )
    assert text.startswith("Shopify bulk operation gid://shopify/BulkOperation/7 failed (TIMEOUT:")


# ----------------------------------------------------------------------------
# the client against the sandbox
# ----------------------------------------------------------------------------


def test_bulk_query_run_poll_download_reassemble(shop, client):
    operation = client.run_bulk_query(queries.PRODUCTS_BULK_QUERY)
    assert operation["status"] == "CREATED"
    assert operation["id"].startswith("gid://shopify/BulkOperation/")
    seen, done = wait_until_done(client, operation["id"])
    assert seen == ["RUNNING", "COMPLETED"]
    assert (done["objectCount"], done["rootObjectCount"]) == ("8", "3")
    assert bulk.normalized_query(done["query"]) == bulk.normalized_query(queries.PRODUCTS_BULK_QUERY)
    lines = list(client.iter_bulk_jsonl(done["url"]))
    assert len(lines) == 8
    assert sum(1 for line in lines if "__parentId" in line) == 5
    # the access token stays with the API
    assert "X-Shopify-Access-Token" not in shop.bulk_downloads[-1]["headers"]
    products = bulk.reassemble(lines, queries.PRODUCTS_BULK_CHILDREN)
    # the same canonical products as the paged read
    assert [mapper.product_to_canonical(p) for p in products] == [
        mapper.product_to_canonical(p) for p in client.iter_products()
    ]


def test_current_bulk_operation_and_more_polls(shop, client):
    shop.bulk_running_polls = 3
    operation = client.run_bulk_query(queries.PRODUCTS_BULK_QUERY)
    assert client.current_bulk_operation()["id"] == operation["id"]
    seen, done = wait_until_done(client, operation["id"])
    assert seen == ["RUNNING", "RUNNING", "COMPLETED"]  # the 1st poll was current_bulk_operation
    assert done["url"]


def test_bulk_query_that_finds_nothing_has_no_url(shop, client):
    shop.products.clear()
    shop.bulk_running_polls = 0
    operation = client.run_bulk_query(queries.PRODUCTS_BULK_QUERY)
    _seen, done = wait_until_done(client, operation["id"])
    assert done["status"] == "COMPLETED"
    assert done["url"] is None and done["objectCount"] == "0"


def test_failed_bulk_operation(shop, client):
    shop.fail_next_bulk_operation("INTERNAL_SERVER_ERROR")
    operation = client.run_bulk_query(queries.PRODUCTS_BULK_QUERY)
    seen, done = wait_until_done(client, operation["id"])
    assert seen == ["RUNNING", "FAILED"]
    assert done["errorCode"] == "INTERNAL_SERVER_ERROR"
    assert done["url"] is None
    assert "INTERNAL_SERVER_ERROR" in bulk.failure_message(done)
    # the knob is used up: the next one completes
    again = client.run_bulk_query(queries.PRODUCTS_BULK_QUERY)
    assert wait_until_done(client, again["id"])[1]["status"] == "COMPLETED"


def test_second_bulk_query_while_one_runs_is_refused(shop, client):
    first = client.run_bulk_query(queries.PRODUCTS_BULK_QUERY)
    with pytest.raises(RemoteRejected, match="already in progress") as info:
        client.run_bulk_query(queries.PRODUCTS_BULK_QUERY)
    assert info.value.details["user_errors"][0]["code"] == "OPERATION_IN_PROGRESS"
    assert first["id"] in info.value.message
    wait_until_done(client, first["id"])
    assert client.run_bulk_query(queries.PRODUCTS_BULK_QUERY)["status"] == "CREATED"


def test_bulk_query_costs_like_a_mutation_and_checks_the_document(shop, client):
    client.run_bulk_query(queries.PRODUCTS_BULK_QUERY)
    assert client.last_cost["requestedQueryCost"] == 10
    shop.reset()
    with pytest.raises(RemoteRejected, match="at least one connection"):
        client.run_bulk_query("{ shop { id } }")
    with pytest.raises(RemoteRejected, match="must select the 'id' field"):
        client.run_bulk_query("{ products { edges { node { title variants { edges { node { sku } } } } } } }")


def test_unknown_bulk_operation_is_none(client):
    assert client.bulk_operation("gid://shopify/BulkOperation/1") is None


def test_missing_bulk_file_is_rejected(shop, client):
    with pytest.raises(RemoteRejected, match="HTTP 404"):
        list(client.iter_bulk_jsonl(f"{shop.base_url}/bulk/404.jsonl"))


def _without_paging(value):
    """``value`` without pageInfo (the paged query's, absent from bulk results)
    and without the ids only the bulk query selects on shipping lines."""
    if isinstance(value, dict):
        return {k: _without_paging(v) for k, v in value.items() if k != "pageInfo"}
    if isinstance(value, list):
        return [_without_paging(v) for v in value]
    return value


def test_bulk_orders_have_the_paged_shape_and_map_the_same(shop, client):
    shop.create_order({"lines": [{"sku": "TRS-42", "quantity": 1}], "shipping": None})  # no shipping line
    paged = [_without_paging(node) for node in client.iter_orders()]
    started = client.run_bulk_query(queries.ORDERS_BULK_QUERY)
    _seen, operation = wait_until_done(client, started["id"])
    assert operation["status"] == "COMPLETED"
    orders = [
        bulk.ensure_connections(order, ["shippingLines", "lineItems"])
        for order in bulk.reassemble(client.iter_bulk_jsonl(operation["url"]), queries.ORDERS_BULK_CHILDREN)
    ]
    assert len(orders) == len(paged) == 4
    for order in orders:
        for ship in order["shippingLines"]["nodes"]:
            assert ship.pop("id").startswith("gid://shopify/ShippingLine/")
    assert [_without_paging(order) for order in orders] == paged
    assert [mapper.graphql_order_to_canonical(o) for o in orders] == [
        mapper.graphql_order_to_canonical(o) for o in paged
    ]


def test_cancel_a_running_bulk_operation(shop, client):
    shop.bulk_running_polls = 5
    operation = client.run_bulk_query(queries.PRODUCTS_BULK_QUERY)
    assert client.cancel_bulk_operation(operation["id"])["status"] == "CANCELING"
    assert client.bulk_operation(operation["id"])["status"] == "CANCELED"
    with pytest.raises(RemoteRejected, match="cannot be canceled"):
        client.cancel_bulk_operation(operation["id"])
    # the shop is free for the next bulk query
    assert client.run_bulk_query(queries.PRODUCTS_BULK_QUERY)["status"] == "CREATED"
