"""Payment providers as integration backends.

Stripe and PayPal are backends of their own type (``stripe``, ``paypal``);
Shopify Payments is a capability of an existing Shopify store backend
(``settlement_enabled`` on it). Either way the backend gets the settlement
topics through the core's ``_topic_extensions`` and its payout fetch flow
through ``_flow_extensions``: no override of the Shopify channel.

Settlement mode:
- ``clearing``: the provider pays out on its own (Stripe automatic payouts,
  Shopify Payments): each payout is one entry through the clearing account;
- ``wallet``: the balance stays with the provider until someone withdraws
  it (PayPal without automatic settlement, Stripe manual payouts): every
  line is booked in a wallet journal as it comes, and a withdrawal is an
  internal transfer from the wallet to the in-transit account.
"""

import logging

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.integration_core.lib.exceptions import ValidationFailed
from odoo.addons.integration_core.lib.topics import Topic, TopicTable, canonical_as_is

_logger = logging.getLogger(__name__)

PAYOUT = "settlement.payout"
LINE = "settlement.line"
FETCHER = "settlement.fetcher"
CAPTURE = "integration.order.transaction"

# backend type -> the settlement provider it is
PROVIDER_OF_TYPE = {"shopify": "shopify_payments", "stripe": "stripe", "paypal": "paypal"}
PROVIDERS = [("shopify_payments", "Shopify Payments"), ("stripe", "Stripe"), ("paypal", "PayPal")]

SETTLEMENT_TOPICS = TopicTable(
    [
        Topic(
            "payout.fetch",
            "in",
            "schedule",
            "_fetch_payouts",
            model=FETCHER,
            label="Payouts fetched from the provider",
        ),
        Topic(
            "payout.import",
            "in",
            "schedule",
            "_import_payout",
            model=PAYOUT,
            kind="payout",
            mapper=canonical_as_is,
            label="Payouts in",
        ),
        Topic(
            "settlement_line.import",
            "in",
            "schedule",
            "_import_wallet_line",
            model=LINE,
            kind="settlement_line",
            mapper=canonical_as_is,
            label="Wallet lines in",
        ),
        Topic("payout.post", "in", "manual", "_post_from_event", model=PAYOUT, label="Payouts booked"),
        Topic(
            "capture.book",
            "out",
            "odoo_event",
            "_book_captures_event",
            model=CAPTURE,
            odoo_event="invoice.posted",
            listener="_listen_invoices_posted",
            label="Captures booked when an order's invoice is posted",
        ),
    ]
)

# Stripe tells when a payout changed; the notice makes us fetch that payout
STRIPE_TOPICS = TopicTable(
    [
        Topic(
            "payout.notify",
            "in",
            "webhook",
            "_on_payout_notice",
            model=FETCHER,
            remote=(
                "payout.created",
                "payout.updated",
                "payout.paid",
                "payout.failed",
                "payout.canceled",
                "payout.reconciliation_completed",
            ),
            label="Stripe payout notices",
        )
    ]
)


class IntegrationBackend(models.Model):
    _inherit = "integration.backend"

    backend_type = fields.Selection(
        selection_add=[("stripe", "Stripe"), ("paypal", "PayPal")],
        ondelete={"stripe": "cascade", "paypal": "cascade"},
    )
    settlement_provider = fields.Selection(
        PROVIDERS, compute="_compute_settlement_provider", store=True, string="Payment provider"
    )
    settlement_enabled = fields.Boolean(
        string="Settle payouts",
        help="Fetch this provider's payouts and book them through the clearing account.",
    )
    settlement_active = fields.Boolean(compute="_compute_settlement_provider", store=True)
    settlement_mode = fields.Selection(
        [("clearing", "Payouts (clearing account)"), ("wallet", "Wallet (withdrawals)")],
        default="clearing",
        string="Settlement mode",
        help="Payouts: the provider pays out on its own; each payout is one entry. Wallet: the balance "
        "stays with the provider until withdrawn; lines are booked as they come and a withdrawal is a "
        "transfer to the in-transit account.",
    )
    payout_overlap_days = fields.Integer(
        default=3,
        help="Each fetch reads again this many days before the last one: late changes "
        "(a payout that failed, PayPal's 3-hour lag) are not missed.",
    )
    settlement_account_ids = fields.One2many(
        "settlement.provider.account", "backend_id", string="Settlement accounts"
    )

    @api.depends("backend_type", "settlement_enabled")
    def _compute_settlement_provider(self):
        for backend in self:
            provider = PROVIDER_OF_TYPE.get(backend.backend_type)
            backend.settlement_provider = provider or False
            backend.settlement_active = bool(provider) and (
                backend.backend_type in ("stripe", "paypal") or backend.settlement_enabled
            )

    @api.constrains("payout_overlap_days")
    def _check_payout_overlap_days(self):
        for backend in self:
            if not 0 <= backend.payout_overlap_days <= 31:
                raise ValidationError(_("The payout overlap is between 0 and 31 days."))

    # ------------------------------------------------------------------------------
    # topics and flows (the core's extension points)
    # ------------------------------------------------------------------------------

    @api.model
    def _webhook_fields(self, backend_type):
        return [*super()._webhook_fields(backend_type), "settlement_active"]  # read by _topic_extensions

    def _topic_extensions(self):
        extensions = super()._topic_extensions()
        if self.settlement_active:
            extensions.append(SETTLEMENT_TOPICS)
        return extensions

    def _stripe_topics(self):
        return STRIPE_TOPICS

    def _paypal_topics(self):
        return TopicTable()

    def _flow_extensions(self):
        flows = super()._flow_extensions()
        if self.settlement_active:
            flows.append(
                {
                    "code": "payout_fetch",
                    "name": _("Fetch payouts"),
                    "topics": "payout.fetch",
                    "direction": "in",
                    "trigger": "schedule",
                    "policy": "batch",
                    "interval_number": 1,
                    "interval_type": "hours",
                }
            )
        return flows

    def write(self, vals):
        result = super().write(vals)
        if "settlement_enabled" in vals:
            self.filtered("settlement_active")._ensure_default_flows()
            self._listeners_changed()  # its table gained or lost the invoice listener
        return result

    def _stripe_job_channel(self):
        return "root.integration.settlement"

    def _paypal_job_channel(self):
        return "root.integration.settlement"

    # ------------------------------------------------------------------------------
    # Stripe webhooks (signed with the endpoint's whsec_ secret)
    # ------------------------------------------------------------------------------

    def _stripe_webhook_verify(self, headers, body):
        secret = self._get_secret("webhook_secret", required=False)
        if not secret:
            return False
        return self.env[FETCHER]._stripe_signature_ok(secret, headers, body)

    def _stripe_webhook_parse(self, headers, body):
        """A Stripe event: its type names the topic (the table's remote
        names), its id is the idempotency key (Stripe may send one event
        several times)."""
        event = self._parse_json_body(body)
        if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
            raise ValidationFailed(_("A Stripe event has an id and a type."))
        topic = self._topics().by_remote(str(event["type"]), "in")
        if topic is None:
            raise ValidationFailed(
                _("Stripe event type %s is not one this backend takes.", event["type"][:64])
            )
        payout = (event.get("data") or {}).get("object") or {}
        return {
            "topic": topic.name,
            "idempotency_key": f"stripe:{event['id']}",
            "external_id": str(payout.get("id") or "") or False,
            "payload": event,
        }

    def _stripe_webhook_topic_hint(self, headers):
        return "payout.notify"

    # ------------------------------------------------------------------------------
    # connection tests
    # ------------------------------------------------------------------------------

    def _stripe_test_connection(self):
        return self.env[FETCHER]._test_connection(self)

    def _paypal_test_connection(self):
        return self.env[FETCHER]._test_connection(self)

    # ------------------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------------------

    def _settlement_account(self, currency):
        """This backend's accounts for ``currency`` (a res.currency)."""
        self.ensure_one()
        return self.settlement_account_ids.filtered(lambda a: a.currency_id == currency)[:1]

    def action_open_payouts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("settlement_recon.settlement_payout_action")
        action["domain"] = [("backend_id", "=", self.id)]
        action["context"] = {"default_backend_id": self.id}
        return action
