"""How files travel: the one place channel_edi talks to partners' SFTP
servers, VAN mailboxes and AS2 stations (and tpl_connector's warehouses).

- :meth:`_deliver`: an outbound file to the partner's endpoint of the
  backend's environment (SFTP: atomic upload; AS2: signed and encrypted,
  the sync MDN reconciled); without an endpoint the file is only kept on
  its document (a partner that fetches files by hand).
- :meth:`_apply_pickup` (topic ``file.pickup``, run by the mailbox flow):
  every file waiting in the partner's folder becomes an
  ``interchange.received`` event; the server copy is deleted or archived
  only after the transaction that stored it has committed, so a crash in
  between leaves the file on the server and the next pickup finds it again
  (the event's content key makes that second read a no-op).
- AS2 inbound is the controller's (controllers/as2.py), through
  :meth:`_as2_receive`.
"""

import hashlib
import logging

from odoo import _, api, models
from odoo.exceptions import UserError

from ..lib.transports import as2, sftp

_logger = logging.getLogger(__name__)

CIPHERS = {"aes128": "aes128_cbc", "aes192": "aes192_cbc", "aes256": "aes256_cbc", "des3": "tripledes_3key"}
PICKUP_LIMIT = 200  # files per pickup run


class TradingPartnerTransport(models.AbstractModel):
    _name = "trading.partner.transport"
    _description = "EDI transports (SFTP, AS2)"

    @api.model
    def _endpoint(self, backend, transport=None):
        endpoints = backend.sudo().edi_endpoint_ids.filtered(
            lambda e: e.active
            and e.environment == backend.environment
            and (not transport or e.transport == transport)
        )
        return endpoints[:1]

    # ------------------------------------------------------------------------------
    # SFTP
    # ------------------------------------------------------------------------------

    @api.model
    def _sftp_settings(self, backend, endpoint):
        if not endpoint.sftp_host_key:
            raise UserError(
                _(
                    "Endpoint %s has no pinned host key: fetch and confirm the server's key first.",
                    endpoint.sftp_host,
                )
            )
        timeout = backend.request_timeout or 20.0
        return sftp.SftpSettings(
            host=endpoint.sftp_host,
            port=endpoint.sftp_port or 22,
            username=endpoint.sftp_username or "",
            host_key=endpoint.sftp_host_key,
            password=backend._get_secret("sftp_password", required=False) or None,
            private_key=backend._get_secret("sftp_private_key", required=False) or None,
            timeouts=sftp.Timeouts(
                connect=timeout,
                banner=timeout,
                handshake=timeout,
                auth=timeout,
                channel=timeout,
                operation=timeout * 3,
            ),
        )

    @api.model
    def _apply_pickup(self, event, payload):
        """Fetch the partner's waiting files into events (see the module doc)."""
        backend = event.backend_id
        self._pickup_files(
            backend,
            lambda data, name: self._receive_file(backend, data, f"sftp:{name}", parent=event),
        )
        return None

    @api.model
    def _pickup_files(self, backend, receive):
        """The SFTP mailbox pickup of ``backend``'s endpoint, for any addon
        that takes files from a mailbox (EDI interchanges, bank statements):
        ``receive(data, name)`` stores each waiting file in the current
        transaction; the server copies are deleted or archived only after
        that transaction commits. Returns the number of files received
        (None without an SFTP endpoint)."""
        endpoint = self._endpoint(backend, "sftp")
        if not endpoint:
            return None
        settings = self._sftp_settings(backend, endpoint)
        client = sftp.SftpClient.connect(settings)
        received = []
        try:
            for remote in client.list_files(
                endpoint.sftp_inbound_dir or ".", endpoint.sftp_pattern or "*", PICKUP_LIMIT
            ):
                file = client.download(remote)
                receive(file.data, file.name)
                received.append(file)
        except Exception:
            client.close()
            raise
        archive = endpoint.sftp_archive_dir or None
        if not received:
            client.close()
            return 0

        def acknowledge():
            # after the commit: the bytes are stored, the server copy may go
            try:
                for file in received:
                    client.ack(file, archive_folder=archive)
            except Exception:  # noqa: BLE001 - the next pickup reads them again
                _logger.warning(
                    "SFTP pickup: could not acknowledge files on %s", endpoint.sftp_host, exc_info=True
                )
            finally:
                client.close()

        self.env.cr.postcommit.add(acknowledge)
        self.env.cr.postrollback.add(client.close)
        return len(received)

    @api.model
    def _receive_file(self, backend, data, source, parent=None, as2_message_id=None):
        """One inbound file as an ``interchange.received`` event: the same
        bytes twice are one event (content key), whatever their name."""
        digest = hashlib.sha256(data).hexdigest()
        return backend._enqueue_topic(
            "interchange.received",
            data,
            key=f"as2:{as2_message_id}" if as2_message_id else f"file:{digest}",
            parent=parent,
            external_id=source[:200],
            content_key=f"sha256:{digest}",
            with_created=True,
        )

    @api.model
    def _deliver(self, backend, filename, data):
        """Send ``data`` to the partner; returns what the log keeps
        (``message_id`` and ``mic`` for AS2)."""
        endpoint = self._endpoint(backend)
        if not endpoint:
            return {}
        if endpoint.transport == "sftp":
            with sftp.SftpClient.connect(self._sftp_settings(backend, endpoint)) as client:
                client.upload(
                    endpoint.sftp_outbound_dir or ".",
                    filename,
                    data,
                    tmp_folder=endpoint.sftp_tmp_dir or None,
                )
            return {}
        return self._as2_send(backend, endpoint, filename, data)

    # ------------------------------------------------------------------------------
    # AS2
    # ------------------------------------------------------------------------------

    @api.model
    def _as2_identity(self, backend, endpoint):
        key = backend._get_secret("as2_private_key", required=False)
        if not key or not endpoint.as2_our_cert:
            raise UserError(_("AS2 endpoint of %s needs our certificate and our private key.", backend.name))
        return as2.LocalIdentity(endpoint.as2_our_id, endpoint.as2_our_cert.encode(), key.encode())

    @api.model
    def _as2_partner(self, endpoint):
        return as2.Partner(
            as2_id=endpoint.as2_partner_id,
            certificate=endpoint.as2_partner_cert.encode() if endpoint.as2_partner_cert else None,
            url=endpoint.as2_url,
            sign=endpoint.as2_sign,
            digest=endpoint.as2_digest or "sha256",
            encrypt=endpoint.as2_encrypt,
            cipher=CIPHERS[endpoint.as2_cipher or "aes256"],
            mdn_mode=endpoint.as2_mdn or "sync",
            require_signed=endpoint.as2_sign,
            require_encrypted=endpoint.as2_encrypt,
        )

    @api.model
    def _as2_send(self, backend, endpoint, filename, data):
        content_type = "application/edifact" if backend.edi_standard == "EDIFACT" else "application/edi-x12"
        message = as2.build_message(
            data,
            self._as2_identity(backend, endpoint),
            self._as2_partner(endpoint),
            content_type=content_type,
            filename=filename,
            subject=filename,
        )
        with backend._http_client(base_url=endpoint.as2_url) as client:
            delivery = as2.send(
                endpoint.as2_url, message, timeout=backend.request_timeout or 20.0, client=client
            )
        delivery.raise_for_result()
        return {"message_id": message.message_id, "mic": message.received_content_mic}

    @api.model
    def _as2_receive(self, headers, body):
        """An AS2 POST: (backend or None, HttpAnswer). The message is stored
        as an event when it is authentic, whatever its content; a message
        that fails decryption or its signature is answered with a failure
        MDN and stored nowhere."""
        lower = {key.lower(): value for key, value in headers.items()}  # HTTP names are case-blind
        sender = as2.unquote_as2_name(lower.get("as2-from") or "")
        receiver = as2.unquote_as2_name(lower.get("as2-to") or "")
        endpoints = (
            self.env["trading.partner.endpoint"]
            .sudo()
            .search(
                [
                    ("transport", "=", "as2"),
                    ("active", "=", True),
                    ("as2_partner_id", "=", sender),
                    ("as2_our_id", "=", receiver),
                    ("backend_id.active", "=", True),
                ]
            )
        )
        endpoint = endpoints.filtered(lambda e: e.environment == e.backend_id.environment)[:1]
        if not endpoint:
            return None, as2.HttpAnswer(
                403, {"Content-Type": "text/plain"}, b"Unknown AS2 partner or recipient"
            )
        backend = endpoint.backend_id
        identity = self._as2_identity(backend, endpoint)
        partner = self._as2_partner(endpoint)
        message, answer = as2.handle(headers, body, {identity.as2_id: identity}, {partner.as2_id: partner})
        if message.ok:
            self._receive_file(
                backend,
                message.payload,
                f"as2:{message.filename or message.message_id}",
                as2_message_id=message.message_id,
            )
        if answer.mdn is not None and answer.async_url:
            timeout = backend.request_timeout or 20.0

            def send_async_mdn():
                # once the message is stored: the receipt says we have it
                try:
                    as2.send_mdn(answer.async_url, answer.mdn, timeout=timeout)
                except Exception:  # noqa: BLE001 - the partner resends; we answer again
                    _logger.warning("AS2: async MDN to %s failed", answer.async_url, exc_info=True)

            self.env.cr.postcommit.add(send_async_mdn)
        return backend, answer

    @api.model
    def _test_connection(self, backend):
        endpoint = self._endpoint(backend)
        if not endpoint:
            return _("No endpoint for %s: files are kept on their documents only.", backend.environment)
        if endpoint.transport == "sftp":
            with sftp.SftpClient.connect(self._sftp_settings(backend, endpoint)) as client:
                count = len(client.list_files(endpoint.sftp_inbound_dir or ".", endpoint.sftp_pattern or "*"))
            return _(
                "Connected to %(host)s: %(count)s file(s) waiting.", host=endpoint.sftp_host, count=count
            )
        return _("AS2 endpoint %s is configured; send a document to test it.", endpoint.as2_url)
