from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import sscc as sscc_lib

REUSE_AFTER_DAYS = 366  # GS1: an SSCC is not reused within twelve months


class TradingPartnerSscc(models.Model):
    """Every SSCC the company has put on a carton or pallet: allocated from
    its GS1 prefix, one serial after the other, never twice within a year
    (the serial wraps only past a number last used more than a year ago)."""

    _name = "trading.partner.sscc"
    _description = "SSCC (serial shipping container code)"
    _order = "id desc"
    _rec_name = "sscc"

    sscc = fields.Char(string="SSCC", required=True, index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    picking_id = fields.Many2one(
        "stock.picking", string="Transfer", ondelete="set null", index=True, readonly=True
    )
    package_id = fields.Many2one("stock.quant.package", string="Package", ondelete="set null", readonly=True)
    level = fields.Selection([("pack", "Carton"), ("tare", "Pallet")], default="pack", readonly=True)
    allocated_at = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)

    _sql_constraints = [("sscc_unique", "unique(company_id, sscc)", "This SSCC was allocated already.")]

    @api.model
    def _allocate(self, company, picking, count=1, level="pack"):
        """``count`` new SSCCs of ``company`` for ``picking``."""
        prefix = company.gs1_company_prefix
        if not prefix:
            raise UserError(
                _("Company %s has no GS1 company prefix: set it to label cartons with SSCCs.", company.name)
            )
        capacity = sscc_lib.serial_capacity(prefix)
        sequence = self._sequence(company)
        records = self.browse()
        for _i in range(count):
            for _attempt in range(capacity):
                serial = int(sequence.next_by_id()) % capacity
                code = sscc_lib.next_sscc(company.sscc_extension_digit or "0", prefix, serial)
                previous = self.sudo().search([("company_id", "=", company.id), ("sscc", "=", code)], limit=1)
                if not previous:
                    break
                if previous.allocated_at < fields.Datetime.now() - timedelta(days=REUSE_AFTER_DAYS):
                    previous.unlink()  # more than a year old: the number may serve again
                    break
            else:
                raise UserError(_("Every SSCC serial of prefix %s was used within a year.", prefix))
            records |= self.sudo().create(
                {"sscc": code, "company_id": company.id, "picking_id": picking.id, "level": level}
            )
        return records

    @api.model
    def _sequence(self, company):
        code = "channel_edi.sscc"
        Sequence = self.env["ir.sequence"].sudo()
        sequence = Sequence.search([("code", "=", code), ("company_id", "=", company.id)], limit=1)
        if not sequence:
            sequence = Sequence.create(
                {"name": f"SSCC serials {company.name}", "code": code, "company_id": company.id, "padding": 1}
            )
        return sequence
