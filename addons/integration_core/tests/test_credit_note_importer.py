from decimal import Decimal

from odoo.tests import tagged

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import MappingError, ValidationFailed

from .common import IntegrationCase, canonical_order


def credit_note(external_id="CN1", order_ref="1001", **overrides):
    data = {
        "schema_version": 1,
        "external_id": external_id,
        "number": f"Refund {external_id}",
        "move_type": "credit_note",
        "order_ref": order_ref,
        "note": "too small",
        "currency": "USD",
        "lines": [
            {
                "order_line_external_id": "1001-1",
                "sku": "INT-WIDGET",
                "name": "Widget",
                "quantity": 1,
                "unit_price": Decimal("50.00"),
            }
        ],
    }
    data.update(overrides)
    return data


@tagged("post_install", "-at_install")
class TestCreditNoteImporter(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend.tax_map_ids = [(0, 0, {"title": "Sales Tax", "rate": 0.1, "tax_id": cls.tax_10.id})]
        cls.sale = cls.env["integration.order.importer"]._import_order(cls.backend, canonical_order("1001"))
        cls.importer = cls.env["integration.credit_note.importer"]

    def test_credit_note_of_an_order_line(self):
        move = self.importer._import_credit_note(self.backend, credit_note())
        self.assertEqual(move.move_type, "out_refund")
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.company_id, self.backend.company_id)
        self.assertEqual(move.partner_id, self.sale.partner_invoice_id)
        self.assertEqual(move.invoice_origin, self.sale.name)
        self.assertEqual(move.ref, "Refund CN1")
        widget_line = self.sale.order_line.filtered(lambda l: l.integration_external_id == "1001-1")
        self.assertEqual(move.invoice_line_ids.sale_line_ids, widget_line)
        self.assertEqual(move.invoice_line_ids.tax_ids, widget_line.tax_id)
        self.assertEqual(move.amount_untaxed, 50.0)
        self.assertEqual(self.currency_compare(move.amount_total, 55.0), 0)

    def currency_compare(self, first, second):
        return self.usd.compare_amounts(first, second)

    def test_same_canonical_twice_gives_one_credit_note(self):
        first = self.importer._import_credit_note(self.backend, credit_note())
        stored = canonical.loads(canonical.dumps(credit_note()))  # as the event stores it
        again = self.importer._import_credit_note(self.backend, stored)
        self.assertEqual(first, again)
        self.assertEqual(self.env["account.move"].search_count([("ref", "=", "Refund CN1")]), 1)

    def test_amount_only_credit_note_and_cents_stay_exact(self):
        lines = [{"name": "Goodwill", "quantity": 1, "unit_price": Decimal("0.10"), "taxes": []}] * 3
        move = self.importer._import_credit_note(self.backend, credit_note("CN2", lines=lines))
        self.assertEqual(self.currency_compare(move.amount_total, 0.30), 0)
        self.assertFalse(move.invoice_line_ids.tax_ids)
        self.assertFalse(move.invoice_line_ids.product_id)

    def test_credit_note_for_an_unknown_invoice_or_order_is_a_clear_error(self):
        with self.assertRaisesRegex(MappingError, r"^refunded_invoice_ref: unknown invoice 'INV/1999/0042'"):
            self.importer._import_credit_note(
                self.backend, credit_note("CN3", order_ref=None, refunded_invoice_ref="INV/1999/0042")
            )
        with self.assertRaisesRegex(MappingError, r"^order_ref: unknown sales order 'nope'"):
            self.importer._import_credit_note(self.backend, credit_note("CN4", order_ref="nope"))
        with self.assertRaisesRegex(MappingError, r"names neither"):
            self.importer._import_credit_note(self.backend, credit_note("CN5", order_ref=None))
        with self.assertRaisesRegex(ValidationFailed, "move_type"):
            self.importer._import_credit_note(self.backend, credit_note("CN6", move_type="invoice"))
        self.assertFalse(self.env["integration.binding"]._find(self.backend, "account.move", "CN3"))

    def test_credit_note_of_an_invoice_reverses_it(self):
        self.assertEqual(self.sale.state, "sale")  # paid: confirmed on import
        invoice = self.sale._create_invoices()
        invoice.action_post()
        move = self.importer._import_credit_note(
            self.backend, credit_note("CN7", order_ref=None, refunded_invoice_ref=invoice.name)
        )
        self.assertEqual(move.reversed_entry_id, invoice)
        self.assertEqual(move.partner_id, invoice.partner_id)

    def test_writes_in_the_backends_company_only(self):
        company_b = self.env["res.company"].create(
            {"name": "Company B (credit notes)", "currency_id": self.usd.id}
        )
        backend_b = self.env["integration.backend"].create({"name": "B feed", "company_id": company_b.id})
        # company A's order, by its name: not company B's to credit
        with self.assertRaisesRegex(MappingError, "order_ref: unknown sales order"):
            self.importer._import_credit_note(backend_b, credit_note("CN8", order_ref=self.sale.name))
        # nor through a binding of B pointing at it
        self.env["integration.binding"]._bind(backend_b, self.sale, "1001")
        with self.assertRaisesRegex(MappingError, "order_ref: unknown sales order"):
            self.importer._import_credit_note(backend_b, credit_note("CN8", order_ref="1001"))
        # company A's backend books it in company A
        move = self.importer._import_credit_note(self.backend, credit_note("CN8", order_ref=self.sale.name))
        self.assertEqual(move.company_id, self.company)
