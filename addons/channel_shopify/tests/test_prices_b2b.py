from odoo.tests import tagged

from .common import ShopifyCase


class ShopifyPricesCase(ShopifyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the store sells in the company's currency (its prices: the sales prices)
        cls.sandbox.currency = cls.env.company.currency_id.name

    def setUp(self):
        super().setUp()
        self.import_products()
        self.variant = {sku: self._binding(product).external_id for sku, product in self.products.items()}

    def _binding(self, product):
        return self.env["integration.binding"].search(
            [
                ("backend_id", "=", self.shopify.id),
                ("res_model", "=", "product.product"),
                ("res_id", "=", product.id),
            ]
        )

    def _calls(self, operation):
        return sum(1 for call in self.sandbox.calls if call.get("operation") == operation)

    def _events(self, topic, state=None):
        domain = [("backend_id", "=", self.shopify.id), ("topic", "=", topic)]
        if state:
            domain.append(("state", "=", state))
        return self.env["integration.event"].search(domain, order="id")


@tagged("post_install", "-at_install")
class TestShopifyPrices(ShopifyPricesCase):
    def test_price_change_sends_only_that_variant(self):
        event = self.run_topic("price.export", {"full": True})
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(self._calls("productVariantsBulkUpdate"), 3)  # one per product
        self.sandbox.calls.clear()
        self.products["TRS-42"].list_price = 79.5
        pending = self._events("price.export", "queued")
        self.assertEqual(len(pending), 1)
        self.assertEqual(pending._raw_data()["product_ids"], [self.products["TRS-42"].id])
        self.run_jobs()
        pending.invalidate_recordset()
        self.assertEqual(pending.state, "done", pending.error_message)
        self.assertEqual(self._calls("productVariantsBulkUpdate"), 1)
        self.assertEqual(self.sandbox.price_updates[-1][1], [int(self.variant["TRS-42"])])
        self.assertEqual(self.sandbox.variant_price(self.variant["TRS-42"])[0], "79.50")
        self.assertEqual(self.sandbox.variant_price(self.variant["TRS-43"])[0], "89.90")
        # nothing changed since: a full pass's delta sends nothing
        result = self.env["shopify.price.exporter"]._export_prices(self.shopify)
        self.assertEqual((result["changed"], result["refused"]), (0, 0))

    def test_pricelist_rule_sends_every_variant_it_touches_in_fewest_calls(self):
        store = self.env["product.pricelist"].create(
            {"name": "Shopify store", "currency_id": self.env.company.currency_id.id}
        )
        self.shopify.write({"shopify_price_pricelist_id": store.id, "shopify_compare_at": "list_price"})
        self.run_topic("price.export", {"full": True})
        self.sandbox.calls.clear()
        # 10 % off the Trail Runner Shoe only: its two variants, one product, one call
        self.env["product.pricelist.item"].create(
            {
                "pricelist_id": store.id,
                "applied_on": "0_product_variant",
                "product_id": self.products["TRS-42"].id,
                "compute_price": "percentage",
                "percent_price": 10,
            }
        )
        self.env["product.pricelist.item"].create(
            {
                "pricelist_id": store.id,
                "applied_on": "0_product_variant",
                "product_id": self.products["TRS-43"].id,
                "compute_price": "percentage",
                "percent_price": 10,
            }
        )
        self.assertTrue(self._events("pricelist.export", "queued"))
        self.run_jobs()
        self.assertEqual(set(self._events("pricelist.export").mapped("state")), {"done"})
        self.assertEqual(self._calls("productVariantsBulkUpdate"), 1)
        self.assertEqual(self.sandbox.variant_price(self.variant["TRS-42"]), ("80.91", "89.90"))
        self.assertEqual(self.sandbox.variant_price(self.variant["TRS-43"]), ("80.91", "89.90"))
        self.assertEqual(self.sandbox.variant_price(self.variant["MTS-S"])[1], None)

    def test_second_currency_goes_to_its_market_price_list(self):
        chf = self.env.ref("base.CHF")
        chf.active = True
        market = self.sandbox.add_market("Switzerland", "CHF")
        swiss = self.env["product.pricelist"].create(
            {
                "name": "Switzerland (CHF)",
                "currency_id": chf.id,
                "item_ids": [
                    (
                        0,
                        0,
                        {
                            "applied_on": "3_global",
                            "compute_price": "fixed",
                            "fixed_price": 99.0,
                        },
                    )
                ],
            }
        )
        self.shopify.action_shopify_import_markets()
        mapping = self.shopify.shopify_price_list_map_ids
        self.assertEqual(len(mapping), 1)
        self.assertEqual(mapping.price_list_currency, "CHF")
        mapping.pricelist_id = swiss
        self.sandbox.calls.clear()
        event = self.run_topic("price.export", {"full": True})
        self.assertEqual(event.state, "done", event.error_message)
        price_list = market["price_list_id"]
        for sku in self.products:
            self.assertEqual(self.sandbox.fixed_price(price_list, self.variant[sku])["price"], "99.00")
        self.assertEqual(self._calls("priceListFixedPricesAdd"), 1)  # 5 prices, one batch
        # the market's pricelist changes: only its price list is fed again
        self.sandbox.calls.clear()
        swiss.item_ids.fixed_price = 95.0
        self.run_jobs()
        self.assertEqual(self._calls("priceListFixedPricesAdd"), 1)
        self.assertEqual(self._calls("productVariantsBulkUpdate"), 0)
        self.assertEqual(self.sandbox.fixed_price(price_list, self.variant["SWB-750"])["price"], "95.00")

    def test_refused_prices_become_failed_events_with_their_cause(self):
        self.run_topic("price.export", {"full": True})
        self.products["TRS-43"].list_price = -5.0
        self.run_jobs()
        refused = self._events("price.export", "failed")
        self.assertEqual(len(refused), 1)
        self.assertIn("negative price -5.00", refused.error_message)
        self.assertEqual(refused.res_id, self.products["TRS-43"].id)
        self.assertEqual(refused.error_code, "price.negative")
        self.assertEqual(self.sandbox.variant_price(self.variant["TRS-43"])[0], "89.90")  # not sent
        # fixed in Odoo, then the user retries the failed event
        self.products["TRS-43"].list_price = 85.0
        refused.action_retry()
        self.run_jobs()
        refused.invalidate_recordset()
        self.assertEqual(refused.state, "done", refused.error_message)
        self.assertEqual(self.sandbox.variant_price(self.variant["TRS-43"])[0], "85.00")

    def test_store_prices_in_another_currency_than_the_store_are_refused_once(self):
        chf = self.env.ref("base.CHF")
        chf.active = True
        self.shopify.shopify_price_pricelist_id = self.env["product.pricelist"].create(
            {"name": "CHF store", "currency_id": chf.id}
        )
        event = self.run_topic("price.export", {"full": True})
        self.assertEqual(event.state, "done", event.error_message)
        self.assertFalse(self.sandbox.price_updates)
        failed = self._events("price.export", "failed")
        self.assertEqual(len(failed), 1)  # one for the target, not one per variant
        self.assertIn("the store sells in", failed.error_message)
        self.assertEqual(
            sorted(failed._raw_data()["product_ids"]), sorted(p.id for p in self.products.values())
        )

    def test_currency_not_enabled_and_gone_variant_are_refused_with_their_cause(self):
        self.env.ref("base.CHF").active = True
        market = self.sandbox.add_market("Switzerland", "CHF")
        self.sandbox.enable_currency("CHF", False)
        swiss = self.env["product.pricelist"].create(
            {"name": "CHF", "currency_id": self.env.ref("base.CHF").id}
        )
        self.env["shopify.price.list.map"].create(
            {
                "backend_id": self.shopify.id,
                "name": "Switzerland",
                "price_list_gid": f"gid://shopify/PriceList/{market['price_list_id']}",
                "pricelist_id": swiss.id,
            }
        )
        gone = self.variant["SWB-750"]
        product = self.sandbox.variants[int(gone)]["product_id"]
        self.sandbox.products[product]["variants"].clear()
        del self.sandbox.variants[int(gone)]
        event = self.run_topic("price.export", {"full": True})
        self.assertEqual(event.state, "done", event.error_message)
        failed = self._events("price.export", "failed")
        messages = " | ".join(failed.mapped("error_message"))
        self.assertIn("currency CHF is not enabled", messages)
        self.assertIn("no longer has this variant", messages)
        self.assertEqual(
            set(failed.mapped("error_code")), {"price.currency_not_enabled", "price.variant_gone"}
        )  # two causes, however many variants
        # the next full pass does not duplicate them
        self.run_topic("price.export", {"full": True})
        self.assertEqual(self._events("price.export", "failed"), failed)


@tagged("post_install", "-at_install")
class TestShopifyB2b(ShopifyPricesCase):
    def setUp(self):
        super().setUp()
        self.net30 = self.env["account.payment.term"].create(
            {
                "name": "Net 30 (test)",
                "line_ids": [(0, 0, {"value": "percent", "value_amount": 100, "nb_days": 30})],
            }
        )
        self.wholesale = self.env["product.pricelist"].create(
            {
                "name": "Wholesale",
                "currency_id": self.env.company.currency_id.id,
                "item_ids": [
                    (0, 0, {"applied_on": "3_global", "compute_price": "percentage", "percent_price": 20})
                ],
            }
        )
        self.company_partner = self.env["res.partner"].create(
            {
                "name": "Wholesale Desks GmbH",
                "is_company": True,
                "ref": "C-0042",
                "street": "Industriestraße 5",
                "city": "Köln",
                "zip": "50667",
                "country_id": self.env.ref("base.de").id,
                "property_payment_term_id": self.net30.id,
                "property_product_pricelist": self.wholesale.id,
            }
        )
        Partner = self.env["res.partner"]
        Partner.create(
            {
                "name": "Depot Köln",
                "type": "delivery",
                "parent_id": self.company_partner.id,
                "street": "Hafenstraße 1",
                "city": "Köln",
                "zip": "50668",
                "country_id": self.env.ref("base.de").id,
            }
        )
        Partner.create(
            {
                "name": "Grace Hopper",
                "type": "contact",
                "parent_id": self.company_partner.id,
                "email": "grace@wholesale-desks.example.com",
                "function": "Purchasing",
            }
        )
        self.shopify.shopify_b2b_partner_ids = self.company_partner

    def test_price_list_in_a_currency_the_store_lacks_fails_the_company_with_its_cause(self):
        chf = self.env.ref("base.CHF")
        chf.active = True
        self.company_partner.property_product_pricelist = self.env["product.pricelist"].create(
            {"name": "Wholesale CHF", "currency_id": chf.id}
        )
        self.run_topic("company.sync", {})
        export = self._events("company.export")
        self.assertEqual(export.state, "failed")
        self.assertIn("is not enabled on the shop", export.error_message)

    def test_company_pushed_with_locations_contacts_terms_and_catalog(self):
        self.run_topic("company.sync", {})
        exports = self._events("company.export")
        self.assertEqual(len(exports), 1)
        self.assertEqual(exports.state, "done", exports.error_message)
        company = self.sandbox.company_by_external_id("C-0042")
        self.assertEqual(company["name"], "Wholesale Desks GmbH")
        locations = [self.sandbox.company_locations[i] for i in company["location_ids"]]
        self.assertEqual([loc["name"] for loc in locations], ["Depot Köln"])
        self.assertEqual(locations[0]["payment_terms_template_id"], 5)  # Net 30
        contacts = [self.sandbox.company_contacts[i]["customer_email"] for i in company["contact_ids"]]
        self.assertEqual(contacts, ["grace@wholesale-desks.example.com"])
        mapping = self.shopify.shopify_price_list_map_ids.filtered(lambda m: m.kind == "b2b")
        self.assertEqual(mapping.pricelist_id, self.wholesale)
        catalog = self.sandbox.catalogs[locations[0]["catalog_ids"][0]]
        self.assertEqual(f"gid://shopify/PriceList/{catalog['price_list_id']}", mapping.price_list_gid)
        self.assertEqual(set(self._events("pricelist.export").mapped("state")), {"done"})
        self.assertEqual(
            self.sandbox.fixed_price(catalog["price_list_id"], self.variant["TRS-42"])["price"], "71.92"
        )
        # kept in step: nothing changed, nothing pushed; a new contact is
        self.run_topic("company.sync", {})
        self.assertEqual(len(self._events("company.export")), 1)
        self.env["res.partner"].create(
            {
                "name": "Ada Lovelace",
                "parent_id": self.company_partner.id,
                "email": "ada@wholesale-desks.example.com",
            }
        )
        self.run_topic("company.sync", {})
        self.assertEqual(len(self._events("company.export")), 2)
        self.assertEqual(len(company["contact_ids"]), 2)
        self.assertEqual(len(company["location_ids"]), 1)

    def test_b2b_order_lands_on_the_company_with_po_number_and_terms(self):
        self.run_topic("company.sync", {})
        company = self.sandbox.company_by_external_id("C-0042")
        order = self.sandbox.create_order(
            {
                "company_location_id": company["location_ids"][0],
                "po_number": "PO-4711",
                "lines": [{"sku": "TRS-42", "quantity": 4, "price": "71.92"}],
            }
        )
        self.assertEqual(order["payment_terms"]["due_in_days"], 30)
        partners_before = self.env["res.partner"].search([])
        event = self.order_event(order)
        self.process(event)
        self.assertEqual(event.state, "done", event.error_message)
        sale = self.sale_of(order["id"])
        self.assertEqual(sale.partner_id, self.company_partner)
        self.assertEqual(sale.client_order_ref, "PO-4711")
        self.assertEqual(sale.payment_term_id.line_ids.nb_days, 30)
        self.assertEqual(sale.payment_term_id.line_ids.value_amount, 100)
        # no new customer: the addresses the order names belong to the company
        new_partners = self.env["res.partner"].search([]) - partners_before
        for partner in new_partners:
            self.assertEqual(partner.commercial_partner_id, self.company_partner)
        self.assertEqual(sale.partner_shipping_id.commercial_partner_id, self.company_partner)

    def test_b2b_order_on_terms_odoo_lacks_fails_with_its_cause(self):
        self.run_topic("company.sync", {})
        company = self.sandbox.company_by_external_id("C-0042")
        location_id = company["location_ids"][0]
        self.sandbox.company_locations[location_id]["payment_terms_template_id"] = 8  # Net 90 in Shopify
        for term in self.env["account.payment.term"].search([]):
            if term.line_ids.mapped("nb_days") == [90]:
                term.active = False
        order = self.sandbox.create_order({"company_location_id": location_id, "po_number": "PO-90"})
        event = self.order_event(order)
        self.process(event)
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.error_code, "order.payment_term_unknown")
        self.assertIn("90 days", event.error_message)
