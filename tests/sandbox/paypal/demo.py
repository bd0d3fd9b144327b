"""The "Demo PayPal" account ``scripts/run`` can start next to the demo
database (:func:`serve_demo`): last month and this month so far, seeded,
then a payment every few minutes (searchable three hours later, as at
PayPal) and withdrawals on Mondays and Thursdays.

Credentials come from the environment (``scripts/demo_secrets.py --peer
paypal`` once the demo backend exists): ``PAYPAL_DEMO_CLIENT_ID`` and
``PAYPAL_DEMO_CLIENT_SECRET`` (defaults: the sandbox's, printed).
"""

import argparse
import os
import random
import signal
import sys
import threading
import time
from datetime import datetime, timezone

from .common import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from .sandbox import PayPalSandbox
from .seed import previous_month_start

DEMO_PORT = 8076
DEMO_ENV_CLIENT_ID = "PAYPAL_DEMO_CLIENT_ID"
DEMO_ENV_CLIENT_SECRET = "PAYPAL_DEMO_CLIENT_SECRET"
DEMO_CURRENCIES = ("USD", "EUR")
DEMO_ORDERS_PER_MONTH = 300


def demo_sandbox(
    client_id=DEFAULT_CLIENT_ID,
    client_secret=DEFAULT_CLIENT_SECRET,
    *,
    host="127.0.0.1",
    port=DEMO_PORT,
    seed=11,
    now=None,
):
    """The demo account (not started), with last month and this month so far."""
    sandbox = PayPalSandbox(
        client_id=client_id,
        client_secret=client_secret,
        host=host,
        port=port,
        seed=seed,
        now=now,
        currencies=DEMO_CURRENCIES,
    )
    store = sandbox.store
    now_ts = store.now()
    month = sandbox.seed_month(
        orders=DEMO_ORDERS_PER_MONTH, start=previous_month_start(now_ts), seed=seed, order_prefix="P0"
    )
    days = max(0, (now_ts - month["end"]) // 86400)
    if days >= 1:
        sandbox.seed_month(
            orders=DEMO_ORDERS_PER_MONTH * days // 30,
            start=month["end"],
            days=days,
            seed=seed + 1,
            order_prefix="P1",
            reserve=False,
        )
    return sandbox


def serve_demo(argv=None, environ=None):
    """Run the demo account until SIGTERM/SIGINT (see the module's docstring)."""
    parser = argparse.ArgumentParser(description="Run the Demo PayPal account next to the demo database.")
    parser.add_argument("--demo", action="store_true", help="demo mode (this one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEMO_PORT)
    parser.add_argument("--odoo-url", default="http://127.0.0.1:8069")
    parser.add_argument("--database", help="the demo database (for the log)")
    parser.add_argument("--tick", type=float, default=5.0)
    parser.add_argument("--order-every", type=float, default=300.0, help="seconds between two new payments")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    environ = os.environ if environ is None else environ
    client_id = environ.get(DEMO_ENV_CLIENT_ID) or DEFAULT_CLIENT_ID
    client_secret = environ.get(DEMO_ENV_CLIENT_SECRET) or DEFAULT_CLIENT_SECRET
    sandbox = demo_sandbox(client_id, client_secret, host=args.host, port=args.port, seed=args.seed)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda number, frame: stop.set())
    try:
        url = sandbox.start()
    except OSError as exc:
        _log(f"cannot listen on {args.host}:{args.port}: {exc}")
        return 1
    shown = client_id if client_id == DEFAULT_CLIENT_ID else client_id[:6] + "..."
    _log(
        f"Demo PayPal on {url}: POST {url}/v1/oauth2/token (client {shown}), GET {url}/v1/reporting/transactions"
    )
    rng = random.Random(args.seed)
    next_order = time.monotonic() + args.order_every
    number = 1
    last_withdrawal_day = None
    try:
        while not stop.wait(args.tick):
            if time.monotonic() >= next_order:
                next_order += args.order_every
                sandbox.create_payment(
                    f"{rng.randrange(2000, 40000) / 100:.2f}",
                    rng.choice(DEMO_CURRENCIES),
                    invoice_id=f"P2{number:05d}",
                )
                number += 1
            today = datetime.fromtimestamp(sandbox.store.now(), timezone.utc)
            if today.weekday() in (0, 3) and today.hour >= 6 and last_withdrawal_day != today.date():
                last_withdrawal_day = today.date()
                for currency in DEMO_CURRENCIES:
                    record = sandbox.withdraw(currency)
                    if record:
                        _log(f"withdrawal {record['transaction_info']['transaction_id']} {currency}")
    finally:
        sandbox.stop()
    return 0


def _log(message):
    print(f"[paypal-sandbox] {message}", file=sys.stderr, flush=True)
