"""Exception root causes: fingerprints on events, the cause view, the
one-click fix that replays every event of a cause once, the owner's alert."""

import importlib.util
import json
from pathlib import Path

from odoo.tests import tagged

from ..lib.exceptions import MappingError, RemoteServerError
from .common import IntegrationCase, canonical_order

STATE_TAX = {"title": "State Tax", "rate": 0.0625}
COUNTY_TAX = {"title": "County Tax", "rate": 0.08875}


def taxed_order(external_id, tax):
    """A canonical order whose lines carry ``tax``, a rate no Odoo tax has."""
    order = canonical_order(external_id)
    for line in order["lines"]:
        line["taxes"] = [dict(tax, amount=round(line["unit_price"] * line["quantity"] * tax["rate"], 2))]
    return order


class CauseCase(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend.check_totals = False  # the mapped taxes below include the price
        Tax = cls.env["account.tax"]
        # mapping targets: price included, so the importer's own fallback
        # (same rate, price excluded) never finds them: only a mapping does
        cls.tax_state = Tax.create(
            {
                "name": "State 6.25% (incl., test)",
                "amount": 6.25,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "price_include": True,
                "company_id": cls.company.id,
            }
        )
        cls.tax_county = Tax.create(
            {
                "name": "County 8.875% (incl., test)",
                "amount": 8.875,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "price_include": True,
                "company_id": cls.company.id,
            }
        )
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.manager = Users.create(
            {
                "name": "Cause manager",
                "login": "cause_manager",
                "company_id": cls.company.id,
                "company_ids": [(6, 0, [cls.company.id])],
                "groups_id": [(6, 0, [cls.env.ref("integration_core.group_integration_manager").id])],
            }
        )

    def fail_orders(self, taxes, prefix="RC"):
        events = self.env["integration.event"]
        for number, tax in enumerate(taxes):
            event, _created = self.receive(taxed_order(f"{prefix}{number}", tax))
            events |= self.process(event)
        return events

    def cause_of(self, event, user=None):
        Cause = self.env["integration.cause"].with_user(user) if user else self.env["integration.cause"]
        return Cause.search([("fingerprint", "=", event.error_fingerprint)])


@tagged("post_install", "-at_install")
class TestEventFingerprint(CauseCase):
    def test_failed_event_carries_its_cause_and_a_retry_clears_it(self):
        event = self.fail_orders([STATE_TAX])
        self.assertEqual(event.state, "failed")
        self.assertEqual(len(event.error_fingerprint), 32)
        self.assertEqual(event.error_code, "tax.unmapped")
        self.assertTrue(event.error_template.startswith("Unmapped tax '{title}' at {rate}% ({incl})"))
        variables = json.loads(event.error_variables)
        self.assertEqual((variables["title"], variables["fraction"]), ("State Tax", 0.0625))
        self.assertTrue(event.error_at)

        event.with_user(self.manager).action_retry()
        self.assertEqual(event.state, "queued")
        self.assertFalse(event.error_fingerprint or event.error_template or event.error_variables)

    def test_two_taxes_are_one_cause(self):
        state, county = self.fail_orders([STATE_TAX, COUNTY_TAX])
        self.assertNotEqual(state.error_message, county.error_message)
        self.assertEqual(state.error_fingerprint, county.error_fingerprint)

    def test_retry_scheduled_then_done(self):
        event, _created = self.receive(canonical_order("RC-R"))
        event._enqueue()
        event.attempts = 1
        event._schedule_retry(RemoteServerError("The remote system failed (HTTP 503) on GET https://x/1"))
        self.assertEqual(event.state, "queued")
        self.assertEqual(event.error_template, "The remote system failed (HTTP 503) on GET {url}")
        self.assertEqual(json.loads(event.error_variables), ["https://x/1"])
        event._mark_done()
        self.assertFalse(event.error_fingerprint)

    def test_any_error_message_gets_a_normalised_cause(self):
        """Paths that write the message only (a dead worker, a refused body)."""
        event, _created = self.receive(canonical_order("RC-W"))
        event._mark_dead_worker(3)
        self.assertEqual(event.state, "dead")
        self.assertIn("{num} runs of this event", event.error_template)
        self.assertTrue(event.error_fingerprint)

    def test_secrets_are_masked_from_the_variables(self):
        self.backend._set_secret("webhook_secret", "s3cr3t-value-123")
        event, _created = self.receive(canonical_order("RC-S"))
        event._mark_failed(MappingError(template="Unknown %(x)s", params={"x": "s3cr3t-value-123"}))
        self.assertNotIn("s3cr3t-value-123", event.error_variables + event.error_message)

    def test_upgrade_gives_old_failures_their_cause(self):
        """migrations/17.0.1.2.0: failures from before root causes get one."""
        event = self.fail_orders([STATE_TAX], prefix="RU")
        message = event.error_message
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE integration_event SET error_fingerprint = NULL, error_template = NULL WHERE id = %s",
            [event.id],
        )
        event.invalidate_recordset()
        path = Path(__file__).parent.parent / "migrations" / "17.0.1.2.0" / "post-migrate.py"
        spec = importlib.util.spec_from_file_location("integration_core_migration_1_2", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "17.0.1.1.0")
        event.invalidate_recordset()
        self.assertTrue(event.error_template.startswith("Unmapped tax '{str}' at {num}%"))
        self.assertEqual(event.error_message, message)
        self.assertEqual(len(self.cause_of(event)), 1)


@tagged("post_install", "-at_install")
class TestRootCauses(CauseCase):
    def test_five_orders_one_cause_one_fix_no_duplicates(self):
        """5 orders fail on the same unmapped tax with 2 distinct taxes: one
        cause of 5 events; one fix maps both taxes and replays the 5 orders;
        a second run enqueues nothing and creates nothing."""
        events = self.fail_orders([STATE_TAX, STATE_TAX, STATE_TAX, COUNTY_TAX, COUNTY_TAX])
        self.assertEqual(set(events.mapped("state")), {"failed"})
        self.assertEqual(len(set(events.mapped("error_fingerprint"))), 1)

        cause = self.cause_of(events[0], user=self.manager)
        self.assertEqual(len(cause), 1)
        self.assertEqual((cause.event_count, cause.dead_count, cause.fix_kind), (5, 0, "tax_mapping"))
        self.assertEqual(cause.backend_ids, self.backend)
        self.assertEqual(cause.category, "mapping")
        self.assertTrue(cause.first_seen <= cause.last_seen)
        self.assertEqual(
            cause.action_open_events()["domain"][0], ("error_fingerprint", "=", cause.fingerprint)
        )
        self.assertEqual(self.env["integration.event"].search(cause.action_open_events()["domain"]), events)

        action = cause.action_fix()
        wizard = self.env["integration.cause.fix"].with_user(self.manager).browse(action["res_id"])
        self.assertEqual(wizard.event_count, 5)
        self.assertEqual(sorted(wizard.line_ids.mapped("title")), ["County Tax", "State Tax"])
        for line in wizard.line_ids:
            line.tax_id = self.tax_state if line.title == "State Tax" else self.tax_county
        result = wizard.action_apply()
        self.assertEqual(result["domain"], [("id", "in", events.ids)])
        self.assertEqual(set(events.mapped("state")), {"queued"})
        self.assertFalse(self.env["integration.cause"].search([("fingerprint", "=", cause.fingerprint)]))

        self.run_jobs()
        events.invalidate_recordset()
        self.assertEqual(set(events.mapped("state")), {"done"})
        orders = self.env["sale.order"].search([("client_order_ref", "like", "#RC")])
        self.assertEqual(len(orders), 5)
        self.assertEqual(
            set(orders.order_line.filtered("product_id.default_code").tax_id.ids),
            {self.tax_state.id, self.tax_county.id},
        )
        maps = self.backend.tax_map_ids
        self.assertEqual(len(maps), 2)

        # the same fix again: nothing to replay, no job, no order, no mapping
        jobs = self.env["queue.job"].search_count([])
        again = wizard.action_apply()
        self.assertEqual(again["tag"], "display_notification")
        self.assertEqual(self.env["queue.job"].search_count([]), jobs)
        self.assertEqual(self.env["sale.order"].search_count([("client_order_ref", "like", "#RC")]), 5)
        self.assertEqual(self.backend.tax_map_ids, maps)
        self.assertEqual(self.run_jobs(), self.env["queue.job"])

    def test_queued_again_is_skipped(self):
        """An event retried by hand meanwhile is not the cause's any more."""
        events = self.fail_orders([STATE_TAX, STATE_TAX], prefix="RQ")
        cause = self.cause_of(events[0])
        wizard = self.env["integration.cause.fix"].browse(cause.action_fix()["res_id"])
        events[0].action_retry()
        job = events[0].job_id
        wizard.line_ids.tax_id = self.tax_state
        wizard.with_user(self.manager).action_apply()
        self.assertEqual(events[0].job_id, job)  # not enqueued twice
        self.assertEqual(self.env["queue.job"].search_count([("id", "in", events.job_id.ids)]), 2)
        self.run_jobs()
        self.assertEqual(set(events.mapped("state")), {"done"})

    def test_currency_cause_activates_the_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = False
        events = self.env["integration.event"]
        for number in range(2):
            event, _created = self.receive(canonical_order(f"RE{number}", currency="EUR"))
            events |= self.process(event)
        self.assertEqual(events.mapped("error_code"), ["currency.inactive"] * 2)
        cause = self.cause_of(events[0])
        self.assertEqual((cause.fix_kind, cause.event_count), ("currency", 2))
        wizard = self.env["integration.cause.fix"].browse(
            cause.with_user(self.manager).action_fix()["res_id"]
        )
        self.assertEqual(wizard.line_ids.currency_name, "EUR")
        wizard.with_user(self.manager).action_apply()
        self.assertTrue(eur.active)
        self.run_jobs()
        self.assertEqual(set(events.mapped("state")), {"done"})

    def test_unknown_sku_is_linked_to_a_product(self):
        order = canonical_order("RP1")
        order["lines"][0]["sku"] = "NEW-SKU-1"
        event, _created = self.receive(order)
        self.process(event)
        cause = self.cause_of(event)
        self.assertEqual(cause.fix_kind, "product")
        product = self.env["product.product"].create({"name": "New thing", "type": "product"})
        wizard = self.env["integration.cause.fix"].browse(cause.action_fix()["res_id"])
        self.assertEqual(wizard.line_ids.sku, "NEW-SKU-1")
        wizard.line_ids.product_id = product
        wizard.with_user(self.manager).action_apply()
        self.assertEqual(product.default_code, "NEW-SKU-1")
        self.run_jobs()
        self.assertEqual(event.state, "done")
        self.assertIn(product, self.orders_for("RP1").order_line.product_id)

    def test_manual_cause_just_replays(self):
        order = canonical_order("RM1")
        order["billing_address"]["country_code"] = "ZZ"
        event, _created = self.receive(order)
        self.process(event)
        self.assertEqual(event.error_code, "country.unknown")
        cause = self.cause_of(event)
        self.assertEqual(cause.fix_kind, "manual")
        wizard = self.env["integration.cause.fix"].browse(cause.action_fix()["res_id"])
        self.assertFalse(wizard.line_ids)
        wizard.action_apply()
        self.assertEqual(event.state, "queued")

    def test_search_and_group_causes(self):
        self.fail_orders([STATE_TAX], prefix="RG")
        Cause = self.env["integration.cause"]
        self.assertTrue(Cause.search([("backend_ids", "in", self.backend.ids)]))
        groups = Cause.read_group([], ["event_count:sum"], ["category"])
        self.assertTrue(any(g["category"] == "mapping" and g["event_count"] >= 1 for g in groups))


@tagged("post_install", "-at_install")
class TestAlertNamesTopCauses(CauseCase):
    def test_alert_lists_the_top_three_causes_with_counts(self):
        self.fail_orders([STATE_TAX, COUNTY_TAX, STATE_TAX])  # one cause, 3 events
        for number, message in enumerate(
            ["Delivery 1 no longer exists.", "Delivery 2 no longer exists.", "Refund x", "Other y", "Fifth"]
        ):
            event, _created = self.receive(canonical_order(f"RA{number}"))
            event._mark_failed(MappingError(message))
        self.backend.alert_failure_rate = 1.0
        self.env["integration.backend"]._cron_check_alerts()
        note = self.backend.activity_ids.filtered(lambda a: "Integration alert" in a.summary).note
        self.assertIn("Top causes", note)
        self.assertIn("Unmapped tax", note)
        self.assertIn("(3 events)", note)
        self.assertIn("Delivery {num} no longer exists. (2 events)", note)
        self.assertEqual(note.count(" events)"), 3)
