from odoo.tests import tagged
from odoo.tools import SQL

from ..lib.exceptions import BusinessRuleError, MappingError, StaleUpdate
from .common import IntegrationCase, canonical_order


@tagged("post_install", "-at_install")
class TestOrderImporter(IntegrationCase):
    def importer(self):
        return self.env["integration.order.importer"]

    def test_full_order(self):
        order = self.importer()._import_order(self.backend, canonical_order("7001"))
        self.assertEqual(order.client_order_ref, "#7001")
        self.assertEqual(order.pricelist_id.currency_id, self.usd)
        self.assertEqual(order.warehouse_id, self.warehouse)
        self.assertEqual(order.state, "sale")  # paid + policy "paid"
        self.assertAlmostEqual(order.amount_total, 148.0)
        product_lines = order.order_line.filtered(lambda l: l.product_id in (self.widget | self.gadget))
        self.assertEqual(product_lines.mapped("tax_id"), self.tax_10)
        shipping = order.order_line.filtered(
            lambda l: l.product_id == self.env.ref("integration_core.product_shipping")
        )
        self.assertEqual(shipping.price_unit, 5.0)
        self.assertEqual(order.tag_ids.mapped("name"), ["web"])
        # customer with separate invoice and delivery addresses
        self.assertEqual(order.partner_id.email, "ada7001@example.com")
        self.assertEqual(order.partner_invoice_id, order.partner_id)
        self.assertEqual(order.partner_shipping_id.parent_id, order.partner_id)
        self.assertEqual(order.partner_shipping_id.type, "delivery")
        self.assertEqual(order.partner_shipping_id.city, "Shelbyville")

    def test_customer_matched_by_binding_then_email(self):
        existing = self.env["res.partner"].create({"name": "Ada (existing)", "email": "ADA7002@example.com"})
        first = self.importer()._import_order(self.backend, canonical_order("7002"))
        self.assertEqual(first.partner_id, existing)
        second = canonical_order(
            "7003", customer={"external_id": "C-7002", "name": "Ada", "email": "changed@example.com"}
        )
        self.assertEqual(self.importer()._import_order(self.backend, second).partner_id, existing)

    def test_an_email_underscore_is_no_wildcard(self):
        other = self.env["res.partner"].create({"name": "Adam", "email": "adaXlove@example.com"})
        order = canonical_order(
            "7010", customer={"external_id": "C-7010", "name": "Ada", "email": "ada_love@example.com"}
        )
        partner = self.importer()._import_order(self.backend, order).partner_id
        self.assertNotEqual(partner, other)
        self.assertEqual(partner.email, "ada_love@example.com")

    def assert_customer_found_by_email(self, stored, sent, ref):
        existing = self.env["res.partner"].create({"name": "Ada (existing)", "email": stored})
        customer = {"external_id": f"C-{ref}", "name": "Ada", "email": sent}
        sale = self.importer()._import_order(self.backend, canonical_order(ref, customer=customer))
        self.assertEqual(sale.partner_id, existing)

    def test_customer_found_by_the_address_of_an_email_with_a_display_name(self):
        self.assert_customer_found_by_email(
            '"Ada Lovelace" <ADA7030@Example.com>', " Ada7030@EXAMPLE.com", "7030"
        )

    def test_a_text_that_is_no_address_is_matched_without_case(self):
        self.assert_customer_found_by_email("Ada At Home", "ada at home", "7031")

    def test_the_look_up_by_email_reads_an_index_not_every_partner(self):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'res_partner' AND indexdef LIKE %s",
            ["%(email_normalized)%"],
        )
        self.assertTrue(self.env.cr.fetchall(), "res_partner.email_normalized has no index")
        importer = self.importer()
        condition = importer._customer_email_condition(importer._customer_email_key(" Ada@Example.com "))
        self.assertEqual(condition, ("email_normalized", "=", "ada@example.com"))
        query = self.env["res.partner"].sudo()._search([condition, ("parent_id", "=", False)], limit=1)
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute(SQL("EXPLAIN %s", query.select()))
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.env.cr.execute("SET LOCAL enable_seqscan = on")
        self.assertIn("email_normalized", plan)
        self.assertNotIn("Seq Scan", plan)

    def test_new_customer_is_created_under_an_advisory_lock_on_its_email(self):
        order = canonical_order("7020")
        order["customer"]["email"] = "  New.Customer.7020@Example.com "
        sale = self.importer()._import_order(self.backend, order)
        key = self.importer()._customer_lock_key(self.company, "new.customer.7020@example.com")
        self.env.cr.execute(
            """
            SELECT count(*) FROM pg_locks
             WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
               AND classid::bigint = %s AND objid::bigint = %s AND objsubid = 1
            """,
            [(key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 1)
        # a second order, another customer id, the same email: the same partner
        other = canonical_order("7021")
        other["customer"]["email"] = "new.customer.7020@example.com"
        self.assertEqual(self.importer()._import_order(self.backend, other).partner_id, sale.partner_id)

    def test_product_by_barcode_and_binding(self):
        order = canonical_order("7004")
        order["lines"][0].update(sku=None, barcode="1234567890128")
        order["lines"][1].update(sku="OLD-SKU", variant_external_id="V-1")
        self.env["integration.binding"]._bind(self.backend, self.gadget, "V-1")
        sale = self.importer()._import_order(self.backend, order)
        self.assertEqual(
            sale.order_line.mapped("product_id") & (self.widget | self.gadget), self.widget | self.gadget
        )

    def test_unknown_sku_is_a_mapping_error(self):
        order = canonical_order("7005")
        order["lines"][1]["sku"] = "NOPE"
        with self.assertRaisesRegex(MappingError, "NOPE"):
            self.importer()._import_order(self.backend, order)

    def test_unmapped_tax_then_mapped(self):
        order = canonical_order("7006", totals={})
        for line in order["lines"]:
            line["taxes"] = [{"title": "Odd Tax", "rate": 0.0725}]
        with self.assertRaisesRegex(MappingError, "Odd Tax"):
            self.importer()._import_order(self.backend, order)
        self.env["integration.tax.map"].create(
            {"backend_id": self.backend.id, "title": "Odd Tax", "rate": 0.0725, "tax_id": self.tax_10.id}
        )
        sale = self.importer()._import_order(self.backend, order)
        self.assertIn(self.tax_10, sale.order_line.mapped("tax_id"))

    def test_taxes_included_prices(self):
        tax_incl = self.env["account.tax"].create(
            {"name": "10% incl (test)", "amount": 10, "price_include": True, "type_tax_use": "sale"}
        )
        order = canonical_order("7007", taxes_included=True)
        order["lines"] = [
            {
                "external_id": "1",
                "sku": "INT-WIDGET",
                "name": "Widget",
                "quantity": 1,
                "unit_price": 110.0,
                "taxes": [{"title": "VAT", "rate": 0.1, "amount": 10.0}],
            }
        ]
        order["shipping_lines"] = []
        order["totals"] = {"total": 110.0}
        sale = self.importer()._import_order(self.backend, order)
        self.assertEqual(sale.order_line.tax_id, tax_incl)
        self.assertAlmostEqual(sale.amount_total, 110.0)
        self.assertAlmostEqual(sale.amount_untaxed, 100.0)

    def test_discounts(self):
        order = canonical_order("7008")
        order["lines"][0]["discount_amount"] = 10.0  # of 100.0: 10 %
        order["discounts"] = [{"code": "WELCOME5", "amount": 5.0}]
        order["totals"] = {"total": 148.0 - 11.0 - 5.0}
        sale = self.importer()._import_order(self.backend, order)
        widget_line = sale.order_line.filtered(lambda l: l.product_id == self.widget)
        self.assertAlmostEqual(widget_line.discount, 10.0)
        discount_line = sale.order_line.filtered(
            lambda l: l.product_id == self.env.ref("integration_core.product_discount")
        )
        self.assertAlmostEqual(discount_line.price_unit, -5.0)
        self.assertAlmostEqual(sale.amount_total, 132.0)

    def test_totals_mismatch_is_a_business_error(self):
        with self.assertRaisesRegex(BusinessRuleError, "149.00"):
            self.importer()._import_order(self.backend, canonical_order("7009", totals={"total": 149.0}))

    def test_update_and_stale_update(self):
        sale = self.importer()._import_order(
            self.backend, canonical_order("7010", financial_status="pending", note="first")
        )
        self.assertEqual(sale.state, "draft")
        newer = canonical_order(
            "7010", updated_at="2024-05-02T10:00:00+00:00", note="second", financial_status="paid"
        )
        self.assertEqual(self.importer()._import_order(self.backend, newer), sale)
        self.assertIn("second", str(sale.note))
        self.assertEqual(sale.state, "sale")
        older = canonical_order("7010", updated_at="2024-05-01T12:00:00+00:00", note="stale")
        with self.assertRaises(StaleUpdate):
            self.importer()._import_order(self.backend, older)
        self.assertIn("second", str(sale.note))

    def test_paid_update_in_the_same_second_as_pending_is_not_stale(self):
        same_second = "2024-05-01T10:00:00.250000+00:00"
        pending = canonical_order("7013", updated_at=same_second, financial_status="pending")
        sale = self.importer()._import_order(self.backend, pending)
        self.assertEqual(sale.state, "draft")
        paid = canonical_order("7013", updated_at="2024-05-01T10:00:00.900000+00:00", note="paid")
        self.assertEqual(self.importer()._import_order(self.backend, paid), sale)
        self.assertEqual(sale.state, "sale")
        self.assertIn("paid", str(sale.note))
        # the pending version again (same second): applied, and confirmation is not undone
        self.importer()._import_order(self.backend, pending)
        self.assertEqual(sale.state, "sale")

    def test_confirmation_policies(self):
        self.backend.order_confirm_policy = "never"
        self.assertEqual(self.importer()._import_order(self.backend, canonical_order("7011")).state, "draft")
        self.backend.order_confirm_policy = "always"
        pending = canonical_order("7012", financial_status="pending")
        self.assertEqual(self.importer()._import_order(self.backend, pending).state, "sale")

    def test_warehouse_routing_by_location(self):
        other = self.env["stock.warehouse"].create(
            {"name": "East", "code": "EAST", "company_id": self.company.id}
        )
        self.env["integration.location.map"].create(
            {"backend_id": self.backend.id, "location_code": "LOC-EAST", "warehouse_id": other.id}
        )
        sale = self.importer()._import_order(self.backend, canonical_order("7013", location_code="LOC-EAST"))
        self.assertEqual(sale.warehouse_id, other)

    def test_other_currency_uses_its_pricelist(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        sale = self.importer()._import_order(self.backend, canonical_order("7014", currency="EUR", totals={}))
        self.assertEqual(sale.currency_id, eur)

    def test_unknown_country_is_a_mapping_error(self):
        order = canonical_order("7015")
        order["shipping_address"]["country_code"] = "ZZ"
        with self.assertRaisesRegex(MappingError, "ZZ"):
            self.importer()._import_order(self.backend, order)
