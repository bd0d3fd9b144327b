"""ShipBob's public REST API, version 2025-07 (developer.shipbob.com/2025-07).

- :mod:`.client`: :class:`~.client.ShipBobClient`, the one place that talks
  to ShipBob (paths, headers, pagination, the 150 requests/min limit, the
  duplicate ``reference_id`` answer);
- :mod:`.webhooks`: signature check of a delivery (Standard Webhooks
  scheme: ``webhook-id``, ``webhook-timestamp``, ``webhook-signature``)
  and ShipBob's topics turned into ours;
- :mod:`.mapping`: canonical kinds <-> ShipBob payloads, pure functions.

Why 2025-07: it is the first dated version (the undated 1.0/2.0 are
deprecated), it has the ``:cancel`` actions, cursor-paged inventory levels
by fulfilment centre and by lot, return orders with lots, and webhook
subscriptions with a signing secret. Its OpenAPI document is published by
ShipBob (developer.shipbob.com, FAQ "OpenAPI specs for each API version").
"""

API_VERSION = "2025-07"
