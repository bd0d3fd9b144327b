"""Contract: Shopify's own published sample orders (../shared/fixtures,
outside the repository) map to valid canonical orders and import with the
totals their lines make. Skipped, with the reason, where the folder is absent."""

import json
import unittest
from pathlib import Path

from odoo.tests import tagged

from odoo.addons.integration_core.lib import canonical, money

from ..lib import mapper
from .common import ShopifyCase

FIXTURES = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures" / "shopify"


@tagged("post_install", "-at_install")
class TestShopifySampleOrders(ShopifyCase):
    @classmethod
    def setUpClass(cls):
        if not FIXTURES.is_dir():
            raise unittest.SkipTest(
                f"Shopify sample fixtures not found at {FIXTURES} (they live outside the repo)"
            )
        super().setUpClass()
        cls.shopify.check_totals = False  # the 2008 demo data's totals disagree with its lines (see below)
        cls.shopify.create_missing_products = True
        cls.env["account.tax"].create({"name": "State Tax 6% (test)", "amount": 6, "type_tax_use": "sale"})
        cls.env.ref("base.USD").active = True

    def samples(self):
        order = json.loads((FIXTURES / "order.json").read_text())["order"]
        listed = json.loads((FIXTURES / "orders.json").read_text())["orders"]
        # orders.json lists the same order without its line items: give it order.json's lines
        merged = [dict(o, line_items=order["line_items"], tax_lines=order["tax_lines"]) for o in listed]
        return [order, *merged]

    def test_every_sample_maps_and_imports_with_the_right_totals(self):
        for index, sample in enumerate(self.samples()):
            with self.subTest(sample=index):
                data = mapper.order_to_canonical(dict(sample, id=f"{sample['id']}{index}"))
                self.assertEqual(canonical.iter_errors("order", data), [])
                sale = self.env["integration.order.importer"]._import_order(self.shopify, data)
                # the mapper's amounts are Decimals: exact sums, compared in the currency's rounding
                expected_untaxed = (
                    money.total(
                        line["quantity"] * line["unit_price"] - (line.get("discount_amount") or 0)
                        for line in data["lines"]
                    )
                    + money.total(s["price"] for s in data.get("shipping_lines") or [])
                    - money.total(d["amount"] for d in data.get("discounts") or [])
                )
                expected_tax = money.total(
                    money.round_amount(line["quantity"] * line["unit_price"] * tax["rate"])
                    for line in data["lines"]
                    for tax in line.get("taxes") or []
                )
                currency = sale.currency_id
                self.assertEqual(currency.compare_amounts(sale.amount_untaxed, float(expected_untaxed)), 0)
                self.assertEqual(currency.compare_amounts(sale.amount_tax, float(expected_tax)), 0)
                self.assertEqual(len(sale.order_line.filtered("integration_external_id")), len(data["lines"]))
