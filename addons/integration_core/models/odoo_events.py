"""Odoo business events, dispatched once by the core to the channels that listen.

The core overrides each Odoo method once (sale_order.py, purchase_order.py,
stock_picking.py, stock_move.py, account_move.py, product_template.py,
product_pricelist_item.py) and calls
``env["integration.odoo.event"]._dispatch(<event>, records)`` with the
records the business event concerns. A channel never overrides those
methods: its topic table names the business event and a listener,

    Topic("fulfillment.export", "out", "odoo_event", "_export_fulfillment",
          model="shopify.exporter", odoo_event="picking.done",
          listener="_listen_pickings_done")

and the dispatcher calls ``env[model]._listen_pickings_done(backend, records)``
once per active backend (of any company) whose table listens, with the
records of that backend's company only (and those shared by every company:
a product or a pricelist without a company). The listener decides what concerns
its backend and emits with ``backend._emit(...)``.

Cost when nobody listens: one lookup in a cached map (event -> listeners),
no query. The map is rebuilt when a backend is created, deleted, archived,
or changes type or company (integration_backend_emit.py).

A listener that fails never blocks the user's business action and never
half-writes: it runs in a savepoint; on an error the savepoint is rolled
back (whatever the listener wrote or enqueued is gone), the error is logged,
and it is recorded as a failed outbound event of topic
``odoo_event.dispatch`` on that backend, with the business event, the topic
and the records. The user sees it in the exception queue and retries it once
the cause is fixed: the retry calls the listener again with the records that
still exist. Database trouble (a serialization failure, a lost connection)
is not a listener's bug: it is raised, so the whole transaction is retried
or fails as it would without integrations.
"""

import hashlib
import json
import logging

from odoo import _, api, models, tools

from ..lib.db_errors import database_trouble
from ..lib.exceptions import IntegrationError, PermanentError
from ..lib.topics import ODOO_EVENTS
from .integration_trace_mixin import CURRENT_TRACE

_logger = logging.getLogger(__name__)

# Topic of the event that records a listener's failure (replayable).
DISPATCH_TOPIC = "odoo_event.dispatch"


class IntegrationOdooEvent(models.AbstractModel):
    _name = "integration.odoo.event"
    _description = "Odoo business event dispatch"

    @api.model
    @tools.ormcache()
    def _listeners(self):
        """{Odoo event: ((backend id, company id, topic name), ...)} over the
        active backends of every company (cached; see module doc)."""
        found = {}
        backends = self.env["integration.backend"].sudo().with_context(active_test=True).search([])
        for backend in backends:
            for topic in backend._topics().fed_by("odoo_event"):
                found.setdefault(topic.odoo_event, []).append((backend.id, backend.company_id.id, topic.name))
        return {event: tuple(rows) for event, rows in found.items()}

    @api.model
    def _dispatch(self, odoo_event, records):
        """Hand ``records`` (the business event ``odoo_event``) to every
        listening backend of their company."""
        if odoo_event not in ODOO_EVENTS:
            raise ValueError(f"{odoo_event!r} is not one of {ODOO_EVENTS}")
        if not records:
            return
        listeners = self._listeners().get(odoo_event)
        if not listeners:
            return
        Backend = self.env["integration.backend"].sudo()
        records = records.sudo()
        for backend_id, company_id, topic_name in listeners:
            mine = records.filtered(lambda r, c=company_id: self._concerns_company(r, c))
            if not mine:
                continue
            backend = Backend.browse(backend_id).with_company(company_id)
            if not backend.exists():  # deleted in this transaction
                continue
            topic = backend._topics().get(topic_name)
            if topic is None:
                continue
            self._call_listener(backend, topic, odoo_event, mine.with_company(company_id))

    @api.model
    def _concerns_company(self, record, company_id):
        """A record of that company, or one shared by every company (no
        company: a product, a pricelist), concerns its backends."""
        return not record.company_id or record.company_id.id == company_id

    def _call_listener(self, backend, topic, odoo_event, records):
        listener = getattr(self._listener_model(backend, topic), topic.listener)
        try:
            with self.env.cr.savepoint():
                listener(backend, records)
        except Exception as exc:  # noqa: BLE001 - a listener's bug must not block the business action
            if database_trouble(exc):
                raise
            error = (
                exc
                if isinstance(exc, IntegrationError)
                else self.env["integration.event"]._internal_error(exc)
            )
            self._record_failure(backend, topic, odoo_event, records, error)

    def _listener_model(self, backend, topic):
        model = topic.model or "integration.backend"
        return self.env[model].sudo().with_company(backend.company_id)

    def _record_failure(self, backend, topic, odoo_event, records, error):
        """The listener's failure, as a failed outbound event a user can retry."""
        Event = self.env["integration.event"]
        ids = sorted(records.ids)
        digest = hashlib.sha256(json.dumps([records._name, ids]).encode()).hexdigest()[:32]
        event, created = Event._receive(
            backend,
            topic=DISPATCH_TOPIC,
            payload={"odoo_event": odoo_event, "topic": topic.name, "model": records._name, "ids": ids},
            idempotency_key=f"{DISPATCH_TOPIC}:{topic.name}:{odoo_event}:{digest}",
            external_id=f"{topic.name} ({odoo_event})",
            direction="out",
            res_record=records if len(records) == 1 else None,
            trace_id=self._trace_of(records) or None,
        )
        if created:
            event._mark_failed(error)
        _logger.error(
            "Listener %s.%s of backend %s failed on %s for %s %s (kept as failed event %s): %s",
            topic.model or "integration.backend",
            topic.listener,
            backend.id,
            odoo_event,
            records._name,
            ids[:20],
            event.id,
            event._error_text(error),
        )
        return event

    @api.model
    def _replay_failed(self, event, payload):
        """Handler of ``odoo_event.dispatch`` events: call the listener again
        with the records that still exist (a user's retry)."""
        backend = event.backend_id.sudo().with_company(event.backend_id.company_id)
        topic = backend._topics().get(payload.get("topic"))
        if topic is None or topic.odoo_event != payload.get("odoo_event") or not topic.listener:
            raise PermanentError(
                _(
                    "Backend %(backend)s no longer listens to %(event)s with topic %(topic)s.",
                    backend=backend.name,
                    event=payload.get("odoo_event"),
                    topic=payload.get("topic"),
                )
            )
        model = payload.get("model")
        if model not in self.env:
            raise PermanentError(_("Model %s does not exist.", model))
        records = self.env[model].sudo().browse(payload.get("ids") or []).exists()
        records = records.filtered(lambda r: self._concerns_company(r, backend.company_id.id))
        if records:
            getattr(self._listener_model(backend, topic), topic.listener)(backend, records)
        return None

    @api.model
    def _trace_of(self, records):
        """The one trace ``records`` share (their own or the one they derive,
        moves through their picking), else the trace of the event being
        processed in this transaction, else False."""
        if records and records._name == "stock.move":
            records = records.picking_id
        if records and "integration_trace_id" in records._fields:
            traces = {record._integration_trace() for record in records} - {False}
            if len(traces) == 1:
                return traces.pop()
        return self.env.cr.cache.get(CURRENT_TRACE) or False
