from odoo import api, fields, models
from odoo.tools import SQL

# The trace of the event being processed in this transaction (see
# integration_event_trace.py): records created while it runs carry it.
CURRENT_TRACE = "integration_current_trace"


class IntegrationTraceMixin(models.AbstractModel):
    """One trace across channels: an Odoo record made or touched by an
    integration event carries that event's ``trace_id``, and so do the
    records derived from it (the pickings of an order, a backorder, the
    invoice of an order, a credit note). Events emitted for such a record
    (``backend._emit``) reuse it, so a Shopify order, its 3PL release, the
    shipment confirmation and the fulfilment sent back share one trace.

    A model names the records it derives from in ``_integration_trace_parents``.
    The trace is written with SQL, once (never overwritten): it is
    bookkeeping, not a business change (no write(), no tracking, no
    accounting checks on a posted invoice).
    """

    _name = "integration.trace.mixin"
    _description = "Integration trace"

    integration_trace_id = fields.Char(
        string="Integration trace",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The integration trace this record belongs to: the events that made it, and the "
        "events sent about it, share it.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        current = self.env.cr.cache.get(CURRENT_TRACE)
        if current:
            for vals in vals_list:
                vals.setdefault("integration_trace_id", current)
        records = super().create(vals_list)
        records.filtered(lambda r: not r.integration_trace_id)._integration_inherit_trace()
        return records

    def _integration_trace_parents(self):
        """The records this one derives from, nearest first (override)."""
        return []

    def _integration_trace(self):
        """This record's trace, or the one it derives (the nearest parent's,
        recursively); False when there is none anywhere."""
        self.ensure_one()
        seen = set()
        todo = [self]
        while todo:
            record = todo.pop(0)
            key = (record._name, record.id)
            if key in seen or not record.id:
                continue
            seen.add(key)
            if record.integration_trace_id:
                return record.integration_trace_id
            for parent in record.sudo()._integration_trace_parents():
                todo.extend(parent)
        return False

    def _integration_inherit_trace(self):
        """Records without a trace take the one they derive from, if any."""
        for record in self.filtered(lambda r: not r.integration_trace_id):
            trace = record._integration_trace()
            if trace:
                record._integration_set_trace(trace)

    def _integration_set_trace(self, trace):
        """Give ``trace`` to those of these records that have none yet."""
        records = self.filtered(lambda r: r.id and not r.integration_trace_id)
        if not trace or not records:
            return
        self.flush_recordset(["integration_trace_id"])
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET integration_trace_id = %s WHERE id IN %s AND integration_trace_id IS NULL",
                SQL.identifier(self._table),
                trace,
                tuple(records.ids),
            )
        )
        records.invalidate_recordset(["integration_trace_id"])
