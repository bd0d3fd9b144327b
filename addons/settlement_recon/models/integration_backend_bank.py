"""A bank's SFTP inbox as an integration backend (``backend_type`` ``bank``).

The bank (or its host-to-host service) leaves statement files in an SFTP
folder. The backend reuses channel_edi's endpoint configuration (host,
pinned host key, folders, pattern; password or key among the backend's
encrypted credentials) and its pickup (``trading.partner.transport.
_pickup_files``: list, download, delete or archive after the commit); its
one topic ``bank_file.pickup`` makes each file a ``settlement.bank.file``
and imports it. The pickup flow runs every 15 minutes.
"""

from odoo import _, fields, models

from odoo.addons.integration_core.lib.topics import Topic, TopicTable

PICKUP_TOPIC = "bank_file.pickup"
BANK_TOPICS = TopicTable(
    [
        Topic(
            PICKUP_TOPIC,
            "in",
            "schedule",
            "_apply_pickup",
            model="settlement.bank.file",
            label="Bank statement files picked up (SFTP)",
        )
    ]
)


class IntegrationBackend(models.Model):
    _inherit = "integration.backend"

    backend_type = fields.Selection(
        selection_add=[("bank", "Bank (statement files)")], ondelete={"bank": "cascade"}
    )
    bank_journal_id = fields.Many2one(
        "account.journal",
        string="Bank journal",
        check_company=True,
        domain="[('type', '=', 'bank')]",
        help="Files picked up go to this journal. Empty: the journal whose bank account is the "
        "statement's account.",
    )
    bank_file_ids = fields.One2many("settlement.bank.file", "backend_id", string="Bank files")

    def _bank_topics(self):
        return BANK_TOPICS

    def _bank_job_channel(self):
        return "root.integration.settlement"

    def _bank_default_flows(self):
        return [
            {
                "code": "bank_file_pickup",
                "name": _("Bank files pickup"),
                "topics": PICKUP_TOPIC,
                "direction": "in",
                "trigger": "schedule",
                "policy": "batch",
                "interval_number": 15,
                "interval_type": "minutes",
            }
        ]

    def _bank_test_connection(self):
        return self.env["trading.partner.transport"]._test_connection(self)

    def action_open_endpoints(self):
        """The SFTP endpoints of this bank (channel_edi's endpoint records)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Endpoints"),
            "res_model": "trading.partner.endpoint",
            "view_mode": "tree,form",
            "domain": [("backend_id", "=", self.id)],
            "context": {
                "default_backend_id": self.id,
                "default_environment": self.environment,
                "default_transport": "sftp",
            },
        }

    def action_open_bank_files(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("settlement_recon.settlement_bank_file_action")
        action["domain"] = [("backend_id", "=", self.id)]
        return action
