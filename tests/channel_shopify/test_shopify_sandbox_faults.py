"""The sandbox's fault controls that scripts/chaos drives: a share of
faulty calls and an outage window, next to the plan of the next N calls."""

import requests
from sandbox.peer import ManualClock
from sandbox.shopify import ShopifySandbox

SHOP_QUERY = {"query": "{ shop { name } }"}


def call(shop):
    return requests.post(
        shop.graphql_url, json=SHOP_QUERY, headers={"X-Shopify-Access-Token": shop.access_token}, timeout=5
    )


def test_fault_rate_disturbs_about_that_share_of_calls(shop):
    shop.set_fault_rate(0.5, [{"status": 503}], seed=7)
    statuses = [call(shop).status_code for _ in range(200)]
    assert set(statuses) == {200, 503}
    assert 60 <= statuses.count(503) <= 140
    assert shop.state()["faulted"] == {"503": statuses.count(503)}
    shop.set_fault_rate(0)
    assert call(shop).status_code == 200


def test_outage_fails_every_call_until_it_ends():
    clock = ManualClock()  # the outage ends when the test says, not when a sleep does
    with ShopifySandbox(seed=False, clock=clock) as shop:
        shop.start_outage(0.5, status=502)
        assert [call(shop).status_code for _ in range(3)] == [502, 502, 502]
        assert shop.state()["faulted"] == {"outage": 3}
        clock.advance(0.5)
        assert call(shop).status_code == 200


def test_delays_wait_on_the_injected_clock_and_the_bucket_restores_by_it():
    clock = ManualClock()
    with ShopifySandbox(seed=False, clock=clock, wait=clock.wait, bucket_size=10, restore_rate=1) as shop:
        shop.inject_faults([{"delay": 30, "status": 503}, {"delay": 6}])
        assert call(shop).status_code == 503
        assert call(shop).json()["data"]["shop"]["name"]  # late, then answered
        assert clock.waits == [30.0, 6.0]
        shop.bucket.drain()
        throttled = call(shop).json()
        assert throttled["errors"][0]["extensions"]["code"] == "THROTTLED"
        assert throttled["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 0
        clock.advance(1)
        assert "errors" not in call(shop).json()
        assert shop.state()["faulted"] == {"503": 1, "delay": 1}


def test_fault_control_api(shop):
    base = shop.base_url
    answer = requests.post(
        f"{base}/_sandbox/faults",
        json={"random": {"rate": 1, "faults": [{"status": 429, "retry_after": 1}]}, "outage": {"seconds": 0}},
        timeout=5,
    ).json()
    assert answer == {"faults_pending": 0, "fault_rate": 1.0, "outage_remaining": 0.0}
    response = call(shop)
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    requests.post(f"{base}/_sandbox/faults", json={"outage": {"seconds": 30}}, timeout=5)
    assert call(shop).status_code == 503
    answer = requests.post(f"{base}/_sandbox/faults", json={"clear": True}, timeout=5).json()
    assert answer == {"faults_pending": 0, "fault_rate": 0.0, "outage_remaining": 0.0}
    assert call(shop).status_code == 200
    bad = requests.post(f"{base}/_sandbox/faults", json={"random": {"rate": 3}}, timeout=5)
    assert bad.status_code == 422
