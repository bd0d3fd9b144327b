from odoo import fields, models

from odoo.addons.integration_core.lib.topics import Topic, TopicTable

from ..lib import mapper

EXAMPLE_TOPICS = TopicTable(
    [
        Topic(
            "order.created",
            "in",
            "webhook",
            "_import_from_event",
            model="integration.order.importer",
            kind="order",
            mapper=mapper.order_to_canonical,
            remote=("order/new",),
            label="Orders in",
        ),
        Topic(
            "shipment.export",
            "out",
            "odoo_event",
            "_export_shipment",
            model="example.exporter",
            odoo_event="picking.done",
            listener="_listen_pickings_done",
            label="Shipments out",
        ),
    ]
)


class IntegrationBackend(models.Model):
    _inherit = "integration.backend"

    backend_type = fields.Selection(selection_add=[("example", "Example")], ondelete={"example": "cascade"})

    def _example_topics(self):
        return EXAMPLE_TOPICS
