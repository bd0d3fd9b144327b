from datetime import timedelta

from odoo import _, api, fields, models

ACK_STATES = [
    ("not_required", "Not required"),
    ("pending", "Awaiting acknowledgement"),
    ("accepted", "Accepted"),
    ("accepted_errors", "Accepted with errors"),
    ("rejected", "Rejected"),
]
SET_TYPES = [
    ("850", "850 Purchase order"),
    ("855", "855 PO acknowledgement"),
    ("856", "856 Ship notice"),
    ("860", "860 Order change"),
    ("810", "810 Invoice"),
    ("997", "997 Functional acknowledgement"),
    ("999", "999 Implementation acknowledgement"),
    ("940", "940 Warehouse shipping order"),
    ("945", "945 Warehouse shipping advice"),
    ("943", "943 Stock transfer shipment"),
    ("944", "944 Stock transfer receipt"),
    ("846", "846 Inventory advice"),
    ("947", "947 Inventory adjustment"),
    ("ORDERS", "ORDERS Purchase order"),
    ("ORDRSP", "ORDRSP Order response"),
    ("ORDCHG", "ORDCHG Order change"),
    ("DESADV", "DESADV Despatch advice"),
    ("INVOIC", "INVOIC Invoice"),
    ("CONTRL", "CONTRL Syntax acknowledgement"),
]


class TradingPartnerDocument(models.Model):
    """One transaction set exchanged with a partner, in or out: the EDI log.

    Its control numbers identify it (duplicates are refused on them), its
    acknowledgement state follows the 997/CONTRL that answers it, and its
    dates feed the scorecards. The three layers of a document: the raw bytes
    (its event's payload), the lossless segment tree (parsed again from
    them) and the typed business document (``document_json``).
    """

    _name = "trading.partner.document"
    _description = "EDI document"
    _order = "id desc"
    _rec_name = "reference"

    backend_id = fields.Many2one("integration.backend", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="backend_id.edi_partner_id", store=True, string="Trading partner")
    direction = fields.Selection([("in", "Received"), ("out", "Sent")], required=True, index=True)
    standard = fields.Selection([("X12", "X12"), ("EDIFACT", "EDIFACT")], required=True, default="X12")
    set_type = fields.Selection(SET_TYPES, required=True, index=True, string="Document")
    reference = fields.Char(help="PO number, shipment id or invoice number.", index=True)
    interchange_control = fields.Char(string="Interchange #", index=True)
    group_control = fields.Char(string="Group #")
    set_control = fields.Char(string="Set #")
    functional_id = fields.Char(string="Functional group")
    as2_message_id = fields.Char(string="AS2 Message-ID", index="btree_not_null")
    usage = fields.Selection([("P", "Production"), ("T", "Test")], default="P")
    event_id = fields.Many2one("integration.event", string="Event", ondelete="set null", index=True)
    interchange_event_id = fields.Many2one("integration.event", string="File event", ondelete="set null")
    res_model = fields.Char(string="Record model", index=True)
    res_id = fields.Many2oneReference(string="Record id", model_field="res_model")
    record_name = fields.Char(compute="_compute_record_name", string="Record")
    document_json = fields.Text(string="Business document", help="The typed document, as JSON.")
    error_count = fields.Integer(string="Errors")
    date = fields.Datetime(default=fields.Datetime.now, required=True, index=True)

    # --- functional acknowledgement (997 / 999 / CONTRL) ----------------------------
    ack_state = fields.Selection(
        ACK_STATES, string="Acknowledgement", default="not_required", required=True, index=True
    )
    ack_code = fields.Char(help="AK5/IK5 or UCM code of the acknowledgement.")
    ack_due_at = fields.Datetime(string="Acknowledgement due")
    ack_at = fields.Datetime(string="Acknowledged at")
    ack_latency_hours = fields.Float(string="997 latency (h)", group_operator="avg")
    ack_overdue = fields.Boolean(compute="_compute_ack_overdue", search="_search_ack_overdue")

    # --- business acknowledgement of a purchase order we sent (855) ---------------
    po_ack_state = fields.Selection(
        [("pending", "Awaiting 855"), ("received", "855 received")], string="PO acknowledgement"
    )
    po_ack_due_at = fields.Datetime(string="855 due")
    po_ack_at = fields.Datetime(string="855 received at")
    po_ack_latency_hours = fields.Float(string="855 latency (h)", group_operator="avg")
    escalation_level = fields.Integer(default=0, help="How many times the missing 855 was escalated.")

    _sql_constraints = [
        (
            "control_unique",
            "unique(backend_id, direction, set_type, interchange_control, group_control, set_control)",
            "This document was exchanged already (same interchange, group and set control numbers).",
        )
    ]

    def _compute_record_name(self):
        for document in self:
            record = document._record()
            document.record_name = record.display_name if record else False

    def _record(self):
        self.ensure_one()
        if not self.res_model or not self.res_id or self.res_model not in self.env:
            return None
        record = self.env[self.res_model].browse(self.res_id).exists()
        return record or None

    @api.depends("ack_state", "ack_due_at")
    def _compute_ack_overdue(self):
        now = fields.Datetime.now()
        for document in self:
            document.ack_overdue = bool(
                document.ack_state == "pending" and document.ack_due_at and document.ack_due_at < now
            )

    def _search_ack_overdue(self, operator, value):
        overdue = [("ack_state", "=", "pending"), ("ack_due_at", "<", fields.Datetime.now())]
        if (operator == "=") == bool(value):
            return overdue
        return ["!", "&"] + overdue

    def action_open_record(self):
        self.ensure_one()
        record = self._record()
        if not record:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
        }

    def action_open_event(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "integration.event",
            "res_id": self.event_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------------------
    # acknowledgements
    # ------------------------------------------------------------------------------

    def _expect_ack(self, hours):
        now = fields.Datetime.now()
        self.write({"ack_state": "pending", "ack_due_at": now + timedelta(hours=hours or 24)})

    def _apply_ack(self, state, code, when=None):
        now = when or fields.Datetime.now()
        for document in self:
            document.write(
                {
                    "ack_state": state,
                    "ack_code": code,
                    "ack_at": now,
                    "ack_latency_hours": (now - document.date).total_seconds() / 3600.0,
                }
            )

    @api.model
    def _cron_check_overdue(self):
        """Overdue 997s: an activity on the backend; missing 855s: escalate."""
        for backend, documents in self.search([("ack_overdue", "=", True)]).grouped("backend_id").items():
            summary = _("Acknowledgements overdue from %s", backend.name)
            if backend.activity_ids.filtered(lambda a, s=summary: a.summary == s):
                continue
            backend.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=_(
                    "%(count)s document(s) sent to %(partner)s have no functional acknowledgement "
                    "after their due time: %(refs)s.",
                    count=len(documents),
                    partner=backend.name,
                    refs=", ".join(
                        documents.mapped(lambda d: f"{d.set_type} {d.reference or d.set_control}")[:20]
                    ),
                ),
                user_id=(backend.user_id or self.env.ref("base.user_admin")).id,
            )
        self.env["trading.partner.exporter"]._escalate_unacknowledged_orders()
