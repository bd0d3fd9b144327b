"""The circuit breaker during event processing and a long outage of the
remote system (hardening, items 12 and 13), through the generic backend's
``payload.export`` topic against a real HTTP server on loopback."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import IntegrationCase, LocalHTTPServer, perform_job


@tagged("post_install", "-at_install")
class TestCircuitDuringProcessing(IntegrationCase):
    def export(self, backend, number):
        event, _c = self.env["integration.event"]._receive(
            backend,
            topic="payload.export",
            payload={"n": number},
            idempotency_key=f"export-{number}",
            direction="out",
        )
        return event

    def test_circuit_breaker_opens_during_event_processing(self):
        """The breaker's state was saved inside the handler's savepoint and
        rolled back with the failed handler: it never opened."""
        with LocalHTTPServer() as server:
            server.responder = lambda request: (503, {}, {"error": "down"}, 0)
            self.backend.write(
                {"api_url": server.url, "circuit_threshold": 1, "circuit_cool_down": 600, "rate_limit": 0}
            )
            events = [self.export(self.backend, n) for n in range(3)]
            for event in events:
                self.process(event)
            self.assertEqual(len(server.requests), 1, "after the first 503, the circuit stops the calls")
        self.assertEqual(self.backend.circuit_state, "open")
        self.assertEqual([e.state for e in events], ["queued"] * 3)
        self.assertEqual(events[0].attempts, 1)
        self.assertEqual([e.attempts for e in events[1:]], [0, 0], "waiting on an open circuit is free")
        self.assertIn("paused", events[1].error_message)


@tagged("post_install", "-at_install")
class TestLongOutage(IntegrationCase):
    def test_two_hour_outage_kills_nothing(self):
        """With 6 attempts and 30-480 s of backoff, an outage of about 16
        minutes killed every event. Now: circuit waits are free and the
        backoff grows to hours; a 2-hour outage (frozen, jumped clock) leaves
        every event alive, and all are done after recovery."""
        Backend = self.env["integration.backend"]
        backend = Backend.create(
            {
                "name": "Outage feed",
                "company_id": self.company.id,
                "rate_limit": 0,
                "circuit_cool_down": 600,
                "user_id": self.env.uid,
            }
        )
        self.assertEqual(backend.max_attempts, 10)
        start = datetime(2026, 1, 5, 8, 0, 0)
        recovery = start + timedelta(hours=2)
        clock = {"now": start}
        with LocalHTTPServer() as server:

            def answer(request):
                if clock["now"] < recovery:
                    return 503, {}, {"error": "maintenance"}, 0
                return 200, {}, {"ok": True}, 0

            server.responder = answer
            backend.api_url = server.url
            with freeze_time(start):
                events = [
                    self.env["integration.event"]._receive(
                        backend, "payload.export", {"n": n}, f"outage-{n}", direction="out"
                    )[0]
                    for n in range(3)
                ]
                for event in events:
                    event._enqueue()
            runs = 0
            dead_seen = 0
            for _step in range(2000):
                Job = self.env["queue.job"]
                pending = Job.search(
                    [("state", "=", "pending"), ("model_name", "=", "integration.event")], order="eta, id"
                )
                if not pending:
                    break
                due = pending.filtered(lambda j: not j.eta or j.eta <= clock["now"])
                if not due:
                    clock["now"] = min(j.eta for j in pending)
                    continue
                with freeze_time(clock["now"]):
                    for job in due:
                        perform_job(self.env, job)
                        runs += 1
                dead_seen += sum(1 for e in events if e.state == "dead")
            requests_during_outage = len(server.requests)
        self.assertEqual(dead_seen, 0, "nothing died during the outage")
        self.assertEqual([e.state for e in events], ["done"] * 3)
        self.assertGreaterEqual(clock["now"], recovery)
        self.assertTrue(all(e.attempts <= 9 for e in events), [e.attempts for e in events])
        # the circuit kept the calls few: about one probe per cool-down, not one per event and retry
        self.assertLess(requests_during_outage, 40)
        self.assertGreater(runs, 3)
