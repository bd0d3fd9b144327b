"""Fetching payouts: the one place the Odoo layer reaches a provider.

``payout.fetch`` (the backend's hourly flow, a Stripe notice, or a user's
button) reads the provider's payouts changed since the flow's cursor minus
the backend's overlap, maps them to canonical payouts (lib/providers) and
queues one ``payout.import`` event per payout. The idempotency key holds
a digest of the canonical content: reading an unchanged payout again
(the overlap) queues nothing, a payout whose status or lines changed is
imported again. Wallet providers (PayPal) give lines and withdrawals.

Clients come from the backend's client factory (``_http_client``): its
timeouts, rate limit and circuit breaker.
"""

import hashlib
import itertools
import logging
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from odoo import _, api, models

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import PermanentError, ValidationFailed

from ..lib.providers import paypal as paypal_api
from ..lib.providers import shopify_payments as shopify_api
from ..lib.providers import stripe as stripe_api

_logger = logging.getLogger(__name__)

FIRST_FETCH_DAYS = 30  # how far back the very first fetch reads
FLOW = "payout_fetch"


class SettlementFetcher(models.AbstractModel):
    _name = "settlement.fetcher"
    _description = "Payment provider payout fetch"

    # ------------------------------------------------------------------------------
    # topic payout.fetch
    # ------------------------------------------------------------------------------

    @api.model
    def _fetch_payouts(self, event, payload):
        backend = event.backend_id
        now = datetime.now(timezone.utc).replace(microsecond=0)
        provider = backend.settlement_provider
        fetch = getattr(self, f"_{provider}_documents", None)
        if not fetch or not backend.settlement_active:
            raise PermanentError(_("%s does not settle payouts.", backend.name))
        since = None if payload.get("payout_id") else self._since(backend, payload, now)
        queued = 0
        with self._client(backend) as client:
            documents, cursor = fetch(backend, client, since, now, payload.get("payout_id"))
            for kind, document in documents:
                queued += self._queue(backend, kind, document, event)
        if cursor:
            backend._set_flow_cursor(FLOW, cursor.isoformat())
        _logger.info("%s: %s payout(s) or line(s) queued", backend.name, queued)
        return None

    def _since(self, backend, payload, now):
        """Where this fetch starts: the flow's cursor (or the payload's
        ``since``) minus the backend's overlap; the first fetch reads
        FIRST_FETCH_DAYS back."""
        cursor = payload.get("since") or backend._flow_cursor(FLOW)
        if cursor:
            since = datetime.fromisoformat(str(cursor).replace("Z", "+00:00"))
            if since.tzinfo is None:
                since = since.replace(tzinfo=timezone.utc)
        else:
            since = now - timedelta(days=FIRST_FETCH_DAYS)
        return since - timedelta(days=backend.payout_overlap_days)

    # what each provider gives: (documents, the next cursor)

    def _stripe_documents(self, backend, client, since, until, payout_id):
        if payout_id:
            return [("payout", stripe_api.fetch_payout(client, payout_id))], None
        documents = (("payout", payout) for payout in stripe_api.fetch_payouts(client, since, until))
        if backend.settlement_mode == "wallet":  # manual payouts: lines booked as they come
            lines = (
                ("settlement_line", line) for line in stripe_api.fetch_balance_lines(client, since, until)
            )
            documents = itertools.chain(lines, documents)
        return documents, until

    def _paypal_documents(self, backend, client, since, until, payout_id):
        if payout_id:
            raise PermanentError(_("PayPal has no payout to fetch by id."))
        # PayPal's data lags about 3 hours: the cursor never passes now - 3 h
        cursor = paypal_api.safe_until(until, now=until)
        return paypal_api.fetch_activity(client, since, cursor, now=until), cursor

    def _shopify_payments_documents(self, backend, client, since, until, payout_id):
        # Shopify sends no payout webhook: the flow polls, the overlap is ours (_since)
        if payout_id:
            payout = shopify_api.fetch_payout(client, payout_id)
            return ([("payout", payout)] if payout else []), None
        payouts = shopify_api.fetch_payouts(client, since, until, overlap=timedelta(0))
        return (("payout", payout) for payout in payouts), until

    def _queue(self, backend, kind, document, event):
        """One import event per payout (or wallet line), keyed by its content."""
        topic = "payout.import" if kind == "payout" else "settlement_line.import"
        digest = hashlib.sha256(canonical.dumps(document, sort_keys=True).encode()).hexdigest()[:24]
        _event, created = backend._enqueue_topic(
            topic,
            document,
            key=f"{topic}:{document['external_id']}:{digest}",
            parent=event,
            external_id=document["external_id"],
            with_created=True,
        )
        return int(created)

    # ------------------------------------------------------------------------------
    # topic payout.notify (Stripe webhook)
    # ------------------------------------------------------------------------------

    @api.model
    def _on_payout_notice(self, event, payload):
        """A Stripe payout event: fetch that payout (and its lines) now."""
        payout = (payload.get("data") or {}).get("object") or {}
        if payout.get("object") != "payout" or not payout.get("id"):
            raise PermanentError(_("The Stripe event carries no payout."))
        return event.backend_id._enqueue_topic(
            "payout.fetch",
            {"payout_id": payout["id"]},
            key=f"payout.fetch:{event.idempotency_key}",
            parent=event,
        )

    @api.model
    def _stripe_signature_ok(self, secret, headers, body):
        try:
            stripe_api.verify_signature(body, headers.get("Stripe-Signature") or "", [secret])
        except (PermanentError, ValidationFailed):
            return False
        return True

    @api.model
    def _test_connection(self, backend):
        """One page of payouts: the credentials and the URL work."""
        now = datetime.now(timezone.utc)
        with self._client(backend) as client:
            if backend.settlement_provider == "paypal":
                next(iter(client.iter_transactions(now - timedelta(days=1), now, now=now)), None)
            else:
                next(iter(client.iter_payouts(created_gte=now - timedelta(days=1), created_lte=now)), None)
        return _("Connected to %s.", backend.name)

    # ------------------------------------------------------------------------------
    # clients: the backend's client factory (timeouts, rate limit, circuit breaker)
    # ------------------------------------------------------------------------------

    @contextmanager
    def _client(self, backend):
        opener = getattr(self, f"_{backend.settlement_provider}_client", None)
        if not opener:
            raise PermanentError(_("%s does not settle payouts.", backend.name))
        with opener(backend) as client:
            yield client

    @contextmanager
    def _stripe_client(self, backend):
        key = backend._get_secret("secret_key")
        with backend._http_client(
            base_url=backend.api_url or stripe_api.API_URL,
            client_class=stripe_api.StripeClient,
            secrets=[key],
            api_key=key,
        ) as client:
            yield client

    @contextmanager
    def _paypal_client(self, backend):
        client_id = backend._get_secret("client_id")
        secret = backend._get_secret("client_secret")
        with backend._http_client(
            base_url=backend.api_url or paypal_api.API_URL,
            client_class=paypal_api.PayPalClient,
            secrets=[secret],
            client_id=client_id,
            client_secret=secret,
        ) as client:
            yield client

    @contextmanager
    def _shopify_payments_client(self, backend):
        with backend._shopify_client() as client:
            yield client
