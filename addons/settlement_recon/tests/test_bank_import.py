"""Bank statement files: booked entries in, duplicates out, balances continuous,
unreadable files kept with the reader's reason; SFTP pickup."""

import base64

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.integration_core.tests.common import sandbox_package

from .bank_common import BankCase, camt053, mt940


@tagged("post_install", "-at_install")
class TestBankImport(BankCase):
    def test_booked_entries_only_with_their_fields(self):
        data = camt053(
            [
                ("50.00", "BOOK", "E2E-1", "STRIPE PAYOUT one"),
                ("20.00", "PDNG", "E2E-2", "pending one"),
                ("-7.50", "BOOK", "E2E-3", "bank fee"),
            ]
        )
        record = self.import_file(data, "camt.xml")
        self.assertEqual(record.state, "imported", record.error_reason)
        self.assertEqual(record.file_format, "camt.053.001.02")
        self.assertEqual((record.line_count, record.skipped_count, record.duplicate_count), (2, 1, 0))
        self.assertEqual(record.statement_ids.journal_id, self.bank_journal)  # found by its IBAN
        self.assertAlmostEqual(record.statement_ids.balance_start, 100.0)
        self.assertAlmostEqual(record.statement_ids.balance_end_real, 142.5)
        first = record.line_ids.filtered(lambda line: line.amount == 50.0)
        self.assertEqual(first.end_to_end_id, "E2E-1")
        self.assertEqual(first.bank_reference, "ACC-1")
        self.assertEqual(first.remittance, "STRIPE PAYOUT one")
        self.assertEqual(first.payment_ref, "STRIPE PAYOUT one")
        self.assertTrue(first.bank_entry_key.startswith("v1|NL91ABNA0417164300|USD|booked|2024-05-03|50|"))
        self.assertEqual(base64.b64decode(record.data), data)

    def test_a_file_imported_before_is_refused_and_nothing_written(self):
        data = mt940([("10.00", "E-1", "first", "ACME")])
        first = self.import_file(data, "may.sta")
        before = self.Files.search_count([])
        with self.assertRaises(UserError) as caught:
            self.import_file(data.replace(b"\n", b"\r\n"), "may-again.sta")  # CRLF: the same file
        self.assertIn("may.sta", str(caught.exception))
        self.assertEqual(self.Files.search_count([]), before)
        self.assertEqual(len(first.line_ids), 1)

    def test_a_line_another_file_imported_is_skipped_as_a_duplicate(self):
        self.import_file(mt940([("10.00", "E-1", "first", "ACME", "BANKREF-1")]))
        second = self.import_file(
            mt940(
                [
                    ("10.00", "E-1", "first", "ACME", "BANKREF-1"),
                    ("5.00", "E-2", "second", "ACME", "BANKREF-2"),
                ],
                opening="110.00",
                statement_id="STMT-2",
            )
        )
        self.assertEqual((second.line_count, second.duplicate_count), (1, 1))
        self.assertEqual(second.line_ids.end_to_end_id, "E-2")
        lines = self.env["account.bank.statement.line"].search([("journal_id", "=", self.bank_journal.id)])
        self.assertEqual(sorted(lines.mapped("amount")), [5.0, 10.0])

    def test_a_gap_in_the_balances_is_refused_with_both_figures(self):
        self.import_file(mt940([("96.37", "E-1", "first", "ACME")]))  # closes at 196.37
        with self.assertRaises(UserError) as caught:
            self.import_file(
                mt940([("1.00", "E-9", "later", "ACME")], opening="150.00", statement_id="STMT-3")
            )
        message = str(caught.exception)
        self.assertIn("150.00", message)
        self.assertIn("196.37", message)
        self.assertEqual(self.Files.search_count([("name", "=", "statement.sta")]), 1)

    def test_an_unreadable_file_is_kept_in_error_with_the_readers_reason(self):
        data = mt940([("10.00", "E-1", "first", "ACME")]).replace(b":61:240503", b":61:24X503")
        record = self.import_file(data, "broken.sta")
        self.assertEqual(record.state, "error")
        self.assertIn("broken.sta", record.error_location)
        self.assertIn(":61:", record.error_location)
        self.assertTrue(record.error_reason)
        self.assertEqual(base64.b64decode(record.data), data)
        self.assertFalse(record.line_ids)

    def test_a_file_uploaded_in_the_form_is_imported_by_its_button(self):
        data = mt940([("8.00", "E-8", "upload", "ACME")])
        record = self.Files.create({"name": "upload.sta", "data": base64.b64encode(data)})
        self.assertEqual(record.state, "draft")
        record.action_import()
        self.assertEqual((record.state, record.line_count), ("imported", 1))
        self.assertEqual(record.line_ids.journal_id, self.bank_journal)

    def test_a_statement_for_an_unknown_account_is_refused(self):
        with self.assertRaises(UserError) as caught:
            self.import_file(mt940([("1.00", "E-1", "x", "ACME")], account="DE89370400440532013000"))
        self.assertIn("DE89370400440532013000", str(caught.exception))


def sftp_sandbox():
    """The in-process SFTP server of the repository's tests/sandbox."""
    return sandbox_package("sftp").SftpSandbox


@tagged("post_install", "-at_install")
class TestBankPickup(BankCase):
    """A bank backend picks its files up from the in-process SFTP server
    through channel_edi's transport."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = sftp_sandbox()()
        cls.server.start()
        cls.addClassCleanup(cls.server.close)
        cls.server.add_user("bankco", password="s3cret")
        cls.bank = cls.env["integration.backend"].create(
            {"name": "Test bank", "backend_type": "bank", "company_id": cls.company.id}
        )
        cls.env["trading.partner.endpoint"].create(
            {
                "backend_id": cls.bank.id,
                "environment": cls.bank.environment,
                "transport": "sftp",
                "sftp_host": cls.server.host,
                "sftp_port": cls.server.port,
                "sftp_username": "bankco",
                "sftp_host_key": cls.server.host_key.public_line,
                "sftp_inbound_dir": "/outbound",
            }
        )
        cls.bank._set_secret("sftp_password", "s3cret")

    def test_pickup_imports_each_file_and_removes_it_after_the_commit(self):
        self.assertEqual(self.bank._flow("bank_file_pickup").topics, "bank_file.pickup")
        good = mt940([("10.00", "E-1", "first", "ACME")])
        self.server.deliver("bankco", "day1.sta", good, folder="outbound")
        self.server.deliver("bankco", "junk.sta", b"not a statement", folder="outbound")
        event = self.bank._enqueue_topic("bank_file.pickup", {})
        self.run_job(event.job_id)
        event.invalidate_recordset()
        self.assertEqual(event.state, "done", event.error_message)
        files = self.Files.search([("backend_id", "=", self.bank.id)])
        self.assertEqual(sorted(files.mapped("name")), ["day1.sta", "junk.sta"])
        day1 = files.filtered(lambda f: f.name == "day1.sta")
        self.assertEqual((day1.state, day1.source, day1.line_count), ("imported", "sftp:day1.sta", 1))
        self.assertEqual(files.filtered(lambda f: f.name == "junk.sta").state, "error")
        self.assertIn("day1.sta", self.server.listing("bankco", "outbound"))  # not committed yet
        self.env.cr.postcommit.run()
        self.assertEqual(self.server.listing("bankco", "outbound"), {})
        # the same file again: skipped, removed all the same
        self.server.deliver("bankco", "day1-again.sta", good, folder="outbound")
        again = self.bank._enqueue_topic("bank_file.pickup", {})
        self.run_job(again.job_id)
        self.assertEqual(self.Files.search_count([("backend_id", "=", self.bank.id)]), 2)
        self.env.cr.postcommit.run()
        self.assertEqual(self.server.listing("bankco", "outbound"), {})
