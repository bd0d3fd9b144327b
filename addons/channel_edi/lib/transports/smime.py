"""Certificates and the CMS structures of S/MIME (RFC 5652, RFC 5751), for AS2.

AS2 (RFC 4130) protects a message with three CMS structures, each a
``ContentInfo`` in DER:

- **SignedData**, detached (RFC 5652 section 5): the signature of a MIME
  entity, sent as the ``application/pkcs7-signature`` part of a
  ``multipart/signed`` (RFC 1847). :func:`sign_detached` makes one with
  the signed attributes every S/MIME agent expects (content type, signing
  time, message digest); :func:`verify_detached` checks one against the
  partner's *pinned* certificates and returns the digest of the content,
  which is the AS2 MIC of a signed message (RFC 4130 section 7.3.1);
- **EnvelopedData** (RFC 5652 section 6): the encrypted MIME entity, sent as
  ``application/pkcs7-mime; smime-type=enveloped-data``. A random content
  key encrypts the entity with AES-128/192/256-CBC or 3DES-CBC, and RSA
  (PKCS#1 v1.5, RFC 3370 section 4.2.1) encrypts that key for each
  recipient. :func:`encrypt` and :func:`decrypt` (which also takes RSA-OAEP);
- **CompressedData** (RFC 3274, AS2 use in RFC 5402): zlib.
  :func:`compress` and :func:`decompress`.

Primitives come from ``cryptography`` (3.4.8, Odoo's pin, which has no CMS
envelope builder) and the ASN.1 structures from ``asn1crypto``. No
subprocess, no OpenSSL command line.

Certificates: :func:`load_certificate` (PEM or DER) gives a
:class:`Certificate` with its expiry, days left and fingerprint (what the
Odoo layer's expiry alerts read); :func:`load_private_key`;
:func:`generate_self_signed` makes a key pair and self-signed certificate for
the sandbox and the tests.

Every failure is an :class:`SmimeError` (a permanent error of the suite):
:class:`SignatureInvalid`, :class:`DecryptionFailed`,
:class:`DecompressionFailed`, :class:`CertificateError`. The AS2 layer turns
them into MDN dispositions.
"""

import hashlib
import os
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from asn1crypto import algos, cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives import padding as sym_padding
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.x509.oid import NameOID

from odoo.addons.integration_core.lib.exceptions import PermanentError

# digest names as asn1crypto spells them -> cryptography's classes
DIGESTS = {
    "md5": hashes.MD5,
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}

# content encryption algorithms we write and read: asn1crypto name -> key bytes
CIPHERS = {
    "aes128_cbc": 16,
    "aes192_cbc": 24,
    "aes256_cbc": 32,
    "tripledes_3key": 24,
}
CIPHER_ALIASES = {
    "aes128": "aes128_cbc",
    "aes192": "aes192_cbc",
    "aes256": "aes256_cbc",
    "3des": "tripledes_3key",
    "des3": "tripledes_3key",
    "des-ede3-cbc": "tripledes_3key",
}


class SmimeError(PermanentError):
    """A CMS structure cannot be made or read (permanent: retrying the same
    bytes with the same keys gives the same answer)."""

    category = "remote"


class SignatureInvalid(SmimeError):
    """The signature does not verify, or it is not the partner's."""


class DecryptionFailed(SmimeError):
    """The content cannot be decrypted with our keys."""


class DecompressionFailed(SmimeError):
    """The compressed content is not valid zlib data."""


class CertificateError(SmimeError):
    """A certificate or key cannot be read, or is not usable now (expired)."""

    category = "validation"


# --- certificates ------------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    """An X.509 certificate (``cryptography``'s object in :attr:`x509`)."""

    x509: x509.Certificate

    @property
    def der(self):
        return self.x509.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self):
        return self.x509.public_bytes(serialization.Encoding.PEM)

    @property
    def asn1(self):
        """The same certificate as an ``asn1crypto`` structure (for CMS)."""
        return asn1_x509.Certificate.load(self.der)

    @property
    def subject(self):
        return self.x509.subject.rfc4514_string()

    @property
    def issuer(self):
        return self.x509.issuer.rfc4514_string()

    @property
    def serial_number(self):
        return self.x509.serial_number

    @property
    def not_before(self):
        return self.x509.not_valid_before.replace(tzinfo=timezone.utc)

    @property
    def not_after(self):
        """When the certificate expires (an aware UTC datetime)."""
        return self.x509.not_valid_after.replace(tzinfo=timezone.utc)

    def days_left(self, now=None):
        """Whole days until expiry (negative once expired)."""
        return (self.not_after - (now or _utcnow())).days

    def fingerprint(self, algorithm="sha256"):
        """``AB:CD:...``, the hex digest of the DER certificate."""
        return ":".join(f"{byte:02X}" for byte in hashlib.new(algorithm, self.der).digest())

    def check_valid(self, now=None, role="certificate"):
        """Raise :class:`CertificateError` outside the validity period."""
        now = now or _utcnow()
        if now > self.not_after:
            raise CertificateError(
                f"The {role} {self.subject} expired on {self.not_after:%Y-%m-%d %H:%M} UTC"
            )
        if now < self.not_before:
            raise CertificateError(
                f"The {role} {self.subject} is not valid before {self.not_before:%Y-%m-%d %H:%M} UTC"
            )

    def matches(self, issuer_and_serial):
        """True when an asn1crypto ``IssuerAndSerialNumber`` names this certificate."""
        mine = self.asn1
        return (
            issuer_and_serial["serial_number"].native == self.serial_number
            and issuer_and_serial["issuer"].dump() == mine.issuer.dump()
        )

    def __eq__(self, other):
        return isinstance(other, Certificate) and self.der == other.der

    def __hash__(self):
        return hash(self.der)


def load_certificate(data):
    """A :class:`Certificate` from PEM (the first one) or DER bytes (or text)."""
    if isinstance(data, Certificate):
        return data
    if isinstance(data, str):
        data = data.encode("ascii", "replace")
    data = bytes(data or b"")
    try:
        if b"-----BEGIN" in data:
            return Certificate(x509.load_pem_x509_certificate(data))
        return Certificate(x509.load_der_x509_certificate(data))
    except ValueError as exc:
        raise CertificateError(f"Not a readable X.509 certificate (PEM or DER): {exc}") from None


def load_private_key(data, password=None):
    """An RSA or EC private key from PEM or DER (PKCS#1, PKCS#8)."""
    if isinstance(data, str):
        data = data.encode("ascii", "replace")
    if isinstance(password, str):
        password = password.encode("utf-8")
    loader = (
        serialization.load_pem_private_key
        if b"-----BEGIN" in bytes(data)
        else serialization.load_der_private_key
    )
    try:
        return loader(bytes(data), password=password)
    except (ValueError, TypeError) as exc:
        raise CertificateError(f"Not a readable private key (or wrong password): {exc}") from None


def private_key_pem(key, password=None):
    """PKCS#8 PEM of ``key``, encrypted when a password is given."""
    encryption = (
        serialization.BestAvailableEncryption(password.encode() if isinstance(password, str) else password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def generate_self_signed(common_name, *, days=365, key_size=2048, not_before=None, organization=None):
    """A new RSA key and a self-signed certificate for it (sandbox, tests).

    The certificate is valid from ``not_before`` (default: now minus one
    minute) for ``days`` days (a negative number gives an expired one) and is
    usable for signing and key encryption, as AS2 partners exchange them.
    Returns ``(Certificate, private_key)``.
    """
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    start = not_before or (_utcnow() - timedelta(minutes=1))
    end = start + timedelta(days=days)
    if end <= start:  # an expired certificate for tests: valid for a day, long ago
        start, end = end - timedelta(days=1), end
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    name = x509.Name(attributes)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start.replace(tzinfo=None))
        .not_valid_after(end.replace(tzinfo=None))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Certificate(certificate), key


def _utcnow():
    return datetime.now(timezone.utc)


# --- digests -----------------------------------------------------------------------


def digest_name(name):
    """asn1crypto's name of a digest from any usual spelling: ``sha-256``,
    ``SHA256``, ``sha256`` -> ``sha256``; ``sha-1``, ``sha1`` -> ``sha1``.
    Raises :class:`SmimeError` for an unknown one."""
    key = str(name or "").strip().lower().replace("-", "").replace("_", "")
    if key.startswith("sha2") and len(key) > 4 and key[4:] in ("224", "256", "384", "512"):
        key = "sha" + key[4:]  # sha2-256
    if key not in DIGESTS:
        raise SmimeError(f"Unsupported digest algorithm {name!r} (known: {', '.join(DIGESTS)})")
    return key


def digest(data, name):
    """The raw digest of ``data`` with the named algorithm."""
    return hashlib.new(digest_name(name), data).digest()


# --- SignedData (RFC 5652 section 5) ----------------------------------------------


def sign_detached(content, certificate, private_key, digest_algorithm="sha256", signing_time=None):
    """A detached CMS SignedData over ``content`` (DER ``ContentInfo``).

    One SignerInfo (version 1, issuer and serial number) with the signed
    attributes content-type, signing-time and message-digest
    (RFC 5652 section 11), the signature over their DER SET, and the signer's
    certificate included so that the partner can match it.
    """
    algorithm = digest_name(digest_algorithm)
    cert = load_certificate(certificate)
    when = (signing_time or _utcnow()).replace(microsecond=0)
    signed_attrs = cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
            cms.CMSAttribute({"type": "signing_time", "values": [cms.Time({"utc_time": when})]}),
            cms.CMSAttribute({"type": "message_digest", "values": [digest(content, algorithm)]}),
        ]
    )
    # the signature covers the DER of the attributes as a SET (tag 0x31), not as [0]
    signature, signature_algorithm = _sign(private_key, signed_attrs.dump(), algorithm)
    asn1_cert = cert.asn1
    signer_info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                        {"issuer": asn1_cert.issuer, "serial_number": asn1_cert.serial_number}
                    )
                }
            ),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": algorithm}),
            "signed_attrs": signed_attrs,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": signature_algorithm}),
            "signature": signature,
        }
    )
    signed_data = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": algorithm})],
            "encap_content_info": {"content_type": "data"},
            "certificates": [cms.CertificateChoices(name="certificate", value=asn1_cert)],
            "signer_infos": [signer_info],
        }
    )
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()


def _sign(private_key, data, algorithm):
    """(signature, SignedDigestAlgorithm name) for an RSA or EC key."""
    hash_algorithm = DIGESTS[algorithm]()
    if isinstance(private_key, rsa.RSAPrivateKey):
        return private_key.sign(data, asym_padding.PKCS1v15(), hash_algorithm), "rsassa_pkcs1v15"
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        return private_key.sign(data, ec.ECDSA(hash_algorithm)), f"{algorithm}_ecdsa"
    raise SmimeError(f"Unsupported signing key type {type(private_key).__name__}")


@dataclass
class Verified:
    """What :func:`verify_detached` found: the signer's certificate, the
    digest algorithm it used and the digest of the content under it."""

    certificate: Certificate
    digest_algorithm: str
    content_digest: bytes


def verify_detached(content, signature, trusted, now=None):
    """Check the detached CMS ``signature`` (DER bytes) over ``content``.

    ``trusted`` is the partner's certificate or a list of them (rollover):
    the signer must be one of them exactly (pinning, no chain building), and
    valid at ``now``. Raises :class:`SignatureInvalid` (bad structure, other
    signer, wrong digest, bad signature) or :class:`CertificateError`
    (expired pinned certificate); returns :class:`Verified`.
    """
    trusted = [
        load_certificate(cert) for cert in (trusted if isinstance(trusted, list | tuple) else [trusted])
    ]
    signed_data = _load_content(signature, "signed_data", SignatureInvalid)
    signer_infos = list(signed_data["signer_infos"])
    if not signer_infos:
        raise SignatureInvalid("The signature holds no signer")
    errors = []
    for signer_info in signer_infos:
        cert = _signer_certificate(signer_info, signed_data, trusted)
        if cert is None:
            errors.append(f"signed by {_describe_sid(signer_info['sid'])}, not by the partner's certificate")
            continue
        cert.check_valid(now, role="partner's signing certificate")
        try:
            return _verify_signer(signer_info, content, cert)
        except SignatureInvalid as exc:
            errors.append(exc.message)
    raise SignatureInvalid("The signature does not verify: " + "; ".join(errors))


def _signer_certificate(signer_info, signed_data, trusted):
    """The trusted certificate the SignerInfo names, or None."""
    sid = signer_info["sid"]
    for cert in trusted:
        if sid.name == "issuer_and_serial_number" and cert.matches(sid.chosen):
            return cert
        if sid.name == "subject_key_identifier" and cert.asn1.key_identifier == sid.chosen.native:
            return cert
    return None


def _describe_sid(sid):
    if sid.name == "issuer_and_serial_number":
        return f"{sid.chosen['issuer'].human_friendly} (serial {sid.chosen['serial_number'].native})"
    return f"key identifier {sid.chosen.native.hex()}"


def _verify_signer(signer_info, content, cert):
    try:
        algorithm = digest_name(signer_info["digest_algorithm"]["algorithm"].native)
    except SmimeError as exc:
        raise SignatureInvalid(exc.message) from None
    content_digest = digest(content, algorithm)
    signed_attrs = signer_info["signed_attrs"]
    if signed_attrs.native is not None and len(signed_attrs):
        attrs = {attr["type"].native: attr["values"] for attr in signed_attrs}
        if "message_digest" not in attrs:
            raise SignatureInvalid("The signed attributes lack the message digest")
        if attrs["message_digest"][0].native != content_digest:
            raise SignatureInvalid(f"The content's {algorithm} digest differs from the signed one")
        # the signature covers the attributes' original bytes re-tagged as a SET
        signed_bytes = b"\x31" + signed_attrs.dump()[1:]
    else:
        signed_bytes = content
    public_key = cert.x509.public_key()
    signature = signer_info["signature"].native
    hash_algorithm = DIGESTS[algorithm]()
    signature_algo = signer_info["signature_algorithm"].signature_algo
    try:
        if isinstance(public_key, rsa.RSAPublicKey) and signature_algo == "rsassa_pkcs1v15":
            public_key.verify(signature, signed_bytes, asym_padding.PKCS1v15(), hash_algorithm)
        elif isinstance(public_key, ec.EllipticCurvePublicKey) and signature_algo == "ecdsa":
            public_key.verify(signature, signed_bytes, ec.ECDSA(hash_algorithm))
        else:
            raise SignatureInvalid(f"Unsupported signature algorithm {signature_algo} for this key")
    except InvalidSignature:
        raise SignatureInvalid("The signature value is wrong (content or attributes changed)") from None
    return Verified(cert, algorithm, content_digest)


def content_type_of(data):
    """asn1crypto's name of a DER ContentInfo's type (``enveloped_data``,
    ``compressed_data``, ``signed_data``), "" when it is not one."""
    try:
        return cms.ContentInfo.load(bytes(data))["content_type"].native or ""
    except (ValueError, TypeError, KeyError):
        return ""


def _load_content(data, expected, error_class):
    """The inner structure of a DER ContentInfo of type ``expected``."""
    try:
        info = cms.ContentInfo.load(bytes(data))
        content_type = info["content_type"].native
        content = info["content"]
        content.native  # noqa: B018 - parse it all now, so that bad DER fails here
    except (ValueError, TypeError, KeyError) as exc:
        raise error_class(f"Not a readable CMS structure: {exc}") from None
    if content_type != expected:
        raise error_class(f"Expected CMS {expected}, got {content_type}")
    return content


# --- EnvelopedData (RFC 5652 section 6) -------------------------------------------


def cipher_name(name):
    """asn1crypto's name of a content cipher from ``aes256``, ``aes256_cbc``,
    ``3des``... Raises :class:`SmimeError` for one we do not write."""
    key = str(name or "").strip().lower().replace("-cbc", "_cbc")
    key = CIPHER_ALIASES.get(key, key)
    if key not in CIPHERS:
        raise SmimeError(f"Unsupported content encryption {name!r} (known: {', '.join(CIPHERS)}, 3des)")
    return key


def encrypt(content, recipients, cipher="aes256_cbc"):
    """CMS EnvelopedData of ``content`` for ``recipients`` (certificates).

    A fresh random content key and IV; the key is encrypted with each
    recipient's RSA public key, PKCS#1 v1.5 (RFC 3370 section 4.2.1), the
    recipient named by issuer and serial number.
    """
    algorithm = cipher_name(cipher)
    recipients = [
        load_certificate(c) for c in (recipients if isinstance(recipients, list | tuple) else [recipients])
    ]
    key = os.urandom(CIPHERS[algorithm])
    block_size = 8 if algorithm == "tripledes_3key" else 16
    iv = os.urandom(block_size)
    padder = sym_padding.PKCS7(block_size * 8).padder()
    padded = padder.update(bytes(content)) + padder.finalize()
    encryptor = Cipher(_cipher_algorithm(algorithm, key), modes.CBC(iv)).encryptor()
    encrypted = encryptor.update(padded) + encryptor.finalize()
    recipient_infos = []
    for cert in recipients:
        public_key = cert.x509.public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise SmimeError(f"Cannot encrypt for {cert.subject}: only RSA key transport is supported")
        asn1_cert = cert.asn1
        recipient_infos.append(
            cms.RecipientInfo(
                name="ktri",
                value=cms.KeyTransRecipientInfo(
                    {
                        "version": "v0",
                        "rid": cms.RecipientIdentifier(
                            {
                                "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                                    {"issuer": asn1_cert.issuer, "serial_number": asn1_cert.serial_number}
                                )
                            }
                        ),
                        "key_encryption_algorithm": cms.KeyEncryptionAlgorithm(
                            {"algorithm": "rsaes_pkcs1v15"}
                        ),
                        "encrypted_key": public_key.encrypt(key, asym_padding.PKCS1v15()),
                    }
                ),
            )
        )
    enveloped = cms.EnvelopedData(
        {
            "version": "v0",
            "recipient_infos": recipient_infos,
            "encrypted_content_info": {
                "content_type": "data",
                "content_encryption_algorithm": {"algorithm": algorithm, "parameters": iv},
                "encrypted_content": encrypted,
            },
        }
    )
    return cms.ContentInfo({"content_type": "enveloped_data", "content": enveloped}).dump()


def _cipher_algorithm(name, key):
    return algorithms.TripleDES(key) if name == "tripledes_3key" else algorithms.AES(key)


def decrypt(data, keys):
    """The content of a CMS EnvelopedData (DER), decrypted with one of ``keys``.

    ``keys`` is a list of ``(Certificate, private_key)``: the current pair
    and earlier ones still accepted during a certificate rollover. Raises
    :class:`DecryptionFailed` when the message is not for any of them, the
    key transport or the content does not decrypt, or the cipher is one we
    do not read.
    """
    enveloped = _load_content(data, "enveloped_data", DecryptionFailed)
    content_key = None
    names = []
    for recipient in enveloped["recipient_infos"]:
        if recipient.name != "ktri":
            names.append(f"a {recipient.name} recipient (unsupported)")
            continue
        ktri = recipient.chosen
        rid = ktri["rid"]
        for cert, private_key in keys:
            cert = load_certificate(cert)
            if (rid.name == "issuer_and_serial_number" and cert.matches(rid.chosen)) or (
                rid.name == "subject_key_identifier" and cert.asn1.key_identifier == rid.chosen.native
            ):
                content_key = _decrypt_key(ktri, private_key)
                break
        else:
            names.append(_describe_sid(rid))
            continue
        break
    if content_key is None:
        raise DecryptionFailed(
            "The message is not encrypted for our certificate; it names "
            + ", ".join(names or ["no recipient"])
        )
    return _decrypt_content(enveloped["encrypted_content_info"], content_key)


def _decrypt_key(ktri, private_key):
    algorithm = ktri["key_encryption_algorithm"]
    name = algorithm["algorithm"].native
    if name == "rsaes_pkcs1v15":
        padding = asym_padding.PKCS1v15()
    elif name == "rsaes_oaep":
        params = algorithm["parameters"]
        hash_name = params["hash_algorithm"]["algorithm"].native if params.native else "sha1"
        mgf_hash = params["mask_gen_algorithm"]["parameters"]["algorithm"].native if params.native else "sha1"
        padding = asym_padding.OAEP(
            mgf=asym_padding.MGF1(DIGESTS[digest_name(mgf_hash)]()),
            algorithm=DIGESTS[digest_name(hash_name)](),
            label=None,
        )
    else:
        raise DecryptionFailed(f"Unsupported key transport algorithm {name}")
    try:
        return private_key.decrypt(ktri["encrypted_key"].native, padding)
    except ValueError:
        raise DecryptionFailed("The content key does not decrypt with our private key") from None


def _decrypt_content(info, key):
    algorithm = info["content_encryption_algorithm"]
    name = algorithm["algorithm"].native
    if name not in CIPHERS:
        raise DecryptionFailed(f"Unsupported content encryption algorithm {name}")
    if len(key) != CIPHERS[name]:
        raise DecryptionFailed(f"The content key has {len(key)} bytes, {name} needs {CIPHERS[name]}")
    encrypted = info["encrypted_content"].native
    if encrypted is None:
        raise DecryptionFailed("The enveloped data has no encrypted content")
    block_size = 8 if name == "tripledes_3key" else 16
    iv = algorithm["parameters"].native
    if not iv or len(iv) != block_size or len(encrypted) % block_size:
        raise DecryptionFailed(f"Malformed {name} parameters or content length")
    decryptor = Cipher(_cipher_algorithm(name, key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(encrypted) + decryptor.finalize()
    unpadder = sym_padding.PKCS7(block_size * 8).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise DecryptionFailed("The decrypted content has invalid padding (wrong key or damaged)") from None


def recipients_of(data):
    """Issuer and serial number of each recipient of an EnvelopedData (diagnostics)."""
    enveloped = _load_content(data, "enveloped_data", DecryptionFailed)
    return [_describe_sid(r.chosen["rid"]) for r in enveloped["recipient_infos"] if r.name == "ktri"]


# --- CompressedData (RFC 3274) ------------------------------------------------------


def compress(content):
    """CMS CompressedData (zlib) of ``content`` (DER ``ContentInfo``)."""
    compressed = cms.CompressedData(
        {
            "version": "v0",
            "compression_algorithm": {"algorithm": "zlib"},
            "encap_content_info": {"content_type": "data", "content": zlib.compress(bytes(content))},
        }
    )
    return cms.ContentInfo({"content_type": "compressed_data", "content": compressed}).dump()


def decompress(data):
    """The content of a CMS CompressedData (DER)."""
    compressed = _load_content(data, "compressed_data", DecompressionFailed)
    if compressed["compression_algorithm"]["algorithm"].native != "zlib":
        raise DecompressionFailed("Unsupported compression algorithm (only zlib is defined)")
    try:
        return zlib.decompress(compressed["encap_content_info"]["content"].native)
    except (zlib.error, TypeError) as exc:
        raise DecompressionFailed(f"The compressed content does not inflate: {exc}") from None
