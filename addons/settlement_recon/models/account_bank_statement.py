from odoo import fields, models


class AccountBankStatement(models.Model):
    _inherit = "account.bank.statement"

    bank_file_id = fields.Many2one("settlement.bank.file", readonly=True, copy=False, index=True)
