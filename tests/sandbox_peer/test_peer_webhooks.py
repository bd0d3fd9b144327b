"""The webhook signer (known vectors) and deliverer of the sandbox peers."""

import base64
import socket

import pytest
from sandbox.peer import Peer, WebhookDeliverer, WebhookSigner, delivered

# RFC 4231, test case 2: HMAC-SHA256(key "Jefe", "what do ya want for nothing?")
RFC4231_KEY = "Jefe"
RFC4231_DATA = b"what do ya want for nothing?"
RFC4231_SHA256 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"


def test_known_vector_in_hex_and_base64():
    hex_signer = WebhookSigner(RFC4231_KEY, header="X-Signature", encoding="hex")
    assert hex_signer.sign(RFC4231_DATA) == RFC4231_SHA256
    b64_signer = WebhookSigner(RFC4231_KEY.encode(), header="X-Shopify-Hmac-Sha256")
    assert b64_signer.sign(RFC4231_DATA) == base64.b64encode(bytes.fromhex(RFC4231_SHA256)).decode()
    assert b64_signer.headers(RFC4231_DATA.decode()) == {
        "X-Shopify-Hmac-Sha256": b64_signer.sign(RFC4231_DATA)
    }


def test_prefix_algorithm_and_signed_message():
    github = WebhookSigner(RFC4231_KEY, header="X-Hub-Signature-256", encoding="hex", prefix="sha256=")
    assert github.sign(RFC4231_DATA) == "sha256=" + RFC4231_SHA256
    sha1 = WebhookSigner(RFC4231_KEY, header="X-Sig", algorithm="sha1", encoding="hex")
    assert sha1.sign(RFC4231_DATA) == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"  # RFC 2202 test case 2
    stamped = WebhookSigner(RFC4231_KEY, header="Sig", encoding="hex", message="{timestamp}.{body}")
    plain = WebhookSigner(RFC4231_KEY, header="Sig", encoding="hex")
    assert stamped.sign(b"{}", timestamp=1700000000) == plain.sign(b"1700000000.{}")


def test_verify_is_exact():
    signer = WebhookSigner("secret", header="X-Sig")
    signature = signer.sign(b'{"id": 1}')
    assert signer.verify(b'{"id": 1}', signature)
    assert not signer.verify(b'{"id": 2}', signature)
    assert not signer.verify(b'{"id": 1}', None)
    assert not WebhookSigner("other", header="X-Sig").verify(b'{"id": 1}', signature)


def test_bad_configuration_fails_at_once():
    with pytest.raises(ValueError):
        WebhookSigner("s", header="X-Sig", encoding="base32")
    with pytest.raises(ValueError):
        WebhookSigner("s", header="X-Sig", algorithm="nope")


class Receiver(Peer):
    """A peer on the receiving end: checks the signature, as Odoo does."""

    name = "receiver"

    def __init__(self, signer, **kwargs):
        super().__init__(**kwargs)
        self.signer = signer
        self.received = []

    def route(self, handler, method, path, raw):
        ok = self.signer.verify(raw, handler.headers.get(self.signer.header))
        self.received.append((path, raw, ok))
        return handler.reply(200 if ok else 401, {"ok": ok})


def test_deliverer_posts_signed_bodies_and_repeats_the_same_request():
    signer = WebhookSigner("shared", header="X-Sig", encoding="hex")
    body = b'{"order": 1}'
    with Receiver(signer) as receiver:
        results = WebhookDeliverer().deliver(
            f"{receiver.base_url}/hook",
            body,
            {"Content-Type": "application/json", **signer.headers(body)},
            times=2,
        )
        bad = WebhookDeliverer().post(f"{receiver.base_url}/hook", body, {"X-Sig": "forged"})
    assert [(r["status"], r["error"]) for r in results] == [(200, None), (200, None)]
    assert results[0]["headers"]["X-Sig"] == signer.sign(body)
    assert all(delivered(result) for result in results)
    assert receiver.received == [("/hook", body, True), ("/hook", body, True), ("/hook", body, False)]
    assert bad == {"status": 401, "error": "Unauthorized"}
    assert not delivered(bad)


def test_deliverer_reports_an_unreachable_endpoint():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = WebhookDeliverer(timeout=2).post(f"http://127.0.0.1:{port}/hook", b"{}", {})
    assert result["status"] is None and result["error"]
    assert not delivered(result)
