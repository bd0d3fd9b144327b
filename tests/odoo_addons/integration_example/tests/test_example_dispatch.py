"""Every Odoo business event of lib/topics.py ODOO_EVENTS reaches the
listeners of a table, with the records it concerns, from the core's one
override of each Odoo method. The example's table is widened here to one
probe topic per Odoo event (our own table, not Odoo, is what is patched)."""

from contextlib import ExitStack
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.integration_core.lib.topics import ODOO_EVENTS, Topic, TopicTable
from odoo.addons.integration_example.models.integration_backend import EXAMPLE_TOPICS

from .common import ExampleCase


def _listener_name(odoo_event):
    return "_listen_probe_" + odoo_event.replace(".", "_")


PROBE_TOPICS = TopicTable(
    [topic for topic in EXAMPLE_TOPICS if topic.feed != "odoo_event"]
    + [
        Topic(
            f"probe.{odoo_event.replace('.', '_')}",
            "out",
            "odoo_event",
            "_export_shipment",
            model="example.exporter",
            odoo_event=odoo_event,
            listener=_listener_name(odoo_event),
        )
        for odoo_event in ODOO_EVENTS
    ]
)


@tagged("post_install", "-at_install")
class TestEveryOdooEventIsDispatched(ExampleCase):
    def setUp(self):
        super().setUp()
        self.heard = []  # (odoo event, backend, model, ids)
        stack = ExitStack()
        self.addCleanup(stack.close)
        Backend = type(self.env["integration.backend"])
        stack.enter_context(patch.object(Backend, "_example_topics", lambda backend: PROBE_TOPICS))
        Exporter = type(self.env["example.exporter"])
        for odoo_event in ODOO_EVENTS:

            def listen(model, backend, records, odoo_event=odoo_event):
                self.heard.append((odoo_event, backend, records._name, set(records.ids)))

            stack.enter_context(patch.object(Exporter, _listener_name(odoo_event), listen, create=True))
        # the example backend alone listens (demo backends of other channels are archived)
        self.env["integration.backend"].search([("id", "!=", self.example.id)]).active = False
        self.env.registry.clear_cache()  # the table changed: rebuild the listener map
        self.partner = self.env["res.partner"].create({"name": "Probe customer"})

    def heard_of(self, odoo_event):
        return [entry for entry in self.heard if entry[0] == odoo_event]

    def _sale(self, qty=3):
        return self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "order_line": [(0, 0, {"product_id": self.widget.id, "product_uom_qty": qty})],
            }
        )

    def test_sales_stock_and_invoice_events(self):
        sale = self._sale()
        sale.action_confirm()
        [(_event, backend, model, ids)] = self.heard_of("sale_order.confirmed")
        self.assertEqual((backend, model, ids), (self.example, "sale.order", {sale.id}))
        picking = sale.picking_ids
        picking.action_assign()
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking._action_done()
        backorder = sale.picking_ids - picking
        self.assertEqual(self.heard_of("backorder.created")[0][2:], ("stock.picking", {backorder.id}))
        self.assertEqual(self.heard_of("picking.done")[0][2:], ("stock.picking", {picking.id}))
        self.assertEqual(self.heard_of("stock_move.done")[0][2:], ("stock.move", set(picking.move_ids.ids)))
        invoice = sale._create_invoices()
        self.assertFalse(self.heard_of("invoice.posted"), "a draft invoice is not posted")
        invoice.action_post()
        self.assertEqual(self.heard_of("invoice.posted")[0][2:], ("account.move", {invoice.id}))
        other = self._sale(qty=1)
        other.action_confirm()
        other._action_cancel()
        self.assertEqual(self.heard_of("sale_order.cancelled")[0][2:], ("sale.order", {other.id}))

    def test_purchase_order_confirmed(self):
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": self.partner.id,
                "order_line": [(0, 0, {"product_id": self.widget.id, "product_qty": 2, "price_unit": 5})],
            }
        )
        purchase.button_confirm()
        [(_event, backend, model, ids)] = self.heard_of("purchase_order.confirmed")
        self.assertEqual((backend, model, ids), (self.example, "purchase.order", {purchase.id}))
        self.assertTrue(purchase.picking_ids, "the receipt exists when the listeners hear of the order")

    def test_price_and_pricelist_events(self):
        self.widget.list_price = self.widget.list_price  # the same price: no change
        self.assertFalse(self.heard_of("product.price_changed"))
        self.widget.product_tmpl_id.list_price = 61.5
        [(_event, backend, model, ids)] = self.heard_of("product.price_changed")
        self.assertEqual((backend, model, ids), (self.example, "product.product", {self.widget.id}))
        pricelist = self.env["product.pricelist"].create({"name": "Probe prices"})
        item = self.env["product.pricelist.item"].create(
            {"pricelist_id": pricelist.id, "compute_price": "percentage", "percent_price": 5}
        )
        item.percent_price = 7
        item.unlink()
        heard = self.heard_of("pricelist.changed")
        self.assertEqual(len(heard), 3)  # created, changed, deleted
        self.assertEqual(
            {(model, frozenset(ids)) for _e, _b, model, ids in heard},
            {("product.pricelist", frozenset({pricelist.id}))},
        )

    def test_records_of_another_company_do_not_reach_the_backend(self):
        company_b = self.env["res.company"].create({"name": "Probe B", "currency_id": self.usd.id})
        partner_b = self.env["res.partner"].create({"name": "B customer", "company_id": company_b.id})
        sale_b = (
            self.env["sale.order"]
            .with_company(company_b)
            .create({"partner_id": partner_b.id, "company_id": company_b.id})
        )
        sale_b.with_company(company_b).action_confirm()
        self.assertEqual(sale_b.state, "sale")
        self.assertFalse(self.heard_of("sale_order.confirmed"))
        # a batch of both companies: the backend gets its own company's only
        sale_a = self._sale(qty=1)
        self.env["integration.odoo.event"]._dispatch("sale_order.confirmed", sale_a | sale_b)
        [(_event, _backend, _model, ids)] = self.heard_of("sale_order.confirmed")
        self.assertEqual(ids, {sale_a.id})

    def test_an_unknown_odoo_event_is_a_programming_error(self):
        with self.assertRaises(ValueError):
            self.env["integration.odoo.event"]._dispatch("picking.exploded", self.env["stock.picking"])
