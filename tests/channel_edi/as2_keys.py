"""Keys, certificates and OpenSSL helpers shared by the AS2 tests.

Keys are generated once per test session (never committed); OpenSSL (the
``openssl`` command, 3.x) is the independent implementation the
interoperability tests talk to, in a temporary directory.
"""

import functools
import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import pytest

from odoo.addons.channel_edi.lib.transports import as2, smime

OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="the openssl command is not installed")

US = "ODOO AS2"  # a name with a space: AS2-From/AS2-To are quoted
PARTNER = "PARTNERAS2"


def keypair(name, days=365):
    """``(Certificate, private key)`` for ``name``, made once per session."""
    return _keypair(name, days)


@functools.cache
def _keypair(name, days):
    if days < 0:
        return smime.generate_self_signed(
            name, not_before=datetime.now(timezone.utc) - timedelta(days=30), days=1
        )
    return smime.generate_self_signed(name, days=days)


def identity(name=US):
    cert, key = keypair(name)
    return as2.LocalIdentity(name, cert, key)


def partner_profile(name=PARTNER, **options):
    """Our view of the partner (its certificate), as2.Partner options on top."""
    return as2.Partner(name, keypair(name)[0], **options)


def our_profile_at_partner(**options):
    """The partner's view of us: our certificate under our AS2 id."""
    return as2.Partner(US, keypair(US)[0], **options)


def write_pair(directory, name, days=365):
    """Write ``<name>.crt`` and ``<name>.key`` (PEM); return their paths."""
    cert, key = keypair(name, days)
    stem = name.replace(" ", "_")
    cert_path, key_path = directory / f"{stem}.crt", directory / f"{stem}.key"
    cert_path.write_bytes(cert.pem)
    key_path.write_bytes(smime.private_key_pem(key))
    return cert_path, key_path


def openssl(*args, input=None, cwd=None):
    """Run ``openssl args``; its stdout (bytes). Fails the test on an error."""
    result = subprocess.run(
        [OPENSSL, *map(str, args)], input=input, capture_output=True, cwd=cwd, check=False
    )
    if result.returncode != 0:
        raise AssertionError(
            f"openssl {' '.join(map(str, args))} failed: {result.stderr.decode(errors='replace')}"
        )
    return result.stdout


def openssl_status(*args, input=None):
    """``(return code, stderr text)`` of ``openssl args`` (for expected failures)."""
    result = subprocess.run([OPENSSL, *map(str, args)], input=input, capture_output=True, check=False)
    return result.returncode, result.stderr.decode(errors="replace")


def split_http(data):
    """``(headers dict, body)`` of an S/MIME file OpenSSL wrote: its MIME
    headers become the HTTP headers of an AS2 POST, the rest the body."""
    ends = [(data.find(sep), sep) for sep in (b"\r\n\r\n", b"\n\n") if sep in data]
    index, sep = min(ends)
    head, body = data[:index], data[index + len(sep) :]
    headers = {}
    for line in head.decode("ascii").splitlines():
        if line[:1] in (" ", "\t"):
            headers[last] += " " + line.strip()  # noqa: F821 - a continuation follows a header
            continue
        last, _, value = line.partition(":")
        headers[last.strip()] = value.strip()
    return headers, body
