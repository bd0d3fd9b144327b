"""SSCCs: allocated from the company's GS1 prefix with a valid check digit,
never twice within twelve months, even when the serial wraps."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..lib import sscc
from .common import EdiCase


@tagged("post_install", "-at_install")
class TestEdiSscc(EdiCase):
    def setUp(self):
        super().setUp()
        self.company.gs1_company_prefix = "0614141999"  # 10 digits: 6-digit serials
        self.picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "location_id": self.warehouse.lot_stock_id.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
            }
        )
        self.Sscc = self.env["trading.partner.sscc"]

    def _wrap_to(self, code):
        """Make the next serial the one of ``code`` again (the sequence wrapped)."""
        serial = int(code[11:17])
        sequence = self.Sscc._sequence(self.company)
        sequence.number_next_actual = serial + sscc.serial_capacity("0614141999")

    def test_codes_are_valid_and_start_with_the_prefix(self):
        codes = self.Sscc._allocate(self.company, self.picking, 3).mapped("sscc")
        self.assertEqual(len(set(codes)), 3)
        for code in codes:
            self.assertEqual(sscc.validate_sscc(code), code)
            self.assertEqual(code[1:11], "0614141999")

    def test_a_code_used_this_year_is_skipped_and_one_older_than_a_year_reused(self):
        first = self.Sscc._allocate(self.company, self.picking)
        self._wrap_to(first.sscc)
        second = self.Sscc._allocate(self.company, self.picking)
        self.assertNotEqual(second.sscc, first.sscc, "used within twelve months: skipped")
        first.allocated_at = fields.Datetime.now() - timedelta(days=400)
        code = first.sscc
        self._wrap_to(code)
        third = self.Sscc._allocate(self.company, self.picking)
        self.assertEqual(third.sscc, code, "last used more than a year ago: may serve again")
        self.assertFalse(first.exists())

    def test_a_company_without_a_prefix_cannot_label(self):
        self.company.gs1_company_prefix = False
        with self.assertRaises(UserError):
            self.Sscc._allocate(self.company, self.picking)
