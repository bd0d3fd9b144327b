from odoo import models

# Models whose attachments are read only through their record: the payload
# files of integration events hold raw (unmasked) payloads.
PROTECTED_MODELS = ("integration.event",)


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def check_access_rule(self, operation):
        super().check_access_rule(operation)
        if operation == "read":
            self._check_integration_read()

    def _read_format(self, fnames, load="_classic_read"):
        # read, search_read and web_read (RPC) all format through here
        self._check_integration_read()
        return super()._read_format(fnames, load=load)

    def _check_integration_read(self):
        """Reading an integration attachment by id takes the same checks as
        its record: an internal user, the rights and record rules of the
        event, and the groups of the field it stores (``payload_file``:
        integration managers). This Odoo 17's attachment ``read`` checks
        ir.rule only (there is none for attachments), and its ``_search``
        skips field groups; ``check()`` is what downloads use."""
        if self.env.su or not self.ids:
            return
        self.flush_model(["res_model"])
        self.env.cr.execute(
            "SELECT id FROM ir_attachment WHERE id IN %s AND res_model IN %s",
            [tuple(self.ids), PROTECTED_MODELS],
        )
        protected = self.browse([row[0] for row in self.env.cr.fetchall()])
        if protected:
            protected.check("read")
