"""Files travel for real: SFTP against an in-process SFTP server on
loopback (sandbox.sftp, asyncssh), AS2 posted to Odoo's own endpoint over
HTTP, signed and encrypted by the partner."""

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.integration_core.tests.common import sandbox_package

from ..lib.transports import as2, smime
from .common import OURS, RETAILER, EdiCase, purchase_order_850, x12


def sftp_sandbox():
    """The in-process SFTP server of the repository's tests/sandbox."""
    return sandbox_package("sftp").SftpSandbox


@tagged("post_install", "-at_install")
class TestEdiSftp(EdiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = sftp_sandbox()()
        cls.server.start()
        cls.addClassCleanup(cls.server.close)
        cls.server.add_user("ourco", password="s3cret")
        cls.backend = cls.customer_backend
        cls.endpoint = cls.env["trading.partner.endpoint"].create(
            {
                "backend_id": cls.backend.id,
                "environment": cls.backend.environment,
                "transport": "sftp",
                "sftp_host": cls.server.host,
                "sftp_port": cls.server.port,
                "sftp_username": "ourco",
                "sftp_host_key": cls.server.host_key.public_line,
                "sftp_inbound_dir": "/inbound",
                "sftp_outbound_dir": "/outbound",
            }
        )
        cls.backend._set_secret("sftp_password", "s3cret")

    def setUp(self):
        super().setUp()
        self.server.reset()
        for folder in ("inbound", "outbound"):
            for path in self.server.path("ourco", folder).iterdir():
                path.unlink()

    def pickup(self, then_files=True):
        """One pickup run (its job only); then the files' own jobs."""
        event = self.backend._enqueue_topic("file.pickup", {})
        self.run_job(event.job_id)
        if then_files:
            self.run_jobs()
        event.invalidate_recordset()
        return event

    def test_pickup_stores_each_file_and_removes_it_only_after_the_commit(self):
        data = x12(RETAILER, OURS, [("850", purchase_order_850())])
        self.server.deliver("ourco", "PO_7788.x12", data)
        pickup = self.pickup()
        self.assertEqual(pickup.state, "done", pickup.error_message)
        received = self.env["integration.event"].search(
            [("backend_id", "=", self.backend.id), ("topic", "=", "interchange.received")]
        )
        self.assertEqual(len(received), 1)
        self.assertEqual(received._payload_bytes(), data)
        self.assertEqual(received.external_id, "sftp:PO_7788.x12")
        # the test's transaction never commits: the file is still there
        self.assertIn("PO_7788.x12", self.server.listing("ourco", "inbound"))
        self.env.cr.postcommit.run()  # what the commit does
        self.assertNotIn("PO_7788.x12", self.server.listing("ourco", "inbound"))
        self.assertTrue(self.env["sale.order"].search([("client_order_ref", "=", "PO-7788")]))

    def test_a_rolled_back_pickup_leaves_the_file_for_the_next_run(self):
        data = x12(RETAILER, OURS, [("850", purchase_order_850(po_number="PO-1"))])
        self.server.deliver("ourco", "PO_1.x12", data)
        with self.env.cr.savepoint(flush=False) as savepoint:
            self.pickup()
            savepoint.rollback()
        self.env.cr.postrollback.run()
        self.env.cr.postcommit.clear()
        self.assertIn("PO_1.x12", self.server.listing("ourco", "inbound"))
        # the next pickup reads it again, and the same bytes make one event
        self.pickup()
        self.pickup()
        self.assertEqual(
            self.env["integration.event"].search_count(
                [("backend_id", "=", self.backend.id), ("topic", "=", "interchange.received")]
            ),
            1,
        )

    def test_a_server_with_another_host_key_is_refused(self):
        self.endpoint.sftp_host_key = "SHA256:" + "A" * 43
        self.server.deliver("ourco", "PO_2.x12", x12(RETAILER, OURS, [("850", purchase_order_850())]))
        pickup = self.pickup()
        self.assertEqual(pickup.state, "failed")
        self.assertIn("host key", pickup.error_message.lower())
        self.assertIn("PO_2.x12", self.server.listing("ourco", "inbound"))

    def test_a_server_that_is_down_is_retried(self):
        self.endpoint.sftp_port = 1  # nothing listens there
        pickup = self.pickup(then_files=False)
        self.assertEqual(pickup.state, "queued", pickup.error_message)
        self.assertTrue(pickup.next_retry_at)

    def test_our_files_are_uploaded_whole_under_their_final_name(self):
        data = x12(RETAILER, OURS, [("850", purchase_order_850(po_number="PO-9"))])
        self.receive_file(self.backend, data)  # its 997 and 855 go out by SFTP
        sent = self.server.sent("ourco", "outbound")
        self.assertEqual(len(sent), 2, sent.keys())
        self.assertTrue(any("PO-9" in name for name in sent))
        self.assertTrue(all(name.endswith(".x12") for name in sent))
        self.assertTrue(any(body.startswith(b"ISA*") and b"ST*997*" in body for body in sent.values()))
        self.assertFalse([n for n in self.server.listing("ourco", "outbound") if n.endswith(".part")])


@tagged("post_install", "-at_install")
class TestEdiAs2(HttpCase, EdiCase):
    """The partner posts AS2 to Odoo: signed with its key, encrypted to our
    certificate; our sync MDN is signed and carries the MIC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.our_cert, cls.our_key = smime.generate_self_signed("OURCOMPANY AS2")
        cls.partner_cert, cls.partner_key = smime.generate_self_signed("RETAILCO AS2")
        cls.backend = cls.customer_backend
        cls.env["trading.partner.endpoint"].create(
            {
                "backend_id": cls.backend.id,
                "environment": cls.backend.environment,
                "transport": "as2",
                "as2_url": "http://127.0.0.1:9/as2",  # ours to them: unused here
                "as2_our_id": "OURCOMPANY",
                "as2_partner_id": "RETAILCO",
                "as2_partner_cert": cls.partner_cert.pem.decode(),
                "as2_our_cert": cls.our_cert.pem.decode(),
            }
        )
        cls.backend._set_secret("as2_private_key", smime.private_key_pem(cls.our_key).decode())

    def _post(self, message):
        return self.url_open("/integration/edi/as2", data=message.body, headers=message.headers, timeout=60)

    def _message(self, data, key=None):
        partner_side = as2.LocalIdentity("RETAILCO", self.partner_cert, key or self.partner_key)
        us = as2.Partner("OURCOMPANY", self.our_cert)
        return as2.build_message(data, partner_side, us, filename="PO_5.x12")

    def test_an_authentic_message_is_stored_once_and_receipted(self):
        data = x12(RETAILER, OURS, [("850", purchase_order_850(po_number="PO-5"))])
        message = self._message(data)
        answer = self._post(message)
        again = self._post(message)  # the partner resends: same Message-ID
        self.assertEqual(answer.status_code, 200)
        mdn = as2.parse_mdn(answer.headers, answer.content, as2.Partner("OURCOMPANY", self.our_cert))
        result = message.reconcile(mdn)
        self.assertTrue(result.ok, result)
        self.assertEqual(again.status_code, 200)
        events = self.env["integration.event"].search(
            [("backend_id", "=", self.backend.id), ("topic", "=", "interchange.received")]
        )
        self.assertEqual(len(events), 1)
        self.assertEqual(events._payload_bytes(), data)

    def test_a_forged_signature_gets_a_failure_mdn_and_nothing_is_stored(self):
        _cert, stranger_key = smime.generate_self_signed("FORGER")
        message = self._message(b"ISA*forged", key=stranger_key)
        answer = self._post(message)
        self.assertEqual(answer.status_code, 200)
        mdn = as2.parse_mdn(answer.headers, answer.content, as2.Partner("OURCOMPANY", self.our_cert))
        self.assertFalse(message.reconcile(mdn).ok)
        self.assertIn(b"authentication-failed", answer.content)
        self.assertFalse(self.env["integration.event"].search([("backend_id", "=", self.backend.id)]))

    def test_without_our_key_the_partner_is_asked_to_come_back(self):
        self.env["integration.credential"].search(
            [("backend_id", "=", self.backend.id), ("key", "=", "as2_private_key")]
        ).unlink()
        with mute_logger("odoo.addons.channel_edi.controllers.as2"):
            answer = self._post(self._message(b"ISA*"))
        self.assertEqual(answer.status_code, 503)
        self.assertTrue(answer.headers.get("Retry-After"))

    def test_a_partner_station_that_is_down_is_retried_and_nothing_logged_as_sent(self):
        # the retailer's 850 arrives; our 997 and 855 go to its AS2 URL, where nothing listens
        data = x12(RETAILER, OURS, [("850", purchase_order_850())])
        event, _created = self.env["trading.partner.transport"]._receive_file(self.backend, data, "test")
        self.run_jobs(limit=4)  # the file, its 850, then one try each of the 997 and the 855
        self.assertEqual(event.state, "done", event.error_message)
        outbound = self.env["integration.event"].search(
            [("backend_id", "=", self.backend.id), ("topic", "in", ("ack.sent", "po_ack.sent"))]
        )
        self.assertEqual(len(outbound), 2)
        for sent in outbound:
            self.assertEqual(sent.state, "queued", sent.error_message)
            self.assertTrue(sent.next_retry_at, "retried later, with backoff")
            self.assertEqual(sent.attempts, 1)
        self.assertFalse(self.documents(self.backend, direction="out"), "nothing is logged as sent")

    def test_an_unknown_partner_is_refused(self):
        message = self._message(b"ISA*")
        message.headers["AS2-From"] = "NOBODY"
        self.assertEqual(self._post(message).status_code, 403)
