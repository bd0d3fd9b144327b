"""The sandbox's fault controls that scripts/chaos drives: a share of
faulty calls and an outage window, next to the plan of the next N calls."""

import time

import requests

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


def test_outage_fails_every_call_until_it_ends(shop):
    shop.start_outage(0.5, status=502)
    assert [call(shop).status_code for _ in range(3)] == [502, 502, 502]
    assert shop.state()["faulted"] == {"outage": 3}
    time.sleep(0.6)
    assert call(shop).status_code == 200


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
