"""The command line: ``python -m sandbox.tpl`` (from tests/), a standalone
3PL (:func:`main`), or with ``--demo`` the Demo 3PL (:func:`sandbox.tpl.demo.serve_demo`)."""

import argparse
import secrets
import sys
import time

from .common import DEFAULT_API_VERSION, DEFAULT_CHANNEL_ID
from .demo import seed_demo, serve_demo
from .sandbox import TplSandbox


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Run the sandbox 3PL (ShipBob REST API and an X12 file drop).",
        epilog="--demo [--odoo-url URL] [--database DB] runs the Demo 3PL instead (serve_demo).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8074)
    parser.add_argument("--token", help="accepted Bearer token (default: a random one, printed)")
    parser.add_argument("--webhook-url", help="subscribe this URL to every topic")
    parser.add_argument("--seed-demo", action="store_true", help="stock the demo catalogue")
    parser.add_argument(
        "--tick", type=float, default=5.0, help="seconds between two rounds of warehouse work"
    )
    args = parser.parse_args(argv)
    sandbox = TplSandbox(token=args.token or f"pat_{secrets.token_hex(16)}", host=args.host, port=args.port)
    if args.seed_demo:
        seed_demo(sandbox.warehouse)
    url = sandbox.start()
    print(f"3PL sandbox on {url}", flush=True)
    print(
        f"  ShipBob API: {url}/{DEFAULT_API_VERSION}/  (Authorization: Bearer {next(iter(sandbox.tokens))})"
    )
    print(f"  shipbob_channel_id: {DEFAULT_CHANNEL_ID}")
    if args.webhook_url:
        sub = sandbox.subscribe(args.webhook_url)
        print(f"  webhooks: {args.webhook_url}  (secret {sub['secret']})")
    print(
        f"  control: POST {url}/_sandbox/advance | behaviour | stock | drift | faults; GET {url}/_sandbox/state"
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
    """What ``python -m sandbox.tpl`` runs: the Demo 3PL with ``--demo``, else :func:`main`."""
    argv = sys.argv[1:] if argv is None else list(argv)
    return serve_demo(argv) if "--demo" in argv else main(argv)
