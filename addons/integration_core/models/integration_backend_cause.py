from markupsafe import escape

from odoo import _, models

from .integration_backend import FAILED_STATES

TOP_CAUSES = 3


class IntegrationBackend(models.Model):
    """The owner's alert names the top root causes of the exceptions."""

    _inherit = "integration.backend"

    def _raise_alert(self, problems):
        return super()._raise_alert(list(problems) + self._alert_top_causes())

    def _top_causes(self, limit=TOP_CAUSES):
        """[(template, count)] of this backend's failed and dead events, most
        frequent first."""
        self.ensure_one()
        return [
            (template, count)
            for _fingerprint, template, count in self.env["integration.event"]
            .sudo()
            ._read_group(
                [
                    ("backend_id", "=", self.id),
                    ("state", "in", list(FAILED_STATES)),
                    ("error_fingerprint", "!=", False),
                ],
                ["error_fingerprint"],
                ["error_template:max", "__count"],
                order="__count desc, error_template:max",
                limit=limit,
            )
        ]

    def _alert_top_causes(self):
        causes = self._top_causes()
        if not causes:
            return []
        # the alert's note is HTML and a cause quotes remote text: escaped
        listed = "; ".join(
            _("%(cause)s (%(count)s events)", cause=escape(template or ""), count=count)
            for template, count in causes
        )
        return [_("Top causes: %s", listed)]
