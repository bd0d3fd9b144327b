#!/usr/bin/env python3
"""Benchmark: how fast Odoo acknowledges Shopify's orders/create webhooks.

    scripts/bench_shopify_webhooks.py [--odoo-url http://127.0.0.1:8069] [--database integration_demo] \
        [--deliveries 500] [--concurrency 20]

Run it against a served database (scripts/run) with the Shopify demo backend:
its webhook token and client secret are random per database and read from
it (scripts/demo_secrets.py: the embedded PostgreSQL on $EMBEDDED_PG_PORT,
the key in .local/encryption.key); --token and --secret override them for
another backend. --odoo-url defaults to port $ODOO_HTTP_PORT (8069).
Builds N orders with the Shopify sandbox's own REST serialisation (the demo
shop: Odoo's demo products, USD, unique order ids and customer emails), signs
each body as Shopify does (base64 HMAC-SHA256 of the raw body with the client
secret) and POSTs them to /integration/webhook/shopify/<token> from
--concurrency threads (one requests.Session each, 10 s timeout). Prints the
status counts, the p50/p90/p99/max acknowledgement latency and deliveries/s,
then re-sends one delivery 20 times (same body and ids, as Shopify's retries)
and checks that every copy is answered 200 "duplicate".

Shopify gives up on a delivery after 5 s, so p99 < 5 s is the target that
fails the run; p99 < 100 ms is printed as the stretch target. Exits 1 on a
non-200 answer, a duplicate not answered 200, or p99 >= 5 s; 2 when Odoo
cannot be reached. Each delivery becomes a sale order in the database (the
queue_job runner imports them after the run).
"""

import argparse
import base64
import hashlib
import hmac
import json
import math
import os
import random
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_secrets import DemoSecretsError, webhook_credentials  # noqa: E402
from sandbox.shopify import DEFAULT_API_VERSION, DemoShop  # noqa: E402

TOPIC = "orders/create"
TIMEOUT = 10.0
DUPLICATES = 20
TARGET_MS = 5000.0  # Shopify's delivery timeout
STRETCH_MS = 100.0


def signed_headers(secret, body, shop_domain, api_version):
    """The headers of one Shopify delivery of ``body`` (fresh event and webhook ids)."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return {
        "Content-Type": "application/json",
        "User-Agent": "Shopify-Captain-Hook",
        "X-Shopify-Topic": TOPIC,
        "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
        "X-Shopify-Shop-Domain": shop_domain,
        "X-Shopify-API-Version": api_version,
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Event-Id": str(uuid.uuid4()),
        "X-Shopify-Triggered-At": datetime.now(timezone.utc).isoformat(),
    }


def build_deliveries(count, secret, rng, tag):
    """``count`` (body, headers) pairs, each a distinct order and customer."""
    shop = DemoShop(client_secret=secret)
    deliveries = []
    for index in range(count):
        spec = shop.random_order_spec(rng, email=f"wh-{tag}-{index}@bench.example.com")
        order = shop.create_order(spec)
        body = json.dumps(order).encode("utf-8")
        deliveries.append((body, signed_headers(secret, body, shop.shop_domain, shop.api_version)))
    return deliveries


def post(session, url, body, headers):
    """One delivery: (latency in ms, HTTP status or error name, answer status)."""
    start = time.perf_counter()
    try:
        response = session.post(url, data=body, headers=headers, timeout=TIMEOUT)
    except requests.RequestException as exc:
        return (time.perf_counter() - start) * 1000.0, type(exc).__name__, None
    elapsed = (time.perf_counter() - start) * 1000.0
    try:
        answer = response.json().get("status")
    except ValueError:
        answer = None
    return elapsed, response.status_code, answer


def send_all(url, deliveries, concurrency):
    """Deliver everything from ``concurrency`` threads; returns (results, wall seconds)."""
    results = [None] * len(deliveries)
    cursor = iter(range(len(deliveries)))
    lock = threading.Lock()

    def worker():
        with requests.Session() as session:
            session.trust_env = False  # loopback: no proxy
            while True:
                with lock:
                    index = next(cursor, None)
                if index is None:
                    return
                results[index] = post(session, url, *deliveries[index])

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, concurrency))]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - start


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(fraction * len(sorted_values) - 1e-9))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--odoo-url", default=f"http://127.0.0.1:{os.environ.get('ODOO_HTTP_PORT') or 8069}")
    parser.add_argument(
        "--token", help="the backend's webhook token (default: the demo backend's, from the database)"
    )
    parser.add_argument(
        "--secret", help="the backend's client secret (default: the demo backend's, from the database)"
    )
    parser.add_argument("--database", default=os.environ.get("ODOO_DB") or "integration_demo")
    parser.add_argument("--deliveries", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=10, help="deliveries sent first, not measured")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args(argv)
    if not 1 <= args.deliveries <= 100_000 or not 1 <= args.concurrency <= 200:
        parser.error("--deliveries must be 1..100000 and --concurrency 1..200")
    try:
        args.token, args.secret = webhook_credentials(args.database, args.token, args.secret)
    except DemoSecretsError as exc:
        print(f"cannot read the demo backend's token and secret: {exc}", file=sys.stderr)
        return 2
    url = f"{args.odoo_url.rstrip('/')}/integration/webhook/shopify/{args.token}"
    rng = random.Random(args.seed)
    tag = datetime.now().strftime("%H%M%S")

    try:
        with requests.Session() as session:
            session.trust_env = False
            session.get(f"{args.odoo_url.rstrip('/')}/web/login", timeout=TIMEOUT).raise_for_status()
    except requests.RequestException as exc:
        print(f"Odoo does not answer on {args.odoo_url}: {exc}", file=sys.stderr)
        return 2

    deliveries = build_deliveries(args.warmup + args.deliveries + 1, args.secret, rng, tag)
    warmup, measured, original = (
        deliveries[: args.warmup],
        deliveries[args.warmup : -1],
        deliveries[-1],
    )
    print(f"POST {url}")
    print(
        f"{len(measured)} signed {TOPIC} deliveries (REST order shape, API {DEFAULT_API_VERSION}), ", end=""
    )
    print(f"{args.concurrency} threads, timeout {TIMEOUT:g} s, after {len(warmup)} warm-up deliveries")
    if warmup:
        send_all(url, warmup, min(args.concurrency, len(warmup)))

    results, wall = send_all(url, measured, args.concurrency)
    latencies = sorted(latency for latency, _status, _answer in results)
    statuses = Counter(status for _latency, status, _answer in results)
    answers = Counter(answer for _latency, status, answer in results if status == 200)
    p50, p90, p99 = (percentile(latencies, f) for f in (0.50, 0.90, 0.99))
    print(f"count       {len(results)}")
    print(f"statuses    {dict(sorted(statuses.items(), key=str))}  answers {dict(answers)}")
    print(
        f"latency ms  p50 {p50:.1f}  p90 {p90:.1f}  p99 {p99:.1f}  max {latencies[-1]:.1f}"
        f"  (mean {sum(latencies) / len(latencies):.1f})"
    )
    print(f"throughput  {len(results) / wall:.1f} deliveries/s ({wall:.2f} s wall)")

    # Shopify's retries: the very same request again (same body, same ids)
    first = send_all(url, [original], 1)[0][0]
    copies, _wall = send_all(url, [original] * DUPLICATES, min(args.concurrency, DUPLICATES))
    copy_statuses = Counter(status for _latency, status, _answer in copies)
    copy_answers = Counter(answer for _latency, _status, answer in copies)
    duplicates_ok = first[1] == 200 and copy_statuses == Counter({200: DUPLICATES})
    print(
        f"duplicates  original {first[1]} {first[2]!r}; {DUPLICATES} re-sent copies: "
        f"statuses {dict(copy_statuses)} answers {dict(copy_answers)} -> "
        f"{'all 200' if duplicates_ok else 'NOT all 200'}"
    )

    errors = len(results) - statuses.get(200, 0)
    meets_target = p99 < TARGET_MS
    print(
        f"target      p99 {p99:.1f} ms < {TARGET_MS:.0f} ms (Shopify's timeout): {'PASS' if meets_target else 'FAIL'}"
    )
    print(f"stretch     p99 {p99:.1f} ms < {STRETCH_MS:.0f} ms: {'PASS' if p99 < STRETCH_MS else 'FAIL'}")
    if errors or not duplicates_ok or not meets_target:
        print(f"FAILED: {errors} deliveries not answered 200, duplicates ok: {duplicates_ok}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
