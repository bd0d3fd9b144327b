"""Benchmark: Shopify stock export, a full pass then a 1 % delta.

Run inside Odoo (scripts/bench-shopify-stock does it):
    odoo shell -c CONF -d DB < scripts/bench_shopify_stock.py

Starts a Shopify sandbox in this process (the standard plan's query-cost
bucket: 2000 points, 100 points/s, so throttling is real if it happens) with
one location and N variants (2500 products x 4 sizes by default), creates
the same N storable products in Odoo with their stock, a Shopify backend
pointing at the sandbox (no client-side rate limit), the location mapping
and one binding per variant carrying its inventory item id. Then:

1. full export (every quantity is new to Shopify): the baseline;
2. 1 % of the products change quantity; delta export: only those are sent.
   Target: API calls <= ceil(changed / 250) + 1;
3. delta export with nothing changed (should make no call).

The sandbox's quantities are checked against Odoo's after each pass.
Everything is rolled back at the end: the database is left as it was.
BENCH_VARIANTS=10000 (default) sets N.
"""

import math
import os
import sys
import time
from pathlib import Path

from odoo.modules.module import get_module_path

N = int(os.environ.get("BENCH_VARIANTS", "10000"))
SIZES = ("S", "M", "L", "XL")
BATCH = 250
TAG = str(int(time.time()))

sys.path.insert(0, str(Path(get_module_path("channel_shopify")).parents[1] / "tests"))

from sandbox.shopify import ShopifySandbox  # noqa: E402


def timed(label, func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    print(f"  {label:<44} {time.perf_counter() - start:7.1f} s", flush=True)
    return result


def setup_sandbox(shop):
    """One location, N variants (4 sizes per product), nothing in stock yet."""
    location = shop.add_location("Bench warehouse", country_code="US", location_id=1)
    variants = []
    for index in range(math.ceil(N / len(SIZES))):
        specs = [
            {"title": size, "sku": f"BSTK-{TAG}-{index:05d}-{size}", "price": "19.90", "stock": 0}
            for size in SIZES[: N - index * len(SIZES)]
        ]
        product = shop.add_product(f"Bench tee {index:05d}", specs, product_type="Apparel")
        variants.extend(product["variants"])
    return location, variants


def setup_odoo(env, shop, location, variants):
    """Products, initial stock, backend, location map and bindings."""
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    products = (
        env["product.product"]
        .with_context(tracking_disable=True, mail_create_nolog=True)
        .create(
            [
                {
                    "name": f"Bench tee {v['sku']}",
                    "default_code": v["sku"],
                    "type": "product",
                    "list_price": 19.9,
                }
                for v in variants
            ]
        )
    )
    backend = env["integration.backend"].create(
        {
            "name": f"Bench Shopify stock {TAG}",
            "backend_type": "shopify",
            "shopify_shop_url": shop.base_url,
            "shopify_api_version": shop.api_version,
            "company_id": env.company.id,
            "warehouse_id": warehouse.id,
            "order_confirm_policy": "paid",
            "rate_limit": 0,
            "webhook_token": f"bench-stock-{TAG}",
        }
    )
    backend._set_secret("access_token", shop.access_token)
    backend._set_secret("client_secret", shop.client_secret)
    env["integration.location.map"].create(
        {
            "backend_id": backend.id,
            "location_code": str(location["id"]),
            "location_name": location["name"],
            "warehouse_id": warehouse.id,
            "export_stock": True,
        }
    )
    Binding = env["integration.binding"]
    for product, variant in zip(products, variants, strict=True):
        Binding._bind(
            backend,
            product,
            str(variant["id"]),
            data={"inventory_item_id": str(variant["inventory_item_id"])},
        )
    Quant = env["stock.quant"]
    stock = warehouse.lot_stock_id
    for index, product in enumerate(products):
        Quant._update_available_quantity(product, stock, 10 + index % 90)
    env.flush_all()
    return backend, products, stock


def export(backend, shop, full):
    before = len(shop.calls)
    result = backend._shopify_export_stock(full=full)
    backend.env.flush_all()
    result["sandbox_calls"] = len(shop.calls) - before
    result["throttled"] = sum(1 for call in shop.calls[before:] if call.get("throttled"))
    return result


def mismatches(env, shop, location, products, variants, stock):
    """Variants whose quantity at Shopify differs from Odoo's free quantity."""
    quantities = {p.id: int(p.free_qty) for p in products.with_context(location=stock.id)}
    return [
        v["sku"]
        for product, v in zip(products, variants, strict=True)
        if shop.inventory_quantity(v["inventory_item_id"], location["id"]) != quantities[product.id]
    ]


def report(label, result, target=None):
    line = (
        f"{label:<22} {result['changed']:6d} changed items  {result['calls']:3d} API calls "
        f"(sandbox saw {result['sandbox_calls']}, {result['throttled']} throttled)  {result['seconds']:6.2f} s"
    )
    if target is not None:
        line += f"  target <= {target}"
    print(line, flush=True)


def main(env):
    shop = ShopifySandbox(seed=False)
    shop.start()
    try:
        print(f"database {env.cr.dbname}, {N} variants, sandbox {shop.base_url}", flush=True)
        print(
            f"sandbox bucket: realistic (standard plan, {shop.bucket.size:.0f} points, "
            f"{shop.bucket.restore_rate:.0f}/s); inventorySetQuantities = 10 points, <= {BATCH} items",
            flush=True,
        )
        print("setup (not measured):", flush=True)
        location, variants = timed("sandbox: products and inventory items", setup_sandbox, shop)
        backend, products, stock = timed(
            "odoo: products, stock, backend, bindings", setup_odoo, env, shop, location, variants
        )

        full = export(backend, shop, full=True)
        report("full export (baseline)", full)
        wrong_full = mismatches(env, shop, location, products, variants, stock)

        count = max(1, N // 100)  # 1 %, spread over the catalogue
        changed_products = products[:: len(products) // count][:count]
        Quant = env["stock.quant"]
        for product in changed_products:
            Quant._update_available_quantity(product, stock, 7)
        env.flush_all()
        delta = export(backend, shop, full=False)
        target = math.ceil(len(changed_products) / BATCH) + 1
        report(f"delta export ({len(changed_products) * 100 / N:g} %)", delta, target)
        wrong_delta = mismatches(env, shop, location, products, variants, stock)

        idle = export(backend, shop, full=False)
        report("delta, nothing changed", idle)

        passed = (
            delta["changed"] == len(changed_products)
            and delta["calls"] <= target
            and delta["sandbox_calls"] == delta["calls"]
            and full["changed"] == N
            and idle["calls"] == 0
            and not wrong_full
            and not wrong_delta
        )
        if wrong_full or wrong_delta:
            print(
                f"quantities differing at Shopify: after full {len(wrong_full)}, after delta {len(wrong_delta)}"
            )
        print(
            f"delta: {delta['calls']} calls for {delta['changed']} changed items "
            f"(target calls <= ceil({len(changed_products)} / {BATCH}) + 1 = {target}): {'PASS' if passed else 'FAIL'}",
            flush=True,
        )
        return passed
    finally:
        shop.stop()
        env.cr.rollback()


if not main(env):  # noqa: F821 - provided by odoo shell
    raise SystemExit(1)
