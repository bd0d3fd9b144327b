"""AS2 messages and MDNs between two instances of our own code: the
protection matrix, the MIC rules of RFC 4130 7.3.1, the headers, every
refusal with its disposition modifier, MDN reconciliation.

(OpenSSL as the independent peer is in test_as2_openssl.py.)
"""

import base64
import email.header
import email.utils
import hashlib
import re
from datetime import datetime, timedelta, timezone

import pytest
from as2_keys import PARTNER, US, identity, keypair, our_profile_at_partner, partner_profile

from odoo.addons.channel_edi.lib.transports import as2, smime
from odoo.addons.integration_core.lib.exceptions import PermanentError

PAYLOAD = b"UNA:+.? 'UNB+UNOC:3+ODOO:14+PARTNER:14+261129:0100+1'UNH+1+ORDERS:D:96A:UN:EAN008'\r\nUNZ+1+1'"
BINARY = PAYLOAD + b"\n\x00\xff\r\r\n"


def partner_station():
    """The partner's side: its identity."""
    return as2.LocalIdentity(PARTNER, *keypair(PARTNER))


def sha256_b64(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def deliver(message, **requirements):
    """What the partner's station makes of our message: (InboundMessage, HttpAnswer)."""
    return as2.handle(
        message.headers, message.body, partner_station(), [our_profile_at_partner(**requirements)]
    )


# --- the protection matrix ---------------------------------------------------------


@pytest.mark.parametrize("sign", [True, False])
@pytest.mark.parametrize("encrypt", [True, False])
@pytest.mark.parametrize("compress", [True, False])
def test_round_trip_through_every_protection(sign, encrypt, compress):
    profile = partner_profile(sign=sign, encrypt=encrypt, compress=compress)
    message = as2.build_message(
        BINARY, identity(), profile, content_type="application/edifact", filename="o.edi"
    )

    received, answer = deliver(message, require_signed=sign, require_encrypted=encrypt)

    assert received.ok, received.error
    assert received.payload == BINARY
    assert (received.signed, received.encrypted, received.compressed) == (sign, encrypt, compress)
    assert received.content_type == "application/edifact" and received.filename == "o.edi"
    assert received.mic == message.mic and received.mic_algorithm == message.mic_algorithm
    mdn = as2.parse_mdn(answer.headers, answer.body, profile)
    assert message.reconcile(mdn).status == as2.PROCESSED
    assert mdn.signed


@pytest.mark.parametrize(
    "cipher", ["aes128_cbc", "aes192_cbc", "aes256_cbc", "tripledes_3key", "3des", "aes128"]
)
def test_every_cipher(cipher):
    message = as2.build_message(PAYLOAD, identity(), partner_profile(cipher=cipher))
    received, _ = deliver(message)
    assert received.payload == PAYLOAD


# --- the MIC (RFC 4130 7.3.1, RFC 5402 4) -------------------------------------------

ENTITY = b"Content-Type: application/edi-x12\r\nContent-Transfer-Encoding: binary\r\n\r\n" + PAYLOAD


def test_mic_of_a_signed_message_covers_the_signed_entity_with_its_headers():
    message = as2.build_message(PAYLOAD, identity(), partner_profile())
    assert message.mic == sha256_b64(ENTITY)
    assert message.received_content_mic == f"{sha256_b64(ENTITY)}, sha-256"


def test_mic_of_an_encrypted_unsigned_message_covers_the_entity():
    message = as2.build_message(PAYLOAD, identity(), partner_profile(sign=False, compress=True))
    assert message.mic == sha256_b64(ENTITY)  # the uncompressed entity (RFC 5402 4.2)


def test_mic_of_a_plain_message_covers_the_content_only():
    message = as2.build_message(
        PAYLOAD, identity(), partner_profile(sign=False, encrypt=False, compress=True)
    )
    assert message.mic == sha256_b64(PAYLOAD)


def test_mic_of_a_compressed_then_signed_message_covers_the_compressed_entity():
    message = as2.build_message(PAYLOAD, identity(), partner_profile(compress=True))
    assert message.mic != sha256_b64(ENTITY)
    received, _ = deliver(message)
    assert received.compressed and received.mic == message.mic


def test_legacy_sha1_partner_gets_sha1_everywhere():
    message = as2.build_message(PAYLOAD, identity(), partner_profile(digest="sha1"))
    assert message.mic == base64.b64encode(hashlib.sha1(ENTITY).digest()).decode()
    assert message.headers["Disposition-Notification-Options"].endswith(
        "signed-receipt-micalg=optional, sha1"
    )
    received, answer = deliver(message)
    assert received.mic_algorithm == "sha1"
    mdn = as2.parse_mdn(answer.headers, answer.body, partner_profile())
    assert mdn.mic_algorithm == "sha1" and message.reconcile(mdn).status == as2.PROCESSED


def test_the_receiver_uses_the_requested_micalg_even_if_the_signature_used_another():
    message = as2.build_message(PAYLOAD, identity(), partner_profile(digest="sha1"))
    headers = dict(message.headers)
    headers["Disposition-Notification-Options"] = (
        "signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-512, sha1"
    )
    received = as2.receive(headers, message.body, partner_station(), [our_profile_at_partner()])
    assert received.mic_algorithm == "sha512"
    entity = ENTITY
    assert received.mic == base64.b64encode(hashlib.sha512(entity).digest()).decode()


def test_an_unsupported_required_micalg_fails_the_message():
    message = as2.build_message(PAYLOAD, identity(), partner_profile())
    headers = dict(message.headers)
    headers["Disposition-Notification-Options"] = (
        "signed-receipt-protocol=required, pkcs7-signature; signed-receipt-micalg=required, whirlpool"
    )
    received, answer = as2.handle(headers, message.body, partner_station(), [our_profile_at_partner()])
    assert received.error.disposition == "failed/Failure: unsupported MIC-algorithms"
    assert (
        b"Disposition: automatic-action/MDN-sent-automatically; failed/Failure: unsupported MIC-algorithms"
        in answer.body
    )


# --- headers ---------------------------------------------------------------------------


def test_as2_headers():
    now = datetime.now(timezone.utc).replace(microsecond=0)  # certificates are made at test time
    message = as2.build_message(PAYLOAD, identity(), partner_profile(), subject="PO 4711", now=now)
    headers = message.headers
    assert headers["AS2-Version"] == "1.2"
    assert headers["AS2-From"] == '"ODOO AS2"' and headers["AS2-To"] == "PARTNERAS2"
    assert re.fullmatch(r"<[0-9a-f]{32}@ODOO-AS2>", headers["Message-ID"])
    assert headers["Subject"] == "PO 4711"
    assert email.utils.parsedate_to_datetime(headers["Date"]) == now
    assert headers["Content-Type"] == 'application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"'
    assert headers["Content-Transfer-Encoding"] == "binary"
    assert headers["Disposition-Notification-To"] == US
    assert headers["Disposition-Notification-Options"] == (
        "signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256"
    )
    assert "Receipt-Delivery-Option" not in headers
    assert message.body[:1] == b"\x30"  # DER, binary on the wire


def test_signed_unencrypted_headers_carry_the_multipart():
    message = as2.build_message(PAYLOAD, identity(), partner_profile(encrypt=False))
    content_type = message.headers["Content-Type"]
    assert content_type.startswith(
        'multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256;'
    )
    boundary = content_type.split('boundary="')[1].rstrip('"')
    assert message.body.startswith(f"--{boundary}\r\n".encode() + ENTITY + f"\r\n--{boundary}\r\n".encode())
    assert message.body.endswith(f"--{boundary}--\r\n".encode())


def test_async_and_no_receipt_requests():
    profile = partner_profile(mdn_mode="async", async_mdn_url="https://odoo.example/as2/mdn")
    headers = as2.build_message(PAYLOAD, identity(), profile).headers
    assert headers["Receipt-Delivery-Option"] == "https://odoo.example/as2/mdn"
    headers = as2.build_message(PAYLOAD, identity(), partner_profile(mdn_mode="none")).headers
    assert not {"Disposition-Notification-To", "Disposition-Notification-Options"} & set(headers)
    with pytest.raises(ValueError, match="async_mdn_url"):
        as2.build_message(PAYLOAD, identity(), partner_profile(mdn_mode="async"))
    with pytest.raises(ValueError, match="mdn_mode"):
        partner_profile(mdn_mode="sometimes")


@pytest.mark.parametrize(
    ("name", "quoted"),
    [("PARTNERAS2", "PARTNERAS2"), ("ODOO AS2", '"ODOO AS2"'), ('a"b', '"a\\"b"'), ("a\\b", '"a\\\\b"')],
)
def test_as2_names_are_quoted_when_needed(name, quoted):
    assert as2.quote_as2_name(name) == quoted
    assert as2.unquote_as2_name(quoted) == name


@pytest.mark.parametrize("bad", ["", "x" * 129, "caf\u00e9", "tab\there"])
def test_invalid_as2_names(bad):
    with pytest.raises(ValueError, match="AS2 name"):
        as2.quote_as2_name(bad)


def test_as2_names_are_case_sensitive():
    message = as2.build_message(PAYLOAD, identity(), partner_profile())
    headers = dict(message.headers, **{"AS2-To": PARTNER.lower()})
    received = as2.receive(headers, message.body, partner_station(), [our_profile_at_partner()])
    assert received.error.modifier == as2.UNEXPECTED_ERROR
    assert "not one of our AS2 identities" in received.error.message


# --- refusals and their dispositions (RFC 4130 7.4.3) -------------------------------


def flip(data, index):
    data = bytearray(data)
    data[index] ^= 0x01
    return bytes(data)


def test_one_flipped_payload_byte_is_authentication_failed():
    message = as2.build_message(PAYLOAD, identity(), partner_profile(encrypt=False))
    index = message.body.index(b"ORDERS")
    received, answer = as2.handle(message.headers, flip(message.body, index), partner_station(),
                                  [our_profile_at_partner(require_encrypted=False)])  # fmt: skip
    assert received.error.modifier == as2.AUTHENTICATION_FAILED
    assert received.payload is None
    assert b"processed/error: authentication-failed" in answer.body
    assert isinstance(received.error, PermanentError)


def test_one_flipped_signature_byte_is_authentication_failed():
    message = as2.build_message(PAYLOAD, identity(), partner_profile(encrypt=False))
    index = message.body.rindex(b"\r\n--") - 20  # in the signature value, the end of the SignedData
    while message.body[index : index + 1] in (b"\r", b"\n", b"="):
        index -= 1
    replacement = b"B" if message.body[index : index + 1] == b"A" else b"A"
    tampered = message.body[:index] + replacement + message.body[index + 1 :]
    assert tampered != message.body
    received = as2.receive(
        message.headers, tampered, partner_station(), [our_profile_at_partner(require_encrypted=False)]
    )
    assert received.error.modifier == as2.AUTHENTICATION_FAILED


def test_a_flipped_ciphertext_byte_never_yields_a_payload():
    message = as2.build_message(PAYLOAD, identity(), partner_profile())
    for index in (len(message.body) - 3, len(message.body) - 40):
        received = as2.receive(
            message.headers, flip(message.body, index), partner_station(), [our_profile_at_partner()]
        )
        assert received.error.modifier in (as2.DECRYPTION_FAILED, as2.AUTHENTICATION_FAILED)
        assert received.payload is None


def test_signed_by_someone_else_is_authentication_failed():
    stranger = as2.LocalIdentity(US, *keypair("STRANGER"))
    message = as2.build_message(PAYLOAD, stranger, partner_profile())
    received, _ = deliver(message)
    assert received.error.modifier == as2.AUTHENTICATION_FAILED
    assert "STRANGER" in received.error.message


def test_encrypted_for_someone_else_is_decryption_failed():
    message = as2.build_message(PAYLOAD, identity(), as2.Partner(PARTNER, keypair("STRANGER")[0]))
    received, answer = deliver(message)
    assert received.error.modifier == as2.DECRYPTION_FAILED
    assert b"processed/error: decryption-failed" in answer.body


def test_garbage_instead_of_an_envelope_is_decryption_failed():
    message = as2.build_message(PAYLOAD, identity(), partner_profile())
    received = as2.receive(
        message.headers, b"\x30\x03\x02\x01\x00garbage", partner_station(), [our_profile_at_partner()]
    )
    assert received.error.modifier == as2.DECRYPTION_FAILED
    headers = dict(message.headers, **{"Content-Transfer-Encoding": "base64"})
    received = as2.receive(headers, b"not base64 !!", partner_station(), [our_profile_at_partner()])
    assert received.error.modifier == as2.DECRYPTION_FAILED


def test_garbage_compressed_data_is_decompression_failed():
    message = as2.build_message(
        PAYLOAD, identity(), partner_profile(sign=False, encrypt=False, compress=True)
    )
    bad = smime.compress(b"x")[:-6] + b"\x00" * 6
    received = as2.receive(message.headers, bad, partner_station(),
                           [our_profile_at_partner(require_signed=False, require_encrypted=False)])  # fmt: skip
    assert received.error.modifier == as2.DECOMPRESSION_FAILED


@pytest.mark.parametrize(
    ("options", "missing"),
    [
        ({"sign": False}, "signed"),
        ({"encrypt": False}, "encrypted"),
        ({"sign": False, "encrypt": False}, "encrypted and signed"),
    ],
)
def test_missing_protection_is_insufficient_message_security(options, missing):
    message = as2.build_message(PAYLOAD, identity(), partner_profile(**options))
    received, answer = deliver(message)
    assert received.error.modifier == as2.INSUFFICIENT_SECURITY
    assert f"must send {missing} messages" in received.error.message
    assert b"processed/error: insufficient-message-security" in answer.body


def test_unknown_partner_is_authentication_failed():
    message = as2.build_message(PAYLOAD, identity(), partner_profile())
    received, answer = as2.handle(message.headers, message.body, partner_station(), [])
    assert received.error.modifier == as2.AUTHENTICATION_FAILED
    assert "Unknown partner" in received.error.message
    assert answer.status == 200 and answer.mdn.signed  # we still sign our answer


def test_a_multipart_signed_without_closing_boundary_is_authentication_failed():
    message = as2.build_message(PAYLOAD, identity(), partner_profile(encrypt=False))
    received = as2.receive(message.headers, message.body[:-10], partner_station(),
                           [our_profile_at_partner(require_encrypted=False)])  # fmt: skip
    assert received.error.modifier == as2.AUTHENTICATION_FAILED
    assert "closing boundary" in received.error.message


def test_expired_certificates_are_refused_when_sending():
    expired_partner = as2.Partner(PARTNER, keypair("EXPIRED", days=-1)[0])
    with pytest.raises(smime.CertificateError, match="expired"):
        as2.build_message(PAYLOAD, identity(), expired_partner)
    expired_us = as2.LocalIdentity(US, *keypair("EXPIRED", days=-1))
    with pytest.raises(smime.CertificateError, match="our signing certificate"):
        as2.build_message(PAYLOAD, expired_us, partner_profile())
    with pytest.raises(smime.CertificateError, match="no certificate"):
        as2.build_message(PAYLOAD, identity(), as2.Partner(PARTNER))


def test_certificate_rollover():
    """Partners still encrypting to our old certificate, or signing with
    their old one, are read during a rollover."""
    old_cert, old_key = keypair("OLD US")
    station = as2.LocalIdentity(PARTNER, *keypair(PARTNER), previous_keys=((old_cert, old_key),))
    message = as2.build_message(
        PAYLOAD, as2.LocalIdentity(US, *keypair("OLD US")), as2.Partner(PARTNER, keypair(PARTNER)[0])
    )
    profile = as2.Partner(US, keypair(US)[0], previous_certificates=(old_cert,))
    received = as2.receive(message.headers, message.body, station, [profile])
    assert received.ok, received.error
    received = as2.receive(message.headers, message.body, partner_station(), [our_profile_at_partner()])
    assert received.error.modifier == as2.AUTHENTICATION_FAILED


def test_partners_and_identities_may_be_dicts_or_functions():
    message = as2.build_message(PAYLOAD, identity(), partner_profile())
    profile = our_profile_at_partner()
    for partners in ({US: profile}, lambda as2_id: profile if as2_id == US else None, profile):
        received = as2.receive(message.headers, message.body, {PARTNER: partner_station()}, partners)
        assert received.ok, received.error


# --- handle(): the controller's answer ----------------------------------------------


def test_handle_without_as2_headers_answers_400():
    received, answer = as2.handle({"Content-Type": "text/plain"}, b"hello", partner_station(), [])
    assert answer.status == 400 and answer.mdn is None
    assert b"AS2-From, AS2-To or Message-ID" in answer.body


def test_handle_without_receipt_request():
    message = as2.build_message(PAYLOAD, identity(), partner_profile(mdn_mode="none"))
    received, answer = deliver(message)
    assert received.ok and (answer.status, answer.body, answer.mdn) == (200, b"", None)
    message = as2.build_message(PAYLOAD, identity(), partner_profile(mdn_mode="none", sign=False))
    received, answer = deliver(message)
    assert answer.status == 400 and b"must send signed" in answer.body


def test_handle_with_async_request_keeps_the_mdn_for_later():
    profile = partner_profile(mdn_mode="async", async_mdn_url="http://127.0.0.1:1/as2/mdn")
    message = as2.build_message(PAYLOAD, identity(), profile)
    received, answer = deliver(message)
    assert received.ok and (answer.status, answer.body) == (200, b"")
    assert answer.async_url == "http://127.0.0.1:1/as2/mdn"
    mdn = as2.parse_mdn(answer.mdn.headers, answer.mdn.body, profile)
    assert message.reconcile(mdn).status == as2.PROCESSED


def test_unsigned_mdn_when_no_signed_receipt_is_asked():
    message = as2.build_message(PAYLOAD, identity(), partner_profile(mdn_signed=False))
    assert "Disposition-Notification-Options" not in message.headers
    _, answer = deliver(message)
    assert answer.headers["Content-Type"].startswith("multipart/report; report-type=disposition-notification")
    mdn = as2.parse_mdn(answer.headers, answer.body, partner_profile())
    assert not mdn.signed and message.reconcile(mdn).status == as2.PROCESSED


def test_mdn_headers_and_fields():
    message = as2.build_message(PAYLOAD, identity(), partner_profile())
    received, answer = deliver(message)
    assert answer.headers["AS2-From"] == PARTNER and answer.headers["AS2-To"] == '"ODOO AS2"'
    assert answer.headers["AS2-Version"] == "1.2"
    assert answer.headers["Message-ID"] != message.message_id
    mdn = as2.parse_mdn(answer.headers, answer.body, partner_profile())
    assert (mdn.as2_from, mdn.as2_to, mdn.original_message_id) == (PARTNER, US, message.message_id)
    assert mdn.disposition == "automatic-action/MDN-sent-automatically; processed"
    assert mdn.mic == message.mic and mdn.mic_algorithm == "sha-256"
    assert "was received" in mdn.text and mdn.reporting_ua == as2.REPORTING_UA


# --- MDN reconciliation ------------------------------------------------------------------


def report(message_id, disposition, mic=None):
    """An unsigned MDN (headers, body) as a partner might word it."""
    fields = f"Original-Message-ID: {message_id}\r\nDisposition: {disposition}\r\n"
    if mic:
        fields += f"Received-content-MIC: {mic}\r\n"
    body = (
        "--XX\r\nContent-Type: text/plain\r\n\r\nsee below\r\n--XX\r\n"
        "Content-Type: message/disposition-notification\r\n\r\n"
        "Reporting-UA: partner\r\n" + fields + "\r\n--XX--\r\n"
    ).encode()
    return {"Content-Type": 'multipart/report; report-type=disposition-notification; boundary="XX"'}, body


@pytest.fixture(scope="module")
def sent():
    return as2.build_message(PAYLOAD, identity(), partner_profile(mdn_signed=False))


def reconcile(sent, disposition, mic="same", message_id=None):
    mic = f"{sent.mic}, sha-256" if mic == "same" else mic
    mdn = as2.parse_mdn(*report(message_id or sent.message_id, disposition, mic), partner_profile())
    return sent.reconcile(mdn)


def test_reconcile_processed(sent):
    result = reconcile(sent, "automatic-action/MDN-sent-automatically; processed")
    assert (result.status, result.ok) == (as2.PROCESSED, True)


def test_reconcile_accepts_mic_algorithm_spellings_and_bare_message_ids(sent):
    result = reconcile(sent, "automatic-action/MDN-sent-automatically; processed", f"{sent.mic}, SHA256",
                       message_id=sent.message_id.strip("<>"))  # fmt: skip
    assert result.status == as2.PROCESSED


@pytest.mark.parametrize(
    "mic",
    [None, "AAAA, sha-256", "{mic}, sha1", "{mic}, rot13"],
)
def test_reconcile_mic_mismatch(sent, mic):
    result = reconcile(
        sent, "automatic-action/MDN-sent-automatically; processed", mic and mic.format(mic=sent.mic)
    )
    assert result.status == as2.MIC_MISMATCH and not result.ok


@pytest.mark.parametrize(
    ("disposition", "reason"),
    [
        (
            "automatic-action/MDN-sent-automatically; processed/error: decryption-failed",
            "error: decryption-failed",
        ),
        (
            "automatic-action/MDN-sent-automatically; processed/Error: authentication-failed",
            "authentication-failed",
        ),
        ("automatic-action/MDN-sent-automatically; failed/Failure: unsupported format", "unsupported format"),
        ("automatic-action/MDN-sent-automatically; processed/decryption-failed", "decryption-failed"),
        ("automatic-action/MDN-sent-automatically; failed", "failed"),
    ],
)
def test_reconcile_failed(sent, disposition, reason):
    result = reconcile(sent, disposition, mic=None)
    assert result.status == as2.FAILED and reason in result.reason


def test_reconcile_warning(sent):
    result = reconcile(sent, "automatic-action/MDN-sent-automatically; processed/warning: duplicate-document")
    assert (result.status, result.ok) == (as2.PROCESSED_WITH_WARNINGS, True)
    assert "duplicate-document" in result.reason


def test_unsigned_mdn_where_a_signed_one_was_asked_is_a_warning():
    message = as2.build_message(PAYLOAD, identity(), partner_profile())
    mdn = as2.parse_mdn(*report(message.message_id, "automatic-action/MDN-sent-automatically; processed",
                                f"{message.mic}, sha-256"), partner_profile())  # fmt: skip
    result = message.reconcile(mdn)
    assert result.status == as2.PROCESSED_WITH_WARNINGS and "not signed" in result.reason


def test_mdn_for_another_message_is_an_error(sent):
    with pytest.raises(as2.MdnError, match="answers message <other@x>"):
        reconcile(sent, "automatic-action/MDN-sent-automatically; processed", message_id="<other@x>")


def test_delivery_raise_for_result(sent):
    mdn = as2.parse_mdn(*report(sent.message_id, "automatic-action/MDN-sent-automatically; processed", "x, sha-256"),
                        partner_profile())  # fmt: skip
    delivery = as2.Delivery(sent, 200, mdn, sent.reconcile(mdn))
    with pytest.raises(as2.MdnRejected, match="mic-mismatch") as caught:
        delivery.raise_for_result()
    assert not caught.value.retryable and caught.value.code == "as2.mdn.mic-mismatch"


@pytest.mark.parametrize(
    ("headers", "body", "match"),
    [
        ({"Content-Type": "text/html"}, b"<html>", "not multipart/report"),
        ({"Content-Type": 'multipart/report; boundary="XX"'}, b"--XX\r\nContent-Type: text/plain\r\n\r\nhi\r\n--XX--\r\n",
         "no message/disposition-notification"),
        ({"Content-Type": 'multipart/report; boundary="XX"'}, b"--XX\r\nContent-Type: text/plain\r\n\r\nhi", "closing boundary"),
        (*report("<a@b>", "what ever"), "not readable"),
    ],
)  # fmt: skip
def test_unreadable_mdns(headers, body, match):
    with pytest.raises(as2.MdnError, match=match):
        as2.parse_mdn(headers, body, partner_profile())


def test_signed_mdn_from_a_stranger_or_tampered_is_refused():
    message = as2.build_message(PAYLOAD, identity(), partner_profile())
    stranger = as2.LocalIdentity(PARTNER, *keypair("STRANGER"))
    _, answer = as2.handle(message.headers, message.body, stranger, [our_profile_at_partner()])
    with pytest.raises(as2.MdnError, match="signature"):
        as2.parse_mdn(answer.headers, answer.body, partner_profile())
    _, answer = deliver(message)
    tampered = answer.body.replace(b"; processed", b"; processeD")
    with pytest.raises(as2.MdnError, match="signature is not valid"):
        as2.parse_mdn(answer.headers, tampered, partner_profile())


# --- certificates ------------------------------------------------------------------------


def test_certificate_loading_and_facts():
    cert, key = keypair(PARTNER)
    assert smime.load_certificate(cert.pem) == smime.load_certificate(cert.der) == cert
    assert smime.load_certificate(cert.pem.decode()) == cert
    assert cert.subject == "CN=PARTNERAS2" and cert.issuer == cert.subject
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", cert.fingerprint())
    assert len(cert.fingerprint("sha1")) == 59
    now = datetime.now(timezone.utc)
    assert cert.days_left(now) in (363, 364)
    assert cert.days_left(now + timedelta(days=400)) < 0
    with pytest.raises(smime.CertificateError, match="expired"):
        cert.check_valid(now + timedelta(days=400))
    with pytest.raises(smime.CertificateError, match="not valid before"):
        cert.check_valid(now - timedelta(days=2))


def test_expired_test_certificate():
    cert, _ = keypair("EXPIRED", days=-1)
    assert cert.days_left() < 0
    with pytest.raises(smime.CertificateError, match="expired"):
        cert.check_valid()


def test_private_keys_with_and_without_password():
    _, key = keypair(PARTNER)
    for password in (None, "s3cret"):
        pem = smime.private_key_pem(key, password)
        loaded = smime.load_private_key(pem, password)
        assert loaded.private_numbers() == key.private_numbers()
    with pytest.raises(smime.CertificateError, match="private key"):
        smime.load_private_key(smime.private_key_pem(key, "s3cret"), "wrong")


@pytest.mark.parametrize(
    "bad", [b"", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", b"\x30\x00"]
)
def test_unreadable_certificates(bad):
    with pytest.raises(smime.CertificateError, match="X.509"):
        smime.load_certificate(bad)


def test_identity_accepts_pem():
    cert, key = keypair(US)
    station = as2.LocalIdentity(US, cert.pem, smime.private_key_pem(key))
    assert station.certificate == cert


# --- CMS details ------------------------------------------------------------------------------


def test_envelope_for_two_recipients_and_names_of_recipients():
    data = smime.encrypt(b"hello", [keypair(US)[0], keypair(PARTNER)[0]], "aes192")
    assert smime.decrypt(data, [keypair(PARTNER)]) == b"hello"
    assert smime.decrypt(data, [keypair(US)]) == b"hello"
    assert len(smime.recipients_of(data)) == 2
    with pytest.raises(smime.DecryptionFailed, match="not encrypted for our certificate"):
        smime.decrypt(data, [keypair("STRANGER")])


def test_signature_checks():
    cert, key = keypair(PARTNER)
    signature = smime.sign_detached(b"content", cert, key, "sha384")
    verified = smime.verify_detached(b"content", signature, [keypair(US)[0], cert])
    assert (
        verified.digest_algorithm == "sha384"
        and verified.content_digest == hashlib.sha384(b"content").digest()
    )
    with pytest.raises(smime.SignatureInvalid, match="digest differs"):
        smime.verify_detached(b"Content", signature, cert)
    with pytest.raises(smime.SignatureInvalid, match="not by the partner"):
        smime.verify_detached(b"content", signature, keypair(US)[0])
    with pytest.raises(smime.SignatureInvalid, match="CMS"):
        smime.verify_detached(b"content", b"\x30\x00", cert)
    with pytest.raises(smime.SignatureInvalid, match="Expected CMS signed_data"):
        smime.verify_detached(b"content", smime.compress(b"x"), cert)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sha-256", "sha256"),
        ("SHA256", "sha256"),
        ("sha1", "sha1"),
        ("sha-1", "sha1"),
        ("sha2-512", "sha512"),
    ],
)
def test_digest_names(name, expected):
    assert smime.digest_name(name) == expected


def test_unknown_digest_and_cipher():
    with pytest.raises(smime.SmimeError, match="digest"):
        smime.digest_name("whirlpool")
    with pytest.raises(smime.SmimeError, match="content encryption"):
        smime.cipher_name("rc2")


def test_an_unforeseen_failure_still_gets_an_mdn():
    def broken_registry(as2_id):
        raise RuntimeError("database is gone")

    message = as2.build_message(PAYLOAD, identity(), partner_profile())
    received, answer = as2.handle(message.headers, message.body, partner_station(), broken_registry)
    assert received.error.modifier == as2.UNEXPECTED_ERROR
    assert "database is gone" in received.error.message
    assert b"processed/error: unexpected-processing-error" in answer.body


@pytest.mark.parametrize("options", [{}, {"sign": False, "encrypt": False, "compress": True}])
def test_smime_type_may_be_omitted(options):
    message = as2.build_message(PAYLOAD, identity(), partner_profile(**options))
    headers = dict(message.headers, **{"Content-Type": "application/x-pkcs7-mime"})
    requirements = {"require_signed": False, "require_encrypted": False} if options else {}
    received = as2.receive(headers, message.body, partner_station(), [our_profile_at_partner(**requirements)])
    assert received.ok, received.error
    assert received.payload == PAYLOAD and received.mic == message.mic


@pytest.mark.parametrize(
    "changes",
    [
        {"AS2-To": "PARTNER\tAS2"},
        {"AS2-From": "x" * 300},
        {"AS2-From": "caf\u00e9"},
        {"Message-ID": "<caf\u00e9@x>"},
        {"Content-Type": "multipart/signed"},
        {"Content-Type": 'multipart/signed; boundary="\u00e9"'},
        {"Content-Type": "application/pkcs7-mime; smime-type=signed-data"},
        {"Content-Type": "application/pkcs7-mime; smime-type=compressed-data"},
        {"Content-Transfer-Encoding": "base64"},
        {"Disposition-Notification-Options": "garbage;;=,"},
    ],
)
def test_odd_requests_are_answered_not_crashed(changes):
    message = as2.build_message(PAYLOAD, identity(), partner_profile())
    headers = dict(message.headers, **changes)
    received, answer = as2.handle(headers, message.body, partner_station(), [our_profile_at_partner()])
    assert answer.status in (200, 400)
    if answer.mdn is not None:
        mdn = as2.parse_mdn(answer.headers, answer.body, partner_profile())
        assert mdn.original_message_id == received.message_id
        assert received.ok or mdn.modifier in ("error", "failure")


def test_an_mdn_part_that_does_not_decode_is_an_mdn_error():
    headers, body = report("<a@b>", "automatic-action/MDN-sent-automatically; processed")
    body = body.replace(
        b"Content-Type: text/plain\r\n", b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n"
    ).replace(b"see below", b"not base64!")
    with pytest.raises(as2.MdnError, match="does not decode"):
        as2.parse_mdn(headers, body, partner_profile())


@pytest.mark.parametrize(
    ("body", "parts"),
    [
        (b"--b\r\nA\r\n--b\r\nB\r\n--b--\r\n", [b"A", b"B"]),
        (b"preamble\r\n--b\r\nA\r\n--b--", [b"A"]),  # a preamble, no line break at the end
        (b"--b\nA\n\n--b \t\nB\n--b--\nepilogue", [b"A\n", b"B"]),  # LF line ends, transport padding
        (b"--b\r\nA --b\r\n--bXYZ\r\n--b--\r\n", [b"A --b\r\n--bXYZ"]),  # look-alikes stay content
        (b"--b\r\n\r\n--b--\r\n", [b""]),
    ],
)
def test_multipart_split_is_byte_exact(body, parts):
    assert as2._split_multipart(body, "b") == parts


def test_multipart_without_close_delimiter():
    with pytest.raises(ValueError, match="no closing boundary"):
        as2._split_multipart(b"--b\r\nA\r\n--b\r\nB", "b")


def test_non_ascii_file_names_and_subjects():
    message = as2.build_message(PAYLOAD, identity(), partner_profile(), filename='bestellung "März".edi',
                                subject="Bestellung März")  # fmt: skip
    assert (
        str(email.header.make_header(email.header.decode_header(message.headers["Subject"])))
        == "Bestellung März"
    )
    assert message.headers["Subject"].isascii()
    received, _ = deliver(message)
    assert received.filename == "bestellung _M_rz_.edi"
    assert received.subject == message.headers["Subject"]
