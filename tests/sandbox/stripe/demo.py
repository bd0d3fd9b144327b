"""The "Demo Stripe" account ``scripts/run`` can start next to the demo
database (:func:`serve_demo`): last month and this month so far, seeded
(USD and EUR, FX and JPY presentments, refunds, disputes, a reserve, a
failed and a negative payout), then a new order paid every few minutes,
daily payouts and their webhooks in real time.

Secrets come from the environment, as for every demo peer
(``scripts/demo_secrets.py --peer stripe`` once the demo backend exists):
``STRIPE_DEMO_API_KEY`` (the secret key the demo backend sends; default
:data:`~.common.DEFAULT_API_KEY`, printed), ``STRIPE_DEMO_WEBHOOK_TOKEN``
(the backend's webhook path token: the account posts its events to
``<odoo>/integration/webhook/stripe/<token>``) and
``STRIPE_DEMO_WEBHOOK_SECRET`` (the endpoint's ``whsec_...``; made and
printed when missing).
"""

import argparse
import os
import random
import signal
import sys
import threading
import time

from .common import DEFAULT_API_KEY, KEY_RE
from .sandbox import StripeSandbox
from .seed import previous_month_start

DEMO_PORT = 8075
DEMO_ENV_API_KEY = "STRIPE_DEMO_API_KEY"
DEMO_ENV_WEBHOOK_TOKEN = "STRIPE_DEMO_WEBHOOK_TOKEN"
DEMO_ENV_WEBHOOK_SECRET = "STRIPE_DEMO_WEBHOOK_SECRET"
DEMO_CURRENCIES = ("usd", "eur")
DEMO_ORDERS_PER_MONTH = 300


def demo_sandbox(api_key=DEFAULT_API_KEY, *, host="127.0.0.1", port=DEMO_PORT, seed=7, now=None):
    """The demo account (not started), with last month and this month so far."""
    sandbox = StripeSandbox(
        api_key=api_key, host=host, port=port, seed=seed, now=now, currencies=DEMO_CURRENCIES
    )
    seed_demo(sandbox, seed=seed)
    return sandbox


def seed_demo(sandbox, seed=7):
    store = sandbox.store
    now = store.now()
    last_month = previous_month_start(now)
    month = sandbox.seed_month(orders=DEMO_ORDERS_PER_MONTH, start=last_month, seed=seed, order_prefix="S0")
    this_month = month["end"]
    days = max(0, (now - this_month) // 86400)
    if days >= 1:
        sandbox.seed_month(
            orders=DEMO_ORDERS_PER_MONTH * days // 30,
            start=this_month,
            days=days,
            seed=seed + 1,
            order_prefix="S1",
            failed_payout=False,
            negative_payout=False,
            reserve=False,
        )


def serve_demo(argv=None, environ=None):
    """Run the demo account until SIGTERM/SIGINT (see the module's docstring)."""
    parser = argparse.ArgumentParser(description="Run the Demo Stripe account next to the demo database.")
    parser.add_argument("--demo", action="store_true", help="demo mode (this one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEMO_PORT)
    parser.add_argument("--odoo-url", default="http://127.0.0.1:8069")
    parser.add_argument("--database", help="the demo database (for the log)")
    parser.add_argument("--tick", type=float, default=5.0, help="seconds between two rounds of account work")
    parser.add_argument(
        "--order-every", type=float, default=300.0, help="seconds between two new paid orders"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    environ = os.environ if environ is None else environ
    api_key = environ.get(DEMO_ENV_API_KEY) or DEFAULT_API_KEY
    if not KEY_RE.match(api_key):
        _log(f"{DEMO_ENV_API_KEY} is not a test secret key (sk_test_...)")
        return 2
    sandbox = demo_sandbox(api_key, host=args.host, port=args.port, seed=args.seed)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda number, frame: stop.set())
    try:
        url = sandbox.start()
    except OSError as exc:
        _log(f"cannot listen on {args.host}:{args.port}: {exc}")
        return 1
    shown = api_key if api_key == DEFAULT_API_KEY else api_key[:12] + "..."
    _log(f"Demo Stripe on {url}: API {url}/v1/ (Authorization: Bearer {shown})")
    if environ.get(DEMO_ENV_WEBHOOK_TOKEN):
        secret = environ.get(DEMO_ENV_WEBHOOK_SECRET) or None
        hook = f"{args.odoo_url.rstrip('/')}/integration/webhook/stripe/{environ[DEMO_ENV_WEBHOOK_TOKEN]}"
        endpoint = sandbox.add_webhook_endpoint(hook, ["payout.*", "charge.dispute.*"], secret=secret)
        _log(
            f"webhooks to {args.odoo_url}/integration/webhook/stripe/<token>"
            + ("" if secret else f", secret {endpoint['secret']}")
        )
    rng = random.Random(args.seed)
    next_order = time.monotonic() + args.order_every
    number = 1
    try:
        while not stop.wait(args.tick):
            if time.monotonic() >= next_order:
                next_order += args.order_every
                currency = rng.choice(DEMO_CURRENCIES)
                sandbox.create_charge(
                    f"{rng.randrange(2000, 40000) / 100:.2f}", currency, order_id=f"S2{number:05d}"
                )
                number += 1
            for event in sandbox.advance():
                _log(f"{event['type']}: {event['data']['object']['id']}")
    finally:
        sandbox.stop()
    return 0


def _log(message):
    print(f"[stripe-sandbox] {message}", file=sys.stderr, flush=True)
