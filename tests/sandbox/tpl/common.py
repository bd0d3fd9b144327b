"""Constants of the 3PL peer, from ShipBob's published documentation
(developer.shipbob.com, versions 2025-07 / 2026-01 / 2026-07)."""

import re

API_VERSIONS = ("2025-07", "2026-01", "2026-07")
DEFAULT_API_VERSION = "2026-07"  # "Latest Version: 2026-07" (Versioning Policy)
PATH_RE = re.compile(r"^/(\d{4}-\d{2})(/.*)$")
DEFAULT_TOKEN = "sandbox-pat-3pl"
DEFAULT_CHANNEL_ID = 100101
DEFAULT_CHANNEL_NAME = "Odoo Sandbox"
RATE_LIMIT = 150  # requests per minute, per user and application ("Rate limit")
RATE_PER_SECOND = RATE_LIMIT / 60.0
MAX_PAGE = 250  # GET /order Limit maximum
DEFAULT_LIMIT = 50
WEBHOOK_TOPICS = (
    "order.shipped",
    "order.delivered",
    "order.shipment.delivered",
    "order.shipment.exception",
    "order.shipment.on_hold",
    "order.shipment.cancelled",
    "order.shipment.tracking.updated",
    "return.created",
    "return.updated",
    "return.completed",
)
SECRET_RE = re.compile(r"^whsec_[a-zA-Z0-9+/]{32}$")
# POST /order answers a duplicate reference_id with 422 ("Errors": 422
# Duplicate reference ID); the body is the documented {field: [messages]}
# object, worded as ShipBob words it (shipbob-node-sdk's README records it).
DUPLICATE_ORDER = {"": ["Cannot insert order with existing ReferenceId"]}
