"""The command line: ``python -m sandbox.paypal`` (from tests/), a seeded
account (:func:`main`), or with ``--demo`` the Demo PayPal account
(:func:`sandbox.paypal.demo.serve_demo`)."""

import argparse
import sys
import time

from .common import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from .demo import DEMO_PORT, serve_demo
from .sandbox import PayPalSandbox


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Run the sandbox PayPal account (OAuth, Transaction Search).",
        epilog="--demo [--odoo-url URL] [--database DB] runs the Demo PayPal account instead (serve_demo).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEMO_PORT)
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    parser.add_argument("--orders", type=int, default=200, help="payments of last month to seed (0: none)")
    parser.add_argument("--currencies", default="USD,EUR")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    currencies = tuple(c.strip().upper() for c in args.currencies.split(",") if c.strip())
    sandbox = PayPalSandbox(
        client_id=args.client_id,
        client_secret=args.client_secret,
        host=args.host,
        port=args.port,
        currencies=currencies,
        seed=args.seed,
    )
    if args.orders:
        result = sandbox.seed_month(orders=args.orders, seed=args.seed)
        print(f"seeded {result['count']} transactions ({len(result['withdrawals'])} withdrawals)", flush=True)
    url = sandbox.start()
    print(f"PayPal sandbox on {url}  (client {args.client_id} / {args.client_secret})", flush=True)
    print(
        f"  control: POST {url}/_sandbox/advance | seed | payments | refunds | withdrawals | tokens/expire | faults"
    )
    try:
        while True:
            time.sleep(60)
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
    return 0


def run(argv=None):
    """What ``python -m sandbox.paypal`` runs: the demo with ``--demo``, else :func:`main`."""
    argv = sys.argv[1:] if argv is None else list(argv)
    return serve_demo(argv) if "--demo" in argv else main(argv)
