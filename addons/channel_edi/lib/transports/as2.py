"""AS2 (RFC 4130): EDI over HTTP, signed, encrypted and receipted.

The flow
--------
Sending (we are the sender, the partner the receiver)::

    payload --MIME entity--> [compress] --> [sign] --> [encrypt] --> HTTP POST
                                                                      |
    reconcile(MDN) <-- parse_mdn <-- sync MDN in the HTTP answer <----+
                             ^------ or an async MDN POSTed to us later

1. :func:`build_message` wraps the payload in a MIME entity
   (``Content-Type: application/edi-x12``, ``Content-Transfer-Encoding:
   binary``, RFC 4130 section 5.2), optionally compresses it (RFC 5402,
   ``smime-type=compressed-data``), signs it (``multipart/signed`` with a
   detached ``application/pkcs7-signature``, RFC 1847 / RFC 5751 section
   3.5.3) and encrypts it (``application/pkcs7-mime;
   smime-type=enveloped-data``, RFC 5751 section 3.3). The AS2 headers
   (section 6: AS2-Version, AS2-From, AS2-To, Message-ID) and the receipt
   request (section 7.3: Disposition-Notification-To,
   Disposition-Notification-Options, Receipt-Delivery-Option for an async
   MDN) go into the HTTP headers. It computes the MIC the partner must
   return (section 7.3.1) and keeps it on the :class:`OutboundMessage`;
2. :func:`send` POSTs it through the suite's HTTP client (explicit timeout,
   errors classified retryable or permanent) and, for a sync MDN, reads and
   reconciles the receipt in the answer;
3. :func:`parse_mdn` reads an MDN (``multipart/report;
   report-type=disposition-notification``, RFC 3798, optionally signed) and
   :func:`reconcile` compares it with what we sent: original Message-ID,
   disposition and MIC -> ``processed``, ``processed-with-warnings``,
   ``failed`` (with the partner's reason) or ``mic-mismatch``.

Receiving (the partner sends, we answer with an MDN)::

    HTTP POST --> receive: decrypt --> verify --> decompress --> payload
                     |                                   + MIC
                     +--> handle: MDN (sync answer, or async to POST later)

4. :func:`receive` reads the headers, finds our identity (AS2-To) and the
   partner (AS2-From), decrypts with our key, verifies the signature against
   the partner's *pinned* certificate, decompresses, checks that the
   partner's security requirements are met and computes the MIC. Failures
   become the disposition modifiers of section 7.4.3
   (``decryption-failed``, ``authentication-failed``,
   ``insufficient-message-security``, ``decompression-failed``,
   ``unexpected-processing-error``) on :attr:`InboundMessage.error`;
5. :func:`handle` is what a controller calls: :func:`receive`, then
   :func:`build_mdn` (signed when the partner asked for it) returned as the
   HTTP answer, or kept for :func:`send_mdn` when the partner asked for an
   async MDN (Receipt-Delivery-Option).

The MIC (section 7.3.1, RFC 5402 section 4) is the base64 digest, with the
requested ``signed-receipt-micalg``, of: the signed MIME entity, headers
included, for a signed message; the decrypted (and decompressed) MIME entity
for an encrypted unsigned one; the bare content otherwise. Signed parts are
kept byte for byte as received (Content-Transfer-Encoding binary); a
signature over their canonical CRLF form is accepted too. Any signature
failure, a changed content digest included, is ``authentication-failed``
(``integrity-check-failed`` is only read, in partners' MDNs).

The CMS work (signatures, envelopes, compression, certificates) is in
:mod:`.smime`. AS2 names are case-sensitive (section 6.2) and quoted when
they hold spaces. Duplicate detection (on Message-ID) belongs to the caller,
who stores messages.
"""

import base64
import binascii
import email.header
import email.parser
import email.policy
import email.utils
import logging
import quopri
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import Message

from odoo.addons.integration_core.lib.exceptions import PermanentError
from odoo.addons.integration_core.lib.http_client import IntegrationHttpClient

from . import smime

_logger = logging.getLogger(__name__)

AS2_VERSION = "1.2"
REPORTING_UA = "Odoo channel_edi AS2"
CRLF = b"\r\n"
EDI_CONTENT_TYPES = ("application/edi-x12", "application/edifact", "application/octet-stream")

# MIC algorithm names on the wire (RFC 5751 section 3.4.3.2; "sha1" as RFC 4130 writes it)
MICALG_NAMES = {
    "md5": "md5",
    "sha1": "sha1",
    "sha224": "sha-224",
    "sha256": "sha-256",
    "sha384": "sha-384",
    "sha512": "sha-512",
}

# disposition modifiers of RFC 4130 section 7.4.3 (and RFC 5402 for compression)
AUTHENTICATION_FAILED = "authentication-failed"
DECOMPRESSION_FAILED = "decompression-failed"
DECRYPTION_FAILED = "decryption-failed"
INSUFFICIENT_SECURITY = "insufficient-message-security"
INTEGRITY_CHECK_FAILED = "integrity-check-failed"
UNEXPECTED_ERROR = "unexpected-processing-error"
UNSUPPORTED_MIC = "unsupported MIC-algorithms"  # a "failed/Failure:" description (section 7.5.3)

# reconciliation statuses of an MDN against what we sent
PROCESSED = "processed"
PROCESSED_WITH_WARNINGS = "processed-with-warnings"
FAILED = "failed"
MIC_MISMATCH = "mic-mismatch"

# (connect, read) seconds: a sync MDN comes once the partner has decrypted and
# verified the whole message, which takes longer than an API call
SEND_TIMEOUT = (5.0, 120.0)

MDN_SYNC = "sync"
MDN_ASYNC = "async"
MDN_NONE = "none"


# --- errors ------------------------------------------------------------------------


class As2Error(PermanentError):
    """An inbound message we refuse; ``modifier`` is the RFC 4130 7.4.3
    disposition modifier the MDN reports (``failure`` True for the
    ``failed/Failure:`` dispositions of section 7.5.3)."""

    category = "remote"

    def __init__(self, message, modifier=UNEXPECTED_ERROR, failure=False, **kwargs):
        super().__init__(message, code=f"as2.{modifier.replace(' ', '_')}", **kwargs)
        self.modifier = modifier
        self.failure = failure

    @property
    def disposition(self):
        """``processed/error: <modifier>`` or ``failed/Failure: <description>``."""
        if self.failure:
            return f"failed/Failure: {self.modifier}"
        return f"processed/error: {self.modifier}"


class MdnError(PermanentError):
    """An MDN we cannot accept: unreadable, badly signed, for another message."""

    category = "remote"


class MdnRejected(PermanentError):
    """The partner's MDN says the message failed, or its MIC does not match."""

    category = "remote"


# --- identities --------------------------------------------------------------------


@dataclass
class LocalIdentity:
    """Us, as one AS2 station: our AS2 id, certificate and private key.

    ``previous_keys`` are earlier ``(certificate, key)`` pairs still accepted
    for decryption while partners move to a new certificate.
    ``mdn_address`` goes in Disposition-Notification-To (default: the AS2 id).
    """

    as2_id: str
    certificate: object
    private_key: object
    previous_keys: tuple = ()
    mdn_address: str = ""

    def __post_init__(self):
        self.certificate = smime.load_certificate(self.certificate)
        if isinstance(self.private_key, bytes | str):
            self.private_key = smime.load_private_key(self.private_key)

    def decryption_keys(self):
        return [(self.certificate, self.private_key), *self.previous_keys]


@dataclass
class Partner:
    """A trading partner's AS2 profile.

    ``certificate`` is the partner's: we encrypt to it and pin it for their
    signatures (``previous_certificates`` are still accepted for signatures
    during a rollover). Outbound: ``sign``/``digest``, ``encrypt``/``cipher``
    (aes128_cbc, aes192_cbc, aes256_cbc, tripledes_3key), ``compress``,
    ``mdn_mode`` (sync, async, none), ``mdn_signed`` (ask for a signed
    receipt), ``async_mdn_url`` (where the partner posts async MDNs).
    Inbound: ``require_signed``/``require_encrypted`` (else
    insufficient-message-security).
    """

    as2_id: str
    certificate: object = None
    url: str = ""
    sign: bool = True
    digest: str = "sha256"
    encrypt: bool = True
    cipher: str = "aes256_cbc"
    compress: bool = False
    mdn_mode: str = MDN_SYNC
    mdn_signed: bool = True
    async_mdn_url: str = ""
    require_signed: bool = True
    require_encrypted: bool = True
    previous_certificates: tuple = ()

    def __post_init__(self):
        if self.certificate is not None:
            self.certificate = smime.load_certificate(self.certificate)
        self.previous_certificates = tuple(smime.load_certificate(c) for c in self.previous_certificates)
        if self.mdn_mode not in (MDN_SYNC, MDN_ASYNC, MDN_NONE):
            raise ValueError(f"mdn_mode must be sync, async or none, not {self.mdn_mode!r}")

    @property
    def signing_certificates(self):
        """The certificates a signature of this partner may come from."""
        return [c for c in (self.certificate, *self.previous_certificates) if c is not None]


# --- AS2 names and headers ---------------------------------------------------------

_AS2_TOKEN = re.compile(r"^[!#-\[\]-~]{1,128}$")  # printable ASCII but space, '"' and '\'


def quote_as2_name(name):
    """An AS2-From/AS2-To value: as is when it is a token, else quoted
    (RFC 4130 section 6.2: 1 to 128 printable ASCII characters)."""
    name = str(name)
    if not 1 <= len(name) <= 128 or any(not 32 <= ord(char) <= 126 for char in name):
        raise ValueError(f"Invalid AS2 name {name!r}: 1 to 128 printable ASCII characters")
    if _AS2_TOKEN.match(name):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _safe_as2_name(name):
    """:func:`quote_as2_name` for echoing what a sender wrote: characters an
    AS2 name cannot hold become "?", never an error."""
    cleaned = "".join(char if 32 <= ord(char) <= 126 else "?" for char in str(name or ""))[:128]
    return quote_as2_name(cleaned or "unknown")


def _clean(value, limit=998):
    """A received header value fit to echo: printable ASCII, one line."""
    return "".join(char if 32 <= ord(char) <= 126 else "?" for char in " ".join(str(value or "").split()))[
        :limit
    ]


def unquote_as2_name(value):
    """The AS2 name in a header value (quotes and escapes removed)."""
    value = (value or "").strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def new_message_id(as2_id="as2"):
    """A fresh ``<unique@domain>`` Message-ID (RFC 5322 msg-id), the right
    side made from the AS2 id."""
    domain = re.sub(r"[^A-Za-z0-9.-]+", "-", str(as2_id)).strip(".-") or "as2"
    return f"<{uuid.uuid4().hex}@{domain}>"


def _bare_message_id(value):
    return (value or "").strip().strip("<>").strip()


def _headers(headers):
    """A case-insensitive ``email.message.Message`` from a dict, a list of
    pairs, werkzeug or requests headers, or a Message."""
    if isinstance(headers, Message):
        return headers
    message = Message()
    for key, value in headers.items() if hasattr(headers, "items") else headers:
        message[key] = value
    return message


def _http_date(now=None):
    return email.utils.format_datetime(now or datetime.now(timezone.utc), usegmt=True)


# --- MIME entities, byte exact -----------------------------------------------------


def _entity(headers, body):
    """``Name: value`` CRLF lines, an empty line, the body (RFC 2045)."""
    head = b"".join(f"{name}: {value}".encode("ascii") + CRLF for name, value in headers)
    return head + CRLF + bytes(body)


def _split_entity(data):
    """``(headers Message, body bytes)`` of a MIME entity; its header lines may
    end in CRLF or LF (OpenSSL writes LF)."""
    data = bytes(data)
    if data.startswith((b"\r\n", b"\n")):
        return Message(), data[2:] if data.startswith(b"\r\n") else data[1:]
    ends = [(data.find(sep), sep) for sep in (b"\r\n\r\n", b"\n\n") if data.find(sep) >= 0]
    if not ends:
        head, body = data, b""
    else:
        index, sep = min(ends)
        head, body = data[:index], data[index + len(sep) :]
    parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
    return parser.parsebytes(head + b"\r\n\r\n"), body


def _decode_body(headers, body):
    """The body without its Content-Transfer-Encoding (base64, quoted-printable)."""
    encoding = (headers.get("Content-Transfer-Encoding") or "binary").strip().lower()
    if encoding == "base64":
        return base64.b64decode(re.sub(rb"\s+", b"", body), validate=True)
    if encoding == "quoted-printable":
        return quopri.decodestring(body)
    return body


def _split_multipart(body, boundary):
    """The parts of a multipart body, each exactly as transmitted (RFC 2046
    section 5.1.1: a delimiter is ``--boundary`` at the start of a line, the
    line break before it belongs to it; a close delimiter ends in ``--``)."""
    dash = b"--" + boundary.encode("ascii")
    parts, start, position = [], None, 0
    while True:
        index = body.find(dash, position)
        if index < 0:
            raise ValueError(f"the multipart body has no closing boundary --{boundary}--")
        position = index + 1
        if index and body[index - 1 : index] != b"\n":
            continue  # not at the start of a line
        line_start = index - 2 if body[index - 2 : index] == b"\r\n" else max(index - 1, 0)
        after = index + len(dash)
        closing = body[after : after + 2] == b"--"
        line_end = _end_of_delimiter_line(body, after + 2 if closing else after)
        if line_end is None and not closing:
            continue  # "--boundaryXYZ": another text
        if start is not None:
            parts.append(body[start:line_start])
        if closing:
            return parts
        start = position = line_end


def _end_of_delimiter_line(body, index):
    """Where the next line starts after transport padding (spaces, tabs) and
    a line break; None when something else follows."""
    while body[index : index + 1] in (b" ", b"\t"):
        index += 1
    if body[index : index + 2] == b"\r\n":
        return index + 2
    if body[index : index + 1] == b"\n" or index == len(body):
        return index + 1
    return None


def _new_boundary(*contents):
    while True:
        boundary = f"----=_Part_{uuid.uuid4().hex}"
        if not any(boundary.encode("ascii") in content for content in contents):
            return boundary


def _canonical(data):
    """Line breaks as CRLF (RFC 5751 section 3.1.1), for senders that signed
    the canonical form of a text entity but sent it with bare LFs."""
    return re.sub(rb"(?<!\r)\n", b"\r\n", data)


def _b64(data, width=76):
    """base64 in lines of ``width`` characters, CRLF-terminated."""
    text = base64.b64encode(data)
    return b"".join(text[i : i + width] + CRLF for i in range(0, len(text), width))


def _mic_text(mic, algorithm):
    """``<base64>, sha-256``: the Received-content-MIC value (section 7.4.3)."""
    return f"{mic}, {MICALG_NAMES.get(algorithm, algorithm)}"


def _mic(data, algorithm):
    return base64.b64encode(smime.digest(data, algorithm)).decode("ascii")


# --- signing and encrypting entities -----------------------------------------------


def _signed_entity(entity, certificate, private_key, digest):
    """A ``multipart/signed`` entity over ``entity`` (RFC 1847, RFC 5751 3.5.3)."""
    signature = smime.sign_detached(entity, certificate, private_key, digest)
    boundary = _new_boundary(entity)
    signature_part = _entity(
        [
            ("Content-Type", 'application/pkcs7-signature; name="smime.p7s"'),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", 'attachment; filename="smime.p7s"'),
        ],
        _b64(signature),
    )
    dash = f"--{boundary}".encode("ascii")
    body = dash + CRLF + entity + CRLF + dash + CRLF + signature_part + CRLF + dash + b"--" + CRLF
    content_type = (
        f'multipart/signed; protocol="application/pkcs7-signature"; '
        f'micalg={MICALG_NAMES[smime.digest_name(digest)]}; boundary="{boundary}"'
    )
    return content_type, body


def _pkcs7_mime_headers(smime_type, filename):
    return [
        ("Content-Type", f'application/pkcs7-mime; smime-type={smime_type}; name="{filename}"'),
        ("Content-Transfer-Encoding", "binary"),
        ("Content-Disposition", f'attachment; filename="{filename}"'),
    ]


# --- outbound messages -------------------------------------------------------------


@dataclass
class OutboundMessage:
    """An AS2 message ready to POST: :attr:`headers` and :attr:`body` are
    what goes on the wire; :attr:`mic` (base64) and :attr:`mic_algorithm`
    are what the partner's MDN must return (RFC 4130 section 7.3.1)."""

    message_id: str
    as2_from: str
    as2_to: str
    headers: dict
    body: bytes
    mic: str
    mic_algorithm: str
    mdn_mode: str
    mdn_signed: bool
    signed: bool
    encrypted: bool
    compressed: bool
    content_type: str
    filename: str = None
    partner: Partner = field(default=None, repr=False)

    @property
    def received_content_mic(self):
        """The MIC as an MDN states it: ``<base64>, sha-256``."""
        return _mic_text(self.mic, self.mic_algorithm)

    def reconcile(self, mdn):
        """:func:`reconcile` of ``mdn`` with this message."""
        return reconcile(mdn, self.message_id, self.mic, self.mic_algorithm, signed_receipt=self.mdn_signed)


def build_message(
    payload,
    sender,
    partner,
    *,
    content_type="application/edi-x12",
    filename=None,
    subject=None,
    message_id=None,
    now=None,
):
    """An :class:`OutboundMessage` carrying ``payload`` (bytes) from ``sender``
    (:class:`LocalIdentity`) to ``partner`` (:class:`Partner`), protected as
    the partner's profile says.

    Raises :class:`smime.CertificateError` when a certificate it needs has
    expired (ours for signing, the partner's for encrypting) or is missing.
    """
    now = now or datetime.now(timezone.utc)
    digest = smime.digest_name(partner.digest)
    message_id = message_id or new_message_id(sender.as2_id)
    content_headers = [("Content-Type", content_type), ("Content-Transfer-Encoding", "binary")]
    if filename:
        content_headers.append(("Content-Disposition", f'attachment; filename="{_safe_filename(filename)}"'))
    entity = _entity(content_headers, payload)
    # RFC 4130 7.3.1 / RFC 5402 4.2-4.3: the MIC of an unsigned message covers the
    # uncompressed entity when encrypted, the bare content otherwise
    mic_data = entity if partner.encrypt else bytes(payload)
    if partner.compress:
        entity = _entity(_pkcs7_mime_headers("compressed-data", "smime.p7z"), smime.compress(entity))
    if partner.sign:
        sender.certificate.check_valid(now, role="our signing certificate")
        mic_data = entity  # 7.3.1: the signed entity, MIME headers included (CRLF canonical)
        signed_type, signed_body = _signed_entity(entity, sender.certificate, sender.private_key, digest)
        entity = _entity([("Content-Type", signed_type)], signed_body)
    if partner.encrypt:
        if partner.certificate is None:
            raise smime.CertificateError(f"Partner {partner.as2_id} has no certificate to encrypt to")
        partner.certificate.check_valid(now, role=f"certificate of partner {partner.as2_id}")
        outer_headers = _pkcs7_mime_headers("enveloped-data", "smime.p7m")
        body = smime.encrypt(entity, partner.certificate, partner.cipher)
    else:
        outer_headers, body = _split_top_entity(entity)
    headers = {
        "AS2-Version": AS2_VERSION,
        "AS2-From": quote_as2_name(sender.as2_id),
        "AS2-To": quote_as2_name(partner.as2_id),
        "Message-ID": message_id,
        "Subject": _header_text(subject or "AS2 message"),
        "Date": _http_date(now),
        "Mime-Version": "1.0",
    }
    headers.update(outer_headers)
    headers.update(_receipt_request(sender, partner, digest))
    return OutboundMessage(
        message_id=message_id,
        as2_from=sender.as2_id,
        as2_to=partner.as2_id,
        headers=headers,
        body=body,
        mic=_mic(mic_data, digest),
        mic_algorithm=digest,
        mdn_mode=partner.mdn_mode,
        mdn_signed=partner.mdn_signed and partner.mdn_mode != MDN_NONE,
        signed=partner.sign,
        encrypted=partner.encrypt,
        compressed=partner.compress,
        content_type=content_type,
        filename=filename,
        partner=partner,
    )


def _split_top_entity(entity):
    """The outer entity's headers (they become HTTP headers) and body."""
    headers, body = _split_entity(entity)
    return list(headers.items()), body


def _safe_filename(filename):
    """The file name fit for a quoted Content-Disposition parameter: ASCII
    without quotes, backslashes or line breaks (others become "_")."""
    return re.sub(r"[^ !#-\[\]-~]", "_", str(filename))


def _header_text(text):
    """A header value of free text: as is in ASCII, else RFC 2047 encoded."""
    text = " ".join(str(text).split())
    return text if text.isascii() else email.header.Header(text, "utf-8").encode()


def _receipt_request(sender, partner, digest):
    """The receipt request headers of RFC 4130 section 7.3."""
    if partner.mdn_mode == MDN_NONE:
        return {}
    headers = {"Disposition-Notification-To": sender.mdn_address or sender.as2_id}
    if partner.mdn_signed:
        headers["Disposition-Notification-Options"] = (
            "signed-receipt-protocol=optional, pkcs7-signature; "
            f"signed-receipt-micalg=optional, {MICALG_NAMES[digest]}"
        )
    if partner.mdn_mode == MDN_ASYNC:
        if not partner.async_mdn_url:
            raise ValueError(f"Partner {partner.as2_id} wants async MDNs but no async_mdn_url is set")
        headers["Receipt-Delivery-Option"] = partner.async_mdn_url
    return headers


# --- inbound messages --------------------------------------------------------------


@dataclass
class MdnRequest:
    """What the sender asked for in its receipt request (RFC 4130 7.3)."""

    to: str
    signed: bool = False
    micalgs: list = field(default_factory=list)  # as the sender wrote them, in its order
    micalg_required: bool = False
    async_url: str = ""


@dataclass
class InboundMessage:
    """What :func:`receive` found. ``error`` is None when the message was
    accepted; then ``payload`` holds the EDI bytes."""

    message_id: str = ""
    as2_from: str = ""
    as2_to: str = ""
    subject: str = ""
    payload: bytes = None
    content_type: str = ""
    filename: str = None
    signed: bool = False
    encrypted: bool = False
    compressed: bool = False
    mic: str = None
    mic_algorithm: str = None
    signer: smime.Certificate = None
    mdn_request: MdnRequest = None
    error: As2Error = None
    identity: LocalIdentity = field(default=None, repr=False)
    partner: Partner = field(default=None, repr=False)

    @property
    def ok(self):
        return self.error is None

    @property
    def received_content_mic(self):
        return _mic_text(self.mic, self.mic_algorithm) if self.mic else None


def parse_disposition_options(value):
    """``{parameter: (importance, [values])}`` of a
    Disposition-Notification-Options header (RFC 4130 7.3):
    ``signed-receipt-protocol=optional, pkcs7-signature;
    signed-receipt-micalg=optional, sha-256, sha1``."""
    options = {}
    for part in (value or "").split(";"):
        name, _, rest = part.partition("=")
        items = [item.strip() for item in rest.split(",") if item.strip()]
        if name.strip() and items:
            options[name.strip().lower()] = (items[0].lower(), items[1:])
    return options


def parse_mdn_request(headers):
    """The :class:`MdnRequest` of a message's headers, None when it asks no receipt."""
    headers = _headers(headers)
    to = headers.get("Disposition-Notification-To")
    if not to:
        return None
    options = parse_disposition_options(headers.get("Disposition-Notification-Options"))
    _, protocols = options.get("signed-receipt-protocol", ("", []))
    importance, micalgs = options.get("signed-receipt-micalg", ("", []))
    return MdnRequest(
        to=to.strip(),
        signed=any(p.lower() == "pkcs7-signature" for p in protocols),
        micalgs=micalgs,
        micalg_required=importance == "required",
        async_url=(headers.get("Receipt-Delivery-Option") or "").strip(),
    )


def _lookup(registry, as2_id):
    """The entry for ``as2_id`` in a dict, an iterable of entries (by
    ``as2_id``, case-sensitive) or a callable; None when unknown."""
    if registry is None:
        return None
    if callable(registry) and not hasattr(registry, "get"):
        return registry(as2_id)
    if hasattr(registry, "get"):
        return registry.get(as2_id)
    if hasattr(registry, "as2_id"):
        registry = [registry]
    return next((entry for entry in registry if entry.as2_id == as2_id), None)


def receive(headers, body, our_keys, partners, *, now=None):
    """Read one inbound AS2 message (HTTP ``headers`` and ``body``).

    ``our_keys``: our :class:`LocalIdentity` (or several: a list, a dict by
    AS2 id); ``partners``: :class:`Partner` profiles (a list, a dict by AS2
    id, or a function of the AS2-From). Never raises for a bad message:
    the returned :class:`InboundMessage` has ``error`` (an :class:`As2Error`
    naming the disposition modifier) instead.
    """
    headers = _headers(headers)
    message = InboundMessage(
        message_id=_clean(headers.get("Message-ID")),
        as2_from=unquote_as2_name(headers.get("AS2-From")),
        as2_to=unquote_as2_name(headers.get("AS2-To")),
        subject=_clean(headers.get("Subject")),
        mdn_request=parse_mdn_request(headers),
    )
    try:
        _receive(message, headers, bytes(body or b""), our_keys, partners, now)
    except As2Error as error:
        message.error = error
    except Exception as error:  # a bug or an input we did not foresee: still answer an MDN
        _logger.exception("AS2: unexpected failure reading message %s", message.message_id)
        message.error = As2Error(f"Unexpected error while reading the message: {error}")
    if message.error is not None:
        message.payload = None
        _logger.info(
            "AS2: refused message %s from %s: %s", message.message_id, message.as2_from, message.error
        )
    return message


def _receive(message, headers, body, our_keys, partners, now):
    if not (message.message_id and message.as2_from and message.as2_to):
        raise As2Error("The request lacks AS2-From, AS2-To or Message-ID: not an AS2 message")
    message.identity = _lookup(our_keys, message.as2_to)
    if message.identity is None:
        raise As2Error(f"AS2-To {message.as2_to!r} is not one of our AS2 identities")
    message.partner = _lookup(partners, message.as2_from)
    if message.partner is None:
        raise As2Error(f"Unknown partner AS2-From {message.as2_from!r}", AUTHENTICATION_FAILED)
    message.mic_algorithm = _choose_micalg(message.mdn_request)
    mic_data = None
    while True:
        content_type = headers.get_content_type()
        if content_type in ("application/pkcs7-mime", "application/x-pkcs7-mime"):
            smime_type = (headers.get_param("smime-type") or "").lower()
            modifier = DECOMPRESSION_FAILED if smime_type == "compressed-data" else DECRYPTION_FAILED
            der = _der_body(headers, body, modifier)
            smime_type = smime_type or smime.content_type_of(der)  # some agents omit smime-type
            if smime_type in ("compressed-data", "compressed_data"):
                entity = _decompress(message, der)
                if message.encrypted and not message.signed:
                    mic_data = entity  # RFC 5402 4.2: the uncompressed entity (4.3: unencrypted, the content)
            elif smime_type in ("enveloped-data", "enveloped_data", ""):
                entity = _decrypt(message, der)
                mic_data = entity  # 7.3.1: the decrypted MIME header and content
            else:
                raise As2Error(f"Unsupported S/MIME type {smime_type!r} (signed-data is not read)")
            headers, body = _split_entity(entity)
        elif content_type == "multipart/signed":
            signed_bytes, verified = _verify(message, headers, body, now)
            if message.mdn_request is None or not message.mdn_request.micalgs:
                message.mic_algorithm = verified.digest_algorithm
            mic_data = signed_bytes  # 7.3.1: the signed MIME header and content
            headers, body = _split_entity(signed_bytes)
        else:
            break
    _check_security(message)
    try:
        message.payload = _decode_body(headers, body)
    except (binascii.Error, ValueError) as exc:
        raise As2Error(f"The payload's transfer encoding is broken: {exc}") from None
    message.content_type = content_type
    message.filename = headers.get_filename()
    message.mic = _mic(message.payload if mic_data is None else mic_data, message.mic_algorithm)


def _choose_micalg(request):
    """The first MIC algorithm of the request we know (7.3), else sha256."""
    if request is None or not request.micalgs:
        return "sha256"
    for name in request.micalgs:
        try:
            return smime.digest_name(name)
        except smime.SmimeError:
            continue
    if request.micalg_required:
        raise As2Error(
            f"None of the MIC algorithms {request.micalgs} is supported", UNSUPPORTED_MIC, failure=True
        )
    return "sha256"


def _der_body(headers, body, modifier):
    """The DER of an application/pkcs7-mime body, base64 or binary."""
    encoding = (headers.get("Content-Transfer-Encoding") or "").strip().lower()
    if encoding == "base64" or (encoding == "" and body[:1] != b"\x30"):
        try:
            return base64.b64decode(re.sub(rb"\s+", b"", body), validate=True)
        except (binascii.Error, ValueError):
            raise As2Error("The S/MIME body is neither DER nor base64", modifier) from None
    return body


def _decrypt(message, der):
    if message.encrypted or message.signed or message.compressed:
        raise As2Error("Encryption must be the outer layer, applied once", DECRYPTION_FAILED)
    try:
        entity = smime.decrypt(der, message.identity.decryption_keys())
    except smime.SmimeError as exc:
        raise As2Error(exc.message, DECRYPTION_FAILED) from None
    message.encrypted = True
    return entity


def _decompress(message, der):
    if message.compressed:
        raise As2Error("The message is compressed twice", DECOMPRESSION_FAILED)
    try:
        entity = smime.decompress(der)
    except smime.SmimeError as exc:
        raise As2Error(exc.message, DECOMPRESSION_FAILED) from None
    message.compressed = True
    return entity


def _verify(message, headers, body, now):
    """Verify a multipart/signed entity; ``(signed bytes, Verified)``."""
    if message.signed:
        raise As2Error("The message is signed twice", AUTHENTICATION_FAILED)
    signed_part, signature = _signed_parts(headers, body)
    certificates = message.partner.signing_certificates
    if not certificates:
        raise As2Error(
            f"No certificate of partner {message.as2_from} to verify its signature", AUTHENTICATION_FAILED
        )
    error = None
    for candidate in _verification_candidates(signed_part):
        try:
            verified = smime.verify_detached(candidate, signature, certificates, now=now)
        except smime.SmimeError as exc:
            error = error or exc
            continue
        message.signed = True
        message.signer = verified.certificate
        return candidate, verified
    raise As2Error(error.message, AUTHENTICATION_FAILED)


def _verification_candidates(signed_part):
    """The signed bytes as received, then (only if needed) their canonical
    CRLF form (RFC 5751 3.1.1) for senders that signed text canonically."""
    yield signed_part
    canonical = _canonical(signed_part)
    if canonical != signed_part:
        yield canonical


def _signed_parts(headers, body):
    """``(signed entity bytes, signature DER)`` of a multipart/signed."""
    boundary = headers.get_param("boundary")
    try:
        if not boundary:
            raise ValueError("multipart/signed without a boundary")
        parts = _split_multipart(body, boundary)
        if len(parts) != 2:
            raise ValueError(f"multipart/signed has {len(parts)} parts, not 2")
        signature_headers, signature_body = _split_entity(parts[1])
        if signature_headers.get_content_type() not in (
            "application/pkcs7-signature",
            "application/x-pkcs7-signature",
        ):
            raise ValueError(
                f"the second part is {signature_headers.get_content_type()}, not a pkcs7-signature"
            )
        return parts[0], _decode_body(signature_headers, signature_body)
    except (ValueError, binascii.Error) as exc:
        raise As2Error(f"Malformed signed message: {exc}", AUTHENTICATION_FAILED) from None


def _check_security(message):
    """The partner's profile says which protections it must use (7.4.3)."""
    missing = []
    if message.partner.require_encrypted and not message.encrypted:
        missing.append("encrypted")
    if message.partner.require_signed and not message.signed:
        missing.append("signed")
    if missing:
        raise As2Error(
            f"Partner {message.as2_from} must send {' and '.join(missing)} messages",
            INSUFFICIENT_SECURITY,
        )


# --- MDNs: building ----------------------------------------------------------------


@dataclass
class OutboundMdn:
    """An MDN ready to send: as the sync HTTP answer or POSTed async."""

    message_id: str
    original_message_id: str
    disposition: str
    headers: dict
    body: bytes
    signed: bool


def build_mdn(message, *, text=None, reporting_ua=REPORTING_UA, now=None):
    """The MDN answering an :class:`InboundMessage` (RFC 4130 7.4, RFC 3798).

    ``multipart/report; report-type=disposition-notification`` with a
    human-readable part and the ``message/disposition-notification`` part
    (Reporting-UA, Original-Recipient, Final-Recipient,
    Original-Message-ID, Disposition, Received-content-MIC), signed with our
    key when the sender asked for a signed receipt and we know the identity.
    """
    now = now or datetime.now(timezone.utc)
    if message.error is None:
        disposition = "automatic-action/MDN-sent-automatically; processed"
    else:
        disposition = f"automatic-action/MDN-sent-automatically; {message.error.disposition}"
    text = text or _mdn_text(message, now)
    fields = [
        ("Reporting-UA", reporting_ua),
        ("Original-Recipient", f"rfc822; {_safe_as2_name(message.as2_to)}"),
        ("Final-Recipient", f"rfc822; {_safe_as2_name(message.as2_to)}"),
        ("Original-Message-ID", message.message_id),
        ("Disposition", disposition),
    ]
    if message.mic:
        fields.append(("Received-content-MIC", message.received_content_mic))
    report_type, report_body = _report(text, fields)
    entity = _entity([("Content-Type", report_type)], report_body)
    request = message.mdn_request
    signer = message.identity
    signed = bool(request and request.signed and signer is not None)
    if signed:
        digest = message.mic_algorithm or "sha256"
        signed_type, signed_body = _signed_entity(entity, signer.certificate, signer.private_key, digest)
        entity = _entity([("Content-Type", signed_type)], signed_body)
    top_headers, body = _split_top_entity(entity)
    mdn_id = new_message_id(message.as2_to or "as2")
    headers = {
        "AS2-Version": AS2_VERSION,
        "AS2-From": _safe_as2_name(message.as2_to),
        "AS2-To": _safe_as2_name(message.as2_from),
        "Message-ID": mdn_id,
        "Subject": "Message Disposition Notification",
        "Date": _http_date(now),
        "Mime-Version": "1.0",
    }
    headers.update(top_headers)
    return OutboundMdn(mdn_id, message.message_id, disposition, headers, body, signed)


def _report(text, fields):
    """``(content type, body)`` of a multipart/report (RFC 6522)."""
    notification = b"".join(f"{name}: {value}".encode("ascii", "replace") + CRLF for name, value in fields)
    text_part = _entity(
        [("Content-Type", "text/plain; charset=us-ascii"), ("Content-Transfer-Encoding", "7bit")],
        text.encode("ascii", "replace").replace(b"\r\n", b"\n").replace(b"\n", CRLF) + CRLF,
    )
    notification_part = _entity(
        [("Content-Type", "message/disposition-notification"), ("Content-Transfer-Encoding", "7bit")],
        notification,
    )
    boundary = _new_boundary(text_part, notification_part)
    dash = f"--{boundary}".encode("ascii")
    body = dash + CRLF + text_part + CRLF + dash + CRLF + notification_part + CRLF + dash + b"--" + CRLF
    return f'multipart/report; report-type=disposition-notification; boundary="{boundary}"', body


def _mdn_text(message, now):
    sent = f"The AS2 message {message.message_id} sent by {message.as2_from} to {message.as2_to}"
    if message.error is None:
        return (
            f"{sent} was received on {now:%Y-%m-%d %H:%M:%S} UTC and processed. "
            "This is not a guarantee that the content was read or accepted."
        )
    return f"{sent} could not be processed: {message.error.message}"


# --- server side: one call for a controller ----------------------------------------


@dataclass
class HttpAnswer:
    """What the controller answers to the partner's POST. For an async MDN,
    the answer is empty and ``mdn`` is to be POSTed to ``async_url`` later
    (:func:`send_mdn`), preferably from a job."""

    status: int
    headers: dict
    body: bytes
    mdn: OutboundMdn = None
    async_url: str = ""


def handle(headers, body, our_keys, partners, *, now=None):
    """Receive an AS2 POST: ``(InboundMessage, HttpAnswer)``.

    The message carries the payload and metadata (or the error); the answer
    holds the sync MDN, or nothing (status 200) when the partner asked for an
    async MDN or none. Without a receipt request a refused message is
    answered 400 with the reason, since there is no MDN to carry it; so is a
    request without the AS2 headers (no MDN can be addressed).
    """
    message = receive(headers, body, our_keys, partners, now=now)
    request = message.mdn_request
    if not (message.as2_from and message.as2_to and message.message_id) or request is None:
        if message.ok:
            return message, HttpAnswer(200, {"Content-Type": "text/plain"}, b"")
        return message, HttpAnswer(
            400, {"Content-Type": "text/plain; charset=utf-8"}, message.error.message.encode()
        )
    mdn = build_mdn(message, now=now)
    if request.async_url:
        return message, HttpAnswer(
            200, {"Content-Type": "text/plain"}, b"", mdn=mdn, async_url=request.async_url
        )
    return message, HttpAnswer(200, dict(mdn.headers), mdn.body, mdn=mdn)


# --- MDNs: reading and reconciling ---------------------------------------------------


@dataclass
class Mdn:
    """An MDN we received (sync or async)."""

    message_id: str
    as2_from: str
    as2_to: str
    original_message_id: str
    disposition: str
    disposition_type: str  # processed | failed
    modifier: str  # "", error, warning or failure
    description: str  # what follows "error:" / "warning:" / "Failure:"
    mic: str
    mic_algorithm: str
    signed: bool
    text: str
    reporting_ua: str = ""


_DISPOSITION = re.compile(
    r"^\s*(?P<mode>[^;]+);\s*(?P<type>processed|failed)\s*(?:/\s*(?P<modifier>[^:]*?)\s*(?::\s*(?P<description>.*))?)?\s*$",
    re.IGNORECASE | re.DOTALL,
)


def parse_mdn(headers, body, partner, *, now=None):
    """Read an MDN from HTTP ``headers`` and ``body`` (RFC 4130 7.4, RFC 3798).

    A signed MDN must verify against ``partner``'s pinned certificate; raises
    :class:`MdnError` (permanent) when it does not or cannot be read.
    """
    headers = http_headers = _headers(headers)
    body = bytes(body or b"")
    signed = False
    if headers.get_content_type() == "multipart/signed":
        signed_part, signature = _mdn_signed_parts(headers, body)
        try:
            smime.verify_detached(signed_part, signature, partner.signing_certificates, now=now)
        except smime.SmimeError as exc:
            raise MdnError(
                f"The MDN's signature is not valid: {exc.message}", code="as2.mdn.signature"
            ) from None
        signed = True
        headers, body = _split_entity(signed_part)
    if headers.get_content_type() != "multipart/report":
        raise MdnError(f"Not an MDN: the answer is {headers.get_content_type()}, not multipart/report")
    try:
        parts = [_split_entity(part) for part in _split_multipart(body, headers.get_param("boundary") or "")]
    except ValueError as exc:
        raise MdnError(f"Malformed MDN: {exc}") from None
    fields, text = None, ""
    for part_headers, part_body in parts:
        part_type = part_headers.get_content_type()
        try:
            decoded = _decode_body(part_headers, part_body)
        except ValueError as exc:  # binascii.Error included
            raise MdnError(f"Malformed MDN: the {part_type} part does not decode: {exc}") from None
        if part_type == "message/disposition-notification":
            parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
            fields = parser.parsebytes(decoded.lstrip(b"\r\n") + b"\r\n\r\n")
        elif part_type.startswith("text/") and not text:
            text = decoded.decode("utf-8", "replace").strip()
    if fields is None:
        raise MdnError("The MDN has no message/disposition-notification part")
    return _mdn_from_fields(http_headers, fields, signed, text)


def _mdn_signed_parts(headers, body):
    try:
        return _signed_parts(headers, body)
    except As2Error as exc:
        raise MdnError(f"Malformed signed MDN: {exc.message}") from None


def _mdn_from_fields(http_headers, fields, signed, text):
    disposition = " ".join((fields.get("Disposition") or "").split())
    match = _DISPOSITION.match(disposition)
    if not match:
        raise MdnError(f"The MDN's Disposition is not readable: {disposition!r}")
    modifier, description = (
        (match.group("modifier") or "").strip(),
        (match.group("description") or "").strip(),
    )
    if modifier and modifier.lower() not in ("error", "warning", "failure"):
        # "processed/decryption-failed": a modifier without its "error:" prefix
        modifier, description = "error", modifier
    mic, mic_algorithm = "", ""
    mic_field = fields.get("Received-content-MIC")
    if mic_field:
        mic, _, algorithm = mic_field.partition(",")
        mic, mic_algorithm = mic.strip(), algorithm.strip()
    return Mdn(
        message_id=(http_headers.get("Message-ID") or "").strip(),
        as2_from=unquote_as2_name(http_headers.get("AS2-From")),
        as2_to=unquote_as2_name(http_headers.get("AS2-To")),
        original_message_id=(fields.get("Original-Message-ID") or "").strip(),
        disposition=disposition,
        disposition_type=match.group("type").lower(),
        modifier=modifier.lower(),
        description=description,
        mic=mic,
        mic_algorithm=mic_algorithm,
        signed=signed,
        text=text,
        reporting_ua=(fields.get("Reporting-UA") or "").strip(),
    )


@dataclass
class MdnResult:
    """The reconciliation of an MDN with the message it answers."""

    status: str  # processed | processed-with-warnings | failed | mic-mismatch
    reason: str = ""
    mdn: Mdn = field(default=None, repr=False)

    @property
    def ok(self):
        return self.status in (PROCESSED, PROCESSED_WITH_WARNINGS)


def reconcile(mdn, message_id, mic, mic_algorithm, *, signed_receipt=False):
    """Compare ``mdn`` with the message we sent (its Message-ID and MIC).

    Raises :class:`MdnError` when the MDN answers another message. Returns
    an :class:`MdnResult`: ``failed`` when the partner reports an error or
    failure (the reason is its modifier), ``mic-mismatch`` when the
    Received-content-MIC is missing or differs (digest and algorithm),
    ``processed-with-warnings`` for a warning, or an unsigned MDN where a
    signed one was asked, else ``processed``.
    """
    if _bare_message_id(mdn.original_message_id) != _bare_message_id(message_id):
        raise MdnError(
            f"The MDN answers message {mdn.original_message_id or '(none)'}, not {message_id}",
            code="as2.mdn.other_message",
        )
    if mdn.disposition_type == "failed" or mdn.modifier in ("error", "failure"):
        reason = mdn.description or mdn.modifier or mdn.disposition_type
        return MdnResult(FAILED, f"The partner reports {mdn.modifier or mdn.disposition_type}: {reason}", mdn)
    if mic:
        if not mdn.mic:
            return MdnResult(MIC_MISMATCH, "The MDN returns no Received-content-MIC", mdn)
        try:
            same_algorithm = smime.digest_name(mdn.mic_algorithm) == smime.digest_name(mic_algorithm)
        except smime.SmimeError:
            same_algorithm = False
        if mdn.mic != mic or not same_algorithm:
            return MdnResult(
                MIC_MISMATCH,
                f"The partner computed MIC {mdn.mic}, {mdn.mic_algorithm}; we sent {_mic_text(mic, mic_algorithm)}",
                mdn,
            )
    if mdn.modifier == "warning":
        return MdnResult(PROCESSED_WITH_WARNINGS, f"The partner warns: {mdn.description}", mdn)
    if signed_receipt and not mdn.signed:
        return MdnResult(PROCESSED_WITH_WARNINGS, "A signed receipt was asked, the MDN is not signed", mdn)
    return MdnResult(PROCESSED, "", mdn)


# --- HTTP client -----------------------------------------------------------------------


@dataclass
class Delivery:
    """The outcome of :func:`send`: the HTTP status and, for a sync MDN, the
    MDN and its reconciliation (None until an async MDN arrives)."""

    message: OutboundMessage
    status_code: int
    mdn: Mdn = None
    result: MdnResult = None

    def raise_for_result(self):
        """Raise :class:`MdnRejected` when the MDN says failed or mic-mismatch."""
        if self.result is not None and not self.result.ok:
            raise MdnRejected(
                template="The partner did not accept AS2 message %(message_id)s (%(status)s): %(reason)s",
                params={
                    "message_id": self.message.message_id,
                    "status": self.result.status,
                    "reason": self.result.reason,
                },
                code=f"as2.mdn.{self.result.status}",
            )
        return self


def send(url, message, *, timeout=SEND_TIMEOUT, client=None, now=None):
    """POST ``message`` (an :class:`OutboundMessage`) to the partner's ``url``
    (None: the partner profile's ``url``).

    Goes through integration_core's HTTP client, so errors arrive classified:
    timeouts, connection failures, 5xx, 408 and 429 (with its Retry-After)
    are retryable; other 4xx are :class:`RemoteRejected` (permanent). A sync
    MDN that is missing, unreadable or badly signed is an :class:`MdnError`
    (permanent: the partner may have the message, resending would duplicate
    it). ``client`` is an :class:`IntegrationHttpClient` to share (circuit
    breaker, rate limit); by default a new one.

    A retry sends the *same* message again (same bytes, same Message-ID), so
    that the partner recognises a resend of what it may already have
    received before our read timed out.
    """
    url = url or (message.partner.url if message.partner else "")
    if not url:
        raise PermanentError(f"No URL to send AS2 message {message.message_id} to")
    own_client = client is None
    client = client or IntegrationHttpClient(url, timeout=timeout)
    try:
        response = client.request("POST", url, data=message.body, headers=message.headers, timeout=timeout)
        delivery = Delivery(message, response.status_code)
        if message.mdn_mode == MDN_SYNC:
            if not response.content:
                raise MdnError(
                    f"The partner answered HTTP {response.status_code} without the MDN we asked for",
                    code="as2.mdn.missing",
                )
            delivery.mdn = parse_mdn(response.headers, response.content, message.partner, now=now)
            delivery.result = message.reconcile(delivery.mdn)
        return delivery
    finally:
        if own_client:
            client.close()


def send_mdn(url, mdn, *, timeout=SEND_TIMEOUT, client=None):
    """POST an async MDN (:class:`OutboundMdn`) to the Receipt-Delivery-Option
    URL; errors classified as in :func:`send`. Returns the HTTP status."""
    own_client = client is None
    client = client or IntegrationHttpClient(url, timeout=timeout)
    try:
        return client.request("POST", url, data=mdn.body, headers=mdn.headers, timeout=timeout).status_code
    finally:
        if own_client:
            client.close()
