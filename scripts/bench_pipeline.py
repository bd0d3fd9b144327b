#!/usr/bin/env python3
"""Benchmark of the whole pipeline against its peers, side by side in one run.

    scripts/bench-pipeline [--orders 120] [--senders 4] [--intake-seconds 3] [--rounds 3]

Run by scripts/bench-pipeline against the database that scripts/run serves
(the same ports: EMBEDDED_PG_PORT, ODOO_HTTP_PORT), with the Shopify demo
backend (its token and secret are read from the database). Every order is a
paid Shopify order of the demo products built by the Shopify sandbox (REST
shape), a new customer each; each path gets its own orders of the same
shapes (same seed).

1. Plain ORM loop: bench_pipeline_plain.py in ``odoo shell``, one process,
   one transaction (rolled back): partner, products, sale.order, confirm.
   The target's baseline. Then, for the breakdown, the same loop with a
   commit per order, as each job commits its order (its orders are kept).
2. Webhook path: N signed orders/create webhooks POSTed by --senders
   threads; wall time from the first send until every order is confirmed
   (polled every 0.25 s). Then the breakdown of where the time went, from
   queue_job's timestamps, the event runs and the job results:
   slot occupancy, hand-over between two jobs of a slot (commit, runner,
   HTTP round trip, job load and start), job start to the event run, the
   import itself, contention redos, queue_job postponements.
3. Middleware peer: as many parallel XML-RPC clients as the job path has job
   slots (the server's [queue_job] channels), each doing what middleware does
   per order (scripts/bench_shopify_e2e.py's middleware_path).
4. Webhook acknowledgement: 20 concurrent senders against Odoo's own
   /web/health, then against the webhook URL, alternately (--rounds
   times, --intake-seconds each), while jobs run (a backlog of imports is
   sent first); req/s of each and the ratio (target >= 0.8).

Prints the figures and ratios (targets: webhook/plain >= 1.2, intake/health
>= 0.8). Exits 1 when an order is not confirmed or an event fails, 2 when
Odoo cannot be reached. Leaves the webhook and middleware orders in the
database (the plain loop's are rolled back; the committing loop's stay).
"""

import argparse
import configparser
import json
import os
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import psutil
import psycopg2
import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from bench_shopify_e2e import (  # noqa: E402
    build_orders,
    failed_events,
    middleware_path,
    send_webhooks,
    signed_headers,
    wait_until_idle,
)
from demo_secrets import DemoSecretsError, connection_params, webhook_credentials  # noqa: E402
from odoo_rpc import add_odoo_arguments, connect  # noqa: E402
from sandbox.shopify import DemoShop  # noqa: E402

TARGET_E2E = 1.2
TARGET_INTAKE = 0.8
INTAKE_SENDERS = 20
REQUEST_TIMEOUT = 10.0


def job_slots(config_path, channel="root.integration.shopify"):
    """Jobs the server runs at once on ``channel``: the capacity of the
    nearest configured channel in [queue_job] channels (queue_job's rule)."""
    parser = configparser.ConfigParser()
    parser.read(config_path)
    spec = os.environ.get("ODOO_QUEUE_JOB_CHANNELS") or parser.get("queue_job", "channels", fallback="root:1")
    capacities = {}
    for item in spec.split(","):
        name, _sep, rest = item.strip().partition(":")
        capacities[name.strip()] = int(rest.split(":")[0] or 1)
    while channel:
        if channel in capacities:
            return capacities[channel]
        channel = channel.rpartition(".")[0]
    return 1


# ------------------------------------------------------------------------------
# CPU per order
# ------------------------------------------------------------------------------

BUSY = ("user", "nice", "system", "irq", "softirq")  # what a busy CPU counts (idle, iowait, steal are not)


def machine_busy(cpu_times):
    """The busy seconds of ``cpu_times`` (psutil.cpu_times() as a dict, or
    the difference of two)."""
    return sum(cpu_times.get(name, 0.0) for name in BUSY)


def machine_cpu():
    """(CPU seconds the whole machine has spent so far, every process:
    Odoo, PostgreSQL, this driver; this driver's own)."""
    own = psutil.Process().cpu_times()
    return machine_busy(psutil.cpu_times()._asdict()), own.user + own.system


def cpu_line(busy, orders, own=None):
    """The CPU a path spent per order, and the throughput the machine's
    cores would allow at that cost, fully used."""
    cores = psutil.cpu_count()
    line = f"  machine CPU {1000 * busy / orders:.0f} ms per order"
    if own is not None:
        line += f" (this driver's senders or clients: {1000 * own / orders:.0f} ms)"
    return f"{line}; {cores} cores at that cost: at most {cores * orders / busy:.2f} orders/s"


def cpu_since(before, orders):
    busy, own = machine_cpu()
    return cpu_line(busy - before[0], orders, own - before[1])


# ------------------------------------------------------------------------------
# 1. the plain ORM loop
# ------------------------------------------------------------------------------


def plain_path(args, orders, commit=False):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(orders, handle)
    try:
        env = dict(os.environ, BENCH_PLAIN_ORDERS=handle.name, BENCH_PLAIN_COMMIT="1" if commit else "0")
        with open(HERE / "bench_pipeline_plain.py", encoding="utf-8") as script:
            done = subprocess.run(
                shlex.split(args.odoo_shell),
                stdin=script,
                capture_output=True,
                text=True,
                env=env,
                timeout=3600,
                check=False,
            )
    finally:
        os.unlink(handle.name)
    for line in done.stdout.splitlines():
        if line.startswith("PLAIN_RESULT "):
            return json.loads(line.split(" ", 1)[1])
    raise SystemExit(f"the plain loop failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")


def plain_run(odoo, args, orders, commit=False):
    """Run one plain loop once the server is idle, print its figures, and
    return its orders/s."""
    wait_until_idle(odoo, 600)
    plain = plain_path(args, orders, commit)
    rate = plain["orders"] / plain["seconds"]
    print(
        f"  {plain['orders']} orders in {plain['seconds']:.2f} s = {rate:.2f} orders/s, "
        f"{plain['queries_per_order']:.1f} SQL queries/order"
    )
    print(cpu_line(machine_busy(plain["cpu_times"]), plain["orders"]))
    return rate


# ------------------------------------------------------------------------------
# 2. the webhook path and its breakdown
# ------------------------------------------------------------------------------


def webhook_path(odoo, args, shop, orders):
    url = f"{args.odoo_url}/integration/webhook/shopify/{args.token}"
    names = [order["name"] for order in orders]
    start = time.perf_counter()
    answers = send_webhooks(url, args.secret, shop, orders, args.senders)
    sent = time.perf_counter() - start
    print(f"  sent {len(orders)} webhooks in {sent:.2f} s ({len(orders) / sent:.1f}/s): {dict(answers)}")
    if answers.get((200, "accepted"), 0) != len(orders):
        raise SystemExit("FAILED: not every delivery was accepted")
    deadline = time.monotonic() + args.timeout
    last_check = time.monotonic()
    while True:
        confirmed = odoo(
            "sale.order", "search_count", [("client_order_ref", "in", names), ("state", "=", "sale")]
        )
        if confirmed >= len(orders):
            return time.perf_counter() - start
        now = time.monotonic()
        if now >= deadline:
            raise SystemExit(f"FAILED: {confirmed}/{len(orders)} confirmed after {args.timeout:.0f} s")
        if now - last_check >= 5:
            last_check = now
            failures = failed_events(odoo, orders)
            if failures:
                for event in failures:
                    print(f"  event {event['external_id']} {event['state']}: {event['error_message']}")
                raise SystemExit("FAILED: events failed, their orders will not be confirmed")
        time.sleep(0.25)


BREAKDOWN_SQL = """
WITH ev AS (
    SELECT id, received_at, done_at FROM integration_event
     WHERE backend_id = %(backend)s AND external_id = ANY(%(external_ids)s)
), jobs AS (
    SELECT j.*, (j.records::json->'ids'->>0)::int AS event_id
      FROM queue_job j
     WHERE j.model_name = 'integration.event' AND j.method_name = '_job_process'
       AND j.date_created >= %(since)s
)
SELECT jobs.id, jobs.event_id, jobs.state, jobs.result, jobs.retry, jobs.date_created, jobs.date_started,
       jobs.date_done,
       (SELECT min(r.started_at) FROM integration_event_run r
         WHERE r.event_id = jobs.event_id AND r.started_at >= jobs.date_started
           AND (jobs.date_done IS NULL OR r.started_at <= jobs.date_done)) AS run_started
  FROM jobs JOIN ev ON ev.id = jobs.event_id
 ORDER BY jobs.date_started
"""


def db_counters(conn):
    with conn.cursor() as cr:
        cr.execute(
            "SELECT xact_commit, xact_rollback, deadlocks FROM pg_stat_database WHERE datname = current_database()"
        )
        return cr.fetchone()


def breakdown(conn, backend_id, orders, since, wall, slots, counters_before):
    """Where the webhook path's time went (printed)."""
    conn.rollback()
    with conn.cursor() as cr:
        cr.execute(
            BREAKDOWN_SQL,
            {"backend": backend_id, "external_ids": [str(o["id"]) for o in orders], "since": since},
        )
        rows = cr.fetchall()
        cr.execute(
            """SELECT min(received_at), max(done_at), avg(extract(epoch FROM done_at - received_at))
                 FROM integration_event WHERE backend_id = %s AND external_id = ANY(%s)""",
            [backend_id, [str(o["id"]) for o in orders]],
        )
        first_received, last_done, mean_latency = cr.fetchone()
        # the dispatch jobs that gave the deliveries their jobs, in batches
        cr.execute(
            """SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM date_done - date_started)),
                      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM date_started - date_created))
                 FROM queue_job WHERE method_name = '_dispatch_deliveries' AND date_created >= %s AND date_done IS NOT NULL""",
            [since],
        )
        dispatches, dispatch_run, dispatch_wait = cr.fetchone()
    commits, rollbacks, deadlocks = (a - b for a, b in zip(db_counters(conn), counters_before, strict=True))
    conn.rollback()
    ran = [r for r in rows if r[6] and r[7]]
    if not ran:
        print("  breakdown: no job timings found")
        return

    def ms(delta):
        return delta.total_seconds() * 1000.0

    n = len(orders)
    results = {}
    for row in ran:
        key = (row[3] or "").split(":")[0] or "(none)"
        results[key] = results.get(key, 0) + 1
    redos = sum(1 for r in ran if (r[3] or "").startswith("Retry scheduled"))
    postponed = sum(max((r[4] or 0) - 1, 0) for r in rows)  # perform() counts each run
    busy = sum(ms(r[7] - r[6]) for r in ran)
    window = ms(max(r[7] for r in ran) - min(r[6] for r in ran))
    start_overhead = [ms(r[8] - r[6]) for r in ran if r[8]]
    run_part = [ms(r[7] - r[8]) for r in ran if r[8]]
    waits = [ms(r[6] - r[5]) for r in ran]
    # hand-over: a slot freed by a job's end is taken by the next start
    # (FIFO pairing of ends and starts while there is a backlog)
    ends = sorted(r[7] for r in ran)
    starts = sorted(r[6] for r in ran)[slots:]
    handover = [ms(s - e) for s, e in zip(starts, ends, strict=False) if s >= e]
    wasted = sum(ms(r[7] - r[6]) for r in ran if (r[3] or "").startswith("Retry scheduled"))
    print(f"  breakdown ({len(ran)} jobs for {n} orders, {slots} job slots, window {window / 1000:.2f} s):")
    print(f"    job results          {results}")
    print(
        f"    dispatch jobs        {dispatches} ({n / max(dispatches, 1):.1f} deliveries each), median run "
        f"{float(dispatch_run or 0) * 1000:.0f} ms, median from delivery to start {float(dispatch_wait or 0) * 1000:.0f} ms"
    )
    print(
        f"    contention redos     {redos} jobs ({redos / n:.2f}/order), {wasted / 1000:.2f} s of slot time wasted"
    )
    print(
        f"    queue_job postponed  {postponed} (retry counter: lock or serialization error outside the handler)"
    )
    print(
        f"    slot occupancy       {busy / (slots * window) * 100:.0f} % "
        f"({busy / 1000:.2f} s busy of {slots} x {window / 1000:.2f} s)"
    )
    print(
        f"    per job, median ms   hand-over {statistics.median(handover) if handover else float('nan'):.1f}"
        f"  start->run {statistics.median(start_overhead):.1f}"
        f"  run (import+commit) {statistics.median(run_part):.1f}"
        f"  queued {statistics.median(waits):.0f}"
    )
    print(
        f"    per order, slot ms   {busy / n:.1f} busy = {sum(start_overhead) / n:.1f} job start "
        f"+ {sum(run_part) / n:.1f} run (of which {wasted / n:.1f} redone); "
        f"+ {sum(handover) / n:.1f} hand-over"
    )
    print(
        f"    database             {commits / n:.1f} commits/order, {rollbacks / n:.1f} rollbacks/order, "
        f"{deadlocks} deadlocks"
    )
    if first_received and last_done:
        print(
            f"    events               first received -> last done {ms(last_done - first_received) / 1000:.2f} s "
            f"(wall {wall:.2f} s), mean latency {float(mean_latency or 0):.2f} s"
        )


# ------------------------------------------------------------------------------
# 3. the middleware peer
# ------------------------------------------------------------------------------


def middleware_parallel(odoo, orders, clients):
    """``clients`` XML-RPC clients, each taking the next order off one list."""
    chunks = [orders[i::clients] for i in range(clients)]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        calls = list(pool.map(lambda chunk: middleware_path(odoo, chunk)[1] * len(chunk), chunks))
    return time.perf_counter() - start, sum(calls) / len(orders)


# ------------------------------------------------------------------------------
# 4. acknowledgement vs /web/health
# ------------------------------------------------------------------------------


def hammer(seconds, senders, make_request):
    """``senders`` threads calling ``make_request(session, index)`` for
    ``seconds``; returns (answered 2xx, other answers, wall)."""
    counter = iter(range(10**9))
    lock = threading.Lock()
    tally = {"ok": 0, "other": 0}
    stop = time.perf_counter() + seconds

    def worker():
        with requests.Session() as session:
            session.trust_env = False
            while time.perf_counter() < stop:
                with lock:
                    index = next(counter)
                try:
                    ok = make_request(session, index)
                except requests.RequestException:
                    ok = False
                with lock:
                    tally["ok" if ok else "other"] += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(senders)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally["ok"], tally["other"], time.perf_counter() - start


def queue_depth(conn):
    conn.rollback()
    with conn.cursor() as cr:
        cr.execute(
            "SELECT count(*) FILTER (WHERE state = 'started'), count(*) FROM queue_job "
            "WHERE state IN ('pending', 'enqueued', 'started')"
        )
        started, waiting = cr.fetchone()
        # deliveries stored by the webhook, waiting for their dispatch job
        cr.execute("SELECT count(*) FROM integration_event WHERE state = 'queued' AND job_id IS NULL")
        undispatched = cr.fetchone()[0]
    conn.rollback()
    return started, waiting, undispatched


def intake_vs_health(args, shop, rng, tag, conn):
    url = f"{args.odoo_url}/integration/webhook/shopify/{args.token}"
    health = f"{args.odoo_url}/web/health"
    per_phase = int(args.intake_seconds * 150) + 50  # more bodies than any phase can send
    bodies = []
    for index in range(args.rounds * per_phase):
        spec = shop.random_order_spec(
            rng, email=f"i-{tag}-{index}@bench.example.com", financial_status="paid"
        )
        body = json.dumps(shop.create_order(spec)).encode("utf-8")
        bodies.append((body, signed_headers(args.secret, body, shop)))
    backlog = build_orders(shop, args.backlog, rng, "B", tag)
    answers = send_webhooks(url, args.secret, shop, backlog, 4)
    print(f"  job backlog: {args.backlog} orders sent first {dict(answers)}")

    def get_health(session, _index):
        return session.get(health, timeout=REQUEST_TIMEOUT).status_code == 200

    ratios, health_rates, intake_rates = [], [], []
    for round_no in range(args.rounds):
        phase = bodies[round_no * per_phase : (round_no + 1) * per_phase]

        def post_webhook(session, index, phase=phase):
            body, headers = phase[index % len(phase)]
            if index >= len(phase):
                return False  # out of fresh bodies: not counted as accepted
            response = session.post(url, data=body, headers=headers, timeout=REQUEST_TIMEOUT)
            return response.status_code == 200 and response.json().get("status") == "accepted"

        jobs_before = queue_depth(conn)
        ok_h, bad_h, wall_h = hammer(args.intake_seconds, INTAKE_SENDERS, get_health)
        ok_w, bad_w, wall_w = hammer(args.intake_seconds, INTAKE_SENDERS, post_webhook)
        jobs_after = queue_depth(conn)
        rate_h, rate_w = ok_h / wall_h, ok_w / wall_w
        health_rates.append(rate_h)
        intake_rates.append(rate_w)
        ratios.append(rate_w / rate_h)
        print(
            f"  round {round_no + 1}: /web/health {rate_h:7.1f} req/s ({bad_h} not 200)  "
            f"webhook {rate_w:7.1f} req/s ({bad_w} not accepted)  ratio {rate_w / rate_h:.2f}  "
            f"[jobs running/waiting before {jobs_before[0]}/{jobs_before[1]}, after {jobs_after[0]}/{jobs_after[1]}; "
            f"deliveries waiting for their dispatch job: {jobs_after[2]}]"
        )
    return statistics.median(health_rates), statistics.median(intake_rates), statistics.median(ratios)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_odoo_arguments(parser)
    parser.add_argument("--token")
    parser.add_argument("--secret")
    parser.add_argument("--orders", type=int, default=120, help="orders per path")
    parser.add_argument("--senders", type=int, default=4, help="threads sending the webhook path's orders")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--server-config", default=str(HERE.parent / ".local" / "odoo.conf"))
    parser.add_argument("--odoo-shell", required=True, help="command line of `odoo shell` for the plain loop")
    parser.add_argument("--intake-seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backlog", type=int, default=40, help="orders sent before the intake rounds")
    parser.add_argument(
        "--skip", default="", help="comma-separated: plain,plain-commit,webhook,middleware,intake"
    )
    parser.add_argument("--seed", type=int, default=29)
    args = parser.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    try:
        args.token, args.secret = webhook_credentials(args.database, args.token, args.secret)
    except DemoSecretsError as exc:
        print(f"cannot read the demo backend's token and secret: {exc}", file=sys.stderr)
        return 2
    odoo = connect(args)
    if odoo is None:
        return 2
    conn = psycopg2.connect(**connection_params(args.database), connect_timeout=10)
    backend_id = odoo("integration.backend", "search", [("webhook_token", "=", args.token)], limit=1)[0]
    slots = job_slots(args.server_config)
    rng = random.Random(args.seed)
    tag = datetime.now().strftime("%H%M%S")
    shop = DemoShop(client_secret=args.secret)
    plain_orders = build_orders(shop, args.orders + 1, rng, "P", tag)
    committed_orders = build_orders(shop, args.orders + 1, rng, "C", tag)
    webhook_orders = build_orders(shop, args.orders, rng, "W", tag)
    middleware_orders = build_orders(shop, args.orders, rng, "M", tag)
    lines = sum(len(o["line_items"]) for o in webhook_orders) / args.orders
    print(
        f"database {args.database} on {args.odoo_url}: {args.orders} paid Shopify orders per path, "
        f"{lines:.1f} product lines + shipping on average, a new customer each; {slots} job slots; "
        f"load {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}"
    )
    figures = {}

    if "plain" not in skip:
        print("plain ORM loop: one process (odoo shell), partner/products/sale.order/confirm per order")
        figures["plain"] = plain_run(odoo, args, plain_orders)

    if "plain-commit" not in skip:
        print(
            "plain ORM loop, a commit per order (as each job commits its order): one process, for the breakdown"
        )
        figures["plain_commit"] = plain_run(odoo, args, committed_orders, commit=True)
        if "plain" in figures:
            cost = 1000 / figures["plain_commit"] - 1000 / figures["plain"]
            print(f"  a commit per order costs the loop {cost:.0f} ms per order")

    if "webhook" not in skip:
        print(
            f"webhook path: orders/create webhooks ({args.senders} senders) -> queue_job -> confirmed sale.order"
        )
        wait_until_idle(odoo, 600)
        since = datetime.now(timezone.utc).replace(tzinfo=None)
        counters = db_counters(conn)
        conn.rollback()
        cpu = machine_cpu()
        seconds = webhook_path(odoo, args, shop, webhook_orders)
        figures["webhook"] = args.orders / seconds
        print(f"  {args.orders} orders confirmed in {seconds:.2f} s = {figures['webhook']:.2f} orders/s")
        print(cpu_since(cpu, args.orders))
        breakdown(conn, backend_id, webhook_orders, since, seconds, slots, counters)

    if "middleware" not in skip:
        print(f"middleware peer: {slots} parallel XML-RPC clients (one per job slot)")
        wait_until_idle(odoo, 600)
        cpu = machine_cpu()
        seconds, calls = middleware_parallel(odoo, middleware_orders, slots)
        cpu = cpu_since(cpu, args.orders)
        names = [order["name"] for order in middleware_orders]
        confirmed = odoo(
            "sale.order", "search_count", [("client_order_ref", "in", names), ("state", "=", "sale")]
        )
        figures["middleware"] = args.orders / seconds
        print(
            f"  {confirmed} orders confirmed in {seconds:.2f} s = {figures['middleware']:.2f} orders/s "
            f"({calls:.1f} XML-RPC calls/order)"
        )
        print(cpu)

    if "intake" not in skip:
        print(f"acknowledgement: {INTAKE_SENDERS} senders, /web/health vs webhook, while jobs run")
        wait_until_idle(odoo, 600)
        health, intake, ratio = intake_vs_health(args, shop, rng, tag, conn)
        figures.update(health=health, intake=intake, intake_ratio=ratio)
        started = time.perf_counter()
        wait_until_idle(odoo, 1200)
        print(
            f"  (the backlog and the intake deliveries were imported {time.perf_counter() - started:.0f} s later)"
        )

    print("summary")
    for key, label in (
        ("plain", "plain ORM loop"),
        ("plain_commit", "plain, commit per order"),
        ("webhook", "webhook -> confirmed"),
        ("middleware", "middleware"),
    ):
        if key in figures:
            print(f"  {label:<24} {figures[key]:8.2f} orders/s")
    if "plain" in figures and "webhook" in figures:
        ratio = figures["webhook"] / figures["plain"]
        verdict = "PASS" if ratio >= TARGET_E2E else "FAIL"
        print(f"  ratio webhook/plain       {ratio:.2f}x (target >= {TARGET_E2E:g}x): {verdict}")
    if "plain_commit" in figures and "webhook" in figures:
        print(
            f"  ratio webhook/plain with a commit per order each  "
            f"{figures['webhook'] / figures['plain_commit']:.2f}x (not the target's baseline)"
        )
    if "middleware" in figures and "webhook" in figures:
        print(
            f"  ratio webhook/middleware  {figures['webhook'] / figures['middleware']:.2f}x ({slots} clients)"
        )
    if "intake_ratio" in figures:
        verdict = "PASS" if figures["intake_ratio"] >= TARGET_INTAKE else "FAIL"
        print(
            f"  intake {figures['intake']:.1f} req/s vs /web/health {figures['health']:.1f} req/s: "
            f"ratio {figures['intake_ratio']:.2f} (median of {args.rounds} rounds; target >= {TARGET_INTAKE:g}): "
            f"{verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
