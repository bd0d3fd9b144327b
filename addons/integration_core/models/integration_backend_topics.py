"""What a backend does, read from its channel's topic table and hooks.

A channel declares, on ``integration.backend`` and named after its
``backend_type`` (the way ``delivery.carrier`` calls
``<delivery_type>_rate_shipment``):

- ``_<type>_topics()``: its TopicTable (lib/topics.py), which dispatch,
  event direction, the flow catalog and the capability flags read;
- an addon that gives backends of other channels a capability (settlement
  of a Shopify store's payouts, say) adds its rows through
  ``_topic_extensions()``, extended with ``super()``: the backend's table is
  its channel's plus those;
- optional hooks the core methods call when they exist, else the core
  default: ``_<type>_webhook_verify``, ``_<type>_webhook_parse``,
  ``_<type>_webhook_topic_hint``, ``_<type>_run_flow``,
  ``_<type>_test_connection``, ``_<type>_job_channel``,
  ``_<type>_default_flows``, ``_<type>_register_webhooks``,
  ``_<type>_import_locations``, ``_<type>_shipment_short_policy`` ("backorder"
  or "cancel": what a shipment.v2 line shipped short becomes).

The capability flags (``can_*``, ``uses_api_url``) are what views test,
never the backend type (``payment.provider`` style).
"""

import uuid

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib.topics import Topic, TopicTable, UnknownTopic, canonical_as_is
from .integration_trace_mixin import CURRENT_TRACE
from .odoo_events import DISPATCH_TOPIC

GENERIC_TOPICS = TopicTable(
    [
        Topic(
            "order.import",
            "in",
            "webhook",
            "_import_from_event",
            model="integration.order.importer",
            kind="order",
            mapper=canonical_as_is,
            label="Canonical orders in",
        ),
        Topic(
            "shipment.import",
            "in",
            "webhook",
            "_import_from_event",
            model="integration.shipment.importer",
            kind="shipment",
            mapper=canonical_as_is,
            label="Canonical shipment confirmations in",
        ),
        Topic(
            "payload.export",
            "out",
            "manual",
            "_generic_export_payload",
            label="Payloads out (POSTed to the API URL)",
        ),
    ]
)

# The core's own topics, on every backend whatever its channel: a failed
# Odoo-event listener kept for a retry (models/odoo_events.py).
CORE_TOPICS = TopicTable(
    [
        Topic(
            DISPATCH_TOPIC,
            "out",
            "manual",
            "_replay_failed",
            model="integration.odoo.event",
            label="Odoo event listener, to call again",
        )
    ]
)

# The topic each core action enqueues; its flag is set when the table has it.
SYNC_ORDERS_TOPIC = "order.catch_up"
IMPORT_PRODUCTS_TOPIC = "product.import"
EXPORT_STOCK_TOPIC = "stock.export"
# The core topic that POSTs to ``api_url`` (see _generic_export_payload).
API_URL_TOPICS = ("payload.export",)


class IntegrationBackend(models.Model):
    _inherit = "integration.backend"

    can_receive_webhooks = fields.Boolean(
        compute="_compute_capabilities", help="Its channel verifies webhooks and has topics fed by them."
    )
    can_pull_orders = fields.Boolean(compute="_compute_capabilities", string="Pulls orders")
    can_import_products = fields.Boolean(compute="_compute_capabilities", string="Imports products")
    can_export_stock = fields.Boolean(compute="_compute_capabilities", string="Exports stock")
    can_test_connection = fields.Boolean(compute="_compute_capabilities", string="Connection test")
    can_register_webhooks = fields.Boolean(compute="_compute_capabilities")
    can_import_locations = fields.Boolean(compute="_compute_capabilities")
    uses_api_url = fields.Boolean(
        compute="_compute_capabilities", help="A topic of this backend calls the API URL."
    )

    @api.depends("backend_type")
    def _compute_capabilities(self):
        for backend in self:
            table = backend._topics() if backend.backend_type else TopicTable()
            backend.can_receive_webhooks = bool(
                backend.backend_type and backend._webhook_hook("webhook_verify")
            )
            backend.can_pull_orders = SYNC_ORDERS_TOPIC in table
            backend.can_import_products = IMPORT_PRODUCTS_TOPIC in table
            backend.can_export_stock = EXPORT_STOCK_TOPIC in table
            backend.can_test_connection = bool(backend._channel_hook("test_connection"))
            backend.can_register_webhooks = bool(backend._channel_hook("register_webhooks"))
            backend.can_import_locations = bool(backend._channel_hook("import_locations"))
            backend.uses_api_url = any(name in table for name in API_URL_TOPICS)

    # ------------------------------------------------------------------------------
    # the topic table
    # ------------------------------------------------------------------------------

    def _topics(self):
        """This backend's topic table, declared by its channel as
        ``_<backend_type>_topics()``, plus the rows of :meth:`_topic_extensions`."""
        self.ensure_one()
        method = getattr(self, f"_{self.backend_type}_topics", None)
        table = method() if method else TopicTable()
        for extension in self._topic_extensions():
            table = table + extension
        return table

    def _topic_extensions(self):
        """The TopicTables other addons add to this backend's channel table
        (empty here). An addon extends it with ``super()`` and adds its table
        when the backend has its capability; the rows' names must not clash
        with the channel's."""
        return []

    def _generic_topics(self):
        return GENERIC_TOPICS

    def _handled_topics(self):
        """The names of the topics this backend handles."""
        return self._topics().names()

    def _topic(self, name):
        """The row of topic ``name`` (the channel's table, then the core's own
        topics); UnknownTopic when neither has it."""
        self.ensure_one()
        topic = self._topics().get(name) or CORE_TOPICS.get(name)
        if topic is None:
            raise UnknownTopic(
                _(
                    "No handler for topic %(topic)s on a %(type)s backend: it handles %(topics)s.",
                    topic=str(name)[:64],
                    type=self.backend_type,
                    topics=", ".join(self._handled_topics()) or _("none"),
                )
            )
        return topic

    def _topic_apply(self, topic):
        """The callable that processes an event of ``topic``: ``apply`` on
        ``env[topic.model]`` (the backend model when the row names none)."""
        return getattr(self.env[topic.model or "integration.backend"], topic.apply)

    def _channel_hook(self, name):
        """The channel's ``_<backend_type>_<name>`` method, or None."""
        return getattr(self, f"_{self.backend_type}_{name}", None) if self.backend_type else None

    def _enqueue_topic(
        self,
        topic,
        payload,
        key=None,
        res_record=None,
        trace_id=None,
        parent=None,
        external_id=None,
        content_key=None,
        with_created=False,
    ):
        """The one core path that creates an event of one of this backend's
        topics (its direction from the table) and hands it to queue_job. With
        a ``key`` used before (or a ``content_key``: the same content under
        another key), the existing event is returned, not queued again;
        ``with_created`` returns ``(event, created)`` instead.

        The trace: ``trace_id``, else the record's (or the one it derives from:
        its order, its origin...), else the parent's, else the trace of the
        event being processed, else a new one. ``parent``: the event this one
        follows from (lineage)."""
        self.ensure_one()
        if not trace_id and res_record:
            trace_id = self.env["integration.odoo.event"]._trace_of(res_record.sudo())
        trace_id = trace_id or (parent.trace_id if parent else None) or self.env.cr.cache.get(CURRENT_TRACE)
        event, created = self.env["integration.event"]._receive(
            self,
            topic=topic,
            payload=payload,
            idempotency_key=key or f"{topic}:{uuid.uuid4().hex}",
            res_record=res_record,
            trace_id=trace_id or None,
            **({"external_id": external_id} if external_id else {}),
            **({"content_key": content_key} if content_key else {}),
        )
        if created:
            if parent:
                event.sudo().parent_id = parent.id
            event._enqueue()
        return (event, created) if with_created else event

    # ------------------------------------------------------------------------------
    # flows
    # ------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        backends = super().create(vals_list)
        backends._ensure_default_flows()
        return backends

    def _ensure_default_flows(self):
        """Create the flows the channel declares (``_<type>_default_flows()``:
        a list of integration.flow values with a ``code``) that a backend
        lacks; flows it has get the default topics they miss (a user's own
        topics stay)."""
        Flow = self.env["integration.flow"]
        for backend in self:
            hook = backend._channel_hook("default_flows")
            defaults = (hook() if hook else []) + backend._flow_extensions()
            if not defaults:
                continue
            existing = {flow.code: flow for flow in backend.flow_ids}
            for values in defaults:
                flow = existing.get(values["code"])
                if flow:
                    have = flow._topic_list()
                    missing = [t for t in values["topics"].split(",") if t not in have]
                    if missing:
                        flow.topics = ",".join(have + missing)
                    continue
                Flow.create(dict(values, backend_id=backend.id, user_id=backend.user_id.id))

    def _flow_extensions(self):
        """The default flows other addons add to this backend (the flows of
        the rows they add with :meth:`_topic_extensions`); empty here."""
        return []

    def _flow(self, code):
        """This backend's flow ``code`` (sudo), or an empty recordset."""
        self.ensure_one()
        return self.sudo().flow_ids.filtered(lambda flow: flow.code == code)[:1]

    def _flow_cursor(self, code):
        """Where flow ``code`` resumes (its ``cursor``: the one place a flow's
        position is kept), or None."""
        return self._flow(code).cursor or None

    def _set_flow_cursor(self, code, value):
        flow = self._flow(code)
        if not flow and not value:
            return  # nothing to keep (a backend being created has no flows yet)
        if not flow:
            raise UserError(
                _(
                    "Backend %(backend)s has no %(code)s flow to keep its position in.",
                    backend=self.name,
                    code=code,
                )
            )
        flow.cursor = value or False

    def _flow_runs(self, flow):
        """What a due batch flow enqueues: [(topic, payload)], from the
        channel's ``_<type>_run_flow(flow)``; without one, or for a flow of
        :meth:`_flow_extensions`, the flow's topics that the table says a
        schedule feeds, each with an empty payload."""
        self.ensure_one()
        hook = self._channel_hook("run_flow")
        extended = {values["code"] for values in self._flow_extensions()}
        if hook and flow.code not in extended:
            return hook(flow) or []
        table = self._topics()
        return [
            (name, {})
            for name in flow._topic_list()
            if table.get(name) and table.get(name).feed == "schedule"
        ]

    # ------------------------------------------------------------------------------
    # actions shown by capability
    # ------------------------------------------------------------------------------

    def _enqueue_action(self, topic, payload, message):
        self.ensure_one()
        self._check_manager()
        if topic not in self._topics():
            raise UserError(
                _("A %(type)s backend has no %(topic)s topic.", type=self.backend_type, topic=topic)
            )
        self._enqueue_topic(topic, payload)
        return self._notify(message)

    def action_sync_orders(self):
        """Pull the orders the remote changed since the last pull (catch-up)."""
        return self._enqueue_action(SYNC_ORDERS_TOPIC, {}, _("Order catch-up queued."))

    def action_import_products(self):
        return self._enqueue_action(IMPORT_PRODUCTS_TOPIC, {}, _("Product import queued."))

    def action_export_stock(self):
        return self._enqueue_action(EXPORT_STOCK_TOPIC, {"full": True}, _("Full stock export queued."))

    def action_register_webhooks(self):
        """Subscribe the remote system's webhooks to this backend's URL."""
        return self._call_channel_action("register_webhooks")

    def action_import_locations(self):
        """Map the remote system's locations not mapped yet."""
        return self._call_channel_action("import_locations")

    def _call_channel_action(self, name):
        self.ensure_one()
        self._check_manager()
        hook = self._channel_hook(name)
        if not hook:
            raise UserError(_("A %s backend cannot do this.", self.backend_type))
        return self._notify(hook())

    def _notify(self, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": self.name, "message": message, "type": "success", "sticky": False},
        }
