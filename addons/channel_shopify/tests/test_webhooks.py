import base64
import json
import os
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools import config, mute_logger

from odoo.addons.integration_core.tests.common import TEST_KEY, dispatch_deliveries, run_pending_jobs

from .common import sandbox_class


@tagged("post_install", "-at_install")
class TestShopifyWebhooks(HttpCase):
    """Shopify's deliveries, signed by the sandbox, to Odoo's real endpoint."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.startClassPatcher(patch.dict(config.options, {"integration_encryption_key": TEST_KEY}))
        cls.env.ref("base.EUR").active = True
        cls.env["account.tax"].create(
            {"name": "VAT 19% (webhook test)", "amount": 19, "type_tax_use": "sale"}
        )
        cls.sandbox = sandbox_class()()
        cls.sandbox.start()
        cls.addClassCleanup(cls.sandbox.stop)
        cls.backend = cls.env["integration.backend"].create(
            {
                "name": "Webhook store",
                "backend_type": "shopify",
                "shopify_shop_url": cls.sandbox.base_url,
                "shopify_shop_domain": cls.sandbox.shop_domain,
                "order_confirm_policy": "paid",
                "create_missing_products": True,
            }
        )
        cls.backend._set_secret("access_token", cls.sandbox.access_token)
        cls.backend._set_secret("client_secret", cls.sandbox.client_secret)

    def setUp(self):
        super().setUp()
        self.url = f"{self.base_url()}/integration/webhook/shopify/{self.backend.sudo().webhook_token}"

    def events(self):
        return self.env["integration.event"].search([("backend_id", "=", self.backend.id)])

    def run_jobs(self):
        run_pending_jobs(self.env)

    def post(self, topic, body, **headers):
        """POST ``body`` signed by the sandbox as ``topic`` (fresh event id),
        headers overridden by ``headers`` (None removes one)."""
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        signed = self.sandbox._webhook_headers(topic, body)
        for name, value in headers.items():
            name = "X-Shopify-" + name.replace("_", "-")
            if value is None:
                signed.pop(name, None)
            else:
                signed[name] = value
        return self.url_open(self.url, data=body, headers=signed)

    def sale(self, order):
        return self.env["integration.binding"]._get_record(self.backend, "sale.order", str(order["id"]))

    def imported(self, **spec):
        """An order created in the sandbox, delivered and imported; its body as sent."""
        order = self.sandbox.create_order(dict({"lines": [{"sku": "TRS-42", "quantity": 1}]}, **spec))
        body = json.dumps(order).encode()
        self.assertEqual(self.post("orders/create", body).status_code, 200)
        self.run_jobs()
        self.assertEqual(self.sale(order).state, "sale")
        return order, body

    def test_a_delivery_reads_its_backend_once(self):
        """What Shopify's checks read of the store (its shop domain, the
        settlement flag) comes with the backend's one lookup
        (_shopify_webhook_fields): no second, whole-record fetch."""
        for _round in ("warm-up", "measured"):  # the first fills this worker's caches
            order = self.sandbox.create_order({"lines": [{"sku": "TRS-42", "quantity": 1}]})
            seen = []
            cursor_class = type(self.env.cr)
            execute = cursor_class.execute

            def spy(cr, query, params=None, log_exceptions=True, seen=seen, execute=execute):
                seen.append(" ".join(str(getattr(query, "code", query)).split()))
                return execute(cr, query, params, log_exceptions)

            with patch.object(cursor_class, "execute", spy):
                self.assertEqual(self.post("orders/create", order).status_code, 200)
        reads = [q for q in seen if 'FROM "integration_backend"' in q]
        self.assertEqual(len(reads), 1, reads)
        self.assertIn('"shopify_shop_domain"', reads[0])

    def refused(self, response, category="validation"):
        """The answer is 400 and the body is kept as one failed event."""
        self.assertEqual(response.status_code, 400, response.text)
        failed = self.events().filtered(lambda e: e.state == "failed")
        self.assertEqual(len(failed), 1)
        self.assertEqual(failed.error_category, category)
        return failed

    def test_valid_signature_gives_event_and_order(self):
        order = self.sandbox.create_order(
            {"lines": [{"sku": "TRS-42", "quantity": 1}], "financial_status": "paid"}
        )
        (result,) = self.sandbox.send_webhook("orders/create", order, url=self.url)
        self.assertEqual(result["status"], 200, result)
        event = self.events()
        self.assertEqual(len(event), 1)
        self.assertEqual(event.topic, "order.created")
        self.assertEqual(event.external_id, str(order["id"]))
        dispatch_deliveries(self.env, self.backend)
        self.assertEqual(event.job_id.channel, "root.integration.shopify")
        self.run_jobs()
        event.invalidate_recordset()
        self.assertEqual(event.state, "done", event.error_message)
        sale = self.env["integration.binding"]._get_record(self.backend, "sale.order", str(order["id"]))
        self.assertEqual(sale.state, "sale")

    def test_wrong_or_missing_signature_is_401_and_nothing_stored(self):
        order = self.sandbox.create_order({"lines": [{"sku": "TRS-42", "quantity": 1}]})
        body = json.dumps(order).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": "orders/create",
            "X-Shopify-Webhook-Id": "w1",
            "X-Shopify-Event-Id": "e1",
        }
        self.assertEqual(self.url_open(self.url, data=body, headers=headers).status_code, 401)
        headers["X-Shopify-Hmac-Sha256"] = "bm90IHRoZSByaWdodCBobWFj"
        self.assertEqual(self.url_open(self.url, data=body, headers=headers).status_code, 401)
        self.assertFalse(self.events())

    def test_same_webhook_ten_times_gives_one_order(self):
        order = self.sandbox.create_order(
            {"lines": [{"sku": "MTS-S", "quantity": 1}], "financial_status": "paid"}
        )
        statuses = []
        for _i in range(5):
            statuses += [
                r["status"]
                for r in self.sandbox.send_webhook(
                    "orders/create", order, duplicate=True, url=self.url, event_id="evt-same"
                )
            ]
        self.assertEqual(statuses, [200] * 10)
        self.assertEqual(len(self.events()), 1)
        self.run_jobs()
        self.assertEqual(self.env["sale.order"].search_count([("client_order_ref", "=", order["name"])]), 1)

    def test_malformed_body_is_400_and_a_failed_event(self):
        body = b'{"id": 1, "line_items": ['
        headers = self.sandbox._webhook_headers("orders/create", body)
        response = self.url_open(self.url, data=body, headers=headers)
        self.assertEqual(response.status_code, 400)
        event = self.events()
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.error_category, "validation")
        self.assertEqual(event.topic, "order.created")

    def test_out_of_order_delivery_newest_wins(self):
        order = self.sandbox.create_order(
            {"lines": [{"sku": "SWB-750", "quantity": 1}], "financial_status": "paid"}
        )
        v1 = dict(order, note="v1", updated_at="2030-01-01T10:00:00Z")
        v2 = dict(order, note="v2", updated_at="2030-01-01T11:00:00Z")
        results = self.sandbox.deliver_out_of_order(
            [("orders/updated", v1), ("orders/updated", v2)], url=self.url
        )
        self.assertEqual([r["status"] for r in results], [200, 200])
        self.run_jobs()
        sale = self.env["integration.binding"]._get_record(self.backend, "sale.order", str(order["id"]))
        self.assertIn("v2", str(sale.note))
        # v1 arrived last: it was either applied first (then v2 over it) or ignored as stale
        self.assertTrue(set(self.events().mapped("state")) <= {"done", "ignored"})

    def test_paid_update_in_the_same_second_as_pending_confirms_the_order(self):
        order = self.sandbox.create_order(
            {"lines": [{"sku": "TRS-42", "quantity": 1}], "financial_status": "pending"}
        )
        paid = dict(order, financial_status="paid")  # same updated_at, to the second
        self.assertEqual(paid["updated_at"], order["updated_at"])
        results = self.sandbox.send_webhook("orders/create", order, url=self.url)
        results += self.sandbox.send_webhook("orders/updated", paid, url=self.url)
        self.assertEqual([r["status"] for r in results], [200, 200])
        self.assertEqual(len(self.events()), 2)  # two contents, not a duplicate
        self.run_jobs()
        self.assertEqual(
            self.events().mapped("state"), ["done", "done"], self.events().mapped("error_message")
        )
        sale = self.env["integration.binding"]._get_record(self.backend, "sale.order", str(order["id"]))
        self.assertEqual(sale.state, "sale")

    # --- the signed body must fit the unsigned headers -------------------------------

    def test_captured_body_resent_as_cancellation_is_refused(self):
        order, body = self.imported(financial_status="paid")
        failed = self.refused(self.post("orders/cancelled", body))
        self.assertEqual(failed.topic, "order.cancelled")
        self.assertIn("cancelled_at", failed.error_message)
        self.run_jobs()
        self.assertEqual(self.sale(order).state, "sale")

    def test_captured_order_body_resent_as_refund_is_refused(self):
        _order, body = self.imported(financial_status="paid")
        failed = self.refused(self.post("refunds/create", body))
        self.assertIn("order_id", failed.error_message)

    def test_captured_body_resent_as_an_internal_topic_is_refused(self):
        _order, body = self.imported(financial_status="paid")
        failed = self.refused(self.post("fulfillment.export", body))
        self.assertIn("fulfillment.export", failed.error_message)

    def test_captured_body_resent_under_a_new_event_id_is_a_duplicate(self):
        order, body = self.imported(financial_status="paid")
        for topic in ("orders/create", "orders/updated"):
            response = self.post(topic, body)
            self.assertEqual((response.status_code, response.json()["status"]), (200, "duplicate"))
        self.assertEqual(len(self.events()), 1)

    def test_refund_resent_under_a_new_event_id_is_a_duplicate(self):
        order, _body = self.imported(financial_status="paid")
        line = order["line_items"][0]
        refund = {
            "id": 778001,
            "order_id": order["id"],
            "created_at": "2030-01-05T10:00:00Z",
            "restock": False,
            "refund_line_items": [
                {"id": 1, "quantity": 1, "line_item_id": line["id"], "subtotal": float(line["price"])}
            ],
            "transactions": [],
        }
        body = json.dumps(refund).encode()
        self.assertEqual(self.post("refunds/create", body).status_code, 200)
        response = self.post("refunds/create", body)
        self.assertEqual((response.status_code, response.json()["status"]), (200, "duplicate"))
        self.assertEqual(len(self.events().filtered(lambda e: e.topic == "refund.created")), 1)

    def test_real_cancellation_is_taken(self):
        order, _body = self.imported(financial_status="paid")
        cancelled = self.sandbox.update_order(
            order["id"], updated_at="2030-01-01T10:00:00Z", cancelled_at="2030-01-01T10:00:00Z"
        )
        self.assertEqual(self.post("orders/cancelled", cancelled).status_code, 200)
        self.run_jobs()
        self.assertEqual(self.sale(order).state, "cancel")

    def test_delivery_from_another_shop_is_refused(self):
        order = self.sandbox.create_order({"lines": [{"sku": "TRS-42", "quantity": 1}]})
        failed = self.refused(self.post("orders/create", order, Shop_Domain="other-shop.myshopify.com"))
        self.assertIn("other-shop.myshopify.com", failed.error_message)
        self.assertFalse(self.sale(order))

    def test_delivery_without_shop_domain_is_refused(self):
        order = self.sandbox.create_order({"lines": [{"sku": "TRS-42", "quantity": 1}]})
        failed = self.refused(self.post("orders/create", order, Shop_Domain=None))
        self.assertIn("X-Shopify-Shop-Domain", failed.error_message)

    # --- an authentic delivery is always stored ----------------------------------------

    def test_signed_order_whose_updated_at_is_not_a_date_is_kept_as_a_failed_event(self):
        order = self.sandbox.create_order({"lines": [{"sku": "TRS-42", "quantity": 1}]})
        failed = self.refused(self.post("orders/create", dict(order, updated_at="yesterday")))
        self.assertIn("updated_at", failed.error_message)

    def test_signed_body_nested_too_deep_is_kept_as_a_failed_event(self):
        # too deep for Python's JSON reader (RecursionError)
        body = b'{"id": 1, "line_items": [], "note": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        failed = self.refused(self.post("orders/create", body))
        self.assertIn("too deeply", failed.error_message)
        self.assertTrue(failed.payload_raw_masked)  # the form shows it, it does not crash
        # readable, but deeper than anything Shopify sends (and than what a job could map)
        body = b'{"id": 1, "line_items": [], "note": ' + b"[" * 100 + b"]" * 100 + b"}"
        response = self.post("orders/create", body)
        self.assertEqual(response.status_code, 400)
        self.assertIn("deeper than 64 levels", response.json()["status"])

    def test_signed_body_with_a_nul_byte_is_kept_as_a_failed_event(self):
        failed = self.refused(self.post("orders/create", b'{"id": 1}\x00'))
        self.assertIn("\ufffd", failed.sudo().payload_raw)

    def test_unexpected_error_after_the_signature_is_kept_as_an_internal_failed_event(self):
        order = self.sandbox.create_order({"lines": [{"sku": "TRS-42", "quantity": 1}]})
        # an event id far longer than the unique index on the idempotency key can hold
        event_id = base64.b64encode(os.urandom(15_000)).decode()
        with mute_logger("odoo.addons.integration_core.models.integration_backend"):
            response = self.post("orders/create", order, Event_Id=event_id)
        failed = self.refused(response, category="internal")
        self.assertIn("index row", failed.error_message)
        self.assertIn("Traceback", failed.sudo().error_details)
