from odoo import models


class AccountPaymentTerm(models.Model):
    """Net-N terms, as channels exchange them (Shopify B2B's NET_30, an
    order's ``payment_terms.due_in_days``): one line, all of it due N days
    after the invoice."""

    _inherit = "account.payment.term"

    def _net_days(self):
        """N when this term is net N days, else None."""
        self.ensure_one()
        lines = self.line_ids
        if (
            len(lines) == 1
            and lines.value == "percent"
            and lines.value_amount == 100
            and lines.delay_type == "days_after"
        ):
            return lines.nb_days
        return None
