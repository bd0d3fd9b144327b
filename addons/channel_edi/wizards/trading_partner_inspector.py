import base64
import json

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import inspect as inspector

MAX_SAMPLE_BYTES = 20 * 1024 * 1024


class TradingPartnerInspector(models.TransientModel):
    """Onboarding: paste or upload a partner's sample and see how we read
    it: the envelopes, the segment tree, every error against the standard
    and the partner's rules, and the typed business document."""

    _name = "trading.partner.inspector"
    _description = "EDI sample inspector"

    backend_id = fields.Many2one(
        "integration.backend",
        string="Trading partner",
        domain=[("backend_type", "=", "edi")],
        help="Validate with this partner's guide rules (else the standard's only).",
    )
    sample_file = fields.Binary(string="File")
    sample_filename = fields.Char()
    sample_text = fields.Text(string="Or paste it")
    state = fields.Selection(
        [("new", "New"), ("valid", "Valid"), ("invalid", "Errors"), ("not_edi", "Not EDI")], default="new"
    )
    summary = fields.Html(readonly=True, sanitize=True)
    report_json = fields.Text(string="Report", readonly=True)

    def _sample(self):
        self.ensure_one()
        if self.sample_file:
            data = base64.b64decode(self.sample_file)
        elif self.sample_text:
            data = self.sample_text.encode("utf-8")
        else:
            raise UserError(_("Upload a file or paste its content."))
        if len(data) > MAX_SAMPLE_BYTES:
            raise UserError(_("The sample is larger than %s MB.", MAX_SAMPLE_BYTES // (1024 * 1024)))
        return data

    def action_inspect(self):
        self.ensure_one()
        overrides = self.backend_id._edi_overrides() if self.backend_id else None
        report, code = inspector.inspect(self._sample(), overrides=overrides, include_tree=True)
        self.write(
            {
                "state": {inspector.VALID: "valid", inspector.INVALID: "invalid"}.get(code, "not_edi"),
                "report_json": json.dumps(report, indent=2, ensure_ascii=False, default=str),
                "summary": self._summary(report),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def _summary(self, report):
        if report.get("standard") is None:
            return Markup("<p class='text-danger'>%s</p>") % _("Not an EDI file: %s", report.get("error"))
        rows = []
        for interchange in report["interchanges"]:
            for group in interchange["groups"]:
                for transaction in group["transactions"]:
                    errors = transaction["errors"]
                    rows.append(
                        Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>")
                        % (
                            interchange["control_number"],
                            group["control_number"],
                            transaction["type"],
                            transaction["control_number"],
                            Markup("<br/>").join(
                                escape(
                                    f"segment {e['position']} {e['segment']} {e['element']}: {e['message']}"
                                )
                                for e in errors
                            )
                            or _("valid"),
                        )
                    )
        warnings = Markup("").join(Markup("<li>%s</li>") % w["message"] for w in report["warnings"])
        envelope_errors = Markup("").join(
            Markup("<li class='text-danger'>%s</li>")
            % f"segment {e['position']} {e['segment']}: {e['message']}"
            for e in report["errors"]
        )
        head = Markup("<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>") % (
            _("Interchange"),
            _("Group"),
            _("Set"),
            _("Control #"),
            _("Errors"),
        )
        return Markup("<p><b>%s</b></p><ul>%s%s</ul><table class='table table-sm'>%s%s</table>") % (
            report["standard"],
            envelope_errors,
            warnings,
            head,
            Markup("").join(rows),
        )
