"""Money through the pipeline without binary floats: canonical payloads
stored and read with Decimals, and totals compared with the currency's
rounding."""

from decimal import Decimal

from odoo.tests import tagged

from ..lib import canonical
from ..lib.exceptions import BusinessRuleError
from .common import IntegrationCase, canonical_order


def cents_order(external_id, count, price="0.10", total=None):
    """``count`` lines of ``price`` each, no tax, no shipping."""
    lines = [
        {
            "external_id": f"{external_id}-{index}",
            "sku": "INT-GADGET",
            "name": "Gadget",
            "quantity": 1,
            "unit_price": Decimal(price),
            "taxes": [],
        }
        for index in range(count)
    ]
    expected = Decimal(price) * count if total is None else Decimal(total)
    return canonical_order(external_id, lines=lines, shipping_lines=[], totals={"total": expected})


@tagged("post_install", "-at_install")
class TestMoneyExact(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.importer = cls.env["integration.order.importer"]
        cls.backend.check_totals = True
        cls.backend.total_tolerance = 0.0

    def test_many_cents_sum_exactly_against_the_channel_total(self):
        # 0.10 thirty times is 3.00; as binary floats it is 3.0000000000000013
        self.assertNotEqual(sum([0.10] * 30), 3.0)
        sale = self.importer._import_order(self.backend, cents_order("M1", 30))
        self.assertEqual(sale.currency_id.compare_amounts(sale.amount_total, 3.0), 0)

    def test_total_tolerance_is_in_the_currency_rounding(self):
        # one cent off is within the smallest tolerance (one rounding unit) ...
        self.importer._import_order(self.backend, cents_order("M2", 3, total="0.31"))
        # ... two cents are not
        with self.assertRaisesRegex(
            BusinessRuleError, "Odoo computes a total of 0.30 but the channel says 0.32"
        ):
            self.importer._import_order(self.backend, cents_order("M3", 3, total="0.32"))
        self.backend.total_tolerance = 0.02
        self.importer._import_order(self.backend, cents_order("M4", 3, total="0.32"))

    def test_event_stores_the_canonical_payload_digit_for_digit(self):
        order = cents_order("M5", 3, price="19.99")
        event, _created = self.receive({"external_id": "M5"}, canonical_payload=order)
        self.assertIn('"unit_price":19.99', event.payload_canonical)
        self.process(event)
        self.assertEqual(event.state, "done", event.error_message)
        stored = canonical.loads(event.payload_canonical)
        self.assertEqual(stored["lines"][0]["unit_price"], Decimal("19.99"))
        self.assertEqual(stored["totals"]["total"], Decimal("59.97"))
        self.assertIn("19.99", event.payload_canonical_masked)
        sale = self.orders_for("M5")
        self.assertEqual(sale.currency_id.compare_amounts(sale.amount_total, 59.97), 0)

    def test_a_raw_generic_payload_is_read_with_decimals(self):
        # a generic backend's raw payload is its canonical one: read exactly
        event, _created = self.env["integration.event"]._receive(
            self.backend,
            topic="order.import",
            payload=canonical.dumps(cents_order("M6", 7, price="0.07")),
            idempotency_key="key-M6",
        )
        self.process(event)
        self.assertEqual(event.state, "done", event.error_message)
        self.assertIn('"unit_price": 0.07', event.payload_canonical)
