"""Benchmark: a 3PL's 50,000-SKU inventory snapshot reconciled against the quants.

Run inside Odoo (scripts/bench-tpl-inventory does it):
    odoo shell -d DB < scripts/bench_tpl_inventory.py

Set-up (SQL level, in the transaction): a 3PL warehouse and its backend,
BENCH_SKUS products (default 50,000) copied from one seed product with
INSERT ... SELECT, one quant each at the warehouse's stock location, and a
snapshot listing every SKU with drift on BENCH_DRIFT of them (half within
the tolerance of 2 units, half beyond).

(a) our path: tpl.inventory's resolver (one query), quantities, moves
    since the count and released reservations (one grouped query each) and lib/reconcile.py
    (dict based, one pass);
(b) a naive ORM loop: for each SKU, search the product, search its quants
    under the stock location, sum, compare in Python. Run on a sample of
    BENCH_NAIVE_SAMPLE SKUs (default 5,000; 0 = all) and extrapolated to
    the whole snapshot, as the output says.

Then, for information, the whole topic handler (_apply_snapshot: records
the snapshot and its variance lines, applies what is within tolerance as
inventory moves). Prints seconds, the ratio (target >= 10x), the peak of
Python allocations while reconciling (tracemalloc) and the process's peak
RSS. Everything is rolled back: the database is left as it was.
"""

import os
import resource
import threading
import time
import tracemalloc
from decimal import Decimal

from odoo.addons.tpl_connector.lib import reconcile

N = int(os.environ.get("BENCH_SKUS", "50000"))
DRIFT = int(os.environ.get("BENCH_DRIFT", "1000"))
SAMPLE = int(os.environ.get("BENCH_NAIVE_SAMPLE", "5000"))
TAG = str(int(time.time()))


def copy_rows(cr, table, seed_id, overrides, count):
    """INSERT ``count`` copies of row ``seed_id`` of ``table``; ``overrides``
    maps a column to an SQL expression of ``n`` (1..count). Returns the new ids."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'",
        [table],
    )
    columns = [row[0] for row in cr.fetchall()]
    select = ", ".join(overrides.get(c, f"t.{c}") for c in columns)
    cr.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - names from the catalogue
        f"SELECT {select} FROM {table} t, generate_series(1, %s) n WHERE t.id = %s ORDER BY n RETURNING id",
        [count, seed_id],
    )
    return [row[0] for row in cr.fetchall()]


def setup(env):
    company = env.company
    warehouse = env["stock.warehouse"].create(
        {
            "name": f"Bench 3PL {TAG}",
            "code": f"B{TAG[-4:]}",
            "company_id": company.id,
            "delivery_steps": "ship_only",
            "reception_steps": "one_step",
        }
    )
    backend = env["integration.backend"].create(
        {
            "name": f"Bench 3PL {TAG}",
            "backend_type": "tpl",
            "tpl_transport": "rest",
            "company_id": company.id,
            "warehouse_id": warehouse.id,
            "tpl_warehouse_id": warehouse.id,
            "tpl_tolerance_qty": 2,
        }
    )
    seed = env["product.product"].create(
        {"name": "Bench seed", "default_code": f"BS-{TAG}", "type": "product"}
    )
    location = warehouse.lot_stock_id
    env["stock.quant"]._update_available_quantity(seed, location, 1)
    env.flush_all()
    cr = env.cr
    start = time.perf_counter()
    templates = copy_rows(
        cr,
        "product_template",
        seed.product_tmpl_id.id,
        {"name": "jsonb_build_object('en_US', 'Bench ' || n)"},
        N,
    )
    cr.execute(
        "CREATE TEMP TABLE bench_tmpl ON COMMIT DROP AS SELECT * FROM unnest(%s::int[]) WITH ORDINALITY AS x(id, n)",
        [templates],
    )
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'product_product' AND column_name != 'id'"
    )
    columns = [row[0] for row in cr.fetchall()]
    overrides = {
        "product_tmpl_id": "b.id",
        "default_code": f"'BI-{TAG}-' || b.n",
        "barcode": "NULL",
    }
    select = ", ".join(overrides.get(c, f"t.{c}") for c in columns)
    cr.execute(
        f"INSERT INTO product_product ({', '.join(columns)}) SELECT {select} "  # noqa: S608
        "FROM product_product t, bench_tmpl b WHERE t.id = %s ORDER BY b.n RETURNING id",
        [seed.id],
    )
    products = [row[0] for row in cr.fetchall()]
    cr.execute("SELECT id FROM stock_quant WHERE product_id = %s", [seed.id])
    quant_seed = cr.fetchone()[0]
    cr.execute(
        "CREATE TEMP TABLE bench_prod ON COMMIT DROP AS SELECT * FROM unnest(%s::int[]) WITH ORDINALITY AS x(id, n)",
        [products],
    )
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'stock_quant' AND column_name != 'id'"
    )
    columns = [row[0] for row in cr.fetchall()]
    overrides = {"product_id": "b.id", "quantity": "100 + mod(b.n, 50)", "reserved_quantity": "0"}
    select = ", ".join(overrides.get(c, f"t.{c}") for c in columns)
    cr.execute(
        f"INSERT INTO stock_quant ({', '.join(columns)}) SELECT {select} "  # noqa: S608
        "FROM stock_quant t, bench_prod b WHERE t.id = %s",
        [quant_seed],
    )
    env.invalidate_all()
    print(f"set-up: {N} products and quants by SQL in {time.perf_counter() - start:.1f} s")
    return backend, location


def build_snapshot():
    """Every SKU, drift on DRIFT of them spread evenly: +-1 (within tolerance) or -10."""
    step = max(N // DRIFT, 1) if DRIFT else N + 1
    items = []
    drifted = 0
    for n in range(1, N + 1):
        quantity = 100 + (n % 50)
        if n % step == 0 and drifted < DRIFT:
            quantity += (1 if drifted % 4 == 0 else -1) if drifted % 2 == 0 else -10
            drifted += 1
        items.append({"sku": f"BI-{TAG}-{n}", "on_hand": Decimal(quantity)})
    return {
        "schema_version": 1,
        "external_id": f"BENCH-{TAG}",
        "as_of": "2026-11-28T06:00:00Z",
        "complete": True,
        "items": items,
    }


def our_path(env, backend, location, snapshot, stages=None):
    """The reconciliation _apply_snapshot runs (before recording anything);
    ``stages``: a dict that receives the seconds of each step."""
    stages = {} if stages is None else stages
    Inventory = env["tpl.inventory"].sudo()
    clock = time.perf_counter()

    def lap(name):
        nonlocal clock
        now = time.perf_counter()
        stages[name] = now - clock
        clock = now

    resolve = Inventory._resolver(backend, {i["sku"] for i in snapshot["items"]})
    lap("resolve SKUs (1 query)")
    theirs = reconcile.translate(snapshot["items"], resolve)
    lap("translate")
    ours, reserved = Inventory._quantities(location)
    lap("quantities (1 query)")
    for key, moved in Inventory._moved_since(location, Inventory._utc(snapshot["as_of"])).items():
        ours[key] = ours.get(key, reconcile.ZERO) - moved
    lap("moves since the count (1 query)")
    protected = Inventory._protected(backend, location, reserved)
    lap("released reservations (1 query)")
    tolerance = reconcile.Tolerance(backend.tpl_tolerance_qty, backend.tpl_tolerance_percent)
    variances = reconcile.reconcile(theirs, ours, True, tolerance, protected=protected, keep_matched=False)
    lap("reconcile")
    return variances


def naive_loop(env, backend, location, items):
    Product = env["product.product"]
    Quant = env["stock.quant"]
    found = []
    for item in items:
        product = Product.search([("default_code", "=", item["sku"])], limit=1)
        quants = Quant.search([("product_id", "=", product.id), ("location_id", "child_of", location.id)])
        odoo_qty = sum(quants.mapped("quantity"))
        difference = float(item["on_hand"]) - odoo_qty
        if difference:
            status = "auto" if abs(difference) <= backend.tpl_tolerance_qty else "approve"
            found.append((product.id, odoo_qty, float(item["on_hand"]), difference, status))
    return found


env = env  # noqa: F821,PLW0127 - provided by odoo shell
threading.current_thread().testing = True  # one rolled-back transaction (see bench_core.py)
backend, location = setup(env)
snapshot = build_snapshot()
env.flush_all()

stages = {}
start = time.perf_counter()
variances = our_path(env, backend, location, snapshot, stages)
ours_s = time.perf_counter() - start
print("stages of (a): " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in stages.items()))
print(
    f"(a) our path: {N} SKUs reconciled in {ours_s:.2f} s ({N / ours_s:,.0f} SKUs/s), {len(variances)} variances"
)

sample = (
    snapshot["items"] if SAMPLE <= 0 or SAMPLE >= N else snapshot["items"][:: max(N // SAMPLE, 1)][:SAMPLE]
)
env.invalidate_all()
start = time.perf_counter()
naive = naive_loop(env, backend, location, sample)
naive_sample_s = time.perf_counter() - start
naive_s = naive_sample_s * N / len(sample)
if len(sample) < N:
    print(
        f"(b) naive ORM loop: {len(sample)} SKUs (an even sample) in {naive_sample_s:.2f} s; "
        f"EXTRAPOLATED to {N} SKUs: {naive_s:.1f} s ({len(sample) / naive_sample_s:,.0f} SKUs/s)"
    )
else:
    print(
        f"(b) naive ORM loop: {N} SKUs in {naive_s:.2f} s ({N / naive_s:,.0f} SKUs/s), {len(naive)} variances"
    )
print(f"ratio naive/ours: {naive_s / ours_s:.1f}x (target >= 10x)")

env.invalidate_all()
tracemalloc.start()
our_path(env, backend, location, snapshot)
_current, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
print(f"peak Python allocations while reconciling (tracemalloc): {peak / 1e6:.1f} MB")

start = time.perf_counter()
record = env["tpl.inventory"]._apply_snapshot(None, snapshot, backend=backend)
env.flush_all()
full_s = time.perf_counter() - start
print(
    f"whole handler (_apply_snapshot: records {len(record.variance_ids)} variance lines, applies "
    f"{record.auto_count} as inventory moves): {full_s:.2f} s, state {record.state}"
)
print(f"peak RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
env.cr.rollback()
