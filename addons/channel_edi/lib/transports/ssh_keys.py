"""SSH keys of the SFTP transport: the server's pinned host keys and our
login key.

- Host keys: a profile pins one or more keys, each an OpenSSH public key
  line (``ssh-ed25519 AAAA...``, a ``known_hosts`` line works too) or a
  ``SHA256:`` fingerprint as ``ssh-keygen -l`` prints it
  (:func:`parse_host_keys`); :func:`check_host_key` compares the key a
  server presents with them and raises :class:`HostKeyMismatch` naming both
  fingerprints.
- The login key: :func:`load_private_key` reads the PEM/OpenSSH text an
  admin pastes (Ed25519, ECDSA, RSA; OpenSSH, traditional PEM or PKCS#8;
  encrypted or not).

Every problem is a PermanentError with a stable ``code``: a key or a pin
does not fix itself by retrying.
"""

import base64
import binascii
import hashlib
import hmac
import io
from dataclasses import dataclass

import paramiko

from odoo.addons.integration_core.lib.exceptions import PermanentError, RemoteRejected

# host key algorithms a pinned key of each type is presented under
KEY_ALGORITHMS = {
    "ssh-rsa": ("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"),
    "ssh-ed25519": ("ssh-ed25519",),
    "ecdsa-sha2-nistp256": ("ecdsa-sha2-nistp256",),
    "ecdsa-sha2-nistp384": ("ecdsa-sha2-nistp384",),
    "ecdsa-sha2-nistp521": ("ecdsa-sha2-nistp521",),
}


@dataclass(frozen=True)
class HostKey:
    """A server's public host key as the admin confirms it."""

    key_type: str  # "ssh-ed25519"
    line: str  # "ssh-ed25519 AAAA..." (what the profile stores)
    fingerprint: str  # "SHA256:..." (what the admin compares with the partner's)


class HostKeyMismatch(RemoteRejected):
    """The server presented another host key than the pinned one: maybe a
    key rotation, maybe someone in the middle. Never retried; the admin
    compares ``presented`` with what the partner announces and confirms."""

    def __init__(self, host, port, presented, expected):
        super().__init__(
            template="SFTP host key mismatch for %(server)s: the server presented %(presented)s, "
            "the profile expects %(expected)s. Check with the partner before trusting the new key.",
            params={
                "server": f"{host}:{port}",
                "presented": presented.fingerprint,
                "presented_type": presented.key_type,
                "expected": ", ".join(expected),
            },
            code="sftp.host_key_mismatch",
        )
        self.presented = presented
        self.expected = list(expected)


# --- host keys ----------------------------------------------------------------------


def key_fingerprint(key_blob):
    """OpenSSH's SHA256 fingerprint of a public key blob: ``SHA256:<base64, no padding>``."""
    digest = hashlib.sha256(key_blob).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def host_key_of(pkey):
    """:class:`HostKey` of a paramiko key."""
    return HostKey(
        key_type=pkey.get_name(),
        line=f"{pkey.get_name()} {pkey.get_base64()}",
        fingerprint=key_fingerprint(pkey.asbytes()),
    )


def parse_host_keys(text):
    """The pins of a profile: one per non-empty line, each an OpenSSH public
    key (``ssh-ed25519 AAAA... comment``; a ``known_hosts`` line with host
    names first works too) or a fingerprint ``SHA256:...``. Returns a list
    of ``(key_type or None, fingerprint)``. Raises PermanentError on a line
    that is neither, or when there is none."""
    pins = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SHA256:"):
            value = line.split()[0]
            if len(value) != len("SHA256:") + 43:  # 32 bytes in unpadded base64
                raise _bad_pin(number, "a SHA256 fingerprint has 43 characters after 'SHA256:'")
            pins.append((None, value))
            continue
        pins.append(_parse_key_line(line, number))
    if not pins:
        raise PermanentError(
            template="No SFTP host key is pinned: fetch the server's key and confirm it first",
            code="sftp.host_key_missing",
        )
    return pins


def _parse_key_line(line, number):
    fields = line.split()
    for index, word in enumerate(fields[:-1]):
        if word in KEY_ALGORITHMS:
            try:
                blob = base64.b64decode(fields[index + 1], validate=True)
            except (binascii.Error, ValueError):
                raise _bad_pin(number, "the key is not valid base64") from None
            if _blob_key_type(blob) != word:
                raise _bad_pin(number, f"the key data is not a {word} key")
            return (word, key_fingerprint(blob))
    if line.upper().startswith("MD5:") or line.count(":") == 15:
        raise _bad_pin(number, "MD5 fingerprints are not accepted: use the SHA256 one or the key")
    raise _bad_pin(number, "expected 'ssh-ed25519 AAAA...' (or ecdsa/rsa) or 'SHA256:...'")


def _blob_key_type(blob):
    """The key type written at the start of an SSH public key blob."""
    if len(blob) < 4:
        return None
    size = int.from_bytes(blob[:4], "big")
    return blob[4 : 4 + size].decode("ascii", "replace")


def _bad_pin(number, why):
    return PermanentError(
        template="SFTP host key, line %(line)s: %(why)s",
        params={"line": number, "why": why},
        code="sftp.host_key_invalid",
    )


def check_host_key(presented, pins, host, port):
    """Raise :class:`HostKeyMismatch` unless ``presented`` (a :class:`HostKey`)
    matches one of ``pins`` (from :func:`parse_host_keys`)."""
    for key_type, fingerprint in pins:
        if key_type not in (None, presented.key_type):
            continue
        if hmac.compare_digest(fingerprint.encode(), presented.fingerprint.encode()):
            return
    expected = [f"{fp} ({kt})" if kt else fp for kt, fp in pins]
    raise HostKeyMismatch(host, port, presented, expected)


# --- private keys ---------------------------------------------------------------------


def load_private_key(text, passphrase=None):
    """A paramiko key from PEM/OpenSSH text: Ed25519, ECDSA or RSA, in the
    OpenSSH format (``BEGIN OPENSSH PRIVATE KEY``), the traditional PEM one
    (``BEGIN RSA/EC PRIVATE KEY``) or PKCS#8 (``BEGIN [ENCRYPTED] PRIVATE
    KEY``). Raises PermanentError when the text is none of these or the
    passphrase is missing or wrong."""
    text = (text or "").strip()
    if not text:
        raise _bad_key("the private key is empty")
    if "BEGIN PRIVATE KEY" in text or "BEGIN ENCRYPTED PRIVATE KEY" in text:
        text = _pkcs8_to_openssh(text, passphrase)
        passphrase = None
    encrypted = False
    for cls in _key_classes(text):
        try:
            return cls.from_private_key(io.StringIO(text), password=passphrase)
        except paramiko.PasswordRequiredException:
            encrypted = True
        except (paramiko.SSHException, ValueError, TypeError, IndexError):
            continue  # not this type (or a wrong passphrase)
    if encrypted and not passphrase:
        raise _bad_key("the private key is encrypted: give its passphrase", code="sftp.key_passphrase")
    if passphrase:
        raise _bad_key(
            "the private key could not be read: wrong passphrase, or not an Ed25519, ECDSA or RSA key"
        )
    raise _bad_key("not an Ed25519, ECDSA or RSA private key in OpenSSH, PEM or PKCS#8 format")


_KEY_CLASSES = {
    "ssh-ed25519": paramiko.Ed25519Key,
    "ecdsa-sha2-nistp256": paramiko.ECDSAKey,
    "ecdsa-sha2-nistp384": paramiko.ECDSAKey,
    "ecdsa-sha2-nistp521": paramiko.ECDSAKey,
    "ssh-rsa": paramiko.RSAKey,
}


def _key_classes(text):
    """The paramiko classes to try, the likely one alone when the text says
    it: the PEM label (RSA/EC), or the public key type that an OpenSSH key
    file keeps unencrypted. Trying every class costs a passphrase
    derivation (bcrypt) each."""
    if "BEGIN RSA PRIVATE KEY" in text:
        return (paramiko.RSAKey,)
    if "BEGIN EC PRIVATE KEY" in text:
        return (paramiko.ECDSAKey,)
    if "BEGIN OPENSSH PRIVATE KEY" in text:
        cls = _KEY_CLASSES.get(_openssh_key_type(text))
        if cls:
            return (cls,)
    return (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey)


def _openssh_key_type(text):
    """The first public key's type in an OpenSSH private key file
    ("openssh-key-v1", cipher, kdf, kdf options, count, public key...)."""
    try:
        body = "".join(line for line in text.strip().splitlines()[1:-1] if ":" not in line)
        message = paramiko.Message(base64.b64decode(body))
        if message.get_bytes(15) != b"openssh-key-v1\x00":
            return None
        for _ in range(3):  # cipher name, kdf name, kdf options
            message.get_string()
        message.get_int()
        return paramiko.Message(message.get_string()).get_text()
    except Exception:  # unreadable: let paramiko say so
        return None


def _pkcs8_to_openssh(text, passphrase):
    from cryptography.hazmat.primitives import serialization

    try:
        key = serialization.load_pem_private_key(
            text.encode("ascii"), password=passphrase.encode() if passphrase else None
        )
    except TypeError:
        raise _bad_key(
            "the private key is encrypted: give its passphrase", code="sftp.key_passphrase"
        ) from None
    except ValueError:
        raise _bad_key("the PKCS#8 private key could not be read (wrong passphrase?)") from None
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    ).decode("ascii")


def _bad_key(why, code="sftp.key_invalid"):
    return PermanentError(template="SFTP private key: %(why)s", params={"why": why}, code=code)
