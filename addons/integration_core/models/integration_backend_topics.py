from odoo import models

from ..lib.topics import TopicTable


class IntegrationBackend(models.Model):
    _inherit = "integration.backend"

    def _topics(self):
        """This backend's topic table, declared by its channel as ``_<backend_type>_topics()``."""
        self.ensure_one()
        method = getattr(self, f"_{self.backend_type}_topics", None)
        return method() if method else TopicTable()
