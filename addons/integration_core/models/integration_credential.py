import logging
import os

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config

from ..lib.crypto import SecretBox
from ..lib.exceptions import IntegrationError, MissingKeyError

_logger = logging.getLogger(__name__)


def secret_box():
    """The SecretBox built from the Odoo config file or the environment
    (option integration_encryption_key / INTEGRATION_ENCRYPTION_KEY); never
    from the database."""
    return SecretBox.from_sources(config.options, os.environ)


class IntegrationCredential(models.Model):
    """One secret of a backend (access token, client secret...), encrypted.

    The value is write-only in the UI: users type it, nobody reads it back.
    Code reads it with ``backend._get_secret(key)`` only.
    """

    _name = "integration.credential"
    _description = "Integration Credential"
    _order = "backend_id, key"

    backend_id = fields.Many2one("integration.backend", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    key = fields.Char(required=True, help="e.g. access_token, client_secret, webhook_secret")
    value = fields.Char(
        compute="_compute_value",
        inverse="_inverse_value",
        help="Write-only: type a new value to replace the stored one.",
    )
    value_encrypted = fields.Char(readonly=True, copy=False)
    is_set = fields.Boolean(compute="_compute_is_set", string="Set")
    changed_at = fields.Datetime(readonly=True)
    changed_by = fields.Many2one("res.users", readonly=True)

    _sql_constraints = [
        ("key_unique", "unique(backend_id, key)", "A backend has one value per credential key."),
    ]

    def _compute_value(self):
        for credential in self:
            credential.value = False

    def _inverse_value(self):
        for credential in self:
            if credential.value:
                credential._store(credential.value)

    @api.depends("value_encrypted")
    def _compute_is_set(self):
        for credential in self:
            credential.is_set = bool(credential.value_encrypted)

    def _store(self, plaintext):
        try:
            token = secret_box().encrypt(plaintext)
        except MissingKeyError as exc:
            raise UserError(exc.message) from exc
        self.write(
            {"value_encrypted": token, "changed_at": fields.Datetime.now(), "changed_by": self.env.uid}
        )
        self.backend_id._message_log(body=_("Credential %s changed.", self.key))

    @api.model
    def _read_secret(self, backend, key, required=True):
        credential = self.sudo().search([("backend_id", "=", backend.id), ("key", "=", key)], limit=1)
        if not credential.value_encrypted:
            if required:
                raise IntegrationError(
                    _("The backend %(backend)s has no credential '%(key)s'.", backend=backend.name, key=key)
                )
            return None
        return secret_box().decrypt(credential.value_encrypted)

    @api.model
    def _write_secret(self, backend, key, value):
        credential = self.sudo().search([("backend_id", "=", backend.id), ("key", "=", key)], limit=1)
        if not credential:
            credential = self.sudo().create({"backend_id": backend.id, "key": key})
        credential._store(value)

    @api.model
    def _known_secrets(self, backend):
        """Plaintext secrets of a backend, to mask them out of error texts."""
        if not backend:
            return []
        values = []
        for credential in self.sudo().search([("backend_id", "=", backend.id)]):
            if credential.value_encrypted:
                try:
                    values.append(secret_box().decrypt(credential.value_encrypted))
                except IntegrationError:
                    continue
        return values

    @api.model
    def _rotate_encryption_key(self):
        """Re-encrypt every credential under the first configured key.

        Configure "new,old" as integration_encryption_key, run this (see
        scripts/rotate-key), then keep only the new key.
        """
        box = secret_box()
        credentials = self.sudo().with_context(active_test=False).search([("value_encrypted", "!=", False)])
        for credential in credentials:
            credential.value_encrypted = box.rotate(credential.value_encrypted)
        _logger.info("Re-encrypted %d integration credentials under the new key", len(credentials))
        return len(credentials)
