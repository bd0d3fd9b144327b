"""The "Demo 3PL" warehouse that ``scripts/run`` starts next to the demo
database (:func:`serve_demo`): Odoo's demo furniture in stock (the SKUs the
demo Shopify shop sells), orders picked a minute after they arrive and
shipped two minutes later, now and then a short or a split, a cycle count
that finds or loses a unit every ten minutes.

Secrets come from the environment, as for every demo peer (``scripts/run``
fills them from the database with ``scripts/demo_secrets.py --peer tpl``):
``TPL_DEMO_ACCESS_TOKEN`` (the Bearer token the demo backend sends;
required), ``TPL_DEMO_WEBHOOK_TOKEN`` (the backend's webhook path token:
the warehouse subscribes ``<odoo>/integration/webhook/tpl/<token>`` to every
topic) and ``TPL_DEMO_WEBHOOK_SECRET`` (the subscription secret,
``whsec_...``; a new one is made and printed when it is missing or not in
ShipBob's format).
"""

import argparse
import os
import signal
import sys
import threading
import time

from .common import DEFAULT_CHANNEL_ID, SECRET_RE, WEBHOOK_TOPICS
from .sandbox import TplSandbox

DEMO_PORT = 8074
DEMO_ENV_ACCESS_TOKEN = "TPL_DEMO_ACCESS_TOKEN"
DEMO_ENV_WEBHOOK_TOKEN = "TPL_DEMO_WEBHOOK_TOKEN"
DEMO_ENV_WEBHOOK_SECRET = "TPL_DEMO_WEBHOOK_SECRET"
DEMO_ENV_SFTP_PASSWORD = "TPL_DEMO_SFTP_PASSWORD"
# Odoo 17 demo products by internal reference (the demo Shopify shop's
# catalogue, sandbox.shopify.demo.DEMO_PRODUCTS), with what the 3PL holds:
# (sku, name, [(lot, expiry, on hand)])
DEMO_STOCK = (
    ("FURN_7800", "Desk Combination", [("", None, 40)]),
    ("FURN_0269", "Office Chair Black", [("CH-2026-09", None, 60), ("CH-2026-11", None, 40)]),
    ("FURN_8888", "Office Lamp", [("LMP-A1", "2028-06-30", 80)]),
    ("E-COM06", "Corner Desk Right Sit", [("", None, 30)]),
    ("E-COM07", "Large Cabinet", [("", None, 15)]),
)
DEMO_DELAYS = {
    "pick_delay": 60.0,
    "ship_delay": 120.0,
    "receive_delay": 300.0,
    "return_delay": 300.0,
    "backorder_delay": 600.0,
}
DEMO_SHARES = {"short": 0.05, "split": 0.1}


def demo_sandbox(token, *, host="127.0.0.1", port=DEMO_PORT, seed=None, **options):
    """The demo warehouse (not started): stocked, with the demo delays and shares."""
    sandbox = TplSandbox(token=token, host=host, port=port, seed=seed, **dict(DEMO_DELAYS, **options))
    seed_demo(sandbox.warehouse)
    sandbox.after_reset = lambda: seed_demo(sandbox.warehouse)  # POST /_sandbox/reset restocks
    return sandbox


def seed_demo(warehouse):
    """Stock the demo catalogue and the demo shares of shorts and splits."""
    warehouse.name = "Demo 3PL"
    for sku, name, lots in DEMO_STOCK:
        for lot, expiry, quantity in lots:
            warehouse.stock(sku, quantity, lot=lot, expiry=expiry, name=name)
    warehouse.set_shares(**DEMO_SHARES)


def serve_demo(argv=None, environ=None):
    """Run the demo warehouse until SIGTERM/SIGINT (see the module's docstring)."""
    parser = argparse.ArgumentParser(description="Run the Demo 3PL warehouse next to the demo database.")
    parser.add_argument("--demo", action="store_true", help="demo mode (this one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEMO_PORT)
    parser.add_argument("--odoo-url", default="http://127.0.0.1:8069")
    parser.add_argument("--database", help="the demo database (for the log)")
    parser.add_argument(
        "--tick", type=float, default=5.0, help="seconds between two rounds of warehouse work"
    )
    parser.add_argument(
        "--drift-interval", type=float, default=600.0, help="seconds between two cycle-count finds"
    )
    parser.add_argument("--sftp-port", type=int, help="also trade X12 over an SFTP mailbox on this port")
    parser.add_argument("--seed", type=int)
    args = parser.parse_args(argv)
    environ = os.environ if environ is None else environ
    token = environ.get(DEMO_ENV_ACCESS_TOKEN)
    if not token:
        _log(
            f"{DEMO_ENV_ACCESS_TOKEN} not set: the demo warehouse needs the demo backend's access token, "
            "random per database; scripts/run sets it (scripts/demo_secrets.py --peer tpl)"
        )
        return 2
    sandbox = demo_sandbox(token, host=args.host, port=args.port, seed=args.seed)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda number, frame: stop.set())
    try:
        url = sandbox.start()
    except OSError as exc:
        _log(f"cannot listen on {args.host}:{args.port}: {exc}")
        return 1
    _log(f"Demo 3PL on {url}: ShipBob API {url}/{sandbox.api_version}/ (channel {DEFAULT_CHANNEL_ID})")
    if environ.get(DEMO_ENV_WEBHOOK_TOKEN):
        secret = environ.get(DEMO_ENV_WEBHOOK_SECRET) or ""
        if not SECRET_RE.match(secret):
            secret = None
        hook = f"{args.odoo_url.rstrip('/')}/integration/webhook/tpl/{environ[DEMO_ENV_WEBHOOK_TOKEN]}"
        sub = sandbox.subscribe(hook, WEBHOOK_TOPICS, secret=secret)
        _log(
            f"webhooks to {args.odoo_url}/integration/webhook/tpl/<token>"
            + ("" if secret else f", secret {sub['secret']}")
        )
    server = None
    if args.sftp_port:
        from ..sftp import SftpSandbox

        server = SftpSandbox(port=args.sftp_port)
        server.start()
        sandbox.attach_x12()
        sandbox.x12.attach_mailbox(server, password=environ.get(DEMO_ENV_SFTP_PASSWORD) or "3pl-sandbox")
        _log(
            f"X12 mailbox sftp://odoo-3pl@{server.host}:{server.port} (outbound/ for 940/943, inbound/ for answers)"
        )
    next_drift = time.monotonic() + args.drift_interval
    try:
        while not stop.wait(args.tick):
            for event in sandbox.advance():
                if event["kind"] in ("order.shipped", "receipt.completed", "return.completed"):
                    _log(f"{event['kind']}: {event}")
            if time.monotonic() >= next_drift:
                next_drift += args.drift_interval
                sandbox.warehouse.drift(1)
                sandbox.advance()
    finally:
        sandbox.stop()
        if server is not None:
            server.close()
    return 0


def _log(message):
    print(f"[tpl-sandbox] {message}", file=sys.stderr, flush=True)
