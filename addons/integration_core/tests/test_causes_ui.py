from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools import config

from ..lib.exceptions import MappingError
from .common import TEST_KEY, canonical_order, perform_job

TAX = "Unmapped tax '%(title)s' at %(rate)s%% (%(incl)s): add a tax mapping, then replay."


@tagged("post_install", "-at_install")
class TestRootCauseTour(HttpCase):
    """Root causes as a user works them, in headless Chromium: one cause,
    one fix, every event replayed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.startClassPatcher(patch.dict(config.options, {"integration_encryption_key": TEST_KEY}))
        company = cls.env.ref("base.main_company")
        usd = cls.env.ref("base.USD")
        usd.active = True
        pricelist = cls.env["product.pricelist"].create(
            {"name": "USD (tour)", "currency_id": usd.id, "company_id": company.id}
        )
        backend = cls.env["integration.backend"].create(
            {
                "name": "Cause tour feed",
                "company_id": company.id,
                "pricelist_id": pricelist.id,
                "check_totals": False,
            }
        )
        Product = cls.env["product.product"]
        for sku in ("INT-WIDGET", "INT-GADGET"):
            if not Product.search([("default_code", "=", sku)]):
                Product.create({"name": sku, "default_code": sku, "type": "consu"})
        Tax = cls.env["account.tax"]
        for name, rate in (("Tour State", 6.25), ("Tour County", 8.875)):
            Tax.create(
                {
                    "name": name,
                    "amount": rate,
                    "amount_type": "percent",
                    "type_tax_use": "sale",
                    "price_include": True,  # never found by rate: only the mapping maps to it
                    "company_id": company.id,
                }
            )
        cls.events = cls.env["integration.event"]
        for external_id, title, rate in (
            ("TOUR-RC1", "State Tax", 0.0625),
            ("TOUR-RC2", "State Tax", 0.0625),
            ("TOUR-RC3", "County Tax", 0.08875),
        ):
            order = canonical_order(external_id)
            for line in order["lines"]:
                line["taxes"] = [{"title": title, "rate": rate, "amount": 1.0}]
            event, _created = cls.env["integration.event"]._receive(
                backend, "order.import", order, idempotency_key=external_id, external_id=external_id
            )
            event._mark_failed(
                MappingError(
                    template=TAX,
                    params={"title": title, "rate": rate * 100, "incl": "taxes excluded", "fraction": rate},
                    code="tax.unmapped",
                )
            )
            cls.events |= event

    def test_root_cause_tour(self):
        Event = type(self.env["integration.event"])
        enqueue = Event._enqueue

        def enqueue_and_run(events, eta=None):
            """The job runner, without its delay: each job runs as soon as
            the replay enqueues it (the tour then sees the outcome)."""
            enqueue(events, eta=eta)
            for event in events:
                perform_job(event.env, event.sudo().job_id)

        with patch.object(Event, "_enqueue", enqueue_and_run):
            self.start_tour("/web", "integration_core_root_causes", login="admin", timeout=180)
        self.events.invalidate_recordset()
        self.assertEqual(set(self.events.mapped("state")), {"done"})
        self.assertEqual(len(self.events.backend_id.tax_map_ids), 2)
        self.assertTrue(self.events.mapped(lambda e: e._record()))
