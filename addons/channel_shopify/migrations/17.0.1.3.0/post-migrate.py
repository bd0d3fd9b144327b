"""17.0.1.3.0: topics follow one grammar, <object>.<action> (the topic
table). Stored events of Shopify stores and their flows' topic lists take
the new names; the keys that named an internal topic do too, so a step run
again after the upgrade finds what it made before. The order catch-up's
position moves to its flow's cursor. What Shopify itself
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
    moved = move_orders_cursor(cr)
    _logger.info("Shopify order cursors moved to their catch-up flow: %s", moved)


def move_orders_cursor(cr):
    """The order catch-up's position moves from the store's own column to the
    catch-up flow's cursor, the one place a flow's position is kept."""
    cr.execute(
        """SELECT 1 FROM information_schema.columns
            WHERE table_name = 'integration_backend' AND column_name = 'shopify_orders_cursor'"""
    )
    if not cr.fetchone():
        return 0
    cr.execute(
        """
        UPDATE integration_flow flow
           SET cursor = to_char(backend.shopify_orders_cursor, 'YYYY-MM-DD HH24:MI:SS')
          FROM integration_backend backend
         WHERE flow.backend_id = backend.id
           AND flow.code = 'order_catch_up'
           AND backend.shopify_orders_cursor IS NOT NULL
           AND flow.cursor IS NULL
        """
    )
    return cr.rowcount
