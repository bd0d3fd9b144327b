"""17.0.1.3.0: topics follow one grammar, <object>.<action> (the topic
table). Stored events of Shopify stores and their flows' topic lists take
the new names; the keys that named an internal topic do too, so a step run
again after the upgrade finds what it made before. What Shopify itself
calls its webhook topics (orders/create...) does not change: that is what
is registered with Shopify and what X-Shopify-Topic says. Then stores get
the default flow topics they lack (17.0.1.1.0's bulk polls)."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

RENAMED = {
    "orders/create": "order.created",
    "orders/updated": "order.updated",
    "orders/cancelled": "order.cancelled",
    "refunds/create": "refund.created",
    "order.pull": "order.fetched",
    "orders.catch_up": "order.catch_up",
    "products.import": "product.import",
    "products.bulk_poll": "product.bulk_poll",
    "orders.bulk_poll": "order.bulk_poll",
}
# idempotency keys that start with an internal topic's name
RENAMED_KEY_PREFIXES = ("orders.catch_up", "products.bulk_poll", "orders.bulk_poll")

SHOPIFY_BACKENDS = "SELECT id FROM integration_backend WHERE backend_type = 'shopify'"


def rename_topics(cr):
    """Rename the topics of Shopify stores' events and flows; returns
    (events renamed, flows changed)."""
    events = 0
    for old, new in RENAMED.items():
        cr.execute(
            f"UPDATE integration_event SET topic = %s WHERE topic = %s AND backend_id IN ({SHOPIFY_BACKENDS})",
            [new, old],
        )
        events += cr.rowcount
    for old in RENAMED_KEY_PREFIXES:
        cr.execute(
            f"""
            UPDATE integration_event
               SET idempotency_key = %s || substr(idempotency_key, %s)
             WHERE idempotency_key LIKE %s AND backend_id IN ({SHOPIFY_BACKENDS})
            """,
            [RENAMED[old] + ":", len(old) + 2, old.replace("_", r"\_") + ":%"],
        )
    cr.execute(f"SELECT id, topics FROM integration_flow WHERE backend_id IN ({SHOPIFY_BACKENDS})")
    flows = 0
    for flow_id, topics in cr.fetchall():
        names = [t.strip() for t in (topics or "").split(",") if t.strip()]
        renamed = []
        for name in names:
            name = RENAMED.get(name, name)
            if name not in renamed:
                renamed.append(name)
        if renamed != names:
            cr.execute("UPDATE integration_flow SET topics = %s WHERE id = %s", [",".join(renamed), flow_id])
            flows += 1
    return events, flows


def migrate(cr, version):
    if not version:
        return
    events, flows = rename_topics(cr)
    _logger.info("Shopify topics renamed: %s events, %s flows", events, flows)
    # the default flows' topics a store lacks (the bulk polls of 17.0.1.1.0)
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["integration.backend"].with_context(active_test=False).search(
        [("backend_type", "=", "shopify")]
    )._ensure_default_flows()
