"""The command line: ``python -m sandbox.shopify`` (from tests/), a
standalone sandbox (:func:`main`), or with ``--demo`` the demo shop
(:func:`sandbox.shopify.demo.serve_demo`)."""

import argparse
import secrets
import sys
import time

from .common import DEFAULT_API_VERSION, STANDARD_BUCKET_SIZE, STANDARD_RESTORE_RATE
from .demo import serve_demo
from .sandbox import ShopifySandbox


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Run the Shopify sandbox peer.",
        epilog="--demo [--odoo-url URL] [--database DB] [--interval S] runs the demo shop instead (serve_demo).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8071)
    parser.add_argument("--webhook-url", help="where to deliver webhooks (e.g. the Odoo webhook endpoint)")
    parser.add_argument(
        "--secret", help="client secret used to sign webhooks (default: a random one, printed)"
    )
    parser.add_argument("--token", help="accepted X-Shopify-Access-Token (default: a random one, printed)")
    parser.add_argument("--api-version", default=DEFAULT_API_VERSION)
    parser.add_argument("--bucket-size", type=float, default=STANDARD_BUCKET_SIZE)
    parser.add_argument("--restore-rate", type=float, default=STANDARD_RESTORE_RATE)
    parser.add_argument("--fixtures", help="also load Shopify's REST sample resources from this folder")
    args = parser.parse_args(argv)
    sandbox = ShopifySandbox(
        access_token=args.token or f"shpat_{secrets.token_hex(16)}",
        client_secret=args.secret or secrets.token_urlsafe(32),
        api_version=args.api_version,
        webhook_url=args.webhook_url,
        bucket_size=args.bucket_size,
        restore_rate=args.restore_rate,
        host=args.host,
        port=args.port,
    )
    if args.fixtures:
        sandbox.seed_from_fixtures(args.fixtures)
    url = sandbox.start()
    print(f"Shopify sandbox on {url}", flush=True)
    print(f"  GraphQL:  POST {sandbox.graphql_url}  (X-Shopify-Access-Token: {sandbox.access_token})")
    print(
        f"  Webhooks: {sandbox.webhook_url or '(none: pass --webhook-url)'}  signed with the client secret "
        f"{sandbox.client_secret if not args.secret else '(--secret)'}"
    )
    print(
        f"  Control:  POST {url}/_sandbox/orders | /_sandbox/faults | /_sandbox/webhooks; GET {url}/_sandbox/state"
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
    return 0


def run(argv=None):
    """What ``python -m sandbox.shopify`` runs: the demo shop with ``--demo``, else :func:`main`."""
    argv = sys.argv[1:] if argv is None else list(argv)
    return serve_demo(argv) if "--demo" in argv else main(argv)
