from odoo import models


class StockMove(models.Model):
    """Stock moves done, dispatched once for every channel (the moves of a
    validated picking, an inventory adjustment, a scrap...)."""

    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        self.env["integration.odoo.event"]._dispatch(
            "stock_move.done", moves.filtered(lambda m: m.state == "done")
        )
        return moves
