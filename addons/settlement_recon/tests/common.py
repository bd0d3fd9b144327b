"""Shared set-up of settlement_recon's Odoo tests.

``SettlementCase`` (an integration_core ``IntegrationCase``): a Stripe
backend with its USD accounts created, orders imported through the core
importer with their payment transactions, and builders of canonical
payouts and lines (decimal strings, as the mappers give them).
"""

from decimal import Decimal

from odoo.addons.integration_core.tests.common import IntegrationCase, canonical_order


def line(external_id, family, amount, fee="0", txn=None, provider="stripe", currency="USD", **extra):
    amount, fee = Decimal(amount), Decimal(fee)
    data = {
        "schema_version": 1,
        "provider": provider,
        "external_id": external_id,
        "provider_type": extra.pop("provider_type", family),
        "family": family,
        "amount": str(amount),
        "fee": str(fee),
        "net": str(amount - fee),
        "currency": currency,
        "order_transaction_id": txn,
        "availability": "available",
    }
    data.update(extra)
    return data


def payout(external_id, lines, status="paid", provider="stripe", currency="USD", amount=None, **extra):
    total = sum(Decimal(item["net"]) for item in lines) if amount is None else Decimal(amount)
    data = {
        "schema_version": 1,
        "provider": provider,
        "external_id": external_id,
        "status": status,
        "direction": "debit" if total < 0 else "credit",
        "amount": str(total),
        "currency": currency,
        "arrival_date": "2024-05-03",
        "trace_reference": f"TRACE-{external_id}",
        "lines": lines,
    }
    data.update(extra)
    return data


class SettlementCase(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Backend = cls.env["integration.backend"]
        cls.stripe = Backend.create(
            {
                "name": "Test Stripe",
                "backend_type": "stripe",
                "company_id": cls.company.id,
                "max_attempts": 3,
            }
        )
        cls.accounts = cls.env["settlement.provider.account"].create(
            {"backend_id": cls.stripe.id, "currency_id": cls.company.currency_id.id}
        )
        cls.accounts.action_create_accounts()

    def import_order(self, external_id, transactions, **overrides):
        """A channel order with its payment transactions, through the core importer."""
        order = canonical_order(external_id, transactions=transactions, **overrides)
        event, _created = self.receive(order)
        self.process(event)
        return self.orders_for(str(external_id))

    def txn(self, external_id, amount, kind="sale", gateway="stripe", currency="USD"):
        return {
            "external_id": external_id,
            "kind": kind,
            "status": "success",
            "gateway": gateway,
            "amount": amount,
            "currency": currency,
            "processed_at": "2024-05-01T10:00:00Z",
        }

    def import_payout(self, data, backend=None):
        """Import a canonical payout and run what it queues (its booking)."""
        backend = backend or self.stripe
        backend._enqueue_topic("payout.import", data, key=f"test:{data['external_id']}:{data['status']}")
        self.run_jobs()
        return self.env["settlement.payout"].search(
            [("backend_id", "=", backend.id), ("external_id", "=", data["external_id"])]
        )

    def balance(self, account, **domain):
        lines = self.env["account.move.line"].search(
            [("account_id", "=", account.id), ("parent_state", "=", "posted")]
            + [(k, "=", v) for k, v in domain.items()]
        )
        return round(sum(lines.mapped("balance")), 2)
