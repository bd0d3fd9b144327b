"""The command line: ``python -m sandbox.stripe`` (from tests/), a seeded
account (:func:`main`), or with ``--demo`` the Demo Stripe account
(:func:`sandbox.stripe.demo.serve_demo`)."""

import argparse
import sys
import time

from .common import DEFAULT_API_KEY
from .demo import DEMO_PORT, serve_demo
from .sandbox import StripeSandbox


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Run the sandbox Stripe account (payouts, balance transactions, signed webhooks).",
        epilog="--demo [--odoo-url URL] [--database DB] runs the Demo Stripe account instead (serve_demo).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEMO_PORT)
    parser.add_argument("--api-key", default=DEFAULT_API_KEY, help="accepted secret key (sk_test_...)")
    parser.add_argument("--orders", type=int, default=200, help="orders of last month to seed (0: none)")
    parser.add_argument("--currencies", default="usd,eur")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--webhook-url", help="post every event to this URL")
    parser.add_argument("--tick", type=float, default=5.0)
    args = parser.parse_args(argv)
    currencies = tuple(c.strip().lower() for c in args.currencies.split(",") if c.strip())
    sandbox = StripeSandbox(
        api_key=args.api_key, host=args.host, port=args.port, currencies=currencies, seed=args.seed
    )
    if args.orders:
        result = sandbox.seed_month(orders=args.orders, seed=args.seed)
        print(f"seeded {len(result['orders'])} orders, {len(result['payouts'])} payouts", flush=True)
    url = sandbox.start()
    print(f"Stripe sandbox on {url}  (Authorization: Bearer {args.api_key})", flush=True)
    if args.webhook_url:
        endpoint = sandbox.add_webhook_endpoint(args.webhook_url)
        print(f"  webhooks: {args.webhook_url}  (secret {endpoint['secret']})")
    print(
        f"  control: POST {url}/_sandbox/advance | seed | charges | refunds | disputes | faults; GET {url}/_sandbox/state"
    )
    try:
        while True:
            time.sleep(args.tick)
            sandbox.advance()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
    return 0


def run(argv=None):
    """What ``python -m sandbox.stripe`` runs: the demo with ``--demo``, else :func:`main`."""
    argv = sys.argv[1:] if argv is None else list(argv)
    return serve_demo(argv) if "--demo" in argv else main(argv)
