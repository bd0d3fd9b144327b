"""AS2 interoperability with an independent implementation: OpenSSL's CLI.

OpenSSL plays the partner: it signs and encrypts what we must read, and
decrypts and verifies what we write (messages and signed MDNs). Every run
makes new keys in a temporary directory.
"""

import base64
import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from as2_keys import (
    PARTNER,
    US,
    identity,
    keypair,
    needs_openssl,
    openssl,
    openssl_status,
    partner_profile,
    split_http,
    write_pair,
)

from odoo.addons.channel_edi.lib.transports import as2

pytestmark = needs_openssl

PAYLOAD = (
    b"ISA*00*          *00*          *ZZ*PARTNERAS2     *ZZ*ODOOAS2        *261129*0001*U*00401*000000101*0*P*>~\n"
    b"GS*PO*PARTNER*ODOO*20261129*0001*101*X*004010~\nST*850*0001~\nBEG*00*SA*PO-1**20261129~\n"
    b"SE*3*0001~\nGE*1*101~\nIEA*1*000000101~\n"
)
# binary safety: bytes a text-mode transfer would damage
BINARY_PAYLOAD = PAYLOAD + b"\r\n\x00\xff\xfe bare CR \r and LF \n end"
ENTITY_HEADERS = (
    b"Content-Type: application/edi-x12\r\n"
    b"Content-Transfer-Encoding: binary\r\n"
    b'Content-Disposition: attachment; filename="po-101.x12"\r\n\r\n'
)
OPENSSL_CIPHERS = {
    "-aes128": "aes128_cbc",
    "-aes192": "aes192_cbc",
    "-aes256": "aes256_cbc",
    "-des3": "tripledes_3key",
}


@pytest.fixture
def pki(tmp_path):
    """PEM files of both parties (and a stranger) in a temporary directory."""
    paths = {name: write_pair(tmp_path, name) for name in (US, PARTNER, "STRANGER")}
    cert, key = keypair("EXPIRED", days=-1)
    (tmp_path / "EXPIRED.crt").write_bytes(cert.pem)
    (tmp_path / "EXPIRED.key").write_bytes(as2.smime.private_key_pem(key))
    paths["EXPIRED"] = (tmp_path / "EXPIRED.crt", tmp_path / "EXPIRED.key")
    return tmp_path, paths


def as2_headers(headers, message_id="<openssl-1@partneras2>", mdn=True, micalg="sha-256"):
    """OpenSSL's S/MIME headers plus the AS2 headers the partner's station adds."""
    headers = dict(headers)
    headers.update({"AS2-Version": "1.2", "AS2-From": PARTNER, "AS2-To": f'"{US}"', "Message-ID": message_id})
    if mdn:
        headers["Disposition-Notification-To"] = "mdn@partner.example"
        headers["Disposition-Notification-Options"] = (
            f"signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, {micalg}"
        )
    return headers


def openssl_sign_encrypt(
    directory, paths, entity, cipher="-aes256", signer=PARTNER, recipient=US, md="sha256"
):
    """The partner's message made by OpenSSL: sign (detached, binary), then
    encrypt the signed S/MIME entity for ``recipient``."""
    (directory / "entity.bin").write_bytes(entity)
    cert, key = paths[signer]
    openssl("cms", "-sign", "-binary", "-md", md, "-in", directory / "entity.bin", "-signer", cert, "-inkey", key,
            "-out", directory / "signed.txt")  # fmt: skip
    openssl("cms", "-encrypt", "-binary", cipher, "-in", directory / "signed.txt", "-out", directory / "enc.txt",
            paths[recipient][0])  # fmt: skip
    return split_http((directory / "enc.txt").read_bytes())


def openssl_mic(path, algorithm="sha256"):
    """base64 of ``openssl dgst`` over a file: OpenSSL's own digest."""
    return base64.b64encode(openssl("dgst", f"-{algorithm}", "-binary", path)).decode()


# --- (a) OpenSSL signs and encrypts as the partner, we read -------------------------


@pytest.mark.parametrize("cipher", list(OPENSSL_CIPHERS))
def test_we_read_what_openssl_signed_and_encrypted(pki, cipher):
    directory, paths = pki
    entity = ENTITY_HEADERS + BINARY_PAYLOAD
    headers, body = openssl_sign_encrypt(directory, paths, entity, cipher)

    message, answer = as2.handle(as2_headers(headers), body, identity(), [partner_profile()])

    assert message.ok, message.error
    assert message.payload == BINARY_PAYLOAD
    assert (message.signed, message.encrypted, message.compressed) == (True, True, False)
    assert message.filename == "po-101.x12"
    assert message.content_type == "application/edi-x12"
    assert message.signer == keypair(PARTNER)[0]
    assert (message.as2_from, message.as2_to) == (PARTNER, US)
    # (d) the MIC is OpenSSL's digest of the signed entity, MIME headers included
    assert (
        message.mic
        == openssl_mic(directory / "entity.bin")
        == base64.b64encode(hashlib.sha256(entity).digest()).decode()
    )
    assert answer.status == 200 and answer.mdn.signed


def test_we_read_openssl_text_mode_signature_of_lf_content(pki):
    """Without -binary OpenSSL signs the CRLF-canonical form (RFC 5751 3.1.1);
    we verify that form and return its MIC."""
    directory, paths = pki
    entity = b"Content-Type: application/edifact\n\nUNA:+.? 'UNB+UNOC:3+PARTNER+ODOO'\nUNZ+1+1'\n"
    (directory / "entity.bin").write_bytes(entity)
    cert, key = paths[PARTNER]
    openssl("cms", "-sign", "-md", "sha256", "-in", directory / "entity.bin", "-signer", cert, "-inkey", key,
            "-out", directory / "signed.txt")  # fmt: skip
    headers, body = split_http((directory / "signed.txt").read_bytes())

    message = as2.receive(as2_headers(headers), body, identity(), [partner_profile(require_encrypted=False)])

    assert message.ok, message.error
    assert message.payload == b"UNA:+.? 'UNB+UNOC:3+PARTNER+ODOO'\r\nUNZ+1+1'\r\n"
    assert message.mic == base64.b64encode(hashlib.sha256(entity.replace(b"\n", b"\r\n")).digest()).decode()


def test_legacy_sha1_partner(pki):
    directory, paths = pki
    headers, body = openssl_sign_encrypt(directory, paths, ENTITY_HEADERS + PAYLOAD, "-des3", md="sha1")

    message, answer = as2.handle(as2_headers(headers, micalg="sha1"), body, identity(), [partner_profile()])

    assert message.ok, message.error
    assert message.mic_algorithm == "sha1"
    assert message.mic == openssl_mic(directory / "entity.bin", "sha1")
    assert b"Received-content-MIC: " + message.mic.encode() + b", sha1" in answer.body


def test_tampered_ciphertext_is_decryption_failed(pki):
    directory, paths = pki
    headers, body = openssl_sign_encrypt(directory, paths, ENTITY_HEADERS + PAYLOAD)
    der = bytearray(base64.b64decode(body))
    der[-5] ^= 0x01  # the last block: its padding no longer decrypts
    message = as2.receive(as2_headers({**headers, "Content-Transfer-Encoding": "binary"}), bytes(der), identity(),
                          [partner_profile()])  # fmt: skip
    assert message.error.modifier in (as2.DECRYPTION_FAILED, as2.AUTHENTICATION_FAILED)
    assert message.payload is None


def test_tampered_signed_content_is_authentication_failed(pki):
    directory, paths = pki
    (directory / "entity.bin").write_bytes(ENTITY_HEADERS + PAYLOAD)
    cert, key = paths[PARTNER]
    openssl("cms", "-sign", "-binary", "-in", directory / "entity.bin", "-signer", cert, "-inkey", key,
            "-out", directory / "signed.txt")  # fmt: skip
    headers, body = split_http((directory / "signed.txt").read_bytes())
    tampered = body.replace(b"PO-1", b"PO-2", 1)
    assert tampered != body

    message, answer = as2.handle(
        as2_headers(headers), tampered, identity(), [partner_profile(require_encrypted=False)]
    )

    assert message.error.modifier == as2.AUTHENTICATION_FAILED
    assert b"processed/error: authentication-failed" in answer.body


def test_signed_by_another_certificate_is_authentication_failed(pki):
    directory, paths = pki
    headers, body = openssl_sign_encrypt(directory, paths, ENTITY_HEADERS + PAYLOAD, signer="STRANGER")

    message = as2.receive(as2_headers(headers), body, identity(), [partner_profile()])

    assert message.error.modifier == as2.AUTHENTICATION_FAILED
    assert "STRANGER" in message.error.message


def test_encrypted_for_another_certificate_is_decryption_failed(pki):
    directory, paths = pki
    headers, body = openssl_sign_encrypt(directory, paths, ENTITY_HEADERS + PAYLOAD, recipient="STRANGER")

    message, answer = as2.handle(as2_headers(headers), body, identity(), [partner_profile()])

    assert message.error.modifier == as2.DECRYPTION_FAILED
    assert b"processed/error: decryption-failed" in answer.body


def test_expired_partner_certificate_is_authentication_failed(pki):
    directory, paths = pki
    headers, body = openssl_sign_encrypt(directory, paths, ENTITY_HEADERS + PAYLOAD, signer="EXPIRED")
    expired_partner = as2.Partner(PARTNER, keypair("EXPIRED", days=-1)[0])

    message = as2.receive(as2_headers(headers), body, identity(), [expired_partner])

    assert message.error.modifier == as2.AUTHENTICATION_FAILED
    assert "expired" in message.error.message


def test_unsigned_when_signing_is_required_is_insufficient_security(pki):
    directory, paths = pki
    (directory / "entity.bin").write_bytes(ENTITY_HEADERS + PAYLOAD)
    openssl("cms", "-encrypt", "-binary", "-aes128", "-in", directory / "entity.bin", "-out", directory / "enc.txt",
            paths[US][0])  # fmt: skip
    headers, body = split_http((directory / "enc.txt").read_bytes())

    message, answer = as2.handle(as2_headers(headers), body, identity(), [partner_profile()])

    assert message.error.modifier == as2.INSUFFICIENT_SECURITY
    assert b"processed/error: insufficient-message-security" in answer.body
    # the same message from a partner allowed to skip signing: the MIC covers
    # the decrypted MIME entity (RFC 4130 7.3.1, encrypted unsigned)
    message = as2.receive(as2_headers(headers), body, identity(), [partner_profile(require_signed=False)])
    assert message.ok and message.payload == PAYLOAD
    assert message.mic == openssl_mic(directory / "entity.bin")


# --- (b) we sign and encrypt, OpenSSL reads -----------------------------------------


def detached_parts(content_type, body):
    """The signed part (exact bytes) and the signature DER of a
    multipart/signed, split by hand (RFC 2046 5.1.1), not by our parser."""
    boundary = content_type.split('boundary="', 1)[1].split('"', 1)[0].encode()
    delimiter = b"\r\n--" + boundary
    assert body.startswith(b"--" + boundary + b"\r\n")
    signed_part, rest = body[len(boundary) + 4 :].split(delimiter, 1)
    signature_part = rest.split(delimiter, 1)[0]
    signature_b64 = signature_part.split(b"\r\n\r\n", 1)[1]
    return signed_part, base64.b64decode(signature_b64)


@pytest.mark.parametrize("cipher", list(OPENSSL_CIPHERS.values()))
def test_openssl_decrypts_and_verifies_what_we_sent(pki, cipher):
    """Binary payload: OpenSSL's S/MIME reader rewrites line ends in a
    multipart (LF with -binary, CRLF without), so OpenSSL gets the signed
    part's exact bytes with -content and the signature as DER."""
    directory, paths = pki
    message = as2.build_message(
        BINARY_PAYLOAD, identity(), partner_profile(cipher=cipher), filename="inv.x12"
    )
    (directory / "body.der").write_bytes(message.body)
    cert, key = paths[PARTNER]

    decrypted = openssl("cms", "-decrypt", "-binary", "-inform", "DER", "-in", directory / "body.der",
                        "-recip", cert, "-inkey", key)  # fmt: skip
    head, _, multipart = decrypted.partition(b"\r\n\r\n")
    signed_part, signature = detached_parts(head.decode(), multipart)
    (directory / "part.bin").write_bytes(signed_part)
    (directory / "sig.der").write_bytes(signature)
    signed_content = openssl("cms", "-verify", "-binary", "-inform", "DER", "-in", directory / "sig.der",
                             "-content", directory / "part.bin", "-CAfile", paths[US][0])  # fmt: skip

    assert signed_content == signed_part
    headers, _, payload = signed_content.partition(b"\r\n\r\n")
    assert payload == BINARY_PAYLOAD
    assert b"Content-Type: application/edi-x12" in headers
    assert message.headers["Content-Type"].startswith("application/pkcs7-mime; smime-type=enveloped-data")
    # (d) our MIC is OpenSSL's digest of the entity it verified
    assert message.mic == openssl_mic(directory / "part.bin")
    # and OpenSSL saw the cipher we chose
    printed = openssl("cms", "-cmsout", "-print", "-inform", "DER", "-in", directory / "body.der").decode()
    names = {"aes128_cbc": "aes-128-cbc", "aes192_cbc": "aes-192-cbc", "aes256_cbc": "aes-256-cbc",
             "tripledes_3key": "des-ede3-cbc"}  # fmt: skip
    assert names[cipher] in printed


@pytest.mark.parametrize("command", ["cms", "smime"])
def test_openssl_reads_our_signed_encrypted_text_message_end_to_end(pki, command):
    """CRLF text payload: OpenSSL's own S/MIME parser does the whole job."""
    directory, paths = pki
    text_payload = PAYLOAD.replace(b"\n", b"\r\n")
    message = as2.build_message(text_payload, identity(), partner_profile(cipher="aes128_cbc"))
    (directory / "body.der").write_bytes(message.body)
    cert, key = paths[PARTNER]
    decrypted = openssl(command, "-decrypt", "-binary", "-inform", "DER", "-in", directory / "body.der",
                        "-recip", cert, "-inkey", key)  # fmt: skip
    (directory / "decrypted.txt").write_bytes(decrypted)

    content = openssl(command, "-verify", "-in", directory / "decrypted.txt", "-CAfile", paths[US][0])

    assert content.endswith(b"\r\n\r\n" + text_payload)
    (directory / "content.bin").write_bytes(content)
    assert message.mic == openssl_mic(directory / "content.bin")


def test_openssl_verifies_our_signed_only_message(pki):
    directory, paths = pki
    text_payload = PAYLOAD.replace(b"\n", b"\r\n")
    message = as2.build_message(text_payload, identity(), partner_profile(encrypt=False))
    smime_file = f"Content-Type: {message.headers['Content-Type']}\r\n\r\n".encode() + message.body
    (directory / "signed.txt").write_bytes(smime_file)

    content = openssl("smime", "-verify", "-in", directory / "signed.txt", "-CAfile", paths[US][0])

    assert content.endswith(b"\r\n\r\n" + text_payload)
    assert "micalg=sha-256" in message.headers["Content-Type"]


def test_openssl_refuses_our_signature_once_tampered(pki):
    directory, paths = pki
    message = as2.build_message(PAYLOAD.replace(b"\n", b"\r\n"), identity(), partner_profile(encrypt=False))
    tampered = message.body.replace(b"BEG*00*SA*PO-1", b"BEG*00*SA*PO-9", 1)
    assert tampered != message.body
    (directory / "signed.txt").write_bytes(
        f"Content-Type: {message.headers['Content-Type']}\r\n\r\n".encode() + tampered
    )

    code, stderr = openssl_status("cms", "-verify", "-in", directory / "signed.txt", "-CAfile", paths[US][0])

    assert code != 0 and "verification failure" in stderr.lower()


def test_openssl_reads_our_unsigned_encrypted_message_and_mic(pki):
    directory, paths = pki
    message = as2.build_message(PAYLOAD, identity(), partner_profile(sign=False, cipher="aes128_cbc"))
    (directory / "body.der").write_bytes(message.body)
    cert, key = paths[PARTNER]
    entity = openssl("cms", "-decrypt", "-binary", "-inform", "DER", "-in", directory / "body.der",
                     "-recip", cert, "-inkey", key)  # fmt: skip
    (directory / "entity.bin").write_bytes(entity)
    assert entity.endswith(b"\r\n\r\n" + PAYLOAD)
    assert message.mic == openssl_mic(directory / "entity.bin")  # decrypted header and content


# --- (c) our signed MDN verifies with OpenSSL ------------------------------------------


@pytest.mark.parametrize("command", ["cms", "smime"])
def test_openssl_verifies_our_signed_mdn(pki, command):
    directory, paths = pki
    headers, body = openssl_sign_encrypt(directory, paths, ENTITY_HEADERS + PAYLOAD)
    message, answer = as2.handle(as2_headers(headers), body, identity(), [partner_profile()])
    assert message.ok and answer.mdn.signed
    mdn_file = f"Content-Type: {answer.headers['Content-Type']}\r\n\r\n".encode() + answer.body
    (directory / "mdn.txt").write_bytes(mdn_file)

    report = openssl(command, "-verify", "-in", directory / "mdn.txt", "-CAfile", paths[US][0])

    assert report.startswith(b"Content-Type: multipart/report; report-type=disposition-notification")
    assert b"Original-Message-ID: <openssl-1@partneras2>" in report
    assert b"Disposition: automatic-action/MDN-sent-automatically; processed\r\n" in report
    assert f"Received-content-MIC: {openssl_mic(directory / 'entity.bin')}, sha-256".encode() in report


def test_openssl_signed_mdn_is_read_and_reconciled(pki):
    """An MDN signed by OpenSSL as the partner: we verify, parse and reconcile it."""
    directory, paths = pki
    message = as2.build_message(PAYLOAD, identity(), partner_profile())
    report = (
        b'Content-Type: multipart/report; report-type=disposition-notification; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/plain\r\n\r\nReceived.\r\n"
        b"--b1\r\nContent-Type: message/disposition-notification\r\n\r\n"
        b"Reporting-UA: OpenSSL partner\r\nOriginal-Recipient: rfc822; PARTNERAS2\r\n"
        b"Final-Recipient: rfc822; PARTNERAS2\r\n"
        + f"Original-Message-ID: {message.message_id}\r\n".encode()
        + b"Disposition: automatic-action/MDN-sent-automatically; processed\r\n"
        + f"Received-content-MIC: {message.mic}, sha-256\r\n".encode()
        + b"\r\n--b1--\r\n"
    )
    (directory / "report.txt").write_bytes(report)
    cert, key = paths[PARTNER]
    openssl("cms", "-sign", "-binary", "-in", directory / "report.txt", "-signer", cert, "-inkey", key,
            "-out", directory / "mdn.txt")  # fmt: skip
    headers, body = split_http((directory / "mdn.txt").read_bytes())
    headers.update({"AS2-From": PARTNER, "AS2-To": f'"{US}"', "Message-ID": "<mdn-1@partneras2>"})

    mdn = as2.parse_mdn(headers, body, partner_profile())

    assert mdn.signed and mdn.reporting_ua == "OpenSSL partner"
    assert message.reconcile(mdn).status == as2.PROCESSED
    # the same MDN signed by someone else is refused
    cert, key = paths["STRANGER"]
    openssl("cms", "-sign", "-binary", "-in", directory / "report.txt", "-signer", cert, "-inkey", key,
            "-out", directory / "mdn2.txt")  # fmt: skip
    headers, body = split_http((directory / "mdn2.txt").read_bytes())
    with pytest.raises(as2.MdnError, match="signature"):
        as2.parse_mdn(headers, body, partner_profile())


# --- certificates: OpenSSL agrees on what we read ------------------------------------


def test_certificate_facts_match_openssl(pki):
    directory, paths = pki
    cert = as2.smime.load_certificate(paths[PARTNER][0].read_bytes())
    fingerprint = openssl("x509", "-in", paths[PARTNER][0], "-noout", "-fingerprint", "-sha256").decode()
    assert fingerprint.strip().split("=", 1)[1] == cert.fingerprint()
    der = openssl("x509", "-in", paths[PARTNER][0], "-outform", "DER")
    assert as2.smime.load_certificate(der) == cert
    end = openssl("x509", "-in", paths[PARTNER][0], "-noout", "-enddate").decode().strip()
    assert end.split("=", 1)[1].startswith(
        cert.not_after.strftime("%b %e %H:%M:%S").replace("  ", " ").split()[0]
    )
    assert 363 <= cert.days_left() <= 365


def test_we_decrypt_openssl_rsa_oaep_envelopes(pki):
    """Some stations use RSA-OAEP key transport (RFC 3560): we read it too."""
    directory, paths = pki
    (directory / "entity.bin").write_bytes(ENTITY_HEADERS + PAYLOAD)
    openssl("cms", "-encrypt", "-binary", "-aes256", "-in", directory / "entity.bin", "-outform", "DER",
            "-out", directory / "enc.der", "-recip", paths[US][0], "-keyopt", "rsa_padding_mode:oaep")  # fmt: skip
    assert (
        "rsaesOaep"
        in openssl("cms", "-cmsout", "-print", "-inform", "DER", "-in", directory / "enc.der").decode()
    )
    assert as2.smime.decrypt((directory / "enc.der").read_bytes(), [keypair(US)]) == ENTITY_HEADERS + PAYLOAD


def test_ec_signatures_both_ways(tmp_path):
    """An ECDSA partner: OpenSSL verifies our signature and we verify its own."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "EC PARTNER")])
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    cert = as2.smime.Certificate(
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(days=1)).sign(key, hashes.SHA256())
    )  # fmt: skip
    (tmp_path / "ec.crt").write_bytes(cert.pem)
    (tmp_path / "ec.key").write_bytes(as2.smime.private_key_pem(key))
    (tmp_path / "content.bin").write_bytes(PAYLOAD)

    (tmp_path / "ours.der").write_bytes(as2.smime.sign_detached(PAYLOAD, cert, key))
    openssl("cms", "-verify", "-binary", "-inform", "DER", "-in", tmp_path / "ours.der",
            "-content", tmp_path / "content.bin", "-CAfile", tmp_path / "ec.crt", "-out", tmp_path / "out.bin")  # fmt: skip

    openssl("cms", "-sign", "-binary", "-in", tmp_path / "content.bin", "-signer", tmp_path / "ec.crt",
            "-inkey", tmp_path / "ec.key", "-outform", "DER", "-out", tmp_path / "theirs.der")  # fmt: skip
    verified = as2.smime.verify_detached(PAYLOAD, (tmp_path / "theirs.der").read_bytes(), cert)
    assert verified.content_digest == hashlib.sha256(PAYLOAD).digest()
