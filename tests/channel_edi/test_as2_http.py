"""AS2 over loopback HTTP: our send() against a partner station on the
sandbox peer base (tests/sandbox/peer), sync and async MDNs, and how HTTP
failures are classified (retryable or permanent)."""

import pytest
from as2_keys import PARTNER, identity, keypair, our_profile_at_partner, partner_profile
from sandbox.peer import Peer

from odoo.addons.channel_edi.lib.transports import as2
from odoo.addons.integration_core.lib.exceptions import (
    PermanentError,
    RateLimited,
    RemoteRejected,
    RemoteServerError,
    RemoteTimeout,
)

PAYLOAD = b"ISA*00*          *00*          *ZZ*ODOOAS2        *ZZ*PARTNERAS2     *261129*0100*U*00401*000000007*0*P*>~IEA*0*000000007~"
SHORT_TIMEOUT = (0.5, 0.3)  # a delayed answer fails the read within 0.3 s; nothing sleeps


class As2PartnerStation(Peer):
    """The partner's AS2 station: POST /as2 runs ``as2.handle`` with the
    partner's identity and answers its MDN (or nothing, for async MDNs)."""

    name = "as2-partner"
    methods = ("POST",)

    def __init__(self, station, partners, **options):
        super().__init__(**options)
        self.station = station
        self.partners = partners
        self.received = []  # (InboundMessage, HttpAnswer)

    def route(self, handler, method, path, raw):
        if self.answer_fault(handler, self.faults.next()):
            return None
        if path != "/as2":
            return handler.reply(404, {"error": "no such endpoint"})
        message, answer = as2.handle(handler.headers, raw, self.station, self.partners)
        with self._lock:
            self.received.append((message, answer))
        headers = {key: value for key, value in answer.headers.items() if key.lower() != "content-type"}
        return handler.reply_raw(
            answer.status, answer.body, answer.headers.get("Content-Type", "text/plain"), headers
        )


class MdnInbox(Peer):
    """Our own async MDN endpoint: keeps what is POSTed to it."""

    name = "as2-mdn-inbox"
    methods = ("POST",)

    def __init__(self, **options):
        super().__init__(**options)
        self.posted = []

    def route(self, handler, method, path, raw):
        with self._lock:
            self.posted.append((dict(handler.headers.items()), raw))
        return handler.reply_raw(200, b"", "text/plain")


@pytest.fixture
def partner_station():
    with As2PartnerStation(as2.LocalIdentity(PARTNER, *keypair(PARTNER)), [our_profile_at_partner()]) as peer:
        yield peer


def send(peer, profile=None, **options):
    message = as2.build_message(PAYLOAD, identity(), profile or partner_profile(), filename="x.edi")
    return message, as2.send(f"{peer.base_url}/as2", message, **options)


def test_send_with_sync_mdn(partner_station):
    message, delivery = send(partner_station)

    assert delivery.status_code == 200
    assert delivery.result.status == as2.PROCESSED
    assert delivery.mdn.signed and delivery.mdn.original_message_id == message.message_id
    received, _ = partner_station.received[0]
    assert received.payload == PAYLOAD and received.filename == "x.edi"
    assert received.mic == message.mic
    assert delivery.raise_for_result() is delivery


@pytest.mark.parametrize(
    ("fault", "error", "retry_after"),
    [
        ({"status": 503}, RemoteServerError, None),
        ({"status": 500}, RemoteServerError, None),
        ({"status": 408}, RemoteServerError, None),
        ({"status": 429, "retry_after": 7}, RateLimited, 7.0),
        ({"drop": True}, RemoteServerError, None),
    ],
)
def test_retryable_failures(partner_station, fault, error, retry_after):
    partner_station.inject_faults([fault])
    with pytest.raises(error) as caught:
        send(partner_station)
    assert caught.value.retryable
    assert caught.value.retry_after == retry_after


@pytest.mark.parametrize("status", [400, 401, 403, 404, 413])
def test_other_4xx_are_permanent(partner_station, status):
    partner_station.inject_faults([{"status": status}])
    with pytest.raises(RemoteRejected) as caught:
        send(partner_station)
    assert not caught.value.retryable and caught.value.status_code == status


def test_timeout_is_retryable(partner_station):
    partner_station.inject_faults([{"delay": 30}])  # waits on the peer's stop event, ended by the fixture
    with pytest.raises(RemoteTimeout) as caught:
        send(partner_station, timeout=SHORT_TIMEOUT)
    assert caught.value.retryable


def test_connection_refused_is_retryable():
    closed = As2PartnerStation(None, [])
    closed.start()
    closed.stop()  # the port is free again: nobody listens
    with pytest.raises(RemoteServerError) as caught:
        send(closed, timeout=SHORT_TIMEOUT)
    assert caught.value.retryable


def test_missing_sync_mdn_is_permanent(partner_station):
    partner_station.inject_faults([{"status": 200, "body": ""}])
    with pytest.raises(as2.MdnError, match="without the MDN") as caught:
        send(partner_station)
    assert not caught.value.retryable


def test_badly_signed_mdn_is_permanent():
    impostor = as2.LocalIdentity(PARTNER, *keypair("STRANGER"))
    # the impostor decrypts nothing of ours, but it answers a signed MDN
    with As2PartnerStation(impostor, [our_profile_at_partner()]) as peer:
        with pytest.raises(as2.MdnError, match="signature") as caught:
            send(peer)
    assert not caught.value.retryable and caught.value.code == "as2.mdn.signature"


def test_partner_reports_failure(partner_station):
    wrong_certificate = as2.Partner(PARTNER, keypair("STRANGER")[0])
    wrong_certificate.previous_certificates = (keypair(PARTNER)[0],)  # its MDN still verifies

    message, delivery = send(partner_station, wrong_certificate)

    assert delivery.result.status == as2.FAILED
    assert "decryption-failed" in delivery.result.reason
    with pytest.raises(as2.MdnRejected, match="decryption-failed"):
        delivery.raise_for_result()
    received, _ = partner_station.received[0]
    assert received.error.modifier == as2.DECRYPTION_FAILED


def test_async_mdn_round_trip(partner_station):
    with MdnInbox() as inbox:
        profile = partner_profile(mdn_mode="async", async_mdn_url=f"{inbox.base_url}/as2/mdn")
        message, delivery = send(partner_station, profile)
        assert delivery.status_code == 200 and delivery.mdn is None and delivery.result is None

        # later, the partner posts its MDN to the Receipt-Delivery-Option URL
        _, answer = partner_station.received[0]
        assert answer.async_url == f"{inbox.base_url}/as2/mdn"
        assert as2.send_mdn(answer.async_url, answer.mdn) == 200

        headers, body = inbox.posted[0]
        mdn = as2.parse_mdn(headers, body, profile)
        assert mdn.original_message_id == message.message_id
        assert message.reconcile(mdn).status == as2.PROCESSED


def test_url_defaults_to_the_partner_profile(partner_station):
    profile = partner_profile(url=f"{partner_station.base_url}/as2")
    message = as2.build_message(PAYLOAD, identity(), profile)
    assert as2.send(None, message).result.status == as2.PROCESSED
    message = as2.build_message(PAYLOAD, identity(), partner_profile())
    with pytest.raises(PermanentError, match="No URL"):
        as2.send(None, message)


def test_a_resend_is_the_same_message(partner_station):
    """A retry after a failure posts the same bytes under the same Message-ID."""
    partner_station.inject_faults([{"status": 503}])
    message = as2.build_message(PAYLOAD, identity(), partner_profile())
    url = f"{partner_station.base_url}/as2"
    with pytest.raises(RemoteServerError):
        as2.send(url, message)
    assert as2.send(url, message).result.status == as2.PROCESSED
    received, _ = partner_station.received[0]
    assert received.message_id == message.message_id
