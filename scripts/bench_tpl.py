#!/usr/bin/env python3
"""Benchmark of tpl_connector: release and confirm N orders end to end
against the sandbox ShipBob warehouse.

    scripts/bench-tpl [--orders 1000] [--drop-rate 0.1] [--database DB] [--keep]

Run by scripts/bench-tpl, which gives it a database with tpl_connector
installed (a throwaway one, or yours with --database) and the Odoo config.
It loads Odoo in this process and starts an in-process TplSandbox (ShipBob's
REST face, tests/sandbox/tpl) on loopback, with a ManualClock, then sets up,
untimed: a 3PL warehouse (one step out) and its REST backend bound to the
sandbox, stock on both sides, and N confirmed sale orders of two lines whose
deliveries are reserved. Then it times each stage, committing between
stages and after every job and every webhook (as queue_job and the
webhook controller do):

1. release: ``tpl.outbound._release_due`` (or, when the release window is
   closed now, ``_release_pickings`` on the same deliveries: said so), then
   the ``order.release`` jobs (one ``POST /order`` each);
2. ship: the sandbox's clock moves on, the warehouse picks and ships every
   order and posts its ``order.shipped`` webhooks, a share of them dropped
   on purpose (--drop-rate);
3. confirmations arrive: every webhook delivered is handed to
   ``backend._webhook_receive`` (signature checked, event stored), a
   polling catch-up (``shipment.catch_up``) is enqueued for the dropped
   ones, then the ``shipment.notified`` and ``shipment.catch_up`` jobs split
   them into ``shipment.confirmed`` events (one per ShipBob shipment);
4. applied: the ``shipment.confirmed`` jobs validate the deliveries.

Jobs are run the way the Odoo tests run them, with integration_core's
``perform_job`` (queue_job's ``Job.load`` / ``perform`` / ``set_done``, what
``/queue_job/runjob`` does), one at a time in this process, oldest first,
ignoring their eta; queue_job's job runner, its HTTP hop and its worker
processes are not part of the figures.

The sandbox's rate limit (ShipBob's 150 requests/min) and the backend's
client-side limit are lifted: the figures are Odoo's side. At ShipBob's
limit the release of N orders alone takes N / 2.5 s of wall time; the script
prints that bound beside the figures.

Prints: orders, seconds per stage, orders/s end to end, HTTP calls made to
the sandbox, SQL queries, events by topic and state, failures (must be 0),
peak memory. Exits 1 when anything failed (an event not done, a delivery
not validated, a webhook refused), 0 otherwise. The data stays in the
database (a throwaway one is dropped by scripts/bench-tpl).
"""

import argparse
import random
import resource
import string
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

PRODUCTS = 10  # distinct SKUs; each order has two lines of two of them
CUSTOMERS = 20
SHIP_SECONDS = 120  # sandbox time for the warehouse to pick and ship everything


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True, help="the Odoo config file (scripts/bench-tpl writes it)")
    parser.add_argument("--database", required=True, help="a database with tpl_connector installed")
    parser.add_argument("--orders", type=int, default=1000, help="sale orders released and confirmed")
    parser.add_argument(
        "--drop-rate",
        type=float,
        default=0.1,
        help="share of the sandbox's webhooks dropped, left to the polling catch-up (default 0.1)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the dropped webhooks' draw")
    parser.add_argument(
        "--profile",
        metavar="STAGE",
        help="cProfile stages (release, ship, confirm, apply; comma-separated): their 25 costliest "
        "functions and 12 costliest SQL statements are printed",
    )
    args = parser.parse_args(argv)
    if args.orders < 1:
        parser.error("--orders must be at least 1")
    if not 0 <= args.drop_rate <= 1:
        parser.error("--drop-rate is a share between 0 and 1")
    return args


def rss_mb():
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# ------------------------------------------------------------------------------
# set-up (not timed)
# ------------------------------------------------------------------------------


def make_sandbox(sandbox_api):
    from sandbox.peer import ManualClock

    clock = ManualClock()
    # ShipBob's 150 requests/min lifted: the bench measures Odoo's side
    sandbox = sandbox_api.TplSandbox(
        clock=clock, wait=clock.wait, rate_limit=10**9, pick_delay=30, ship_delay=30, backorder_delay=30
    )
    return sandbox


class CapturedWebhooks:
    """Stands in for the sandbox's webhook poster (as in tpl_connector's
    tests): deliveries are kept, then handed to Odoo's webhook path."""

    def __init__(self):
        self.posted = []

    def post(self, url, body, headers, timeout=None):
        self.posted.append((url, body, headers))
        return {"status": 200, "error": None}


def setup(env, sandbox, sandbox_api, hooks, orders, tag):
    """The 3PL warehouse, its backend bound to the sandbox, products and
    customers, stock on both sides, N confirmed orders with reserved deliveries."""
    quiet = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True, mail_notrack=True))
    company = env.company
    code = "B" + tag[:4]
    warehouse = quiet["stock.warehouse"].create(
        {
            "name": f"Bench 3PL {tag}",
            "code": code,
            "company_id": company.id,
            "delivery_steps": "ship_only",
            "reception_steps": "one_step",
        }
    )
    backend = env["integration.backend"].create(
        {
            "name": f"Bench 3PL {tag} (ShipBob sandbox)",
            "backend_type": "tpl",
            "tpl_transport": "rest",
            "tpl_provider": "shipbob",
            "company_id": company.id,
            "warehouse_id": warehouse.id,
            "tpl_warehouse_id": warehouse.id,
            "tpl_channel_id": str(sandbox_api.DEFAULT_CHANNEL_ID),
            "tpl_tz": "UTC",
            "api_url": sandbox.base_url,
            "rate_limit": 0,  # the client-side limit lifted too
            "max_attempts": 3,
        }
    )
    backend._set_secret("api_token", sandbox_api.DEFAULT_TOKEN)
    subscription = sandbox.subscribe(
        "http://odoo.bench/integration/webhook/tpl/x", topics=list(sandbox_api.WEBHOOK_TOPICS)
    )
    backend._set_secret("webhook_secret", subscription["secret"])
    sandbox.webhook_deliverer = hooks

    products = quiet["product.product"].create(
        [
            {"name": f"Bench item {i}", "default_code": f"BT-{tag}-{i:02d}", "type": "product"}
            for i in range(PRODUCTS)
        ]
    )
    us = env.ref("base.us")
    customers = quiet["res.partner"].create(
        [
            {
                "name": f"Bench buyer {i}",
                "street": f"{i + 1} Main Street",
                "city": "Springfield",
                "zip": "62701",
                "country_id": us.id,
                "state_id": env.ref("base.state_us_13").id,
                "email": f"buyer{i}.{tag}@bench.example.com",
            }
            for i in range(CUSTOMERS)
        ]
    )
    rng = random.Random(orders)
    plan = []
    for index in range(orders):
        first, second = rng.sample(range(PRODUCTS), 2)
        plan.append((customers[index % CUSTOMERS], [(products[first], 1 + index % 3), (products[second], 2)]))
    needed = Counter()
    for _customer, lines in plan:
        for product, quantity in lines:
            needed[product] += quantity
    for product in products:  # ten to spare on both sides (and some stock of an unordered item)
        quiet["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, needed[product] + 10)
        sandbox.warehouse.stock(product.default_code, needed[product] + 10, name=product.name)

    pickings = quiet["stock.picking"]
    for start in range(0, orders, 200):
        sales = quiet["sale.order"].create(
            [
                {
                    "partner_id": customer.id,
                    "warehouse_id": warehouse.id,
                    "order_line": [
                        (0, 0, {"product_id": product.id, "product_uom_qty": quantity, "price_unit": 10})
                        for product, quantity in lines
                    ],
                }
                for customer, lines in plan[start : start + 200]
            ]
        )
        sales.action_confirm()
        batch = sales.picking_ids
        batch.action_assign()
        pickings |= batch
        env.cr.commit()
    not_ready = pickings.filtered(lambda p: p.state != "assigned")
    if len(pickings) != orders or not_ready:
        raise SystemExit(f"set-up: {len(pickings)} deliveries, {len(not_ready)} not reserved")
    if pickings.tpl_backend_id != backend:
        raise SystemExit("set-up: the deliveries are not the bench backend's")
    env.cr.commit()
    return backend, pickings.with_env(env)


# ------------------------------------------------------------------------------
# the measured path
# ------------------------------------------------------------------------------


class Runner:
    """Runs the backend's queued events' jobs, one by one, each committed:
    integration_core's perform_job (as its tests do), oldest first, after
    the dispatch jobs that give webhook deliveries theirs."""

    def __init__(self, env, backend):
        from odoo.addons.integration_core.tests.common import dispatch_deliveries, perform_job

        self.env = env
        self.backend = backend
        self.perform_job = perform_job
        self.dispatch_deliveries = dispatch_deliveries
        self.jobs = 0
        self.job_errors = []

    def run(self, topics, max_rounds=5):
        Event = self.env["integration.event"].sudo()
        for _round in range(max_rounds):
            # webhook deliveries get their jobs from their backend's dispatch job
            self.dispatch_deliveries(self.env, self.backend)
            self.env.cr.commit()
            events = Event.search(
                [("backend_id", "=", self.backend.id), ("topic", "in", topics), ("state", "=", "queued")],
                order="id",
            )
            jobs = events.job_id.filtered(lambda j: j.state == "pending").sorted("id")
            if not jobs:
                return
            for job in jobs:
                try:
                    self.perform_job(self.env, job)
                    self.env.cr.commit()
                except Exception as exc:  # noqa: BLE001 - counted and printed, the run goes on
                    self.env.cr.rollback()
                    self.job_errors.append(f"job {job.id}: {type(exc).__name__}: {exc}")
                self.jobs += 1
            self.env.invalidate_all()


class SqlTimes:
    """Time spent in each SQL statement (its first 160 characters) while on."""

    def __init__(self):
        import odoo.sql_db

        self.times = Counter()
        self.counts = Counter()
        self.original = odoo.sql_db.Cursor.execute
        original, times, counts = self.original, self.times, self.counts

        def execute(cursor, query, params=None, log_exceptions=True):
            start = time.perf_counter()
            try:
                return original(cursor, query, params, log_exceptions)
            finally:
                key = " ".join(str(query).split())[:160]
                times[key] += time.perf_counter() - start
                counts[key] += 1

        odoo.sql_db.Cursor.execute = execute

    def stop(self):
        import odoo.sql_db

        odoo.sql_db.Cursor.execute = self.original


class Stages:
    """Wall time and SQL queries of each stage."""

    def __init__(self, sandbox, profile=None):
        self.sandbox = sandbox
        self.profile = profile
        self.profiles = []
        self.rows = []

    def __call__(self, label, func, *args):
        import odoo

        queries = odoo.sql_db.sql_counter
        calls = len(self.sandbox.calls)
        profiler = None
        if self.profile and label.startswith(tuple(self.profile.split(","))):
            import cProfile

            profiler = cProfile.Profile()
            sql = SqlTimes()
            profiler.enable()
        start = time.perf_counter()
        try:
            result = func(*args)
        finally:
            elapsed = time.perf_counter() - start
            if profiler is not None:
                profiler.disable()
                sql.stop()
                self.profiles.append((label, profiler, sql))
        self.rows.append((label, elapsed, odoo.sql_db.sql_counter - queries, len(self.sandbox.calls) - calls))
        print(f"  {label:<40} {elapsed:8.2f} s", flush=True)
        return result


def release(env, backend, pickings, notes):
    Outbound = env["tpl.outbound"]
    if backend._tpl_window_open():
        released = Outbound._release_due(backend)
    else:
        notes.append(
            "release window closed now (weekend or after the cut-off): _release_pickings on the "
            "deliveries _release_due would have chosen"
        )
        released = Outbound._release_pickings(
            env["stock.picking"].search(
                [
                    ("tpl_backend_id", "=", backend.id),
                    ("picking_type_code", "=", "outgoing"),
                    ("state", "=", "assigned"),
                    ("tpl_hold", "=", False),
                    ("tpl_state", "in", (False, "pending")),
                ],
                order="scheduled_date, id",
            )
        )
    env.cr.commit()
    if len(released) != len(pickings):
        raise SystemExit(f"release: {len(released)} deliveries released of {len(pickings)}")
    return released


def ship(sandbox, hooks):
    """Move the sandbox's clock so that every order ships, and so that its
    webhook timestamps are near real time (ShipBob's 5-minute tolerance)."""
    lag = time.time() - sandbox.unix_time()
    sandbox.advance(max(SHIP_SECONDS, lag))
    return list(hooks.posted)


def receive(env, backend, posted, answers):
    for _url, body, headers in posted:
        answers[backend._webhook_receive(headers, body)] += 1
        env.cr.commit()
    backend._enqueue_topic("shipment.catch_up", {"since": ""})
    env.cr.commit()


# ------------------------------------------------------------------------------


def main(argv=None):
    args = parse_args(argv)
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    import sandbox.tpl as sandbox_api

    tag = "".join(random.choices(string.ascii_uppercase + string.digits, k=6))
    sandbox = make_sandbox(sandbox_api)
    hooks = CapturedWebhooks()
    sandbox.start()
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            if (
                env["ir.module.module"].search_count(
                    [("name", "=", "tpl_connector"), ("state", "=", "installed")]
                )
                != 1
            ):
                raise SystemExit(f"tpl_connector is not installed in {args.database}")
            return run(env, args, sandbox, sandbox_api, hooks, tag)
    finally:
        sandbox.stop()


def run(env, args, sandbox, sandbox_api, hooks, tag):
    n = args.orders
    print(
        f"database {env.cr.dbname}, {n} orders of 2 lines, sandbox ShipBob at {sandbox.base_url}", flush=True
    )
    start = time.perf_counter()
    backend, pickings = setup(env, sandbox, sandbox_api, hooks, n, tag)
    print(f"  set-up (not timed): {len(pickings)} reserved deliveries in {time.perf_counter() - start:.1f} s")
    rss_before = rss_mb()
    sandbox.configure_webhook_faults({"drop_rate": args.drop_rate, "seed": args.seed})
    sandbox.calls.clear()
    runner = Runner(env, backend)
    stages = Stages(sandbox, args.profile)
    notes = []
    answers = Counter()

    stages("release: events enqueued", release, env, backend, pickings, notes)
    stages("release: order.release jobs", runner.run, ["order.release"])
    posted = stages("ship: sandbox clock moved", ship, sandbox, hooks)
    stages("confirm: webhooks received", receive, env, backend, posted, answers)
    stages("confirm: split and catch-up jobs", runner.run, ["shipment.notified", "shipment.catch_up"])
    stages("apply: shipment.confirmed jobs", runner.run, ["shipment.confirmed"])
    total = sum(row[1] for row in stages.rows)
    return report(
        env, args, backend, pickings, sandbox, stages, runner, answers, posted, notes, total, rss_before
    )


def report(env, args, backend, pickings, sandbox, stages, runner, answers, posted, notes, total, rss_before):
    n = args.orders
    env.invalidate_all()
    events = env["integration.event"].sudo().search([("backend_id", "=", backend.id)])
    by_topic = Counter((e.topic, e.state) for e in events)
    pickings = pickings.exists()
    not_done = pickings.filtered(lambda p: p.state != "done")
    backorders = pickings.backorder_ids
    bad_events = events.filtered(lambda e: e.state not in ("done", "ignored"))
    refused = sum(count for (status, _msg), count in answers.items() if status != 200)
    deliveries = sandbox.webhook_deliveries
    dropped = sum(1 for d in deliveries if d.get("dropped"))
    calls = sandbox.calls
    throttled = sum(1 for c in calls if c.get("throttled"))
    http_errors = sum(1 for c in calls if (c.get("status") or 200) >= 400)
    by_stage = {"release": 0.0, "ship": 0.0, "confirm": 0.0, "apply": 0.0}
    for label, elapsed, _q, _c in stages.rows:
        by_stage[label.split(":")[0]] += elapsed

    print()
    print(f"orders                      {n}")
    for name, elapsed in by_stage.items():
        print(f"{name + ' (s)':<28}{elapsed:8.2f}   {n / elapsed if elapsed else 0:8.1f} orders/s")
    print(f"{'end to end (s)':<28}{total:8.2f}   {n / total:8.1f} orders/s")
    print(
        f"HTTP calls to the sandbox   {len(calls)} ({len(calls) / n:.2f}/order; {throttled} throttled, "
        f"{http_errors} answered >= 400)"
    )
    for label, _elapsed, queries, stage_calls in stages.rows:
        print(f"  {label:<40} {queries:7d} SQL ({queries / n:6.1f}/order), {stage_calls:5d} HTTP calls")
    print(
        f"webhooks                    {len(posted)} delivered, {dropped} dropped (caught up by polling); "
        f"answers {dict(answers)}"
    )
    print(f"jobs run                    {runner.jobs}")
    print(f"events processed            {len(events)}:")
    for (topic, state), count in sorted(by_topic.items()):
        print(f"  {topic:<24} {state:<10} {count}")
    print(
        f"deliveries done             {len(pickings) - len(not_done)} of {len(pickings)} "
        f"({len(backorders)} backorders)"
    )
    failures = len(bad_events) + len(not_done) + refused + len(runner.job_errors)
    print(f"failures                    {failures}")
    print(
        f"peak memory (RSS)           {peak_rss_mb():.0f} MB (process; {rss_before:.0f} MB before the timed stages)"
    )
    print(
        f"at ShipBob's 150 requests/min the {by_stage_calls(stages, 'release')} release calls alone "
        f"would take {by_stage_calls(stages, 'release') / 2.5:.0f} s"
    )
    for note in notes:
        print(f"note: {note}")
    print_profiles(stages)
    for event in bad_events[:10]:
        print(f"  event {event.id} {event.topic} {event.state}: {(event.error_message or '')[:300]}")
    for picking in not_done[:10]:
        print(f"  delivery {picking.name} {picking.state} (3PL state {picking.tpl_state})")
    for error in runner.job_errors[:10]:
        print(f"  {error[:300]}")
    return 1 if failures else 0


def print_profiles(stages):
    import io
    import pstats

    for label, profiler, sql in stages.profiles:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(f"\nprofile of {label} (cumulative):")
        print("\n".join(out.getvalue().splitlines()[5:]))
        print(f"costliest SQL of {label} (total s, count, statement):")
        for query, seconds in sql.times.most_common(12):
            print(f"  {seconds:7.2f} {sql.counts[query]:6d}  {query}")


def by_stage_calls(stages, stage):
    return sum(row[3] for row in stages.rows if row[0].startswith(stage))


if __name__ == "__main__":
    sys.exit(main())
