from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.transports import smime


class TradingPartnerEndpoint(models.Model):
    """Where a partner's files go and come from, for test or production:
    an SFTP server or VAN mailbox (host-key pinned, separate folders), or an
    AS2 station (URL, AS2 ids, certificates, MDN mode).

    Secrets are the backend's credentials (encrypted, managers only):
    ``sftp_password`` / ``sftp_private_key`` for SFTP, ``as2_private_key``
    (PEM, ours) for AS2. Certificates are public and kept here.
    """

    _name = "trading.partner.endpoint"
    _description = "Trading partner endpoint"
    _order = "backend_id, environment, sequence, id"

    sequence = fields.Integer(default=10)
    backend_id = fields.Many2one("integration.backend", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    environment = fields.Selection(
        [("sandbox", "Test"), ("production", "Production")], required=True, default="sandbox"
    )
    transport = fields.Selection(
        [("sftp", "SFTP / VAN mailbox"), ("as2", "AS2")], required=True, default="sftp"
    )
    active = fields.Boolean(default=True)

    # --- SFTP -------------------------------------------------------------------------
    sftp_host = fields.Char(string="Host")
    sftp_port = fields.Integer(string="Port", default=22)
    sftp_username = fields.Char(string="User name")
    sftp_host_key = fields.Char(
        string="Pinned host key",
        help='The server\'s host key ("ssh-ed25519 AAAA...") or its fingerprint ("SHA256:..."). '
        "Connections to a server showing another key are refused.",
    )
    sftp_inbound_dir = fields.Char(string="Pick up from", default="/outbound")
    sftp_outbound_dir = fields.Char(string="Deliver to", default="/inbound")
    sftp_archive_dir = fields.Char(string="Archive to", help="Empty: picked-up files are deleted.")
    sftp_tmp_dir = fields.Char(string="Upload through", help="Empty: a temporary name in the target folder.")
    sftp_pattern = fields.Char(string="File pattern", default="*")

    # --- AS2 --------------------------------------------------------------------------
    as2_url = fields.Char(string="Partner AS2 URL")
    as2_our_id = fields.Char(string="Our AS2 id")
    as2_partner_id = fields.Char(string="Partner AS2 id")
    as2_sign = fields.Boolean(string="Sign", default=True)
    as2_encrypt = fields.Boolean(string="Encrypt", default=True)
    as2_digest = fields.Selection([("sha256", "SHA-256"), ("sha1", "SHA-1")], default="sha256")
    as2_cipher = fields.Selection(
        [("aes128", "AES-128"), ("aes192", "AES-192"), ("aes256", "AES-256"), ("des3", "3DES")],
        default="aes256",
    )
    as2_mdn = fields.Selection(
        [("sync", "Synchronous"), ("async", "Asynchronous"), ("none", "None")], string="MDN", default="sync"
    )
    as2_partner_cert = fields.Text(string="Partner certificate (PEM)")
    as2_our_cert = fields.Text(string="Our certificate (PEM)")
    cert_expires_at = fields.Datetime(
        compute="_compute_cert_expiry", store=True, string="Certificate expires"
    )
    cert_expiry_days = fields.Integer(string="Alert days before expiry", default=30)

    @api.depends("as2_partner_cert", "as2_our_cert")
    def _compute_cert_expiry(self):
        for endpoint in self:
            dates = []
            for pem in (endpoint.as2_partner_cert, endpoint.as2_our_cert):
                if pem:
                    try:
                        dates.append(smime.load_certificate(pem.encode()).not_after)
                    except (ValueError, smime.SmimeError):
                        continue
            endpoint.cert_expires_at = min(dates).replace(tzinfo=None) if dates else False

    @api.constrains("transport", "sftp_host", "as2_url", "sftp_port")
    def _check_transport(self):
        for endpoint in self:
            if endpoint.transport == "sftp" and endpoint.active and not endpoint.sftp_host:
                raise ValidationError(_("An SFTP endpoint needs its host."))
            if endpoint.transport == "sftp" and not 0 < endpoint.sftp_port < 65536:
                raise ValidationError(_("Port %s is not a TCP port.", endpoint.sftp_port))
            if endpoint.transport == "as2" and endpoint.active and not endpoint.as2_url:
                raise ValidationError(_("An AS2 endpoint needs the partner's URL."))

    @api.model
    def _cron_check_certificates(self):
        """An activity on the backend for each certificate expiring soon."""
        now = fields.Datetime.now()
        for endpoint in self.search([("cert_expires_at", "!=", False), ("active", "=", True)]):
            if endpoint.cert_expires_at - timedelta(days=endpoint.cert_expiry_days) > now:
                continue
            backend = endpoint.backend_id
            summary = _("AS2 certificate of %s expires soon", backend.name)
            if backend.activity_ids.filtered(lambda a, s=summary: a.summary == s):
                continue
            backend.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=endpoint.cert_expires_at.date(),
                summary=summary,
                note=_(
                    "A certificate of endpoint %(url)s expires on %(date)s: exchange new ones with the partner.",
                    url=endpoint.as2_url or endpoint.sftp_host,
                    date=endpoint.cert_expires_at,
                ),
                user_id=(backend.user_id or self.env.ref("base.user_admin")).id,
            )
