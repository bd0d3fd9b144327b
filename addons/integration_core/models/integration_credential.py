import logging
import os

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import config

from ..lib.crypto import CONFIG_OPTION, ENV_VARIABLE, SecretBox
from ..lib.exceptions import IntegrationError, MissingKeyError

_logger = logging.getLogger(__name__)


def secret_box():
    """The SecretBox built from the Odoo config file or the environment
    (option integration_encryption_key / INTEGRATION_ENCRYPTION_KEY); never
    from the database. Built once per key configuration: a key changed or
    taken away gives another box (or MissingKeyError) at the next call."""
    sources = (config.options.get(CONFIG_OPTION), os.environ.get(ENV_VARIABLE))
    box = _BOXES.get(sources)
    if box is None:
        box = SecretBox.from_sources(config.options, os.environ)
        _BOXES.clear()
        _BOXES[sources] = box
    return box


_BOXES = {}  # {(configured key, environment key): SecretBox}, the current one


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

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _encrypted_value, in every worker
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    def _read_secret(self, backend, key, required=True):
        """The decrypted secret ``key`` of ``backend``. It is decrypted with
        the configured key at each call (a key taken away is noticed at
        once); only the encrypted value is cached, per worker, until a
        credential changes (see _encrypted_value)."""
        encrypted = self._encrypted_value(backend.id, key)
        if not encrypted:
            if required:
                raise IntegrationError(
                    _("The backend %(backend)s has no credential '%(key)s'.", backend=backend.name, key=key)
                )
            return None
        return secret_box().decrypt(encrypted)

    @api.model
    @tools.ormcache("backend_id", "key")
    def _encrypted_value(self, backend_id, key):
        """The stored (encrypted) value of a credential, or None. Cached in
        Odoo's registry cache: create, write and unlink clear it in every
        worker, as a change of ir.config_parameter does. Webhooks read their
        signing secret on every delivery; this saves two queries each."""
        self.flush_model(["backend_id", "key", "value_encrypted"])
        self.env.cr.execute(
            "SELECT value_encrypted FROM integration_credential WHERE backend_id = %s AND key = %s",
            [backend_id, key],
        )
        row = self.env.cr.fetchone()
        return row[0] if row else None

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
