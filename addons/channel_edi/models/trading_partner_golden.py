import base64
import difflib
import json

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..lib import inspect as inspector


def _documents(report):
    """The typed documents of an inspector report, in file order."""
    return [
        {"type": t["type"], "control_number": t["control_number"], "document": t.get("document")}
        for i in report.get("interchanges", [])
        for g in i["groups"]
        for t in g["transactions"]
    ]


class TradingPartnerGolden(models.Model):
    """A partner's golden file: a sample and the business documents we must
    read from it. Running it after a change of the partner's rules (or of
    our code) shows at once what reads differently."""

    _name = "trading.partner.golden"
    _description = "EDI golden file"
    _order = "backend_id, name"

    name = fields.Char(required=True)
    backend_id = fields.Many2one(
        "integration.backend",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("backend_type", "=", "edi")],
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    sample = fields.Binary(required=True, attachment=True)
    sample_filename = fields.Char()
    expected = fields.Text(string="Expected documents (JSON)")
    state = fields.Selection(
        [("new", "Not run"), ("pass", "Pass"), ("fail", "Fail")], default="new", readonly=True
    )
    last_run_at = fields.Datetime(readonly=True)
    difference = fields.Text(readonly=True)

    def _actual(self):
        self.ensure_one()
        report, code = inspector.inspect(
            base64.b64decode(self.sample), overrides=self.backend_id._edi_overrides()
        )
        if code == inspector.NOT_EDI:
            raise UserError(_("Golden file %s is not EDI.", self.name))
        return {"valid": report["valid"], "documents": _documents(report)}

    def _check_manager(self):
        if not self.env.user.has_group("integration_core.group_integration_manager"):
            raise UserError(_("Only integration managers can change golden files."))

    def action_record_expected(self):
        """Take what the sample reads as today as the expected result."""
        self._check_manager()
        for golden in self:
            golden.expected = json.dumps(
                golden._actual(), indent=2, sort_keys=True, ensure_ascii=False, default=str
            )
            golden.state = "new"

    def action_run(self):
        for golden in self:
            actual = json.dumps(golden._actual(), indent=2, sort_keys=True, ensure_ascii=False, default=str)
            expected = json.dumps(
                json.loads(golden.expected or "{}"), indent=2, sort_keys=True, ensure_ascii=False
            )
            diff = "\n".join(
                difflib.unified_diff(
                    expected.splitlines(), actual.splitlines(), "expected", "actual", lineterm=""
                )
            )
            golden.sudo().write(
                {
                    "state": "fail" if diff else "pass",
                    "difference": diff or False,
                    "last_run_at": fields.Datetime.now(),
                }
            )
        return True
