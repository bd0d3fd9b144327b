"""Benchmark: a pricelist change touching 10,000 variants, sent to Shopify
by channel_shopify's price export, side by side with a naive loop that
makes one API call per variant, against the same sandbox.

Run inside Odoo (scripts/bench-shopify-prices does it):
    odoo shell -c CONF -d DB < scripts/bench_shopify_prices.py

Starts a Shopify sandbox in this process with N variants (2,000 products x
5 sizes by default) and a second market (CAD) with its price list; creates
the same N products in Odoo, a Shopify backend whose store prices come from
a pricelist (10 % off) and whose CAD market is fed from a CAD pricelist, one
binding per variant. The query-cost bucket is Shopify Plus's (20,000
points, 1,000 points/s: B2B needs Plus) unless BENCH_PLAN=standard (2,000
points, 100/s); a mutation costs 10 points. Then:

0. a full pass (not the measure): every price is new to Shopify;
1. the store pricelist's rule changes (10 % -> 15 % off): all N variants
   change; the export sends them with productVariantsBulkUpdate, one call
   per product. Target: calls <= products + 1 (the +1: the store's
   currencies; looking up the variants' products, ceil(N / 250) calls, is
   done once, here in pass 0);
2. the CAD pricelist's rule changes: all N fixed prices of the market's
   price list change; priceListFixedPricesAdd, 250 a call.
   Target: calls <= ceil(N / 250) + 1 (the +1: the store's currencies);
3. the naive loop: the same new prices, one call per variant
   (productVariantsBulkUpdate with one variant; priceListFixedPricesAdd
   with one price), through the same client and its cost throttling.

Printed: API calls, points spent, seconds, and the sandbox's prices checked
against Odoo's after each pass. Everything is rolled back at the end: the
database is left as it was. BENCH_VARIANTS=10000 (default), BENCH_SIZES=5.
"""

import math
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

from odoo.modules.module import get_module_path

N = int(os.environ.get("BENCH_VARIANTS", "10000"))
SIZES = int(os.environ.get("BENCH_SIZES", "5"))
PLAN = os.environ.get("BENCH_PLAN", "plus")
BUCKET = {"plus": (20000, 1000), "standard": (2000, 100)}[PLAN]
BATCH = 250
MUTATION_POINTS = 10
TAG = str(int(time.time()))

sys.path.insert(0, str(Path(get_module_path("channel_shopify")).parents[1] / "tests"))

from sandbox.shopify import ShopifySandbox  # noqa: E402

from odoo.addons.channel_shopify.lib import prices as plain  # noqa: E402
from odoo.addons.channel_shopify.lib.client import ShopifyClient  # noqa: E402
from odoo.addons.integration_core.lib.exceptions import RateLimited  # noqa: E402


def timed(label, func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    print(f"  {label:<48} {time.perf_counter() - start:7.1f} s", flush=True)
    return result


def setup_sandbox(shop):
    shop.bucket.size, shop.bucket.restore_rate = BUCKET
    shop.bucket.refund(shop.bucket.size)
    shop.add_location("Bench warehouse", country_code="US", location_id=1)
    market = shop.add_market("Canada", "CAD")
    variants = []
    for index in range(math.ceil(N / SIZES)):
        count = min(SIZES, N - index * SIZES)
        specs = [
            {"title": f"S{size}", "sku": f"BPRC-{TAG}-{index:05d}-{size}", "price": "50.00"}
            for size in range(count)
        ]
        variants.extend(shop.add_product(f"Bench chair {index:05d}", specs)["variants"])
    return market, variants


def setup_odoo(env, shop, market, variants):
    company = env.company
    cad = env.ref("base.CAD")
    cad.active = True
    Pricelist = env["product.pricelist"]
    store = Pricelist.create(
        {
            "name": f"Bench store {TAG}",
            "currency_id": company.currency_id.id,
            "item_ids": [
                (0, 0, {"applied_on": "3_global", "compute_price": "percentage", "percent_price": 10})
            ],
        }
    )
    canada = Pricelist.create(
        {
            "name": f"Bench Canada {TAG}",
            "currency_id": cad.id,
            "item_ids": [(0, 0, {"applied_on": "3_global", "compute_price": "fixed", "fixed_price": 70})],
        }
    )
    products = (
        env["product.product"]
        .with_context(tracking_disable=True, mail_create_nolog=True)
        .create(
            [
                {"name": f"Bench chair {v['sku']}", "default_code": v["sku"], "list_price": 50.0}
                for v in variants
            ]
        )
    )
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    backend = env["integration.backend"].create(
        {
            "name": f"Bench Shopify prices {TAG}",
            "backend_type": "shopify",
            "shopify_shop_url": shop.base_url,
            "shopify_api_version": shop.api_version,
            "company_id": company.id,
            "warehouse_id": warehouse.id,
            "rate_limit": 0,
            "webhook_token": f"bench-prices-{TAG}",
            "shopify_price_pricelist_id": store.id,
            "shopify_compare_at": "list_price",
            "shopify_price_list_map_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Canada",
                        "price_list_gid": f"gid://shopify/PriceList/{market['price_list_id']}",
                        "price_list_currency": "CAD",
                        "pricelist_id": canada.id,
                    },
                )
            ],
        }
    )
    backend._set_secret("access_token", shop.access_token)
    backend._set_secret("client_secret", shop.client_secret)
    Binding = env["integration.binding"]
    Binding.create(
        [
            {
                "backend_id": backend.id,
                "res_model": "product.product",
                "res_id": p.id,
                "external_id": str(v["id"]),
            }
            for p, v in zip(products, variants, strict=True)
        ]
    )
    env.flush_all()
    return backend, store, canada, products


def export(env, backend, shop, **kwargs):
    before = len(shop.calls)
    result = env["shopify.price.exporter"]._export_prices(backend, **kwargs)
    env.flush_all()
    result.update(window(shop, before))
    return result


def window(shop, before):
    """What the sandbox saw since call ``before``: calls, throttled answers,
    points spent (the actual cost Shopify charged)."""
    calls = shop.calls[before:]
    return {
        "sandbox_calls": len(calls),
        "throttled": sum(1 for call in calls if call.get("throttled")),
        "points": int(sum(call.get("actual_cost") or 0 for call in calls)),
    }


def naive(shop, items, store):
    """One call per variant, through the same client (it waits for the
    bucket like the export does; a throttled answer is waited out)."""
    start = time.perf_counter()
    before = len(shop.calls)
    waited = 0.0
    with ShopifyClient(
        shop.base_url, shop.access_token, shop.api_version, timeout=(3.05, 30), max_throttle_wait=30
    ) as client:
        for item in items:
            while True:
                try:
                    if store:
                        client.update_variant_prices(item.product_id, [plain.variant_input(item)])
                    else:
                        client.add_fixed_prices(store_list_id(shop), [plain.fixed_price_input(item)])
                    break
                except RateLimited as exc:
                    waited += exc.retry_after or 1.0
                    time.sleep(exc.retry_after or 1.0)
    seen = window(shop, before)
    return dict(
        seen, calls=seen["sandbox_calls"], seconds=round(time.perf_counter() - start, 2), waited=waited
    )


def store_list_id(shop):
    return next(iter(shop.markets.values()))["price_list_id"]


def items_of(env, backend, products, target_key):
    """The prices the export computed for a target, as VariantPrice items."""
    exporter = env["shopify.price.exporter"]
    bindings = exporter._bindings(backend, products.ids)
    for key, mapping, pricelist in exporter._targets(backend):
        if key == target_key:
            return [
                item
                for _binding, item in exporter._items(backend, bindings, products, key, mapping, pricelist)
            ]
    raise KeyError(target_key)


def wrong_prices(shop, items, store):
    wrong = 0
    for item in items:
        if store:
            price = Decimal(shop.variant_price(item.variant_id)[0])
        else:
            price = Decimal(shop.fixed_price(store_list_id(shop), item.variant_id)["price"])
        wrong += price != item.price
    return wrong


def line(label, result, target=None):
    text = (
        f"{label:<44} {result['calls']:6d} calls {result.get('points', 0):7d} points "
        f"{result['seconds']:8.2f} s  ({result.get('throttled', 0)} throttled)"
    )
    if target is not None:
        text += f"  target <= {target}"
    print(text, flush=True)


def main(env):
    shop = ShopifySandbox(seed=False, currency=env.company.currency_id.name)  # the store sells in it
    shop.start()
    try:
        products_count = math.ceil(N / SIZES)
        print(
            f"database {env.cr.dbname}, {N} variants ({products_count} products x {SIZES}), sandbox {shop.base_url}"
        )
        print(
            f"bucket: Shopify {PLAN} plan, {BUCKET[0]} points, {BUCKET[1]} points/s; a mutation costs "
            f"{MUTATION_POINTS} points, <= {BATCH} inputs",
            flush=True,
        )
        print("setup (not measured):", flush=True)
        market, variants = timed("sandbox: products, variants, CAD market", setup_sandbox, shop)
        backend, store, canada, products = timed(
            "odoo: products, pricelists, backend, bindings", setup_odoo, env, shop, market, variants
        )
        baseline = timed("full pass (every price new to Shopify)", export, env, backend, shop, full=True)
        line("  full pass", baseline)
        shop.bucket.refund(shop.bucket.size)

        print("a pricelist change touching every variant:", flush=True)
        store.item_ids.percent_price = 15
        env.flush_all()
        ours_store = export(env, backend, shop, pricelist_ids=[store.id])
        store_items = items_of(env, backend, products, plain.STORE_TARGET)
        target_store = products_count + 1  # one call per product, and the store's currencies
        line("  export: store prices (productVariantsBulkUpdate)", ours_store, target_store)
        wrong_store = wrong_prices(shop, store_items, True)
        shop.bucket.refund(shop.bucket.size)

        canada.item_ids.fixed_price = 72
        env.flush_all()
        ours_market = export(env, backend, shop, pricelist_ids=[canada.id])
        market_items = items_of(env, backend, products, backend.shopify_price_list_map_ids.price_list_gid)
        target_market = math.ceil(N / BATCH) + 1
        line("  export: CAD market (priceListFixedPricesAdd)", ours_market, target_market)
        wrong_market = wrong_prices(shop, market_items, False)
        shop.bucket.refund(shop.bucket.size)

        print("the same prices, one call per variant (naive loop, same sandbox and client):", flush=True)
        naive_store = naive(
            shop,
            [
                plain.VariantPrice(i.variant_id, i.product_id, i.price + 1, None, i.currency)
                for i in store_items
            ],
            True,
        )
        line("  naive: store prices", naive_store)
        shop.bucket.refund(shop.bucket.size)
        naive_market = naive(
            shop,
            [
                plain.VariantPrice(i.variant_id, i.product_id, i.price + 1, None, i.currency)
                for i in market_items
            ],
            False,
        )
        line("  naive: CAD market", naive_market)

        ours_calls = ours_store["calls"] + ours_market["calls"]
        naive_calls = naive_store["calls"] + naive_market["calls"]
        ours_seconds = ours_store["seconds"] + ours_market["seconds"]
        naive_seconds = naive_store["seconds"] + naive_market["seconds"]
        print(
            f"side by side: export {ours_calls} calls in {ours_seconds:.1f} s, naive {naive_calls} calls in "
            f"{naive_seconds:.1f} s ({naive_calls / max(ours_calls, 1):.1f}x the calls, "
            f"{naive_seconds / max(ours_seconds, 0.001):.1f}x the time)",
            flush=True,
        )
        standard = 100
        print(
            f"on the standard plan (2,000 points, {standard}/s) the points alone need at least: export "
            f"{max(0, ours_calls * MUTATION_POINTS - 2000) / standard:.0f} s, naive "
            f"{max(0, naive_calls * MUTATION_POINTS - 2000) / standard:.0f} s",
            flush=True,
        )
        if wrong_store or wrong_market:
            print(f"prices differing at Shopify: store {wrong_store}, market {wrong_market}")
        passed = (
            ours_store["changed"] == N
            and ours_market["changed"] == N
            and ours_store["calls"] <= target_store
            and ours_market["calls"] <= target_market
            and ours_store["throttled"] == ours_market["throttled"] == 0
            and not wrong_store
            and not wrong_market
        )
        print(
            f"at most one call per product batch, within the cost limits: {'PASS' if passed else 'FAIL'}",
            flush=True,
        )
        return passed
    finally:
        shop.stop()
        env.cr.rollback()


if not main(env):  # noqa: F821 - provided by odoo shell
    raise SystemExit(1)
