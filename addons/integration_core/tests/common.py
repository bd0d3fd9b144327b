"""Shared set-up for integration_core's tests and the channel addons' tests.

- ``IntegrationCase``: a TransactionCase with an encryption key, a generic
  backend, two stockable products with SKUs, a 10 % sales tax, and helpers to
  build canonical orders and run the jobs an action enqueued.
- ``LocalHTTPServer``: a real HTTP server on 127.0.0.1 answering what a test
  scripts, for the client's failure paths (429, 5xx, slow answers).
"""

import importlib
import json
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from unittest.mock import patch

from cryptography.fernet import Fernet

from odoo.tests import TransactionCase
from odoo.tools import config

from odoo.addons.queue_job.job import Job

from ..lib.topics import Topic, TopicTable

TEST_KEY = Fernet.generate_key().decode()
REPO_TESTS = Path(__file__).resolve().parents[3] / "tests"


def sandbox_package(name):
    """``sandbox.<name>``, a sandbox peer of the repository's tests/sandbox:
    Odoo tests that talk to a peer need it, and fail clearly without it."""
    if not (REPO_TESTS / "sandbox" / name / "__init__.py").is_file():
        raise RuntimeError(
            f"The sandbox peer {name!r} is not at {REPO_TESTS / 'sandbox'}: run these tests from the "
            "integration suite's repository (scripts/test)."
        )
    if str(REPO_TESTS) not in sys.path:
        sys.path.insert(0, str(REPO_TESTS))
    return importlib.import_module(f"sandbox.{name}")


class CapturedWebhooks:
    """Stands in for a sandbox's webhook deliverer: every delivery is kept
    and answered 200; the test hands them to Odoo's webhook path itself
    (``backend._webhook_receive(headers, body)``), signatures and all."""

    def __init__(self):
        self.posted = []

    def post(self, url, body, headers, timeout=None):
        self.posted.append((url, body, headers))
        return {"status": 200, "error": None}

    def deliver(self, url, body, headers, *, times=1, timeout=None):
        return [dict(self.post(url, body, headers, timeout), headers=dict(headers)) for _ in range(times)]

    def take(self):
        posted, self.posted = self.posted, []
        return posted


def generic_topics_patch(env, **directions):
    """A patcher giving generic backends' tables more topics (``name="in"``
    or ``"out"``, fed by hand, handled by nothing): for tests of events whose
    processing is not what they test (the trace view, payload storage)."""
    Backend = type(env["integration.backend"])
    table = TopicTable(
        list(Backend._generic_topics(env["integration.backend"]))
        + [Topic(name, direction, "manual", "_test_topic_apply") for name, direction in directions.items()]
    )
    return patch.object(Backend, "_generic_topics", lambda _backend: table)


def canonical_order(external_id="1001", **overrides):
    order = {
        "schema_version": 1,
        "external_id": str(external_id),
        "name": f"#{external_id}",
        "currency": "USD",
        "taxes_included": False,
        "updated_at": "2024-05-01T10:00:00+00:00",
        "customer": {
            "external_id": f"C-{external_id}",
            "name": "Ada Lovelace",
            "email": f"ada{external_id}@example.com",
            "phone": "+1 555 0100",
        },
        "billing_address": {
            "name": "Ada Lovelace",
            "street": "1 Analytical Way",
            "city": "Springfield",
            "zip": "12345",
            "country_code": "US",
        },
        "shipping_address": {
            "name": "Ada Lovelace",
            "street": "7 Warehouse Road",
            "city": "Shelbyville",
            "zip": "54321",
            "country_code": "US",
        },
        "lines": [
            {
                "external_id": f"{external_id}-1",
                "sku": "INT-WIDGET",
                "name": "Widget",
                "quantity": 2,
                "unit_price": 50.0,
                "taxes": [{"title": "Sales Tax", "rate": 0.1, "amount": 10.0}],
            },
            {
                "external_id": f"{external_id}-2",
                "sku": "INT-GADGET",
                "name": "Gadget",
                "quantity": 1,
                "unit_price": 30.0,
                "taxes": [{"title": "Sales Tax", "rate": 0.1, "amount": 3.0}],
            },
        ],
        "shipping_lines": [{"title": "Standard", "price": 5.0, "taxes": []}],
        "discounts": [],
        "totals": {"subtotal": 130.0, "tax": 13.0, "shipping": 5.0, "discount": 0.0, "total": 148.0},
        "financial_status": "paid",
        "tags": ["web"],
    }
    order.update(overrides)
    return order


class IntegrationCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.startClassPatcher(patch.dict(config.options, {"integration_encryption_key": TEST_KEY}))
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.usd = cls.env.ref("base.USD")
        cls.usd.active = True
        cls.tax_10 = cls.env["account.tax"].create(
            {
                "name": "Sales 10% (test)",
                "amount": 10.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )
        cls.pricelist_usd = cls.env["product.pricelist"].create(
            {"name": "USD (test)", "currency_id": cls.usd.id, "company_id": cls.company.id}
        )
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.backend = cls.env["integration.backend"].create(
            {
                "name": "Test feed",
                "backend_type": "generic",
                "company_id": cls.company.id,
                "warehouse_id": cls.warehouse.id,
                "pricelist_id": cls.pricelist_usd.id,
                "max_attempts": 3,
                "retry_base_delay": 30,
            }
        )
        Product = cls.env["product.product"]
        cls.widget = Product.create(
            {
                "name": "Widget",
                "default_code": "INT-WIDGET",
                "type": "product",
                "list_price": 50.0,
                "barcode": "1234567890128",
            }
        )
        cls.gadget = Product.create(
            {"name": "Gadget", "default_code": "INT-GADGET", "type": "product", "list_price": 30.0}
        )

    # ------------------------------------------------------------------------------

    def receive(self, payload, key=None, topic="order.import", backend=None, canonical_payload=None):
        backend = backend or self.backend
        key = key or f"key-{payload.get('external_id')}"
        return self.env["integration.event"]._receive(
            backend,
            topic=topic,
            payload=payload,
            idempotency_key=key,
            external_id=payload.get("external_id"),
            canonical_payload=canonical_payload,
        )

    @classmethod
    def add_generic_topics(cls, **directions):
        """For the whole class, generic backends' tables have more topics
        (see generic_topics_patch)."""
        cls.startClassPatcher(generic_topics_patch(cls.env, **directions))

    @contextmanager
    def topic_handled_by(self, topic, apply, direction="out", backend=None, feed="manual", **row):
        """While the block runs, the backend's table has one more ``topic``
        whose apply is ``apply(event, data)`` (a test double of a channel's
        handler, e.g. one calling a scripted HTTP server); ``row``: more
        columns of its row (kind, mapper...)."""
        backend = backend or self.backend
        Backend = type(backend)
        table = TopicTable(
            [t for t in backend._topics() if t.name != topic]
            + [Topic(topic, direction, feed, "_test_topic_apply", **row)]
        )
        hook = f"_{backend.backend_type}_topics"
        with (
            patch.object(Backend, hook, lambda _backend: table),
            patch.object(
                Backend, "_test_topic_apply", lambda _backend, event, data: apply(event, data), create=True
            ),
        ):
            yield table

    def process(self, event):
        """Enqueue the event, then run its job as the job runner would."""
        event._enqueue()
        self.run_job(event.job_id)
        event.invalidate_recordset()
        return event

    def run_job(self, record):
        return perform_job(self.env, record)

    def run_jobs(self, limit=100):
        return run_pending_jobs(self.env, limit=limit)

    def dispatch_jobs(self, backend=None):
        return dispatch_jobs(self.env, backend or self.backend)

    def dispatch_deliveries(self, backend=None):
        return dispatch_deliveries(self.env, backend or self.backend)

    def orders_for(self, external_id, backend=None):
        binding = self.env["integration.binding"]._find(backend or self.backend, "sale.order", external_id)
        return binding._record() if binding else self.env["sale.order"]


def perform_job(env, record):
    """Run one queue.job record the way queue_job's /queue_job/runjob does."""
    job = Job.load(env, record.uuid)
    job.set_started()
    job.store()
    result = job.perform()
    job.set_done(result=result)
    job.store()
    env.flush_all()  # what runjob's commit would make visible to SQL
    return result


def dispatch_jobs(env, backend=None):
    """The pending dispatch jobs (of ``backend``) that give webhook
    deliveries their jobs (integration_event_intake.py)."""
    jobs = env["queue.job"].search(
        [("state", "=", "pending"), ("method_name", "=", "_dispatch_deliveries")], order="id"
    )
    return jobs.filtered(lambda job: job.records == backend) if backend else jobs


def dispatch_deliveries(env, backend=None):
    """Run the pending dispatch jobs (of ``backend``), ignoring their eta:
    the webhook deliveries waiting for their jobs get them. Returns the
    dispatch jobs run."""
    jobs = dispatch_jobs(env, backend)
    for job in jobs:
        perform_job(env, job)
    return jobs


def run_pending_jobs(env, limit=100):
    """Run pending integration jobs one by one, oldest first, ignoring their
    eta, including the ones they enqueue (and the dispatch jobs of webhook
    deliveries). Returns the queue.job records run."""
    ran = env["queue.job"]
    for _i in range(limit):
        record = env["queue.job"].search(
            [
                ("state", "=", "pending"),
                "|",
                ("model_name", "=", "integration.event"),
                ("method_name", "=", "_dispatch_deliveries"),
                ("id", "not in", ran.ids),
            ],
            order="id",
            limit=1,
        )
        if not record:
            break
        perform_job(env, record)
        ran |= record
    return ran


class _ScriptedHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self):
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        server.requests.append(
            {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
        )
        if server.responder is not None:
            status, headers, payload, delay = server.responder(server.requests[-1])
        else:
            status, headers, payload, delay = server.script.pop(0) if server.script else (200, {}, {}, 0)
        if delay:
            time.sleep(delay)
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _answer


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that timed out and hung up is part of the script."""


@contextmanager
def LocalHTTPServer(script=()):
    """Yield a server on 127.0.0.1; ``server.script`` is a list of
    (status, headers, payload, delay) answered in order, then 200 {};
    ``server.responder``, when set, answers every request instead."""
    server = _QuietServer(("127.0.0.1", 0), _ScriptedHandler)
    server.script = list(script)
    server.responder = None  # or a callable: request -> (status, headers, payload, delay)
    server.requests = []
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
