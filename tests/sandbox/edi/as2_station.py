"""The partner's AS2 station (RFC 4130), on ``channel_edi``'s AS2 module
used from the partner's side, with the partner's own key and certificate.

Receiving: our POST to ``/as2`` is decrypted with the partner's key, our
signature verified against our pinned certificate (:func:`as2.receive`), and
answered with a signed sync MDN; the EDI payload goes to the partner
(:meth:`TradingPartner.receive`); an async MDN (Receipt-Delivery-Option)
is POSTed on :meth:`As2Station.process_pending` (the sandbox's tick). Faults: ``as2_no_mdn`` (HTTP 200, no
MDN), ``as2_failed_mdn`` (an MDN reporting ``processed/error:`` or
``failed/Failure:``; the payload is dropped), ``as2_bad_signature`` and
``as2_wrong_certificate`` with ``"on": "mdn"`` (an MDN whose signature we
must refuse).

Sending: :meth:`As2Station.send` signs the partner's file with its key,
encrypts it to our certificate and POSTs it to our endpoint
(``POST /integration/edi/as2`` of the Odoo server), asking a signed sync
MDN, which it reconciles (MIC, disposition). Faults: ``as2_bad_signature``
(the content is altered after signing), ``as2_wrong_certificate`` (signed
with a key and certificate we never pinned).
"""

import threading
from dataclasses import replace

from . import libs

_GENERATED = {}  # as2 id -> (certificate, key): one RSA key per process and name
_GENERATED_LOCK = threading.Lock()


def generated_keys(as2_id, organization="EDI sandbox"):
    """A self-signed certificate and key for ``as2_id``, made once per process
    and organization (an RSA key takes a second to make; the sandboxes of a
    test run share them)."""
    with _GENERATED_LOCK:
        if (as2_id, organization) not in _GENERATED:
            smime = libs.smime()
            _GENERATED[as2_id, organization] = smime.generate_self_signed(
                as2_id, days=365, organization=organization
            )
        return _GENERATED[as2_id, organization]


def _certificate_bytes(value):
    """PEM/DER bytes of a certificate given as bytes, text, or a Certificate
    of any copy of the AS2 module (Odoo tests load ``channel_edi.lib`` under
    its own name, the sandbox under another: their classes differ)."""
    return value.der if hasattr(value, "der") else value


class As2Station:
    """``as2_id``, ``certificate``/``private_key`` (generated when not
    given, :meth:`generate`); ``our_as2_id``, ``our_certificate`` and
    ``our_url`` describe our side."""

    def __init__(
        self,
        partner,
        as2_id,
        *,
        certificate=None,
        private_key=None,
        our_as2_id="",
        our_certificate=None,
        our_url="",
        inline=True,
    ):
        as2 = libs.as2()
        self.partner = partner
        if certificate is None:
            certificate, private_key = generated_keys(as2_id)
        self.identity = as2.LocalIdentity(as2_id, _certificate_bytes(certificate), private_key)
        self.our_as2_id = our_as2_id
        self.our_url = our_url
        self.us = None
        if our_as2_id and our_certificate is not None:
            self.set_us(our_as2_id, our_certificate, our_url)
        self.inline = inline  # process a payload before answering (tests) or on tick() (demo)
        self.inbox = []  # payloads waiting for tick()
        self.async_mdns = []  # (url, OutboundMdn) waiting for tick()
        self.messages = []  # what arrived: {"message_id", "ok", "error", "disposition", "mdn"}
        self.deliveries = []  # what the partner sent: {"message_id", "status", "result", "error"}
        self._lock = threading.Lock()

    @property
    def as2_id(self):
        return self.identity.as2_id

    @property
    def certificate(self):
        return self.identity.certificate

    def set_us(self, as2_id, certificate, url=""):
        """Our AS2 profile as the partner keeps it (it pins our certificate)."""
        as2 = libs.as2()
        self.our_as2_id = as2_id
        self.our_url = url or self.our_url
        self.us = as2.Partner(
            as2_id, certificate=_certificate_bytes(certificate), url=self.our_url, mdn_mode=as2.MDN_SYNC
        )

    # -- receiving -------------------------------------------------------------------------

    def receive(self, headers, body):
        """Our POST -> ``(status, headers, body)`` of the answer."""
        as2 = libs.as2()
        if self.us is None:
            return 503, {"Content-Type": "text/plain"}, b"the sandbox partner has no AS2 profile of ours yet"
        message = as2.receive(headers, body, self.identity, [self.us])
        faults = self.partner.faults
        failed = faults.take("as2_failed_mdn")
        if failed is not None and message.ok:
            modifier = failed.get("modifier", as2.DECRYPTION_FAILED)
            message.error = as2.As2Error(
                f"sandbox fault: {modifier}", modifier, failure=bool(failed.get("failure"))
            )
            message.payload = None
        no_mdn = faults.take("as2_no_mdn")
        record = {
            "message_id": message.message_id,
            "ok": message.ok,
            "error": message.error.message if message.error else None,
            "filename": message.filename,
        }
        with self._lock:
            self.messages.append(record)
        if message.ok:
            if self.inline:
                self.partner.receive(message.payload, name=message.filename or message.message_id, via="as2")
            else:
                with self._lock:
                    self.inbox.append((message.payload, message.filename or message.message_id))
        if no_mdn is not None or message.mdn_request is None:
            record["mdn"] = None
            return 200, {"Content-Type": "text/plain"}, b""
        if faults.take("as2_wrong_certificate", on="mdn"):
            message.identity = as2.LocalIdentity(
                self.as2_id, *generated_keys(self.as2_id, "Not the pinned one")
            )
        bad_signature = faults.take("as2_bad_signature", on="mdn")
        mdn = as2.build_mdn(message, reporting_ua="SandboxEDI AS2")
        if bad_signature and mdn.signed:
            # the human-readable part is signed content: change one letter of it
            mdn = replace(mdn, body=mdn.body.replace(b"The AS2 message", b"The AS2 Message", 1))
        record.update(mdn=mdn.message_id, disposition=mdn.disposition)
        if message.mdn_request.async_url:  # RFC 4130 7.3: POSTed later, on tick()
            with self._lock:
                self.async_mdns.append((message.mdn_request.async_url, mdn))
            return 200, {"Content-Type": "text/plain"}, b""
        return 200, dict(mdn.headers), mdn.body

    def process_pending(self):
        """POST the async MDNs owed, then hand queued payloads (``inline=False``)
        to the partner. An MDN that cannot be delivered is recorded and dropped
        (the sender's own timeout is what notices it)."""
        as2 = libs.as2()
        with self._lock:
            mdns, self.async_mdns = self.async_mdns, []
            items, self.inbox = self.inbox, []
        for url, mdn in mdns:
            record = {"async_mdn": mdn.message_id, "original": mdn.original_message_id, "url": url}
            try:
                record["status"] = as2.send_mdn(url, mdn, timeout=30)
            except Exception as exc:  # recorded, the partner goes on
                record["error"] = f"{type(exc).__name__}: {exc}"
            with self._lock:
                self.deliveries.append(record)
        return [self.partner.receive(data, name=name, via="as2") for data, name in items]

    # -- sending ----------------------------------------------------------------------------

    def build(self, payload, filename):
        """The :class:`as2.OutboundMessage` for ``payload``, with the
        partner's AS2 faults applied (see module doc)."""
        as2 = libs.as2()
        if self.us is None or not self.our_url:
            raise ValueError("the sandbox partner does not know our AS2 id, certificate and URL")
        faults = self.partner.faults
        sender = self.identity
        if faults.take("as2_wrong_certificate"):
            certificate, key = generated_keys(self.as2_id, "Not the pinned one")
            sender = as2.LocalIdentity(self.as2_id, certificate, key)
        if faults.take("as2_bad_signature"):
            return self._tampered(payload, filename)
        return as2.build_message(payload, sender, self.us, filename=filename, subject=f"EDI {filename}")

    def _tampered(self, payload, filename):
        """Signed, then one byte of the content changed, then encrypted: the
        signature no longer matches (our side must refuse it)."""
        as2 = libs.as2()
        smime = libs.smime()
        clear = as2.build_message(payload, self.identity, replace(self.us, encrypt=False), filename=filename)
        content_type = clear.headers["Content-Type"]
        # the first 20 bytes of an X12 file hold '*' (never in the base64
        # signature part): change one of them in the signed content
        head = bytes(payload[:20])
        altered = head[:-1] + (b"1" if head[-1:] != b"1" else b"2")
        if head not in clear.body:
            raise ValueError("cannot find the content to alter in the signed entity")
        body = clear.body.replace(head, altered, 1)
        entity = f"Content-Type: {content_type}\r\n\r\n".encode("ascii") + body
        headers = {
            k: v
            for k, v in clear.headers.items()
            if k.lower() not in ("content-type", "content-transfer-encoding")
        }
        headers.update(as2._pkcs7_mime_headers("enveloped-data", "smime.p7m"))
        return replace(
            clear,
            headers=headers,
            body=smime.encrypt(entity, self.us.certificate, self.us.cipher),
            encrypted=True,
        )

    def send(self, payload, filename):
        """POST ``payload`` to our endpoint; the record of the delivery (never raises)."""
        as2 = libs.as2()
        record = {"filename": filename}
        try:
            message = self.build(payload, filename)
            record["message_id"] = message.message_id
            delivery = as2.send(self.our_url, message, timeout=30)
            record.update(
                status=delivery.status_code, result=delivery.result.status if delivery.result else None
            )
            if delivery.result is not None:
                record["reason"] = delivery.result.reason
        except Exception as exc:  # what our endpoint did is the record, not a crash of the peer
            record["error"] = f"{type(exc).__name__}: {exc}"
        with self._lock:
            self.deliveries.append(record)
        return record
