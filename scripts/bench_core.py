"""Benchmark: canonical orders through the integration path vs a plain ORM loop.

Run inside Odoo (scripts/bench-core does it):  odoo shell -d DB < scripts/bench_core.py

Path A, integration: for each order, store an event (idempotency key), enqueue
its queue_job job, then run the job the way the job runner does (load it,
mark it started, perform, mark it done): mapping-free canonical validation,
partner matching, products by SKU, taxes, shipping line, binding, confirm.

Path B, plain ORM: what a developer would write without the suite: find or
create the partner by email, find products by SKU, create the sale.order
with the same lines and taxes, confirm it.

Both paths create the same N orders (different customers and references) in
one transaction that is rolled back at the end: the database is left as it
was. Prints orders/s and SQL queries per order for each, and the ratio.
"""

import os
import threading
import time

import odoo
from odoo import fields
from odoo.tools import email_normalize

from odoo.addons.queue_job.job import Job

N = int(os.environ.get("BENCH_ORDERS", "200"))
TAG = str(int(time.time()))


def setup(env):
    company = env.company
    usd = env.ref("base.USD")
    usd.active = True
    tax = env["account.tax"].create(
        {"name": f"Bench 10% {TAG}", "amount": 10.0, "amount_type": "percent", "type_tax_use": "sale"}
    )
    products = env["product.product"].create(
        [
            {
                "name": f"Bench widget {TAG}",
                "default_code": f"BW-{TAG}",
                "type": "product",
                "taxes_id": [(6, 0, tax.ids)],
            },
            {
                "name": f"Bench gadget {TAG}",
                "default_code": f"BG-{TAG}",
                "type": "product",
                "taxes_id": [(6, 0, tax.ids)],
            },
        ]
    )
    pricelist = env["product.pricelist"].create({"name": f"Bench {TAG}", "currency_id": usd.id})
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    backend = env["integration.backend"].create(
        {
            "name": f"Bench {TAG}",
            "warehouse_id": warehouse.id,
            "pricelist_id": pricelist.id,
            "order_confirm_policy": "paid",
        }
    )
    return backend, products, tax, pricelist, warehouse


def canonical(i, prefix):
    ref = f"{prefix}-{TAG}-{i}"
    return {
        "schema_version": 1,
        "external_id": ref,
        "name": f"#{ref}",
        "currency": "USD",
        "taxes_included": False,
        "updated_at": "2024-05-01T10:00:00+00:00",
        "customer": {"external_id": f"C{ref}", "name": f"Customer {i}", "email": f"{ref}@bench.example.com"},
        "lines": [
            {
                "external_id": f"{ref}-1",
                "sku": f"BW-{TAG}",
                "name": "Widget",
                "quantity": 2,
                "unit_price": 50.0,
                "taxes": [{"title": "Sales Tax", "rate": 0.1}],
            },
            {
                "external_id": f"{ref}-2",
                "sku": f"BG-{TAG}",
                "name": "Gadget",
                "quantity": 1,
                "unit_price": 30.0,
                "taxes": [{"title": "Sales Tax", "rate": 0.1}],
            },
        ],
        "shipping_lines": [{"title": "Standard", "price": 5.0}],
        "totals": {"total": 148.0},
        "financial_status": "paid",
    }


def integration_path(env, backend):
    Event = env["integration.event"]
    for i in range(N):
        order = canonical(i, "A")
        event, _created = Event._receive(
            backend,
            "order.import",
            order,
            idempotency_key=order["external_id"],
            external_id=order["external_id"],
        )
        event._enqueue()
        job = Job.load(env, event.job_id.uuid)
        job.set_started()
        job.store()
        job.perform()
        job.set_done()
        job.store()
        if event.state != "done":
            raise SystemExit(f"event {event.id} ended {event.state}: {event.error_message}")


def plain_loop(env, products, tax, pricelist, warehouse):
    Partner = env["res.partner"]
    Product = env["product.product"]
    for i in range(N):
        order = canonical(i, "B")
        email = order["customer"]["email"]
        # the indexed normalised email, as the suite's importer looks customers up
        partner = Partner.search(
            [("email_normalized", "=", email_normalize(email))], limit=1
        ) or Partner.create({"name": order["customer"]["name"], "email": email})
        lines = []
        for line in order["lines"]:
            product = Product.search([("default_code", "=", line["sku"])], limit=1)
            lines.append(
                fields.Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": line["quantity"],
                        "price_unit": line["unit_price"],
                        "tax_id": [fields.Command.set(tax.ids)],
                    }
                )
            )
        shipping = env.ref("integration_core.product_shipping")
        lines.append(
            fields.Command.create(
                {"product_id": shipping.id, "product_uom_qty": 1, "price_unit": 5.0, "tax_id": []}
            )
        )
        sale = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "client_order_ref": order["name"],
                "pricelist_id": pricelist.id,
                "warehouse_id": warehouse.id,
                "order_line": lines,
            }
        )
        sale.action_confirm()


def measure(label, func, *args):
    env.flush_all()  # noqa: F821 - provided by odoo shell
    queries = odoo.sql_db.sql_counter
    start = time.perf_counter()
    func(*args)
    env.flush_all()  # noqa: F821
    elapsed = time.perf_counter() - start
    count = odoo.sql_db.sql_counter - queries
    print(
        f"{label:<28} {N} orders in {elapsed:7.2f} s = {N / elapsed:7.1f} orders/s, {count / N:6.1f} SQL queries/order"
    )
    return elapsed, count


env = env(context=dict(env.context, tracking_disable=False))  # noqa: F821 - as in production
# Everything here runs in one transaction that is rolled back: the run log
# (integration.event._begin_run) must be written on it, as in Odoo's tests,
# not on an independent connection that cannot see the uncommitted events.
threading.current_thread().testing = True
backend, products, tax, pricelist, warehouse = setup(env)
# warm-up: one order each way, so both paths start with warm caches
N_SAVED, N = N, 1
integration_path(env, backend)
plain_loop(env, products, tax, pricelist, warehouse)
N = N_SAVED
TAG = TAG + "x"
backend, products, tax, pricelist, warehouse = setup(env)
print(f"database {env.cr.dbname}, {N} orders of 2 lines + shipping, confirmed")
a_time, a_queries = measure("integration (event->job)", integration_path, env, backend)
b_time, b_queries = measure("plain ORM loop", plain_loop, env, products, tax, pricelist, warehouse)
print(
    f"ratio integration/plain: time {a_time / b_time:.2f}x, queries {a_queries / b_queries:.2f}x (target <= 1.5x)"
)
env.cr.rollback()
