"""The fault plan of the sandbox peers: planned faults, a random share, an
outage window on an injected clock, and the control request's order."""

import pytest
from sandbox.peer import DEFAULT_RANDOM_FAULTS, FaultPlan, ManualClock, fault_label


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def plan(clock):
    return FaultPlan(clock=clock, wait=clock.wait)


def test_no_fault_by_default(plan):
    assert plan.next() is None
    assert plan.pending == 0 and plan.rate == 0.0 and plan.outage_remaining() == 0.0


def test_planned_faults_come_in_turn_for_count_calls(plan):
    plan.inject([{"status": 502}, {"status": 429, "retry_after": 1}], count=3)
    assert plan.pending == 3
    assert [plan.next() for _ in range(4)] == [
        {"status": 502},
        {"status": 429, "retry_after": 1},
        {"status": 502},
        None,
    ]


def test_one_call_per_fault_without_count_and_nothing_for_an_empty_list(plan):
    plan.inject([])
    assert plan.pending == 0
    fault = {"delay": 6}
    plan.inject([fault])
    fault["delay"] = 99  # the plan keeps its own copy
    assert plan.next() == {"delay": 6}
    assert plan.next() is None


def test_outage_answers_every_call_until_the_clock_passes_its_end(plan, clock):
    plan.inject([{"status": 500}])
    plan.start_outage(30, status=502)
    assert plan.next() == {"status": 502, "outage": True}
    assert plan.next() == {"status": 502, "outage": True}
    assert plan.outage_status() == 502
    clock.advance(29.5)
    assert plan.outage_remaining() == pytest.approx(0.5)
    clock.advance(0.5)
    assert plan.outage_status() is None
    assert plan.next() == {"status": 500}  # the plan was kept for after the outage


def test_zero_seconds_ends_an_outage(plan):
    plan.start_outage(60)
    plan.start_outage(0)
    assert plan.next() is None


def test_random_share_is_repeatable_with_a_seed_and_comes_after_the_plan(plan):
    plan.set_rate(0.5, [{"status": 503}], seed=7)
    first = [plan.next() for _ in range(40)]
    plan.set_rate(0.5, [{"status": 503}], seed=7)
    assert [plan.next() for _ in range(40)] == first
    assert {tuple(sorted(fault.items())) for fault in first if fault} == {(("random", True), ("status", 503))}
    assert 5 < sum(1 for fault in first if fault) < 35
    plan.inject([{"status": 400}])
    assert plan.next() == {"status": 400}


def test_rate_one_always_faults_from_the_default_list_and_zero_stops(plan):
    plan.set_rate(1, seed=1)
    drawn = [plan.next() for _ in range(50)]
    assert all(fault["random"] for fault in drawn)
    assert {fault_label(fault) for fault in drawn} <= {"429", "500", "502", "503", "delay"}
    assert len(DEFAULT_RANDOM_FAULTS) == 5
    plan.set_rate(0)
    assert plan.next() is None


@pytest.mark.parametrize("rate", [-0.1, 1.5, "2"])
def test_a_rate_outside_zero_to_one_is_refused(plan, rate):
    with pytest.raises(ValueError):
        plan.set_rate(rate)
    assert plan.rate == 0.0


def test_clear_drops_plan_rate_and_outage(plan):
    plan.inject([{"status": 500}], count=5)
    plan.set_rate(1)
    plan.start_outage(10)
    plan.clear()
    assert plan.next() is None
    assert (plan.pending, plan.rate, plan.outage_remaining()) == (0, 0.0, 0.0)


def test_configure_applies_a_control_request_in_order(plan, clock):
    seen = []

    def extra(data):
        seen.append((plan.pending, plan.rate))  # after the plan, before random and outage

    plan.inject([{"status": 500}])
    plan.configure(
        {
            "clear": True,
            "faults": [{"status": 502}],
            "count": 2,
            "random": {"rate": 0.25, "seed": 3},
            "outage": {"seconds": 5, "status": 504},
        },
        extra,
    )
    assert seen == [(2, 0.0)]
    assert plan.rate == 0.25
    assert plan.next() == {"status": 504, "outage": True}
    clock.advance(5)
    assert plan.next() == {"status": 502}


def test_configure_keeps_what_came_before_a_bad_value(plan):
    with pytest.raises(ValueError):
        plan.configure({"faults": [{"status": 503}], "random": {"rate": 3}})
    assert plan.pending == 1 and plan.rate == 0.0


def test_reset_forgets_everything(plan):
    plan.inject([{"status": 500}])
    plan.set_rate(1)
    plan.start_outage(10)
    plan.reset()
    assert plan.next() is None


@pytest.mark.parametrize(
    ("fault", "label"),
    [
        ({"status": 503, "outage": True}, "outage"),
        ({"status": 429, "retry_after": 2}, "429"),
        ({"delay": 30}, "delay"),
        ({"delay": 3, "status": 500}, "500"),
        ({"drop": True}, "drop"),
        ({"body": "<"}, "other"),
    ],
)
def test_fault_labels(fault, label):
    assert fault_label(fault) == label


def test_default_wait_is_cut_short_by_interrupt():
    plan = FaultPlan()
    plan.interrupt()
    assert plan.wait(3600) is True  # returns at once once interrupted
