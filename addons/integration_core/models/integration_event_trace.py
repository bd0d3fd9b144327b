from contextlib import contextmanager

from odoo import models

from .integration_trace_mixin import CURRENT_TRACE


class IntegrationEvent(models.Model):
    """Trace hand-on: while an event is processed, the traced records it
    creates (an order, its deliveries, its invoice) carry its ``trace_id``;
    the record it made or touched (res_model/res_id) gets the trace too when
    it has none yet. Events emitted for those records reuse it."""

    _inherit = "integration.event"

    def _process(self):
        with self._trace_scope():
            return super()._process()

    @contextmanager
    def _trace_scope(self):
        cache = self.env.cr.cache
        outer = cache.get(CURRENT_TRACE)
        cache[CURRENT_TRACE] = self.trace_id
        try:
            yield
        finally:
            if outer:
                cache[CURRENT_TRACE] = outer
            else:
                cache.pop(CURRENT_TRACE, None)

    def _mark_done(self, result=None):
        res = super()._mark_done(result)
        record = self._record() if self.res_model else None
        if record and "integration_trace_id" in record._fields and self.trace_id:
            record._integration_set_trace(self.trace_id)
        return res
