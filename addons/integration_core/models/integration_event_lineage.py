from odoo import fields, models


class IntegrationEvent(models.Model):
    """Lineage: an acknowledgement points at what it acknowledges, a message
    split from a file points at the file, an export at the import it follows."""

    _inherit = "integration.event"

    parent_id = fields.Many2one(
        "integration.event",
        string="Parent event",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        copy=False,
    )
    child_ids = fields.One2many("integration.event", "parent_id", string="Child events", readonly=True)
