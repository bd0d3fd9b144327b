"""Payload formats on events: storage in the row or in a file, the one
accessor, processing, pretty and masked views, retention."""

import hashlib
from contextlib import contextmanager
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.integration_event_payload import THRESHOLD_PARAM
from .common import IntegrationCase, canonical_order

ISA = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*U*00401*000000846*0*P*>~"
HEAD = (
    "GS*IB*SENDER*RECEIVER*20240101*1200*846*X*004010~ST*846*0001~BIA*00*MM*INV-1*20240101~"
    "N1*WH*JANE WAREHOUSE KEEPER*9*0123456789012~N3*1 PRIVATE LANE~N4*SPRINGFIELD*IL*62701*US~"
    "PER*IC*JANE DOE*TE*5550142*EM*jane@example.com~"
)
# 2 segments, 48 bytes: repeated to make an 846 of any size
ITEM = "LIN**SK*SKU-0001*UP*012345678905~QTY*33*100*EA~"


def x12_846(size):
    """An 846 (inventory advice) of about ``size`` bytes, its SE count right."""
    repeats = max(1, (size - len(ISA) - len(HEAD)) // len(ITEM))
    segments = 6 + 2 * repeats + 1  # ST..PER, the items, SE
    return (ISA + HEAD + ITEM * repeats + f"SE*{segments}*0001~GE*1*846~IEA*1*000000846~").encode(), repeats


class PayloadCase(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.user = Users.create(
            {
                "name": "Ops",
                "login": "ops_payload",
                "company_id": cls.company.id,
                "company_ids": [(6, 0, [cls.company.id])],
                "groups_id": [(6, 0, [cls.env.ref("integration_core.group_integration_user").id])],
            }
        )
        cls.manager = Users.create(
            {
                "name": "Manager",
                "login": "mgr_payload",
                "company_id": cls.company.id,
                "company_ids": [(6, 0, [cls.company.id])],
                "groups_id": [(6, 0, [cls.env.ref("integration_core.group_integration_manager").id])],
            }
        )

    def receive_raw(self, body, payload_format, key, topic="inventory.fetched"):
        event, created = self.env["integration.event"]._receive(
            self.backend, topic, body, key, payload_format=payload_format
        )
        self.assertTrue(created)
        return event

    def column_length(self, event):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT octet_length(payload_raw), payload_size FROM integration_event WHERE id = %s", [event.id]
        )
        return self.env.cr.fetchone()

    def setUp(self):
        super().setUp()
        # a topic of files whose handler records what it is given
        self.seen = []
        self.enterContext(
            self.topic_handled_by(
                "inventory.fetched",
                lambda event, payload: self.seen.append(payload),
                direction="in",
                feed="file",
            )
        )

    @contextmanager
    def handled(self, seen):
        """While the block runs, the handler appends its payloads to ``seen``."""
        outer, self.seen = self.seen, seen
        try:
            yield
        finally:
            self.seen = outer


@tagged("post_install", "-at_install")
class TestPayloadStorage(PayloadCase):
    def test_json_stays_in_the_row_as_before(self):
        event, _created = self.receive(canonical_order("9001"))
        self.assertEqual(event.payload_format, "json")
        self.assertFalse(event.payload_in_file)
        self.assertFalse(event.sudo().payload_file)
        self.assertEqual(event._raw_data()["external_id"], "9001")
        self.assertEqual(event.payload_size, len(event.sudo().payload_raw.encode()))

    def test_a_50_mb_846_goes_to_a_file_and_is_processed(self):
        body, items = x12_846(50 * 1024 * 1024)
        self.assertGreaterEqual(len(body), 50 * 1024 * 1024 - len(ITEM))
        event = self.receive_raw(body, "x12", "846-big")
        del body  # noqa: F821 - the event holds it now
        self.assertTrue(event.payload_in_file)
        attachment = event._payload_attachment()
        self.assertEqual(attachment.res_model, "integration.event")
        self.assertEqual(attachment.res_id, event.id)
        self.assertEqual(attachment.res_field, "payload_file")
        self.assertFalse(attachment.public)
        self.assertEqual(attachment.mimetype, "application/octet-stream")
        self.assertFalse(attachment.index_content and len(attachment.index_content) > 100)
        # the event row holds a preview and the size, not 50 MB
        length, size = self.column_length(event)
        self.assertLess(length, 10_000)
        self.assertEqual(size, attachment.file_size)
        self.assertIn("in the attached file", event.sudo().payload_raw)

        seen = []
        with self.handled(seen):
            self.process(event)
        self.assertEqual(event.state, "done", event.error_message)
        interchange = seen[0]
        self.assertEqual(interchange.problems, [])
        # the handler got all of it (walking 2 million segments in Python is the handler's choice)
        self.assertEqual(len(interchange.text), size)
        self.assertEqual(interchange.text.count("~LIN*"), items)
        self.assertEqual(next(interchange.segments()).element(13), "000000846")

        # an integration user sees the masked pretty view, cut, not the file
        as_user = event.with_user(self.user)
        shown = as_user.payload_pretty_masked
        self.assertIn("# X12: element separator '*'", shown)
        self.assertIn("N1*WH*XXX*9*0123456789012~", shown)
        self.assertIn("PER*IC*XXX*TE*XXX42*EM*jXXX@example.com~", shown)
        self.assertIn("LIN**SK*SKU-0001*UP*012345678905~", shown)
        for personal in ("JANE", "PRIVATE LANE", "SPRINGFIELD", "jane@"):
            self.assertNotIn(personal, shown)
        self.assertLess(len(shown), 200_000)
        self.assertIn("more not shown", shown)
        self.assertEqual(as_user.payload_raw_masked, shown)
        with self.assertRaises(AccessError):
            as_user.read(["payload_file"])
        with self.assertRaises(AccessError):
            as_user.read(["payload_pretty"])
        with self.assertRaises(AccessError):
            self.env["ir.attachment"].with_user(self.user).browse(attachment.id).read(["raw"])
        # a manager reads the pretty view unmasked and downloads the file
        as_manager = event.with_user(self.manager)
        self.assertIn("N1*WH*JANE WAREHOUSE KEEPER*9*0123456789012~", as_manager.payload_pretty)
        data = self.env["ir.attachment"].with_user(self.manager).browse(attachment.id).raw
        self.assertEqual(hashlib.sha1(data).hexdigest(), attachment.checksum)
        self.assertEqual(len(data), size)

    def test_threshold_is_a_system_parameter(self):
        self.env["ir.config_parameter"].sudo().set_param(THRESHOLD_PARAM, "100")
        small = self.receive_raw("a,b\n1,2\n", "csv", "csv-small")
        self.assertFalse(small.payload_in_file)
        large = self.receive_raw("sku,email\n" + "W-1,jane@example.com\n" * 10, "csv", "csv-large")
        self.assertTrue(large.payload_in_file)
        self.assertEqual(large._raw_data().records()[0]["email"], "jane@example.com")
        self.assertNotIn("jane", large.with_user(self.user).payload_pretty_masked)

    def test_bytes_survive_byte_exact(self):
        body = bytes(range(256)) + b"\x00\xff\xfe" + "é".encode("latin-1")
        event = self.receive_raw(body, "bytes", "bin-1")
        self.assertTrue(event.payload_in_file, "not UTF-8: a text column cannot hold it")
        self.assertEqual(event._payload_bytes(), body)
        self.assertEqual(event._raw_data(), body)
        self.assertEqual(event.payload_size, len(body))
        self.assertIn("binary payload", event.sudo().payload_raw)
        masked = event.with_user(self.user).payload_pretty_masked
        self.assertIn(f"{len(body)} bytes", masked)
        self.assertIn("content hidden", masked)
        self.assertIn("00000000  00 01 02 03", event.with_user(self.manager).payload_pretty)
        # UTF-8 text in bytes stays in the row, and comes back the same
        text = "ligne 1\r\nligne 2 é\n".encode()
        event = self.receive_raw(text, "bytes", "bin-2")
        self.assertFalse(event.payload_in_file)
        self.assertEqual(event._payload_bytes(), text)

    def test_each_format_is_parsed_for_processing(self):
        cases = {
            "xml": (
                b"<stock><item sku='W-1'><qty>3</qty></item></stock>",
                lambda p: p.find("item").get("sku"),
            ),
            "csv": (b"sku,qty\nW-1,3\n", lambda p: p.records()[0]["sku"]),
            "edifact": (
                b"UNB+UNOA:3+A+B+240101:1200+1'UNH+1+INVRPT:D:96A:UN'LIN+1++W-1:SA'UNT+3+1'UNZ+1+1'",
                lambda p: [s.tag for s in p.segments()][2],
            ),
        }
        for payload_format, (body, read) in cases.items():
            event = self.receive_raw(body, payload_format, f"fmt-{payload_format}")
            seen = []
            with self.handled(seen):
                self.process(event)
            self.assertEqual(event.state, "done", event.error_message)
            self.assertIn(read(seen[0]), ("W-1", "LIN"), payload_format)

    def test_a_malformed_payload_fails_with_its_position(self):
        event = self.receive_raw(ISA + "ST*846*0001~BIA*00", "x12", "x12-bad")
        with self.handled([]):
            self.process(event)
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.error_category, "validation")
        self.assertIn("segment 3 at offset 118", event.error_message)
        # users get no quote of the payload, managers see the error and the text
        self.assertIn("not valid X12", event.with_user(self.user).payload_pretty_masked)
        self.assertNotIn("BIA", event.with_user(self.user).payload_pretty_masked)
        self.assertIn("BIA*00", event.with_user(self.manager).payload_pretty)

    def test_xml_entities_are_not_expanded_in_views(self):
        xxe = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
        event = self.receive_raw(xxe, "xml", "xml-xxe")
        self.assertNotIn("root:", event.with_user(self.manager).payload_pretty)
        self.assertIn("declare entities are refused", event.with_user(self.manager).payload_pretty)

    def test_same_large_payload_twice_is_one_event_one_file(self):
        body, _items = x12_846(300 * 1024)
        first = self.receive_raw(body, "x12", "846-twice")
        again, created = self.env["integration.event"]._receive(
            self.backend, "inventory.fetched", body, "846-twice", payload_format="x12"
        )
        self.assertFalse(created)
        self.assertEqual(again, first)
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "integration.event"),
                    ("res_field", "=", "payload_file"),
                    ("res_id", "=", first.id),
                ]
            )
        )
        self.assertEqual(len(attachments), 1)


@tagged("post_install", "-at_install")
class TestPayloadRetention(PayloadCase):
    def _old_large_event(self, key):
        body, _items = x12_846(300 * 1024)
        event = self.receive_raw(body, "x12", key)
        event.write({"state": "done"})
        when = fields.Datetime.now() - timedelta(days=40)
        self.env.flush_all()
        self.env.cr.execute("UPDATE integration_event SET create_date = %s WHERE id = %s", [when, event.id])
        event.invalidate_recordset()
        return event, event._payload_attachment()

    def test_delete_mode_removes_the_file(self):
        self.backend.write({"retention_days": 30, "retention_mode": "delete"})
        event, attachment = self._old_large_event("846-old")
        self.assertTrue(attachment)
        self.env["integration.backend"]._cron_purge_events()
        self.assertFalse(event.exists())
        self.assertFalse(attachment.exists())

    def test_strip_mode_removes_the_file(self):
        self.backend.write({"retention_days": 30, "retention_mode": "strip"})
        event, attachment = self._old_large_event("846-strip")
        self.env["integration.backend"]._cron_purge_events()
        self.assertTrue(event.exists())
        self.assertTrue(event.payload_stripped)
        self.assertFalse(attachment.exists())
        self.assertFalse(event.payload_in_file)
        self.assertEqual(event._payload_bytes(), b"")
        self.assertFalse(event.with_user(self.user).payload_pretty_masked)
