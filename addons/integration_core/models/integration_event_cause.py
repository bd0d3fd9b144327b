from odoo import fields, models

from ..lib import fingerprint
from ..lib.masking import mask_text

CAUSE_FIELDS = ("error_fingerprint", "error_code", "error_template", "error_variables", "error_at")


class IntegrationEvent(models.Model):
    """The root cause of a failed event (see lib/fingerprint.py and
    integration.cause): set with the error by ``_mark_failed`` and
    ``_schedule_retry``, cleared with it (retry, replay, done)."""

    _inherit = "integration.event"

    error_fingerprint = fields.Char(
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="Names the root cause: the same error with other values has the same fingerprint.",
    )
    error_code = fields.Char(
        readonly=True, copy=False, help="Stable name of the cause, when the error has one."
    )
    error_template = fields.Char(string="Root cause", readonly=True, copy=False)
    error_variables = fields.Text(
        readonly=True, copy=False, help="The values taken out of the message (JSON)."
    )
    error_at = fields.Datetime(string="Failed at", readonly=True, copy=False)

    def write(self, vals):
        # Whatever writes or clears the error message writes or clears its
        # cause with it: _mark_failed and _schedule_retry pass the error's
        # own template (see _error_cause_values); any other path (a dead
        # worker, a refused body) gets the message normalised.
        if "error_message" in vals and "error_fingerprint" not in vals:
            vals = dict(vals, **self._error_cause_values(vals["error_message"]))
        return super().write(vals)

    def _error_cause_values(self, error):
        """The cause fields for ``error`` (an exception or a message; False
        clears them). Values are masked like the message is."""
        if not error:
            return dict.fromkeys(CAUSE_FIELDS, False)
        message = error if isinstance(error, str) else self[:1]._error_text(error)
        template = getattr(error, "template", None)
        result = fingerprint.compute(
            message,
            template=template,
            params=getattr(error, "params", None),
            code=getattr(error, "code", None),
        )
        variables = fingerprint.dumps(result.variables)
        if template and self[:1].backend_id:
            # the message was masked by _error_text; the values are masked here
            secrets = self.env["integration.credential"].sudo()._known_secrets(self[:1].backend_id)
            variables = mask_text(variables, secrets)
        return {
            "error_fingerprint": result.digest,
            "error_code": getattr(error, "code", None) or False,
            "error_template": result.template,
            "error_variables": variables,
            "error_at": fields.Datetime.now(),
        }
