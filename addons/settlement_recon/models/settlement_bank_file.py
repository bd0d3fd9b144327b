"""A bank statement file (camt.052/053/054, MT940/MT942), uploaded or
picked up over SFTP, and its import into Odoo's bank statements.

The file is kept as it came (the authentic input). Importing it
(:meth:`_import`) reads it with lib/bank and:

- refuses a file whose fingerprint was imported before in the company
  (a clear error naming the earlier file and its date; nothing written);
- finds each statement's journal from its account (the journal's bank
  account number, normalised) unless the file names one;
- refuses a statement whose opening balance is not the journal's last
  closing balance (both figures named), unless it is the journal's first;
- creates one ``account.bank.statement`` per statement with a line per
  BOOKED entry (pending and information entries are counted as skipped),
  each line keyed by lib/bank's ``entry_keys``: a line another file
  imported already is counted as a duplicate, not imported twice;
- keeps the reader's warnings on the file; a file that cannot be read is
  a file in state ``error`` with the reader's location and reason;
- then runs the bank matching of the company (settlement.match).

The lead and the tour call ``env["settlement.bank.file"]._import_bytes(data,
filename, journal=None, company=None)`` (returns the file record, imported
or in error; a duplicate file raises UserError).
"""

import base64
import re
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import bank

# what a user sets on a file (by the form); the rest is its import's
USER_FIELDS = {"name", "data", "journal_id"}
STATES = [("draft", "To import"), ("imported", "Imported"), ("error", "Error")]


def normalise_account(value):
    """An IBAN or account number as banks and Odoo compare them: upper
    case, letters and digits only."""
    return re.sub(r"[^0-9A-Z]", "", (value or "").upper())


class SettlementBankFile(models.Model):
    _name = "settlement.bank.file"
    _description = "Bank statement file"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="File name", required=True)
    data = fields.Binary(string="File", attachment=True, required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, readonly=True, index=True
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Bank journal",
        check_company=True,
        domain="[('type', '=', 'bank')]",
        help="Empty: the journal whose bank account is the statement's account.",
    )
    backend_id = fields.Many2one(
        "integration.backend", readonly=True, check_company=True, string="Picked up by"
    )
    source = fields.Char(readonly=True, help="Where the file came from (upload, sftp:<name>).")
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, tracking=True, index=True)
    fingerprint = fields.Char(readonly=True, index=True, copy=False)
    file_format = fields.Char(string="Format", readonly=True)
    warnings = fields.Text(readonly=True, help="What the reader found odd but could read.")
    error_location = fields.Char(readonly=True)
    error_reason = fields.Text(readonly=True)
    imported_at = fields.Datetime(readonly=True)
    statement_ids = fields.One2many("account.bank.statement", "bank_file_id", readonly=True)
    line_ids = fields.One2many("account.bank.statement.line", "bank_file_id", readonly=True)
    line_count = fields.Integer(readonly=True, string="Lines imported")
    duplicate_count = fields.Integer(
        readonly=True, string="Duplicate lines", help="Imported before by another file."
    )
    skipped_count = fields.Integer(
        readonly=True, string="Not booked", help="Pending or information entries: not imported."
    )
    open_line_count = fields.Integer(compute="_compute_open_line_count", string="Open lines")

    def _compute_open_line_count(self):
        for record in self:
            record.open_line_count = len(record.line_ids.filtered(lambda line: not line.is_reconciled))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_finance()
        if not self.env.su:
            for vals in vals_list:
                forbidden = set(vals) - USER_FIELDS - {"company_id"}
                if forbidden:
                    raise AccessError(
                        _("A bank file's %s is set by its import.", ", ".join(sorted(forbidden)))
                    )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            forbidden = {key for key in vals if not key.startswith("message_")} - USER_FIELDS
            if forbidden or any(record.state == "imported" for record in self):
                raise AccessError(_("A bank file is changed by its import only."))
        return super().write(vals)

    def _check_finance(self):
        if self.env.su:
            return
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(_("Only billing and accounting users import bank files."))
        if self:
            self.check_access_rights("write")
            self.check_access_rule("write")

    # ------------------------------------------------------------------------------
    # entry points
    # ------------------------------------------------------------------------------

    @api.model
    def _import_bytes(self, data, filename, journal=None, company=None, backend=None, source=None):
        """Store ``data`` as a bank file and import it (see the module doc)."""
        company = company or (journal.company_id if journal else self.env.company)
        self._check_finance()
        if not self.env.su and company not in self.env.user.company_ids:
            raise AccessError(_("You do not work for %s.", company.name))
        self._check_not_imported(company, bank.file_fingerprint(data))
        record = (
            self.sudo()
            .with_company(company)
            .create(
                {
                    "name": filename or _("Bank file"),
                    "data": base64.b64encode(data),
                    "company_id": company.id,
                    "journal_id": journal.id if journal else False,
                    "backend_id": backend.id if backend else False,
                    "source": source or "upload",
                }
            )
        )
        record._import()
        return record

    def action_import(self):
        """The form's button: import (again, after an error was fixed)."""
        self._check_finance()
        for record in self.filtered(lambda r: r.state != "imported"):
            record.sudo()._import()
        return True

    # ------------------------------------------------------------------------------
    # import
    # ------------------------------------------------------------------------------

    def _import(self):
        self.ensure_one()
        self = self.sudo().with_company(self.company_id)
        data = base64.b64decode(self.data or b"")
        fingerprint = bank.file_fingerprint(data)
        self._check_not_imported(self.company_id, fingerprint)
        try:
            document, warnings = bank.parse_with_warnings(data, self.name)
        except bank.BankFileError as exc:
            self.write(
                {
                    "state": "error",
                    "fingerprint": fingerprint,
                    "error_location": exc.location or False,
                    "error_reason": exc.reason,
                }
            )
            return self
        counts = {"lines": 0, "duplicates": 0, "skipped": 0}
        keys = bank.entry_keys(document)
        for statement, statement_keys in zip(document["statements"], keys, strict=True):
            self._import_statement(statement, statement_keys, counts)
        self.write(
            {
                "state": "imported",
                "fingerprint": fingerprint,
                "file_format": document["format"],
                "warnings": "\n".join(warnings) or False,
                "error_location": False,
                "error_reason": False,
                "imported_at": fields.Datetime.now(),
                "line_count": counts["lines"],
                "duplicate_count": counts["duplicates"],
                "skipped_count": counts["skipped"],
            }
        )
        if self.line_ids:
            self.env["settlement.match"]._run_bank_matching(self.company_id)
        return self

    def _check_not_imported(self, company, fingerprint):
        """A UserError naming the earlier file when these bytes were imported."""
        earlier = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("fingerprint", "=", fingerprint),
                ("state", "=", "imported"),
                ("id", "not in", self.ids),
            ],
            limit=1,
        )
        if earlier:
            raise UserError(
                _(
                    "This bank file was imported already: %(name)s on %(date)s.",
                    name=earlier.name,
                    date=fields.Datetime.to_string(earlier.imported_at or earlier.create_date),
                )
            )

    def _import_statement(self, statement, keys, counts):
        journal = self._statement_journal(statement)
        Line = self.env["account.bank.statement.line"]
        booked = [
            (entry, key)
            for entry, key in zip(statement["entries"], keys, strict=True)
            if entry["status"] == "booked"
        ]
        counts["skipped"] += len(statement["entries"]) - len(booked)
        known = set(
            Line.with_context(active_test=False)
            .search(
                [("bank_key_journal_id", "=", journal.id), ("bank_entry_key", "in", [k for _e, k in booked])]
            )
            .mapped("bank_entry_key")
        )
        new = [(entry, key) for entry, key in booked if key not in known]
        counts["duplicates"] += len(booked) - len(new)
        if not new:
            return None
        opening = statement.get("opening_balance")
        if opening is not None:
            self._check_continuity(journal, statement)
        lines = Line.create([self._line_values(journal, statement, entry, key) for entry, key in new])
        counts["lines"] += len(lines)
        if opening is None:
            return None
        return self.env["account.bank.statement"].create(
            {
                "name": statement.get("id") or self.name,
                "reference": self.name,
                "balance_start": float(Decimal(opening)),
                "balance_end_real": float(Decimal(statement.get("closing_balance") or opening))
                if statement.get("closing_balance") is not None
                else float(Decimal(opening)) + sum(lines.mapped("amount")),
                "line_ids": [(6, 0, lines.ids)],
                "bank_file_id": self.id,
            }
        )

    def _statement_journal(self, statement):
        """The bank journal of a statement: the file's, else the one whose
        bank account is the statement's; its currency must be the statement's."""
        account = normalise_account(statement["account"])
        journal = self.journal_id
        if not journal:
            journals = self.env["account.journal"].search(
                [
                    ("type", "=", "bank"),
                    ("company_id", "=", self.company_id.id),
                    ("bank_account_id", "!=", False),
                ]
            )
            journal = journals.filtered(
                lambda j: normalise_account(j.bank_account_id.acc_number) == account
                or (account and normalise_account(j.bank_account_id.acc_number).endswith(account))
            )[:1]
            if not journal:
                raise UserError(
                    _(
                        "No bank journal of %(company)s has the account %(account)s: set it on the "
                        "journal, or choose the journal on the file.",
                        company=self.company_id.name,
                        account=statement["account"],
                    )
                )
        elif (
            journal.bank_account_id
            and normalise_account(journal.bank_account_id.acc_number)
            not in (
                account,
                "",
            )
            and not normalise_account(journal.bank_account_id.acc_number).endswith(account)
        ):
            raise UserError(
                _(
                    "The statement is for account %(account)s; journal %(journal)s is for %(theirs)s.",
                    account=statement["account"],
                    journal=journal.name,
                    theirs=journal.bank_account_id.acc_number,
                )
            )
        currency = journal.currency_id or journal.company_id.currency_id
        if currency.name != statement["currency"]:
            raise UserError(
                _(
                    "The statement of %(account)s is in %(currency)s; journal %(journal)s keeps %(theirs)s.",
                    account=statement["account"],
                    currency=statement["currency"],
                    journal=journal.name,
                    theirs=currency.name,
                )
            )
        return journal

    def _check_continuity(self, journal, statement):
        """The opening balance is the journal's last closing balance."""
        previous = self.env["account.bank.statement"].search(
            [("journal_id", "=", journal.id)], order="first_line_index desc, id desc", limit=1
        )
        if not previous:
            return
        currency = journal.currency_id or journal.company_id.currency_id
        opening = float(Decimal(statement["opening_balance"]))
        if currency.compare_amounts(opening, previous.balance_end_real):
            raise UserError(
                _(
                    "Statement %(statement)s of %(journal)s opens at %(opening)s but the previous "
                    "statement %(previous)s closed at %(closing)s: a statement is missing in between.",
                    statement=statement.get("id") or self.name,
                    journal=journal.name,
                    opening=statement["opening_balance"],
                    previous=previous.name,
                    closing=currency.format(previous.balance_end_real).replace("\xa0", " "),
                )
            )

    def _line_values(self, journal, statement, entry, key):
        counterparty = entry.get("counterparty") or {}
        label = entry.get("remittance") or counterparty.get("name") or entry.get("bank_reference") or "/"
        return {
            "journal_id": journal.id,
            "date": entry["booking_date"],
            "amount": float(Decimal(entry["amount"])),
            "payment_ref": label,
            "partner_name": counterparty.get("name") or False,
            "account_number": counterparty.get("iban") or False,
            "bank_entry_key": key,
            "bank_key_journal_id": journal.id,
            "bank_file_id": self.id,
            "end_to_end_id": entry.get("end_to_end_id") or False,
            "bank_reference": entry.get("bank_reference") or False,
            "remittance": entry.get("remittance") or False,
        }

    # ------------------------------------------------------------------------------
    # SFTP pickup (topic bank_file.pickup of a ``bank`` backend)
    # ------------------------------------------------------------------------------

    @api.model
    def _apply_pickup(self, event, payload):
        """Every file waiting in the backend's SFTP inbox becomes a bank file
        and is imported; a file imported before is skipped (the server copy
        is removed all the same, after the commit)."""
        backend = event.backend_id
        journal = backend.bank_journal_id
        Files = self.sudo().with_company(backend.company_id)

        def receive(data, name):
            fingerprint = bank.file_fingerprint(data)
            if Files.search_count(
                [
                    ("company_id", "=", backend.company_id.id),
                    ("fingerprint", "=", fingerprint),
                    ("state", "=", "imported"),
                ]
            ):
                return
            with self.env.cr.savepoint():
                record = Files.create(
                    {
                        "name": name,
                        "data": base64.b64encode(data),
                        "company_id": backend.company_id.id,
                        "journal_id": journal.id or False,
                        "backend_id": backend.id,
                        "source": f"sftp:{name}",
                    }
                )
            try:
                with self.env.cr.savepoint():
                    record._import()
            except UserError as exc:  # continuity, unknown account: kept on the file
                record.write({"state": "error", "error_location": False, "error_reason": str(exc)})

        self.env["trading.partner.transport"]._pickup_files(backend, receive)
        return None
