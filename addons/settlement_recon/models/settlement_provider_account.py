"""The accounts of one payment provider in one currency.

Per provider backend and currency: a settlement journal, a reconcilable
clearing account (current asset: what the provider owes us for captured
payments), an in-transit account (payouts on their way to the bank), and
the accounts for fees, disputes, reserves held, adjustments, currency
conversions, rounding and a suspense account for lines a user chose not to
classify. *Create accounts* makes them with codes the chart does not use.
"""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# field -> (account type, reconcilable, name)
ACCOUNT_FIELDS = {
    "clearing_account_id": ("asset_current", True, "Clearing"),
    "transit_account_id": ("asset_current", True, "Payouts in transit"),
    "fee_account_id": ("expense", False, "Fees"),
    "dispute_account_id": ("expense", False, "Disputes"),
    "reserve_account_id": ("asset_current", True, "Reserves held"),
    "adjustment_account_id": ("expense", False, "Adjustments"),
    "fx_account_id": ("expense", False, "Currency conversion"),
    "rounding_account_id": ("expense", False, "Rounding"),
    "suspense_account_id": ("asset_current", True, "Suspense"),
}
# posting role (lib/posting.py) -> field
ROLE_FIELDS = {
    "clearing": "clearing_account_id",
    "transit": "transit_account_id",
    "fee": "fee_account_id",
    "dispute": "dispute_account_id",
    "reserve": "reserve_account_id",
    "adjustment": "adjustment_account_id",
    "fx": "fx_account_id",
    "rounding": "rounding_account_id",
    "suspense": "suspense_account_id",
}


class SettlementProviderAccount(models.Model):
    _name = "settlement.provider.account"
    _description = "Payment provider accounts (per currency)"
    _order = "backend_id, currency_id"
    _check_company_auto = True

    backend_id = fields.Many2one(
        "integration.backend",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("settlement_provider", "!=", False)],
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    provider = fields.Selection(related="backend_id.settlement_provider", store=True)
    currency_id = fields.Many2one("res.currency", required=True)
    journal_id = fields.Many2one(
        "account.journal",
        string="Settlement journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Captures and payouts are booked here.",
    )
    wallet_journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        help="Wallet mode: the provider balance, where each line is booked as it comes.",
    )
    wallet_account_id = fields.Many2one("account.account", check_company=True)
    clearing_account_id = fields.Many2one("account.account", check_company=True)
    transit_account_id = fields.Many2one("account.account", string="In-transit account", check_company=True)
    fee_account_id = fields.Many2one("account.account", check_company=True)
    dispute_account_id = fields.Many2one("account.account", check_company=True)
    reserve_account_id = fields.Many2one("account.account", check_company=True)
    adjustment_account_id = fields.Many2one("account.account", check_company=True)
    fx_account_id = fields.Many2one(
        "account.account", string="Currency conversion account", check_company=True
    )
    rounding_account_id = fields.Many2one("account.account", check_company=True)
    suspense_account_id = fields.Many2one("account.account", check_company=True)
    rounding_tolerance = fields.Monetary(
        currency_field="currency_id",
        default=0.02,
        help="A payout and its bank line that differ by at most this much are matched; the difference "
        "is booked to the rounding account (or the currency conversion account for FX).",
    )
    split_at_month_end = fields.Boolean(
        help="A payout whose lines began in an earlier month is booked in one entry per month, on "
        "each month's last day: fees and disputes land in the month they happened.",
    )
    clearing_alert_days = fields.Integer(
        default=14, help="Alert when a clearing amount is still open after this many days."
    )

    _sql_constraints = [
        (
            "currency_uniq",
            "unique(backend_id, currency_id)",
            "A provider has one set of accounts per currency.",
        )
    ]

    @api.depends("backend_id", "currency_id")
    def _compute_display_name(self):
        for record in self:
            record.display_name = f"{record.backend_id.name} ({record.currency_id.name})"

    @api.constrains("clearing_account_id", "transit_account_id", "reserve_account_id", "suspense_account_id")
    def _check_reconcilable(self):
        for record in self:
            for name in ("clearing_account_id", "transit_account_id"):
                account = record[name]
                if account and not account.reconcile:
                    raise ValidationError(
                        _(
                            "%(account)s must allow reconciliation (%(role)s).",
                            account=account.display_name,
                            role=record._fields[name].string,
                        )
                    )

    def _account(self, role):
        """The account of a posting role; a clear error when it is not set."""
        self.ensure_one()
        account = self[ROLE_FIELDS[role]]
        if not account:
            raise UserError(
                _(
                    "%(accounts)s has no %(role)s account: set it in Settlement > Configuration > "
                    "Provider accounts.",
                    accounts=self.display_name,
                    role=self._fields[ROLE_FIELDS[role]].string,
                )
            )
        return account

    def _check_manager(self):
        if self.env.su:
            return
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(_("Only accounting managers set up provider accounts."))
        self.check_access_rights("write")
        self.check_access_rule("write")

    def action_create_accounts(self):
        """Create the journal and the accounts that are not set, with codes
        free in the company's chart."""
        self._check_manager()
        for record in self:
            company = record.company_id
            prefix = f"{record.backend_id.name} {record.currency_id.name}"
            Account = self.env["account.account"].sudo().with_company(company)
            for name, (account_type, reconcile, label) in ACCOUNT_FIELDS.items():
                if record[name]:
                    continue
                record[name] = Account.create(
                    {
                        "name": f"{prefix} {label}",
                        "code": record._free_code(account_type),
                        "account_type": account_type,
                        "reconcile": reconcile,
                        "company_id": company.id,
                    }
                )
            if record.backend_id.settlement_mode == "wallet":
                record._create_wallet(prefix)
            if not record.journal_id:
                record.journal_id = (
                    self.env["account.journal"]
                    .sudo()
                    .create(
                        {
                            "name": f"{prefix} settlements",
                            "code": record._free_journal_code(),
                            "type": "general",
                            "company_id": company.id,
                            "currency_id": record.currency_id.id
                            if record.currency_id != company.currency_id
                            else False,
                        }
                    )
                )
        return True

    def _create_wallet(self, prefix):
        """Wallet mode: the provider balance as an account of its own, and a
        journal where each line is booked as it comes."""
        company = self.company_id
        if not self.wallet_account_id:
            self.wallet_account_id = (
                self.env["account.account"]
                .sudo()
                .create(
                    {
                        "name": f"{prefix} Wallet",
                        "code": self._free_code("asset_current"),
                        "account_type": "asset_current",
                        "reconcile": True,
                        "company_id": company.id,
                    }
                )
            )
        if not self.wallet_journal_id:
            self.wallet_journal_id = (
                self.env["account.journal"]
                .sudo()
                .create(
                    {
                        "name": f"{prefix} wallet",
                        "code": self._free_journal_code(),
                        "type": "general",
                        "company_id": company.id,
                        "currency_id": self.currency_id.id
                        if self.currency_id != company.currency_id
                        else False,
                    }
                )
            )

    def _free_code(self, account_type):
        base = 1099 if account_type.startswith("asset") else 6299
        Account = self.env["account.account"].sudo().with_context(active_test=False)
        code = base * 100
        used = set(Account.search([("company_id", "=", self.company_id.id)]).mapped("code"))
        while str(code) in used:
            code += 1
        return str(code)

    def _free_journal_code(self):
        Journal = self.env["account.journal"].sudo().with_context(active_test=False)
        used = set(Journal.search([("company_id", "=", self.company_id.id)]).mapped("code"))
        for number in range(1, 1000):
            code = f"PSP{number}"[:5]
            if code not in used:
                return code
        raise UserError(_("No free journal code left."))
