"""The plain in-process ORM loop of scripts/bench-pipeline (one process).

Run inside Odoo by scripts/bench_pipeline.py:
    BENCH_PLAIN_ORDERS=orders.json odoo shell -d DB --no-http < scripts/bench_pipeline_plain.py

The orders file holds Shopify REST orders, the same shapes (other names and
customers) as the ones the webhook path imports. For each order the loop does
what a developer would write without the suite, with bench_core.py's plain
path as the model: find or create the partner by email (with its address;
found by its normalised email, the indexed column the suite's importer
reads, so that both sides look customers up the same way),
find the products by internal reference, create the sale.order with its
lines, discount, taxes and shipping line, and confirm it. Lookups any such
code caches (country, taxes, shipping product) are done once. One warm-up
order first; everything runs in one transaction rolled back at the end, so
the database is left as it was. Prints one line: PLAIN_RESULT {json}.

With BENCH_PLAIN_COMMIT=1 the loop commits each order instead, as a job
does (and as any importer that keeps its orders must): the orders stay in
the database, and the record cache starts empty for each one.
"""

import json
import os
import time

import psutil

import odoo
from odoo import fields
from odoo.tools import email_normalize


def plain_loop(env, orders, commit=False):
    Partner = env["res.partner"]
    Product = env["product.product"]
    Tax = env["account.tax"]
    shipping = env.ref("integration_core.product_shipping")
    countries, taxes = {}, {}

    def country(code):
        if code not in countries:
            countries[code] = env["res.country"].search([("code", "=", code)], limit=1).id
        return countries[code]

    def tax_ids(tax_lines):
        ids = []
        for tax in tax_lines:
            rate = round(float(tax["rate"]) * 100, 4)
            if rate not in taxes:
                taxes[rate] = Tax.search(
                    [
                        ("type_tax_use", "=", "sale"),
                        ("amount_type", "=", "percent"),
                        ("amount", "=", rate),
                        ("price_include", "=", False),
                        ("company_id", "=", env.company.id),
                    ],
                    limit=1,
                ).ids
            ids += taxes[rate]
        return ids

    for order in orders:
        customer, address = order["customer"], order["billing_address"]
        email = email_normalize(order["email"])
        partner = Partner.search([("email_normalized", "=", email)], limit=1) or Partner.create(
            {
                "name": f"{customer['first_name']} {customer['last_name']}",
                "email": order["email"],
                "phone": address.get("phone"),
                "street": address.get("address1"),
                "city": address.get("city"),
                "zip": address.get("zip"),
                "country_id": country(address.get("country_code")),
            }
        )
        lines = []
        for line in order["line_items"]:
            product = Product.search([("default_code", "=", line["sku"])], limit=1)
            gross = float(line["price"]) * line["quantity"]
            discount = sum(float(a["amount"]) for a in line["discount_allocations"])
            lines.append(
                fields.Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": line["quantity"],
                        "price_unit": float(line["price"]),
                        "discount": round(100.0 * discount / gross, 6) if gross and discount else 0.0,
                        "tax_id": [fields.Command.set(tax_ids(line["tax_lines"]))],
                    }
                )
            )
        for ship in order["shipping_lines"]:
            lines.append(
                fields.Command.create(
                    {
                        "product_id": shipping.id,
                        "name": ship["title"],
                        "product_uom_qty": 1,
                        "price_unit": float(ship["price"]),
                        "tax_id": [fields.Command.set(tax_ids(ship["tax_lines"]))],
                    }
                )
            )
        sale = env["sale.order"].create(
            {"partner_id": partner.id, "client_order_ref": order["name"], "order_line": lines}
        )
        sale.action_confirm()
        if commit:
            env.cr.commit()


def main(env):
    with open(os.environ["BENCH_PLAIN_ORDERS"], encoding="utf-8") as handle:
        orders = json.load(handle)
    commit = os.environ.get("BENCH_PLAIN_COMMIT") == "1"
    env = env(context=dict(env.context, tracking_disable=False))  # as in production
    plain_loop(env, orders[:1], commit)  # warm-up: caches as warm as the server's
    env.flush_all()
    queries = odoo.sql_db.sql_counter
    cpu_before = psutil.cpu_times()._asdict()  # the whole machine's: PostgreSQL's work counts too
    start = time.perf_counter()
    plain_loop(env, orders[1:], commit)
    env.flush_all()
    elapsed = time.perf_counter() - start
    cpu_times = {name: spent - cpu_before[name] for name, spent in psutil.cpu_times()._asdict().items()}
    count = odoo.sql_db.sql_counter - queries
    env.cr.rollback()
    measured = len(orders) - 1
    print(
        "PLAIN_RESULT "
        + json.dumps(
            {
                "orders": measured,
                "seconds": elapsed,
                "queries_per_order": count / measured,
                "cpu_times": cpu_times,  # bench_pipeline.py counts the busy ones
            }
        )
    )


main(env)  # noqa: F821 - provided by odoo shell
