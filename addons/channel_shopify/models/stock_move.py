from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        moves._shopify_schedule_stock_export()
        return moves

    def _shopify_schedule_stock_export(self):
        """Stock moved for variants sold on Shopify: schedule one delta export
        per backend (a pending one absorbs the next moves)."""
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
        Event = self.env["integration.event"].sudo()
        Flow = self.env["integration.flow"].sudo()
        for backend in bindings.backend_id:
            if not Flow._is_active(backend, "stock_delta", policies=("realtime",)):
                continue
            pending = Event.search_count(
                [
                    ("backend_id", "=", backend.id),
                    ("topic", "=", "stock.export"),
                    ("state", "in", ("received", "queued")),
                ]
            )
            if not pending:
                backend._shopify_enqueue("stock.export", {"full": False})
