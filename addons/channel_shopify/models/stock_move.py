from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        moves._shopify_schedule_stock_export()
        return moves

    def _shopify_schedule_stock_export(self):
        """Stock moved for variants sold on Shopify: schedule one delta export
        per backend; an export that has not started yet absorbs the move
        (see _shopify_absorb_into_pending_export)."""
        products = self.filtered(lambda m: m.state == "done").product_id
        if not products:
            return
        Binding = self.env["integration.binding"].sudo()
        bindings = Binding.search(
            [
                ("res_model", "=", "product.product"),
                ("res_id", "in", products.ids),
                ("backend_id.backend_type", "=", "shopify"),
                ("backend_id.active", "=", True),
            ]
        )
        Flow = self.env["integration.flow"].sudo()
        for backend in bindings.backend_id:
            if not Flow._is_active(backend, "stock_delta", policies=("realtime",)):
                continue
            if not self._shopify_absorb_into_pending_export(backend):
                backend._shopify_enqueue("stock.export", {"full": False})

    def _shopify_absorb_into_pending_export(self, backend):
        """True when a pending stock export of ``backend`` will push this move.

        An export (delta or full) reads the quantities when it runs, so only
        one that has not started yet covers a move done now: its job is not ``started``
        and nobody holds its row (a running export locks its event row
        first thing). The row is taken with a write, skipping locked rows:
        an export that starts after this check with a snapshot older than
        our commit then fails to lock the row we changed (serialization
        failure) and queue_job runs it again with a fresh snapshot, which
        sees this move. An export waiting for a retry later on does not
        absorb either: the change would wait with it.
        """
        self.env["integration.event"].flush_model()
        self.env["queue.job"].flush_model()
        self.env.cr.execute(
            """
            UPDATE integration_event
               SET write_date = now() AT TIME ZONE 'UTC'
             WHERE id = (
                    SELECT event.id
                      FROM integration_event event
                 LEFT JOIN queue_job job ON job.id = event.job_id
                     WHERE event.backend_id = %s
                       AND event.topic = 'stock.export'
                       AND event.state IN ('received', 'queued')
                       AND (job.id IS NULL OR job.state IN ('wait_dependencies', 'pending', 'enqueued'))
                       AND (event.next_retry_at IS NULL OR event.next_retry_at <= now() AT TIME ZONE 'UTC')
                  ORDER BY event.id
                     LIMIT 1
                       FOR NO KEY UPDATE OF event SKIP LOCKED
                   )
         RETURNING id
            """,
            [backend.id],
        )
        absorbed = self.env.cr.fetchone()
        if absorbed:
            self.env["integration.event"].browse(absorbed[0]).invalidate_recordset(["write_date"])
        return bool(absorbed)
