#!/usr/bin/env python3
"""Benchmark: Shopify orders to confirmed sale orders, webhook path vs middleware.

    scripts/bench_shopify_e2e.py [--odoo-url http://127.0.0.1:8069] [--database integration_demo] \
        [--login admin --password admin] [--orders 100]

Run it against a served database (scripts/run: 2 HTTP workers and the
queue_job runner) with the Shopify demo backend, whose webhook token and
client secret are random per database and read from it
(scripts/demo_secrets.py); --token and --secret override them.

1. Webhook path (the suite): N signed orders/create webhooks (paid orders of
   the demo products, built by the Shopify sandbox's REST serialisation, a
   unique customer email each) are POSTed to the backend's webhook URL; the
   script then polls sale.order over XML-RPC until all N are confirmed
   (client_order_ref = the Shopify order name, state 'sale'). Measured: wall
   time from the first send to the poll (every --poll s) that sees the last
   one confirmed, so it includes the queue_job runner doing the imports.
2. Middleware path (what a user would otherwise run): an external script
   that, for each of N other orders, does over XML-RPC what middleware does:
   skip the order when it exists already (Shopify delivers at least once,
   so a middleware without that check creates duplicates), find or create
   the partner by email, find the products by internal reference, create
   the sale.order with its lines and a shipping line, and confirm it.
   Lookups that middleware would cache (shipping product, tax, country) are
   done once.

Both start once Odoo's job queue is idle. Prints orders/s for both and the
ratio (target: the webhook path at least 2x). Exits 1 when an order is not
confirmed within --timeout, an event fails, or the target is missed; 2 when
Odoo cannot be reached. Leaves the 2N orders in the database.
"""

import argparse
import base64
import hashlib
import hmac
import json
import random
import sys
import threading
import time
import uuid
import xmlrpc.client
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_secrets import DemoSecretsError, webhook_credentials  # noqa: E402
from odoo_rpc import add_odoo_arguments, connect  # noqa: E402
from sandbox.shopify import DemoShop  # noqa: E402

TOPIC = "orders/create"
TARGET_RATIO = 2.0


def wait_until_idle(odoo, timeout):
    """Wait (bounded) until no queue job is running or due (webhook
    deliveries' dispatch jobs count as due)."""
    deadline = time.monotonic() + timeout
    announced = False
    while True:
        now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        try:
            busy = odoo(
                "queue.job",
                "search_count",
                [
                    "|",
                    "|",
                    ("state", "in", ["enqueued", "started"]),
                    "&",
                    ("state", "=", "pending"),
                    "|",
                    ("eta", "=", False),
                    ("eta", "<=", now),
                    # a webhook delivery's dispatch job is due within a second
                    "&",
                    ("state", "=", "pending"),
                    ("method_name", "=", "_dispatch_deliveries"),
                ],
            )
        except xmlrpc.client.Fault as exc:
            print(f"  (cannot read queue.job, not waiting for the queue: {exc.faultString.splitlines()[-1]})")
            return
        if not busy:
            return
        if time.monotonic() >= deadline:
            print(f"  queue still has {busy} jobs after {timeout:.0f} s: measuring anyway")
            return
        if not announced:
            print(f"  waiting for {busy} queued jobs to finish first")
            announced = True
        time.sleep(1.0)


def signed_headers(secret, body, shop):
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return {
        "Content-Type": "application/json",
        "X-Shopify-Topic": TOPIC,
        "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
        "X-Shopify-Shop-Domain": shop.shop_domain,
        "X-Shopify-API-Version": shop.api_version,
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Event-Id": str(uuid.uuid4()),
        "X-Shopify-Triggered-At": datetime.now(timezone.utc).isoformat(),
    }


def build_orders(shop, count, rng, prefix, tag):
    return [
        shop.create_order(
            shop.random_order_spec(
                rng,
                email=f"{prefix.lower()}-{tag}-{index}@bench.example.com",
                financial_status="paid",
                name=f"#{prefix}{tag}-{index:04d}",
            )
        )
        for index in range(count)
    ]


def send_webhooks(url, secret, shop, orders, senders):
    """POST every order from ``senders`` threads; returns Counter of (status, answer)."""
    answers = Counter()
    cursor = iter(orders)
    lock = threading.Lock()

    def worker():
        with requests.Session() as session:
            session.trust_env = False
            while True:
                with lock:
                    order = next(cursor, None)
                if order is None:
                    return
                body = json.dumps(order).encode("utf-8")
                try:
                    response = session.post(
                        url, data=body, headers=signed_headers(secret, body, shop), timeout=10
                    )
                    key = (response.status_code, response.json().get("status"))
                except (requests.RequestException, ValueError) as exc:
                    key = (type(exc).__name__, None)
                with lock:
                    answers[key] += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def failed_events(odoo, orders):
    try:
        return odoo(
            "integration.event",
            "search_read",
            [("external_id", "in", [str(o["id"]) for o in orders]), ("state", "in", ["failed", "dead"])],
            fields=["external_id", "state", "error_message"],
            limit=5,
        )
    except xmlrpc.client.Fault:
        return []


def webhook_path(odoo, args, shop, orders):
    url = f"{args.odoo_url}/integration/webhook/shopify/{args.token}"
    names = [order["name"] for order in orders]
    start = time.perf_counter()
    answers = send_webhooks(url, args.secret, shop, orders, args.senders)
    sent = time.perf_counter() - start
    print(f"  sent {len(orders)} webhooks in {sent:.2f} s: {dict(answers)}")
    if answers.get((200, "accepted"), 0) != len(orders):
        print("  FAILED: not every delivery was accepted")
        return None
    deadline = time.monotonic() + args.timeout
    confirmed, last_report, last_check = 0, time.monotonic(), time.monotonic()
    while True:
        confirmed = odoo(
            "sale.order", "search_count", [("client_order_ref", "in", names), ("state", "=", "sale")]
        )
        if confirmed >= len(orders):
            return time.perf_counter() - start
        now = time.monotonic()
        if now >= deadline:
            print(f"  FAILED: {confirmed}/{len(orders)} confirmed after {args.timeout:.0f} s")
            return None
        if now - last_check >= 5:
            last_check = now
            failures = failed_events(odoo, orders)
            if failures:
                for event in failures:
                    print(f"  event {event['external_id']} {event['state']}: {event['error_message']}")
                print("  FAILED: events failed, their orders will not be confirmed")
                return None
        if now - last_report >= 10:
            last_report = now
            print(f"  {confirmed}/{len(orders)} confirmed after {time.perf_counter() - start:.0f} s")
        time.sleep(args.poll)


def middleware_path(odoo, orders):
    """What an external integration script does per order, over XML-RPC."""
    shipping = odoo(
        "ir.model.data",
        "search_read",
        [("module", "=", "integration_core"), ("name", "=", "product_shipping")],
        fields=["res_id"],
        limit=1,
    )
    shipping_id = (
        shipping[0]["res_id"]
        if shipping
        else odoo("product.product", "search", [("default_code", "=", "INTEGRATION-SHIPPING")], limit=1)[0]
    )
    countries = {}
    taxes = {}

    def country(code):
        if code not in countries:
            found = odoo("res.country", "search", [("code", "=", code)], limit=1)
            countries[code] = found[0] if found else False
        return countries[code]

    def tax_ids(tax_lines):
        ids = []
        for tax in tax_lines:
            rate = round(float(tax["rate"]) * 100, 4)
            if rate not in taxes:
                taxes[rate] = odoo(
                    "account.tax",
                    "search",
                    [
                        ("type_tax_use", "=", "sale"),
                        ("amount_type", "=", "percent"),
                        ("amount", "=", rate),
                        ("price_include", "=", False),
                    ],
                    limit=1,
                )
            ids += taxes[rate]
        return ids

    calls_before = odoo.calls
    start = time.perf_counter()
    for order in orders:
        if odoo("sale.order", "search", [("client_order_ref", "=", order["name"])], limit=1):
            continue  # delivered twice: imported already
        customer, address = order["customer"], order["billing_address"]
        partner = odoo("res.partner", "search", [("email", "=ilike", order["email"])], limit=1)
        if not partner:
            partner = [
                odoo(
                    "res.partner",
                    "create",
                    {
                        "name": f"{customer['first_name']} {customer['last_name']}",
                        "email": order["email"],
                        "phone": address.get("phone"),
                        "street": address.get("address1"),
                        "city": address.get("city"),
                        "zip": address.get("zip"),
                        "country_id": country(address.get("country_code")),
                    },
                )
            ]
        lines = []
        for line in order["line_items"]:
            product = odoo("product.product", "search", [("default_code", "=", line["sku"])], limit=1)
            if not product:
                raise SystemExit(f"middleware: no product with internal reference {line['sku']}")
            gross = float(line["price"]) * line["quantity"]
            discount = sum(float(a["amount"]) for a in line["discount_allocations"])
            lines.append(
                (
                    0,
                    0,
                    {
                        "product_id": product[0],
                        "product_uom_qty": line["quantity"],
                        "price_unit": float(line["price"]),
                        "discount": round(100.0 * discount / gross, 6) if gross and discount else 0.0,
                        "tax_id": [(6, 0, tax_ids(line["tax_lines"]))],
                    },
                )
            )
        for ship in order["shipping_lines"]:
            lines.append(
                (
                    0,
                    0,
                    {
                        "product_id": shipping_id,
                        "name": ship["title"],
                        "product_uom_qty": 1,
                        "price_unit": float(ship["price"]),
                        "tax_id": [(6, 0, tax_ids(ship["tax_lines"]))],
                    },
                )
            )
        sale_id = odoo(
            "sale.order",
            "create",
            {"partner_id": partner[0], "client_order_ref": order["name"], "order_line": lines},
        )
        odoo("sale.order", "action_confirm", [sale_id])
    elapsed = time.perf_counter() - start
    return elapsed, (odoo.calls - calls_before) / len(orders)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_odoo_arguments(parser)
    parser.add_argument(
        "--token", help="the backend's webhook token (default: the demo backend's, from the database)"
    )
    parser.add_argument(
        "--secret", help="the backend's client secret (default: the demo backend's, from the database)"
    )
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--senders", type=int, default=4, help="threads sending the webhooks")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds to wait for confirmations")
    parser.add_argument("--poll", type=float, default=0.25, help="seconds between two confirmation counts")
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args(argv)
    if not 1 <= args.orders <= 10_000 or not 1 <= args.senders <= 50 or not 0.05 <= args.poll <= 10:
        parser.error("--orders must be 1..10000, --senders 1..50, --poll 0.05..10")
    try:
        args.token, args.secret = webhook_credentials(args.database, args.token, args.secret)
    except DemoSecretsError as exc:
        print(f"cannot read the demo backend's token and secret: {exc}", file=sys.stderr)
        return 2
    odoo = connect(args)
    if odoo is None:
        return 2
    rng = random.Random(args.seed)
    tag = datetime.now().strftime("%H%M%S")
    shop = DemoShop(client_secret=args.secret)
    webhook_orders = build_orders(shop, args.orders, rng, "W", tag)
    middleware_orders = build_orders(shop, args.orders, rng, "M", tag)
    lines = sum(len(o["line_items"]) for o in webhook_orders) / args.orders
    print(f"database {args.database} on {args.odoo_url}: {args.orders} paid orders per path, ", end="")
    print(f"{lines:.1f} product lines + shipping on average, a new customer each")

    print("webhook path: orders/create webhooks -> queue_job -> confirmed sale.order")
    wait_until_idle(odoo, 600)
    webhook_seconds = webhook_path(odoo, args, shop, webhook_orders)
    if webhook_seconds is None:
        return 1
    webhook_rate = args.orders / webhook_seconds
    print(f"  {args.orders} orders confirmed in {webhook_seconds:.2f} s = {webhook_rate:.2f} orders/s")

    print("middleware path: one XML-RPC client, partner/products/sale.order/action_confirm per order")
    wait_until_idle(odoo, 600)
    middleware_seconds, calls_per_order = middleware_path(odoo, middleware_orders)
    names = [order["name"] for order in middleware_orders]
    confirmed = odoo(
        "sale.order", "search_count", [("client_order_ref", "in", names), ("state", "=", "sale")]
    )
    middleware_rate = args.orders / middleware_seconds
    print(
        f"  {confirmed} orders confirmed in {middleware_seconds:.2f} s = {middleware_rate:.2f} orders/s"
        f" ({calls_per_order:.1f} XML-RPC calls/order)"
    )

    ratio = webhook_rate / middleware_rate
    passed = ratio >= TARGET_RATIO and confirmed == args.orders
    print(f"webhook path  {webhook_rate:8.2f} orders/s")
    print(f"middleware    {middleware_rate:8.2f} orders/s")
    print(
        f"ratio webhook/middleware {ratio:.2f}x (target >= {TARGET_RATIO:g}x): {'PASS' if passed else 'FAIL'}"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
