from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    gs1_company_prefix = fields.Char(
        string="GS1 company prefix",
        help="The 7 to 10 digit prefix GS1 assigned to the company: SSCCs of its cartons and pallets start with it.",
    )
    sscc_extension_digit = fields.Char(string="SSCC extension digit", size=1, default="0")

    @api.constrains("gs1_company_prefix", "sscc_extension_digit")
    def _check_gs1_prefix(self):
        for company in self:
            prefix = company.gs1_company_prefix
            if prefix and not (prefix.isdigit() and 7 <= len(prefix) <= 10):
                raise ValidationError(_("A GS1 company prefix has 7 to 10 digits."))
            if company.sscc_extension_digit and not company.sscc_extension_digit.isdigit():
                raise ValidationError(_("The SSCC extension digit is a digit."))
