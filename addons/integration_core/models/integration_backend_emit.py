from odoo import _, api, models

from ..lib.exceptions import PermanentError

# Backend fields that change who listens to Odoo events (odoo_events.py).
LISTENER_FIELDS = frozenset({"active", "backend_type", "company_id"})


class IntegrationBackend(models.Model):
    """Outbound events: ``_emit``, the one way a listener (or any channel
    code) sends something out. Private, so not callable over RPC."""

    _inherit = "integration.backend"

    def _emit(self, topic, payload, key=None, record=None, trace=None, parent=None):
        """Create and enqueue the outbound event ``topic`` of this backend.

        :param topic: a topic of this backend's table, of direction ``out``
            (anything else is refused: a programming error of the channel).
        :param payload: the event's payload (JSON-serialisable).
        :param key: the idempotency key, unique per backend: emitting the same
            key again returns the existing event and enqueues nothing. None
            makes a fresh one (the event is new every time).
        :param record: the one Odoo record the event is about (res_model /
            res_id); it must belong to this backend's company.
        :param trace: the trace to join; by default the record's (or the one it
            derives from its order, its origin...), then the parent's, then
            the trace of the event being processed, else a new trace.
        :param parent: the integration.event this one follows from (lineage).
        Returns the event.
        """
        self.ensure_one()
        row = self._topics().get(topic)
        if row is None:
            raise PermanentError(
                _("Backend %(backend)s has no topic %(topic)s in its table.", backend=self.name, topic=topic)
            )
        if row.direction != "out":
            raise PermanentError(
                _(
                    "Topic %(topic)s comes in: it cannot be emitted by %(backend)s.",
                    topic=topic,
                    backend=self.name,
                )
            )
        if record is not None and len(record) > 1:
            raise ValueError("_emit takes one record (or none)")
        record = record or None
        if record is not None and "company_id" in record._fields:
            company = record.sudo().company_id
            if company and company != self.company_id:
                raise PermanentError(
                    _(
                        "%(record)s belongs to %(company)s: backend %(backend)s of another company "
                        "cannot emit for it.",
                        record=record.sudo().display_name,
                        company=company.name,
                        backend=self.name,
                    )
                )
        return self._enqueue_topic(topic, payload, key=key, res_record=record, trace_id=trace, parent=parent)

    # ------------------------------------------------------------------------------
    # who listens to Odoo events: cached, rebuilt when backends change
    # ------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        backends = super().create(vals_list)
        self._listeners_changed()
        return backends

    def write(self, vals):
        result = super().write(vals)
        if LISTENER_FIELDS & set(vals):
            self._listeners_changed()
        return result

    def unlink(self):
        result = super().unlink()
        self._listeners_changed()
        return result

    def _listeners_changed(self):
        """Rebuild the listener map now, and again if this transaction rolls
        back (the map may have been rebuilt from rows that vanish)."""
        self.env.registry.clear_cache()
        self.env.cr.postrollback.add(self.env.registry.clear_cache)
