"""A trading partner is an integration backend of type ``edi``.

One backend per partner: its events, flows (document flows on or off),
credentials (SFTP password or key, our AS2 private key), circuit breaker,
health and company are the core's. This file adds the partner profile:
standard and dialect, delimiters, identities, transport endpoints, SLA
timers and validation overrides, and declares the channel's topic table.
"""

import json

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.integration_core.lib.topics import Topic, TopicTable

from ..lib import envelope, validation
from ..lib.tree import Delimiters, Party

DIALECTS = [
    ("004010", "X12 004010"),
    ("004010VICS", "X12 004010 VICS"),
    ("005010", "X12 005010"),
    ("D96A_EAN008", "EDIFACT D96A EANCOM (EAN008)"),
]
STANDARD_OF = {"004010": "X12", "004010VICS": "X12", "005010": "X12", "D96A_EAN008": "EDIFACT"}

# (topic, X12 set, EDIFACT message, direction, apply, label, Odoo event, listener)
DOCUMENTS = [
    ("order.received", "850", "ORDERS", "in", "_apply_order", "Purchase orders in (850)", None, None),
    (
        "order_change.received",
        "860",
        "ORDCHG",
        "in",
        "_apply_order_change",
        "Order changes in (860)",
        None,
        None,
    ),
    ("po_ack.received", "855", "ORDRSP", "in", "_apply_po_ack", "PO acknowledgements in (855)", None, None),
    ("asn.received", "856", "DESADV", "in", "_apply_asn", "Ship notices in (856)", None, None),
    ("invoice.received", "810", "INVOIC", "in", "_apply_invoice", "Vendor invoices in (810)", None, None),
    ("ack.received", "997", "CONTRL", "in", "_apply_ack", "Acknowledgements in (997)", None, None),
    ("po_ack.sent", "855", "ORDRSP", "out", "_send_po_ack", "PO acknowledgements out (855)", None, None),
    (
        "asn.sent",
        "856",
        "DESADV",
        "out",
        "_send_asn",
        "Ship notices out (856)",
        "picking.done",
        "_listen_pickings_done",
    ),
    (
        "invoice.sent",
        "810",
        "INVOIC",
        "out",
        "_send_invoice",
        "Invoices out (810)",
        "invoice.posted",
        "_listen_invoices_posted",
    ),
    (
        "order.sent",
        "850",
        "ORDERS",
        "out",
        "_send_order",
        "Purchase orders out (850)",
        "purchase_order.confirmed",
        "_listen_purchases_confirmed",
    ),
    ("ack.sent", "997", "CONTRL", "out", "_send_ack", "Acknowledgements out (997)", None, None),
]
INTERCHANGE_TOPIC = "interchange.received"
PICKUP_TOPIC = "file.pickup"


def _table(standard):
    payload_format = "x12" if standard == "X12" else "edifact"
    rows = [
        Topic(
            INTERCHANGE_TOPIC,
            "in",
            "file",
            "_apply_interchange",
            model="trading.partner.importer",
            payload_format=payload_format,
            label="Files received",
        ),
        Topic(
            PICKUP_TOPIC,
            "in",
            "schedule",
            "_apply_pickup",
            model="trading.partner.transport",
            label="Mailbox pickup (SFTP)",
        ),
    ]
    for name, x12_set, message, direction, apply, label, odoo_event, listener in DOCUMENTS:
        remote = x12_set if standard == "X12" else message
        extra = ("999",) if remote == "997" else ()
        model = "trading.partner.importer" if direction == "in" else "trading.partner.exporter"
        rows.append(
            Topic(
                name,
                direction,
                "odoo_event" if odoo_event else "file",
                apply,
                model=model,
                payload_format=payload_format if direction == "in" else "json",
                remote=(remote, *extra),
                odoo_event=odoo_event,
                listener=listener,
                label=label,
            )
        )
    return TopicTable(rows)


X12_TOPICS = _table("X12")
EDIFACT_TOPICS = _table("EDIFACT")


class IntegrationBackend(models.Model):
    _inherit = "integration.backend"

    backend_type = fields.Selection(
        selection_add=[("edi", "EDI trading partner")], ondelete={"edi": "cascade"}
    )

    # --- who --------------------------------------------------------------------------
    edi_partner_id = fields.Many2one(
        "res.partner",
        string="Trading partner",
        check_company=True,
        tracking=True,
        help="The customer or supplier this profile trades with: its orders, receipts and "
        "invoices are this partner's.",
    )
    edi_role = fields.Selection(
        [("customer", "Customer (we supply)"), ("supplier", "Supplier (we buy)"), ("both", "Both")],
        string="Partner role",
        default="customer",
        tracking=True,
    )
    edi_identity_ids = fields.One2many("trading.partner.identity", "backend_id", string="Identities")

    # --- syntax -----------------------------------------------------------------------
    edi_dialect = fields.Selection(DIALECTS, string="Version", default="004010", tracking=True)
    edi_standard = fields.Char(compute="_compute_edi_standard", string="Standard")
    edi_element_separator = fields.Char(string="Element separator", size=1, default="*")
    edi_component_separator = fields.Char(string="Component separator", size=1, default=">")
    edi_segment_terminator = fields.Char(string="Segment terminator", size=1, default="~")
    edi_repetition_separator = fields.Char(
        string="Repetition separator", size=1, default="^", help="X12 00402 and later (ISA11)."
    )
    edi_line_ending = fields.Selection(
        [("none", "None"), ("lf", "LF"), ("crlf", "CR LF")],
        string="After each segment",
        default="lf",
    )
    edi_charset = fields.Selection(
        [("ascii", "ASCII"), ("utf-8", "UTF-8"), ("latin-1", "ISO 8859-1 (UNOC)")],
        string="Character set",
        default="ascii",
    )

    # --- transport --------------------------------------------------------------------
    edi_endpoint_ids = fields.One2many("trading.partner.endpoint", "backend_id", string="Endpoints")

    # --- acknowledgements and SLA ---------------------------------------------------
    edi_request_ack = fields.Boolean(
        string="Ask for acknowledgements", default=True, help="ISA14 / UNB09: our files ask for a 997/CONTRL."
    )
    edi_send_ack = fields.Boolean(
        string="Acknowledge inbound files",
        default=True,
        help="Send a 997 (999 for 005010) or CONTRL for every inbound group.",
    )
    edi_ack_due_hours = fields.Integer(string="997 due within (h)", default=24)
    edi_po_ack_due_hours = fields.Integer(
        string="855 due within (h)",
        default=48,
        help="A purchase order we send is escalated to its buyer when the supplier has not "
        "acknowledged it (855) in this time.",
    )
    edi_po_ack_escalate_hours = fields.Integer(
        string="Escalate again after (h)", default=96, help="Second escalation threshold."
    )
    edi_asn_lead_hours = fields.Integer(
        string="ASN before arrival (h)",
        default=4,
        help="Customers expect the ship notice this long before the goods arrive.",
    )

    # --- validation -------------------------------------------------------------------
    edi_guide_overrides = fields.Text(
        string="Partner guide rules",
        help="The partner's implementation guide as rule overrides (JSON), applied on top of the "
        "standard's: mandatory segments, code lists, lengths.",
    )
    edi_guide_version = fields.Integer(string="Guide version", default=1, tracking=True)

    edi_document_count = fields.Integer(compute="_compute_edi_document_count", string="Documents")
    uses_edi_profile = fields.Boolean(
        compute="_compute_uses_edi_profile",
        help="This backend exchanges X12/EDIFACT files: it has a partner profile (syntax, identities, "
        "endpoints). Other channels that ride on EDI (a 3PL over X12) extend the compute.",
    )

    @api.depends("backend_type")
    def _compute_uses_edi_profile(self):
        for backend in self:
            backend.uses_edi_profile = backend.backend_type == "edi"

    @api.depends("edi_dialect")
    def _compute_edi_standard(self):
        for backend in self:
            backend.edi_standard = STANDARD_OF.get(backend.edi_dialect or "", "")

    def _compute_edi_document_count(self):
        counts = dict(
            self.env["trading.partner.document"]._read_group(
                [("backend_id", "in", self.ids)], ["backend_id"], ["__count"]
            )
        )
        for backend in self:
            backend.edi_document_count = counts.get(backend, 0)

    @api.onchange("edi_dialect")
    def _onchange_edi_dialect(self):
        if STANDARD_OF.get(self.edi_dialect) == "EDIFACT":
            self.update(
                {
                    "edi_element_separator": "+",
                    "edi_component_separator": ":",
                    "edi_segment_terminator": "'",
                    "edi_repetition_separator": False,
                }
            )
        elif self.edi_element_separator == "+":
            self.update(
                {
                    "edi_element_separator": "*",
                    "edi_component_separator": ">",
                    "edi_segment_terminator": "~",
                    "edi_repetition_separator": "^",
                }
            )

    @api.constrains(
        "edi_element_separator",
        "edi_component_separator",
        "edi_segment_terminator",
        "edi_repetition_separator",
        "edi_guide_overrides",
    )
    def _check_edi_syntax(self):
        for backend in self.filtered("uses_edi_profile"):
            chars = [
                backend.edi_element_separator,
                backend.edi_component_separator,
                backend.edi_segment_terminator,
            ]
            if backend.edi_repetition_separator:
                chars.append(backend.edi_repetition_separator)
            if not all(chars) or len(set(chars)) != len(chars):
                raise ValidationError(_("The EDI separators must be given and all different."))
            if any(c.isalnum() or c == " " for c in chars):
                raise ValidationError(_("An EDI separator cannot be a letter, a digit or a space."))
            if backend.edi_guide_overrides:
                backend._check_guide_overrides()

    def _check_guide_overrides(self):
        """The partner's rules: a JSON object or a list of them, each naming
        segments, loops and elements its base guide has (an override made
        for another set, or naming what the guide lacks, is refused)."""
        try:
            rules = json.loads(self.edi_guide_overrides)
        except ValueError as exc:
            raise ValidationError(_("The partner guide rules are not valid JSON: %s", exc)) from exc
        rules = [rules] if isinstance(rules, dict) else rules
        if not isinstance(rules, list) or not all(isinstance(rule, dict) for rule in rules):
            raise ValidationError(_("The partner guide rules are a JSON object, or a list of them."))
        for rule in rules:
            standard, _sep, rest = (rule.get("base") or "").partition("/")
            version, _sep, set_id = rest.partition("/")
            if not (standard and version and set_id):
                raise ValidationError(
                    _('Each partner rule names its base guide, e.g. "base": "x12/004010/850".')
                )
            try:
                guide = validation.guide_for(standard, version, set_id)
                validation.check_override(guide, rule)
            except validation.GuideError as exc:
                raise ValidationError(_("Partner guide rules: %s", exc)) from exc

    # ------------------------------------------------------------------------------
    # the channel's hooks (called by integration_core)
    # ------------------------------------------------------------------------------

    def _edi_topics(self):
        return EDIFACT_TOPICS if self.edi_standard == "EDIFACT" else X12_TOPICS

    def _edi_job_channel(self):
        return "root.integration.edi"

    def _edi_default_flows(self):
        flows = [
            {
                "code": "mailbox_pickup",
                "name": _("Mailbox pickup"),
                "topics": PICKUP_TOPIC,
                "direction": "in",
                "trigger": "schedule",
                "policy": "batch",
                "interval_number": 15,
                "interval_type": "minutes",
            },
            {
                "code": "files_in",
                "name": _("Files received"),
                "topics": INTERCHANGE_TOPIC + ",ack.received",
                "direction": "in",
                "trigger": "webhook",
            },
        ]
        for name, x12_set, _message, direction, _apply, label, odoo_event, _listener in DOCUMENTS:
            if name.startswith("ack."):
                continue
            flows.append(
                {
                    "code": name.replace(".", "_"),
                    "name": label,
                    "topics": name,
                    "direction": direction,
                    "trigger": "odoo_event" if odoo_event else ("webhook" if direction == "in" else "manual"),
                    "description": _("Transaction set %s.", x12_set),
                }
            )
        flows.append(
            {
                "code": "ack_sent",
                "name": _("Acknowledgements out (997)"),
                "topics": "ack.sent",
                "direction": "out",
                "trigger": "manual",
            }
        )
        return flows

    def _edi_test_connection(self):
        return self.env["trading.partner.transport"]._test_connection(self)

    def _edi_document_flow_on(self, topic):
        """Whether this partner's flow of ``topic`` is on (its policy not off)."""
        return self.env["integration.flow"]._is_active(self, topic.replace(".", "_"))

    # ------------------------------------------------------------------------------
    # profile for the plain envelope code
    # ------------------------------------------------------------------------------

    def _edi_usage(self):
        return "P" if self.environment == "production" else "T"

    def _edi_delimiters(self):
        suffix = {"none": "", "lf": "\n", "crlf": "\r\n"}[self.edi_line_ending or "none"]
        return Delimiters(
            element=self.edi_element_separator,
            component=self.edi_component_separator,
            segment=self.edi_segment_terminator,
            repetition=self.edi_repetition_separator or "" if self.edi_standard == "X12" else "",
            release="?" if self.edi_standard == "EDIFACT" else "",
            suffix=suffix,
        )

    def _edi_profile(self):
        """The plain :class:`~..lib.envelope.Profile` of this partner's files
        in its current environment (test or production identities)."""
        self.ensure_one()
        ours = self.edi_identity_ids._pick("ours", "interchange", self.environment)
        theirs = self.edi_identity_ids._pick("theirs", "interchange", self.environment)
        our_group = self.edi_identity_ids._pick("ours", "group", self.environment)
        their_group = self.edi_identity_ids._pick("theirs", "group", self.environment)
        if not ours or not theirs:
            raise ValidationError(
                _(
                    "Trading partner %(name)s has no %(which)s interchange identity for %(env)s.",
                    name=self.name,
                    which=_("own") if not ours else _("partner"),
                    env=self.environment,
                )
            )
        return envelope.Profile(
            standard=self.edi_standard,
            dialect=self.edi_dialect,
            sender=Party(ours.qualifier or "", ours.identifier),
            receiver=Party(theirs.qualifier or "", theirs.identifier),
            group_sender=our_group.identifier if our_group else "",
            group_receiver=their_group.identifier if their_group else "",
            usage=self._edi_usage(),
            ack_requested=self.edi_request_ack,
            delimiters=self._edi_delimiters(),
        )

    def _edi_overrides(self):
        """The partner's guide rules (a list of overrides), or None."""
        if not self.edi_guide_overrides:
            return None
        rules = json.loads(self.edi_guide_overrides)
        return [rules] if isinstance(rules, dict) else rules

    def _edi_next_control(self, kind):
        return self.env["trading.partner.counter"]._next(self, kind)

    def action_open_edi_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("channel_edi.trading_partner_document_action")
        action["domain"] = [("backend_id", "=", self.id)]
        action["context"] = {"default_backend_id": self.id}
        return action
