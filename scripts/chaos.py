#!/usr/bin/env python3
"""Chaos run: Shopify orders arrive while Shopify fails and Odoo workers die.

    scripts/chaos [--orders 300] [--fault-rate 0.2] [--outage-minutes 30] [--time-scale 60] [--kills 3]

Against a running ``scripts/run`` (Odoo with the demo database, the queue_job
runner, and the demo Shopify sandbox the demo backend points at):

1. Compresses time by ``--time-scale`` (60: one minute of the scenario is
   one second): the demo backend's first retry delay (30 s -> 1 s) and
   circuit cool-down (60 s -> 1 s) are set over XML-RPC, the request
   timeout to 2 s, and all are restored at the end.
2. The sandbox disturbs ``--fault-rate`` of the API calls (429 with
   Retry-After, 500, 502, 503, an answer only after the request timeout)
   and is down for ``--outage-minutes`` (scaled: 30 -> 30 s) from a quarter
   of the arrival window on.
3. ``--orders`` paid orders are created in the sandbox over the arrival
   window. Two in three are delivered as signed ``orders/create`` webhooks
   (the demo backend's real client secret, read from the database; failed
   deliveries are retried with the same event id, as Shopify does; one in
   ten is delivered twice). One in three is never delivered: only the order
   catch-up finds it, and the script triggers a catch-up (Sync orders) every
   10 scaled minutes, so the faults hit the job path (GraphQL reads), not
   just the inbound webhooks.
4. ``--fulfil`` of the orders, once confirmed, are shipped in Odoo (their
   delivery validated over XML-RPC): each becomes a fulfilment sent to
   Shopify under the same faults.
5. ``--kills`` times during the arrivals, an Odoo HTTP worker that is serving
   a request (a job or a webhook) is SIGKILLed: only children of the Odoo
   main process listening on the --odoo-url port; Odoo starts new ones.
6. When every order is confirmed (or the time bound is reached) the faults
   stop and the script waits for the backend's pending events.

Prints orders created/delivered, confirmed, duplicated (Shopify orders with
more than one sale.order, over XML-RPC), dead and failed events, fulfilments
(and duplicates in Shopify), the faults the sandbox injected and the workers
killed. Target: every order confirmed, 0 dead events, 0 duplicates (exit 0;
1 when missed, 2 when Odoo, the sandbox or the database cannot be reached).
Everything is on loopback; bounded by --max-minutes (15). The orders stay in
the demo database.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import re
import signal
import sys
import threading
import time
import xmlrpc.client
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_secrets import DemoSecretsError, demo_backend, is_loopback_url  # noqa: E402
from odoo_rpc import Odoo  # noqa: E402
from sandbox.shopify import DEMO_SHOP_DOMAIN, DemoShop  # noqa: E402

PENDING_STATES = ["received", "queued", "processing"]
SCALED_SETTINGS = ("retry_base_delay", "retry_max_delay", "circuit_cool_down", "request_timeout")
REQUEST_TIMEOUT = 2.0  # the backend's request timeout during the run (s)
WEBHOOK_SENDERS = 4
MAX_DELIVERY_ATTEMPTS = 8


def log(message):
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


class Sandbox:
    """The demo sandbox's control API."""

    def __init__(self, url):
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.trust_env = False

    def post(self, path, data):
        response = self.session.post(f"{self.url}/_sandbox/{path}", json=data, timeout=10)
        response.raise_for_status()
        return response.json()

    def state(self):
        response = self.session.get(f"{self.url}/_sandbox/state", timeout=10)
        response.raise_for_status()
        return response.json()


# ----------------------------------------------------------------------------
# webhooks, delivered like Shopify: signed, retried with the same event id
# ----------------------------------------------------------------------------


class Deliverer:
    def __init__(self, url, secret, api_version):
        self.url, self.secret, self.api_version = url, secret, api_version
        self.queue = []  # [due, seq, order, event_id, attempt]
        self.lock = threading.Condition()
        self.statuses = Counter()
        self.delivered = set()  # order ids answered 2xx
        self.given_up = set()
        self.sent = 0
        self.stop = threading.Event()
        self.seq = 0
        self.threads = [threading.Thread(target=self.work, daemon=True) for _ in range(WEBHOOK_SENDERS)]
        for thread in self.threads:
            thread.start()

    def add(self, order, event_id, delay=0.0):
        with self.lock:
            self.seq += 1
            self.queue.append([time.monotonic() + delay, self.seq, order, event_id, 1])
            self.lock.notify()

    def pending(self):
        with self.lock:
            return len(self.queue)

    def headers(self, body, event_id):
        digest = hmac.new(self.secret.encode(), body, hashlib.sha256).digest()
        return {
            "Content-Type": "application/json",
            "User-Agent": "Shopify-Captain-Hook",
            "X-Shopify-Topic": "orders/create",
            "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
            "X-Shopify-Shop-Domain": DEMO_SHOP_DOMAIN,
            "X-Shopify-API-Version": self.api_version,
            "X-Shopify-Webhook-Id": f"{event_id}-w",
            "X-Shopify-Event-Id": event_id,
            "X-Shopify-Triggered-At": datetime.now(timezone.utc).isoformat(),
        }

    def work(self):
        session = requests.Session()
        session.trust_env = False
        while not self.stop.is_set():
            with self.lock:
                now = time.monotonic()
                due = [item for item in self.queue if item[0] <= now]
                if not due:
                    self.lock.wait(0.2)
                    continue
                item = min(due, key=lambda entry: (entry[0], entry[1]))
                self.queue.remove(item)
            _due, _seq, order, event_id, attempt = item
            body = json.dumps(order).encode("utf-8")
            try:
                status = session.post(
                    self.url, data=body, headers=self.headers(body, event_id), timeout=10
                ).status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            with self.lock:
                self.sent += 1
                self.statuses[status] += 1
                if isinstance(status, int) and 200 <= status < 300:
                    self.delivered.add(order["id"])
                elif attempt < MAX_DELIVERY_ATTEMPTS:
                    self.seq += 1
                    self.queue.append(
                        [
                            time.monotonic() + min(2 ** (attempt - 1), 10),
                            self.seq,
                            order,
                            event_id,
                            attempt + 1,
                        ]
                    )
                else:
                    self.given_up.add(order["id"])


# ----------------------------------------------------------------------------
# Odoo workers
# ----------------------------------------------------------------------------


def _connections(process):
    method = getattr(process, "net_connections", None) or process.connections
    return method(kind="tcp")


def odoo_master(port):
    """The Odoo prefork main process listening on ``port``: of the processes
    holding that listening socket (the main one and the workers it forked),
    the one whose parent does not hold it."""
    listeners = set()
    for process in psutil.process_iter():
        try:
            if any(
                c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port
                for c in _connections(process)
            ):
                listeners.add(process.pid)
        except psutil.Error:
            continue
    for pid in sorted(listeners):
        try:
            if psutil.Process(pid).ppid() not in listeners:
                return psutil.Process(pid)
        except psutil.NoSuchProcess:
            continue
    return None


def http_workers(master, port):
    """(busy, idle) HTTP workers of ``master``: its children holding the
    HTTP socket, busy when serving a connection right now. The gevent
    process is left out."""
    busy, idle = [], []
    for child in master.children():
        try:
            if "gevent" in " ".join(child.cmdline()):
                continue
            conns = _connections(child)
        except psutil.Error:
            continue
        if not any(c.laddr and c.laddr.port == port for c in conns):
            continue  # not an HTTP worker (cron worker, job runner)
        serving = any(c.status == psutil.CONN_ESTABLISHED and c.laddr and c.laddr.port == port for c in conns)
        (busy if serving else idle).append(child)
    return busy, idle


def kill_busy_worker(master, port, rng, wait=5.0):
    """SIGKILL one HTTP worker that is serving a request (waits up to
    ``wait`` s for one); returns its pid or None."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        busy, _idle = http_workers(master, port)
        if busy:
            victim = rng.choice(busy)
            try:
                os.kill(victim.pid, signal.SIGKILL)
                return victim.pid
            except ProcessLookupError:
                continue
        time.sleep(0.1)
    return None


# ----------------------------------------------------------------------------
# Odoo side: confirmations, shipping
# ----------------------------------------------------------------------------


def sale_orders(odoo, names):
    rows = odoo(
        "sale.order", "search_read", [("client_order_ref", "in", names)], fields=["client_order_ref", "state"]
    )
    return rows


def ship(odoo, sale_ids):
    """Validate the outgoing deliveries of ``sale_ids`` (quantities as
    ordered, no backorder); returns (validated, problems)."""
    pickings = odoo(
        "stock.picking",
        "search_read",
        [
            ("sale_id", "in", sale_ids),
            ("picking_type_code", "=", "outgoing"),
            ("state", "not in", ["done", "cancel"]),
        ],
        fields=["id", "move_ids"],
    )
    validated, problems = 0, []
    for picking in pickings:
        try:
            odoo("stock.picking", "action_assign", [picking["id"]])
            for move in odoo("stock.move", "read", picking["move_ids"], ["product_uom_qty"]):
                odoo(
                    "stock.move", "write", [move["id"]], {"quantity": move["product_uom_qty"], "picked": True}
                )
            odoo(
                "stock.picking",
                "button_validate",
                [picking["id"]],
                context={
                    "skip_backorder": True,
                    "picking_ids_not_to_backorder": [picking["id"]],
                    "skip_sms": True,
                },
            )
            validated += 1
        except xmlrpc.client.Fault as exc:
            problems.append(exc.faultString.strip().splitlines()[-1][:160])
        except OSError as exc:  # the worker serving it was killed
            problems.append(f"{type(exc).__name__}: {exc}")
    return validated, problems


# ----------------------------------------------------------------------------


def main(argv=None):  # noqa: C901 - one scenario, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--odoo-url", default=f"http://127.0.0.1:{os.environ.get('ODOO_HTTP_PORT') or 8069}")
    parser.add_argument("--database", default=os.environ.get("ODOO_DB") or "integration_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument(
        "--fault-rate", type=float, default=0.2, help="share of API calls that fail (429/5xx/timeout)"
    )
    parser.add_argument(
        "--outage-minutes", type=float, default=30.0, help="Shopify down this long (scenario minutes)"
    )
    parser.add_argument("--time-scale", type=float, default=60.0, help="scenario seconds per real second")
    parser.add_argument(
        "--arrival-minutes", type=float, default=60.0, help="orders arrive over this (scenario minutes)"
    )
    parser.add_argument(
        "--catch-up-minutes", type=float, default=10.0, help="a catch-up every (scenario minutes)"
    )
    parser.add_argument("--fulfil", type=int, default=100, help="orders shipped in Odoo once confirmed")
    parser.add_argument(
        "--kills", type=int, default=3, help="Odoo HTTP workers SIGKILLed during the arrivals"
    )
    parser.add_argument(
        "--max-minutes", type=float, default=15.0, help="bound of the whole run (real minutes)"
    )
    parser.add_argument("--seed", type=int, default=300)
    args = parser.parse_args(argv)
    if not 1 <= args.orders <= 5000 or not 0 <= args.fault_rate <= 1 or args.time_scale <= 0:
        parser.error("--orders 1..5000, --fault-rate 0..1, --time-scale > 0")
    base = args.odoo_url.rstrip("/")
    if not is_loopback_url(base):
        parser.error(f"--odoo-url must be on loopback, not {base}")
    port = urlsplit(base).port or 80
    scale = args.time_scale
    started = time.monotonic()
    hard_deadline = started + args.max_minutes * 60

    try:
        demo = demo_backend(args.database)
    except DemoSecretsError as exc:
        print(f"cannot read the demo backend: {exc}", file=sys.stderr)
        return 2
    if not is_loopback_url(demo.url):
        print(f"the demo backend points at {demo.url}, not a loopback sandbox", file=sys.stderr)
        return 2
    sandbox = Sandbox(demo.url)
    try:
        odoo = Odoo(base, args.database, args.login, args.password)
        sandbox.state()
    except (OSError, xmlrpc.client.Error, requests.RequestException) as exc:
        print(f"Odoo ({base}) or the sandbox ({demo.url}) does not answer: {exc}", file=sys.stderr)
        return 2
    master = odoo_master(port)
    run = datetime.now().strftime("%H%M%S")
    rng = random.Random(args.seed)
    shop = DemoShop(client_secret=demo.secrets["client_secret"])  # builds order specs only
    first_event = (odoo("integration.event", "search", [], limit=1, order="id desc") or [0])[0]
    saved = odoo("integration.backend", "read", [demo.id], list(SCALED_SETTINGS))[0]
    saved.pop("id", None)
    scaled = {
        "retry_base_delay": max(1, round(saved["retry_base_delay"] / scale)),
        "retry_max_delay": max(1, round(saved["retry_max_delay"] / scale)),
        "circuit_cool_down": max(1, round(saved["circuit_cool_down"] / scale)),
        "request_timeout": REQUEST_TIMEOUT,
    }
    window = args.arrival_minutes * 60 / scale
    outage_start = window / 4
    outage_seconds = args.outage_minutes * 60 / scale
    catch_up_every = args.catch_up_minutes * 60 / scale
    kill_times = [window * (k + 1) / (args.kills + 1) for k in range(args.kills)]
    faults = [
        {"status": 429, "retry_after": 1},
        {"status": 500},
        {"status": 502},
        {"status": 503},
        {"delay": REQUEST_TIMEOUT + 1},
    ]
    log(
        f"chaos run {run}: {base} database {args.database}, backend '{demo.name}' (id {demo.id}), sandbox {demo.url}"
    )
    log(
        f"time x{scale:g}: {args.orders} orders over {window:.0f} s, {args.fault_rate:.0%} faulty API calls, "
        f"outage {outage_seconds:.0f} s from t={outage_start:.0f} s, catch-up every {catch_up_every:.0f} s, "
        f"{args.kills} worker kills, bound {args.max_minutes:g} min"
    )
    log(f"backend settings {saved} -> {scaled} (restored at the end)")
    if master is None:
        log(f"WARNING: no Odoo process found listening on port {port}: no worker will be killed")

    names, orders, silent = [], {}, set()
    kills, catch_ups, ship_requests = [], 0, []
    shipped_sales, ship_problems = set(), []
    deliverer = Deliverer(f"{base}{demo.webhook_path()}", demo.secrets["client_secret"], shop.api_version)
    ship_thread = None
    try:
        odoo("integration.backend", "write", [demo.id], scaled)
        sandbox.post("demo", {"paused": True})
        sandbox.post(
            "faults",
            {"clear": True, "random": {"rate": args.fault_rate, "faults": faults, "seed": args.seed}},
        )
        t0 = time.monotonic()
        next_catch_up = t0 + catch_up_every
        outage_started = False
        created = 0
        last_report = last_poll = t0

        def ship_worker():
            while not stop_ship.is_set():
                batch = []
                with ship_lock:
                    while ship_requests and len(batch) < 10:
                        batch.append(ship_requests.pop(0))
                if not batch:
                    stop_ship.wait(0.5)
                    continue
                ship_busy.set()
                try:
                    _validated, problems = ship(odoo, batch)
                finally:
                    ship_busy.clear()
                shipped_sales.update(batch)
                ship_problems.extend(problems)

        stop_ship, ship_busy = threading.Event(), threading.Event()
        ship_lock = threading.Lock()
        ship_thread = threading.Thread(target=ship_worker, daemon=True)
        ship_thread.start()
        queued_for_ship = set()

        settle_reserve = min(180.0, args.max_minutes * 60 / 4)  # real seconds kept for the end
        domain = [("backend_id", "=", demo.id), ("id", ">", first_event)]
        catch_up_domain = [
            ("backend_id", "=", demo.id),
            ("topic", "in", ["order.catch_up", "order.bulk_poll"]),
            ("state", "in", PENDING_STATES),
        ]
        faults_on, faults_off_at, final_catch_up = True, None, False
        confirmed, pending, progress = {}, 0, (0, t0)  # progress: (confirmed count, since)
        while time.monotonic() < hard_deadline:
            now = time.monotonic()
            elapsed = now - t0
            # arrivals
            while created < args.orders and elapsed >= created * window / args.orders:
                created += 1
                spec = shop.random_order_spec(
                    rng, email=f"chaos-{run}-{created}@chaos.example.com", financial_status="paid"
                )
                spec["name"] = f"#CH{run}-{created:04d}"
                spec["webhook"] = False
                try:
                    order = sandbox.post("orders", spec)["order"]
                except requests.RequestException as exc:
                    log(f"sandbox refused order {created}: {exc}")
                    continue
                orders[order["name"]] = order
                names.append(order["name"])
                if created % 3 == 0:
                    silent.add(order["name"])  # only the catch-up will find it
                else:
                    event_id = f"chaos-{run}-{created}"
                    deliverer.add(order, event_id)
                    if created % 10 == 1:
                        deliverer.add(order, event_id, delay=rng.uniform(0.5, 5))  # Shopify delivers twice
            # outage
            if not outage_started and elapsed >= outage_start:
                sandbox.post("faults", {"outage": {"seconds": outage_seconds, "status": 503}})
                outage_started = True
                log(f"Shopify outage: {outage_seconds:.0f} s ({args.outage_minutes:g} scenario minutes)")
            # kills
            while kill_times and elapsed >= kill_times[0]:
                kill_times.pop(0)
                if master is not None:
                    pid = kill_busy_worker(master, port, rng)
                    kills.append(pid)
                    log(f"SIGKILL Odoo HTTP worker {pid}" if pid else "no busy Odoo HTTP worker to kill")
            # catch-up, as the backend's scheduled flow would, while orders are
            # missing and no catch-up is waiting already
            if now >= next_catch_up and len(confirmed) < args.orders:
                next_catch_up = now + catch_up_every
                try:
                    if not odoo("integration.event", "search_count", catch_up_domain):
                        odoo("integration.backend", "action_sync_orders", [demo.id])
                        catch_ups += 1
                except (OSError, xmlrpc.client.Error) as exc:
                    log(f"catch-up not triggered: {exc}")
            if now - last_poll < 3:
                time.sleep(0.2)
                continue
            # every 3 s: confirmations -> shipping, progress, the end
            last_poll = now
            try:
                rows = sale_orders(odoo, names)
                pending = odoo(
                    "integration.event", "search_count", domain + [("state", "in", PENDING_STATES)]
                )
            except (OSError, xmlrpc.client.Error) as exc:
                log(f"cannot read from Odoo: {exc}")
                continue
            confirmed = {row["client_order_ref"]: row["id"] for row in rows if row["state"] == "sale"}
            fresh = [sale_id for sale_id in confirmed.values() if sale_id not in queued_for_ship]
            with ship_lock:
                for sale_id in fresh[: max(args.fulfil - len(queued_for_ship), 0)]:
                    ship_requests.append(sale_id)
                    queued_for_ship.add(sale_id)
                shipping = bool(ship_requests) or ship_busy.is_set()
            if len(confirmed) != progress[0]:
                progress = (len(confirmed), now)
            arrived = created >= args.orders and elapsed >= outage_start + outage_seconds
            all_in = arrived and len(confirmed) >= args.orders and not shipping
            quiet = not pending and not deliverer.pending() and not shipping
            # no new confirmation for two scenario hours: the faults have had their chance
            stuck = arrived and now - progress[1] >= max(60.0, 2 * 3600 / scale)
            if now - last_report >= 5:
                last_report = now
                log(
                    f"t={elapsed:4.0f} s: {created} created, {len(deliverer.delivered)} webhooks acknowledged, "
                    f"{len(confirmed)} confirmed, {len(shipped_sales)} shipped, {pending} events pending, "
                    f"faults {'on' if faults_on else 'off'}"
                    + (", outage" if 0 < elapsed - outage_start < outage_seconds else "")
                )
            if faults_on and (all_in or stuck or now >= hard_deadline - settle_reserve):
                faults_on, faults_off_at = False, now
                sandbox.post("faults", {"clear": True})
                why = (
                    "all confirmed and shipped"
                    if all_in
                    else "no new confirmation for two scenario hours"
                    if stuck
                    else "time bound near"
                )
                log(f"faults off at t={elapsed:.0f} s ({why}); waiting for the backend's pending events")
            if not faults_on:
                if quiet and len(confirmed) < args.orders and not final_catch_up:
                    final_catch_up = True  # one catch-up on a healthy shop for what is still missing
                    next_catch_up = now
                    continue
                if quiet and (len(confirmed) >= args.orders or final_catch_up and now - faults_off_at >= 10):
                    break

    finally:
        deliverer.stop.set()
        if ship_thread:
            stop_ship.set()
        for call in (
            lambda: sandbox.post("faults", {"clear": True}),
            lambda: sandbox.post("demo", {"paused": False}),
            lambda: odoo("integration.backend", "write", [demo.id], saved),
        ):
            try:
                call()
            except (OSError, xmlrpc.client.Error, requests.RequestException) as exc:
                log(f"could not restore: {exc}")

    # ------------------------------------------------------------------------
    rows = sale_orders(odoo, names)
    per_name = Counter(row["client_order_ref"] for row in rows)
    confirmed = {row["client_order_ref"] for row in rows if row["state"] == "sale"}
    duplicated = {name: count for name, count in per_name.items() if count > 1}
    domain = [("backend_id", "=", demo.id), ("id", ">", first_event)]
    by_state = odoo("integration.event", "read_group", domain, ["state"], ["topic", "state"], lazy=False)
    dead = sum(g["__count"] for g in by_state if g["state"] == "dead")
    failed = sum(g["__count"] for g in by_state if g["state"] == "failed")
    pending = sum(g["__count"] for g in by_state if g["state"] in PENDING_STATES)
    state = sandbox.state()
    chaos_ids = {order["id"] for order in orders.values()}
    fulfilments = Counter(f["order_id"] for f in state.get("fulfillments", []) if f["order_id"] in chaos_ids)
    double_fulfilled = {order_id: n for order_id, n in fulfilments.items() if n > 1}
    respawned = None
    if master is not None:
        try:
            busy, idle = http_workers(master, port)
            respawned = len(busy) + len(idle)
        except psutil.Error:
            pass

    print()
    print(f"CHAOS RUN {run} ({time.monotonic() - started:.0f} s, time x{scale:g})")
    print(
        f"  orders created in the sandbox      {len(names)}  ({len(names) - len(silent)} sent as webhooks, {len(silent)} only through the catch-up)"
    )
    print(
        f"  webhook deliveries                 {deliverer.sent} sent, statuses {dict(sorted(deliverer.statuses.items(), key=str))}; "
        f"{len(deliverer.delivered)} orders acknowledged, {len(deliverer.given_up)} given up after {MAX_DELIVERY_ATTEMPTS} attempts"
    )
    print(
        f"  catch-ups triggered                {catch_ups} (one at a time, every {catch_up_every:g} s "
        "while orders are missing)"
    )
    print(f"  sandbox API calls                  {state.get('calls')}, faulted {state.get('faulted')}")
    print(
        f"  Odoo HTTP workers SIGKILLed        {len([k for k in kills if k])} {[k for k in kills if k]}; children holding the HTTP port now {respawned} (Odoo respawns killed workers)"
    )
    print(f"  orders delivered to Odoo           {len(per_name)} (with a sale order)")
    print(f"  orders confirmed                   {len(confirmed)} / {len(names)}")
    print(
        f"  orders duplicated                  {len(duplicated)}"
        + (f"  {dict(list(duplicated.items())[:10])}" if duplicated else "")
    )
    print(f"  events since the start             dead {dead}, failed {failed}, still pending {pending}")
    for group in sorted(by_state, key=lambda g: (g["topic"], g["state"])):
        print(f"      {group['topic']:22} {group['state']:10} {group['__count']:5d}")
    if dead or failed:
        bad = odoo(
            "integration.event",
            "search_read",
            domain + [("state", "in", ["dead", "failed"])],
            fields=["topic", "state", "error_category", "error_message"],
            limit=500,
        )
        messages = Counter(
            (
                row["state"],
                row["topic"],
                row["error_category"],
                # numbers (delays, costs, ids; not HTTP statuses) vary: one line per cause
                re.sub(r"(?<!HTTP )\b\d+(\.\d+)?", "N", (row["error_message"] or "").strip().splitlines()[0])[
                    :110
                ]
                if row["error_message"]
                else "",
            )
            for row in bad
        )
        print("    most frequent dead/failed causes:")
        for (state_, topic, category, message), count in messages.most_common(8):
            print(f"      {count:4d} {state_} {topic} [{category}] {message}")
    print(
        f"  deliveries validated in Odoo       {len(shipped_sales)} sale orders"
        + (f"; problems: {Counter(ship_problems).most_common(3)}" if ship_problems else "")
    )
    print(
        f"  fulfilments in Shopify             {sum(fulfilments.values())} for {len(fulfilments)} orders; orders fulfilled more than once: {len(double_fulfilled)}"
    )
    ok = len(confirmed) == len(names) == args.orders and not dead and not duplicated
    print(
        f"RESULT: confirmed {len(confirmed)}/{args.orders}, dead {dead}, duplicated {len(duplicated)} "
        f"(target: all confirmed, 0 dead, 0 duplicates): {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
