"""What the Odoo layer asks of a REST 3PL, in canonical terms.

A REST 3PL is one :class:`Provider` subclass: it owns a client (the one
place that talks to the 3PL) and its mapping, and answers in canonical
payloads only, so the Odoo layer (``tpl.rest``) never sees the 3PL's field
names. A second 3PL (Extensiv, ShipHero) is a client, a mapping and a
subclass registered in :data:`PROVIDERS`, not a new addon.

Every method may raise integration_core's errors: retryable (timeouts,
429 with its retry-after, 5xx) or permanent (refusals, mapping errors).
"""

from datetime import datetime, timedelta, timezone

# the polling catch-up looks back this far before its cursor: webhooks and
# 3PL clocks are not exact, and a shipment seen twice is applied once
OVERLAP = timedelta(minutes=30)


def iso(moment):
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Provider:
    """The interface (see :class:`.shipbob.provider.ShipBobProvider`)."""

    #: topics of the 3PL's webhooks this provider understands -> ours
    webhook_topics = {}

    def release(self, order):
        """Create the canonical fulfilment_order at the 3PL once.
        Returns (3PL order id, created): created False when the 3PL had it."""
        raise NotImplementedError

    def cancel(self, reference, external_id):
        """Ask the 3PL to cancel a released order: a canonical cancellation_answer."""
        raise NotImplementedError

    def shipments_since(self, since, now=None):
        """(canonical shipments confirmed since ``since`` (ISO), next cursor)."""
        raise NotImplementedError

    def announce(self, notice):
        """Announce a canonical inbound_notice; the 3PL's id of it."""
        raise NotImplementedError

    def announce_return(self, notice):
        """Announce a canonical return_notice; the 3PL's id of it."""
        raise NotImplementedError

    def receipts_since(self, since, now=None, line_refs=None):
        """(canonical receipts of notices completed since ``since``, next cursor)."""
        raise NotImplementedError

    def snapshot(self, as_of, location_id=None, warehouse_code=None):
        """A canonical inventory_snapshot of what the 3PL holds now."""
        raise NotImplementedError

    @staticmethod
    def self_contained(topic, body):
        """Whether :meth:`webhook_payloads` needs no call to the 3PL for this
        body (then the Odoo layer makes no client for it)."""
        return False

    def webhook_payloads(self, topic, body):
        """The canonical payloads a verified webhook body carries:
        a list of (our topic, idempotency key, canonical payload)."""
        raise NotImplementedError


def cursor_start(since, now):
    """Where a catch-up run starts: the cursor minus the overlap, or a day
    back on the first run."""
    if since:
        start = datetime.fromisoformat(since.replace("Z", "+00:00")) - OVERLAP
    else:
        start = now - timedelta(days=1)
    return iso(start)
