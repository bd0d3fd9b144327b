#!/usr/bin/env python3
"""Demo check: a variant sold through the demo store is kept in stock sync.

    scripts/demo-stock-sync [--max-seconds 180]

Against a running ``scripts/run`` whose demo Shopify store sends orders
(nothing else: the catalogue is never imported):

1. waits for the first sandbox order to be confirmed in Odoo (the first one
   not yet delivered, when the script runs again), and reads the
   variant bindings its lines created (product, variant, inventory item);
2. reads the sandbox's inventory levels of those inventory items;
3. delivers the order in Odoo over XML-RPC (quantities as ordered);
4. waits for the stock export event that follows to be done, and reads the
   sandbox's levels again.

Prints the order, the variants, the export event and each level before and
after. Exit 0 when the export is done and every delivered variant's level
changed in the sandbox, 1 otherwise, 2 when Odoo or the sandbox cannot be
reached. The order stays delivered in the demo database.
"""

import argparse
import sys
import time
import xmlrpc.client
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chaos import Sandbox, log, ship  # noqa: E402
from demo_secrets import DemoSecretsError, demo_backend  # noqa: E402
from odoo_rpc import Odoo, add_odoo_arguments  # noqa: E402

POLL_SECONDS = 1.0


def first_store_order(odoo, backend_id, deadline):
    """The demo store's first confirmed order not yet delivered in Odoo (on a
    fresh demo database: the first order the store sent)."""
    while time.monotonic() < deadline:
        bindings = odoo(
            "integration.binding",
            "search_read",
            [("backend_id", "=", backend_id), ("res_model", "=", "sale.order")],
            fields=["res_id", "external_id"],
        )
        external = {binding["res_id"]: binding["external_id"] for binding in bindings}
        sales = odoo(
            "sale.order",
            "search_read",
            [("id", "in", list(external)), ("state", "=", "sale"), ("delivery_status", "!=", "full")],
            fields=["name", "order_line"],
            order="id",
            limit=1,
        )
        if sales:
            return sales[0], external[sales[0]["id"]]
        time.sleep(POLL_SECONDS)
    return None, None


def variant_bindings(odoo, backend_id, sale):
    lines = odoo("sale.order.line", "read", sale["order_line"], ["product_id"])
    product_ids = sorted({line["product_id"][0] for line in lines if line["product_id"]})
    return odoo(
        "integration.binding",
        "search_read",
        [
            ("backend_id", "=", backend_id),
            ("res_model", "=", "product.product"),
            ("res_id", "in", product_ids),
        ],
        fields=["res_id", "record_name", "external_id", "data"],
    )


def inventory_items(sandbox, api_version, token, variant_ids):
    """{variant id: inventory item id}, asked of the store itself (Admin
    GraphQL ``nodes``), not of what Odoo has learnt."""
    response = sandbox.session.post(
        f"{sandbox.url}/admin/api/{api_version}/graphql.json",
        json={
            "query": "query($ids: [ID!]!) { nodes(ids: $ids) { ... on ProductVariant "
            "{ legacyResourceId inventoryItem { id } } } }",
            "variables": {"ids": [f"gid://shopify/ProductVariant/{v}" for v in variant_ids]},
        },
        headers={"X-Shopify-Access-Token": token},
        timeout=10,
    )
    response.raise_for_status()
    return {
        str(node["legacyResourceId"]): node["inventoryItem"]["id"].rsplit("/", 1)[-1]
        for node in response.json()["data"]["nodes"]
        if node
    }


def odoo_quantities(odoo, maps, products):
    """{(variant, location code): what the export pushes}: the product's free
    quantity in the mapped warehouse's stock location, at least 0."""
    found = {}
    for mapping in maps:
        [warehouse] = odoo("stock.warehouse", "read", [mapping["warehouse_id"][0]], ["lot_stock_id"])
        rows = odoo(
            "product.product",
            "read",
            list(products.values()),
            ["free_qty"],
            context={"location": warehouse["lot_stock_id"][0]},
        )
        free = {row["id"]: max(int(row["free_qty"]), 0) for row in rows}
        for variant, product_id in products.items():
            found[(variant, mapping["location_code"])] = free[product_id]
    return found


def wait_for_export(odoo, backend_id, after_id, deadline):
    """The first stock export event created after event ``after_id``, once it
    has left the pending states (or None at the deadline)."""
    while time.monotonic() < deadline:
        events = odoo(
            "integration.event",
            "search_read",
            [("backend_id", "=", backend_id), ("topic", "=", "stock.export"), ("id", ">", after_id)],
            fields=["id", "state", "external_id", "error_message"],
            order="id",
            limit=1,
        )
        if events and events[0]["state"] not in ("received", "queued", "processing"):
            return events[0]
        time.sleep(POLL_SECONDS)
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_odoo_arguments(parser)
    parser.add_argument("--max-seconds", type=float, default=180.0)
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.max_seconds
    try:
        odoo = Odoo(args.odoo_url, args.database, args.login, args.password)
        [backend] = odoo(
            "integration.backend",
            "search_read",
            [("backend_type", "=", "shopify")],
            fields=["id", "name", "shopify_shop_url", "shopify_api_version", "location_map_ids"],
            limit=1,
        )
        maps = odoo(
            "integration.location.map", "read", backend["location_map_ids"], ["location_code", "warehouse_id"]
        )
        sandbox = Sandbox(backend["shopify_shop_url"])
        sandbox.state()
        token = demo_backend(args.database).secrets["access_token"]
    except (OSError, xmlrpc.client.Error, ValueError, KeyError, DemoSecretsError) as exc:
        log(f"cannot reach Odoo or the sandbox: {exc}")
        return 2

    sale, shopify_id = first_store_order(odoo, backend["id"], deadline)
    if not sale:
        log("no order of the demo store was confirmed in time")
        return 1
    log(f"first store order: {sale['name']} (Shopify order {shopify_id})")
    bindings = variant_bindings(odoo, backend["id"], sale)
    if not bindings:
        log("its lines bound no variant: the stock export has nothing to push")
        return 1
    for binding in bindings:
        log(f"variant {binding['external_id']} bound to {binding['record_name']}")
    [last] = odoo("integration.event", "search_read", [], fields=["id"], order="id desc", limit=1) or [
        {"id": 0}
    ]

    items = inventory_items(
        sandbox, backend["shopify_api_version"], token, [b["external_id"] for b in bindings]
    )

    def levels():
        inventory = sandbox.state()["inventory"]
        return {
            (variant, mapping["location_code"]): inventory.get(f"{item}@{mapping['location_code']}")
            for variant, item in items.items()
            for mapping in maps
        }

    sandbox.post("demo", {"paused": True})  # no new orders reserve stock while we compare
    try:
        return check_delivery(odoo, backend, maps, sale, bindings, levels, last, deadline)
    finally:
        sandbox.post("demo", {"paused": False})


def check_delivery(odoo, backend, maps, sale, bindings, levels, last, deadline):
    before = levels()
    validated, problems = ship(odoo, [sale["id"]])
    log(f"delivered: {validated} picking(s) validated {problems or ''}")
    event = wait_for_export(odoo, backend["id"], last["id"], deadline)
    if not event:
        log("no stock export followed the delivery in time")
        return 1
    log(
        f"stock export event {event['id']}: {event['state']} ({event['external_id'] or event['error_message']})"
    )
    after = levels()
    in_odoo = odoo_quantities(odoo, maps, {b["external_id"]: b["res_id"] for b in bindings})
    changed = in_sync = 0
    for key, level in sorted(after.items()):
        variant, location = key
        log(
            f"variant {variant} at location {location}: {before.get(key)} -> {level} (Odoo: {in_odoo.get(key)})"
        )
        changed += level != before.get(key)
        in_sync += level == in_odoo.get(key)
    ok = event["state"] == "done" and in_sync == len(after)
    log(
        f"{'PASS' if ok else 'FAIL'}: export {event['state']}, {in_sync} of {len(after)} level(s) as in Odoo, "
        f"{changed} changed by this export"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
