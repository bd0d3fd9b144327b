"""GET /_sandbox/bank_movements on the payment provider peers: what the
merchant's bank sees of their payouts (scripts/demo-bank-statement reads it)."""

import time
from decimal import Decimal

import requests
from sandbox.paypal import PayPalSandbox
from sandbox.shopify import ShopifySandbox
from sandbox.shopify.payments import seed_payouts
from sandbox.stripe import StripeSandbox

DAY = 86400


def movements(sandbox):
    answer = requests.get(f"{sandbox.base_url}/_sandbox/bank_movements", timeout=5)
    assert answer.status_code == 200
    return answer.json()["movements"]


def test_stripe_gives_its_paid_and_failed_payouts_with_their_trace_ids_when_known():
    sandbox = StripeSandbox(now=time.time() - 40 * DAY, currencies=("usd",), seed=2)
    sandbox.seed_month(orders=40, start=int(time.time() - 40 * DAY), days=30, seed=2)
    sandbox.start()
    try:
        found = movements(sandbox)
    finally:
        sandbox.stop()
    assert found == sandbox.bank_movements()
    assert found and {m["status"] for m in found} <= {"paid", "failed"}
    assert all(m["currency"] == "USD" for m in found)
    assert any(m["trace_id"] for m in found if m["status"] == "paid")


def test_paypal_gives_its_withdrawals_with_their_bank_reference():
    sandbox = PayPalSandbox(now=time.time() - 40 * DAY, currencies=("USD",), seed=4)
    sandbox.seed_month(orders=40, start=int(time.time() - 40 * DAY), days=30, seed=4)
    sandbox.start()
    try:
        found = movements(sandbox)
    finally:
        sandbox.stop()
    assert found == sandbox.bank_movements()
    assert found and all(Decimal(m["amount"]) > 0 and m["bank_reference_id"] for m in found)


def test_shopify_gives_its_paid_payouts_on_their_arrival_day():
    shop = ShopifySandbox(seed=False)
    shop.add_location("Main Warehouse")
    shop.add_product("Tent", [{"sku": "TENT-2", "price": "100.00", "stock": 50}])
    result = seed_payouts(shop, start="2025-03-01", days=5)
    shop.start()
    try:
        found = movements(shop)
    finally:
        shop.stop()
    paid = {p["legacyResourceId"]: p for p in result["payouts"] if p["status"] == "PAID"}
    assert paid and {m["payout_id"] for m in found} == set(paid)
    for movement in found:
        payout = paid[movement["payout_id"]]
        assert Decimal(movement["amount"]) == Decimal(payout["net"]["amount"])
        assert movement["trace_id"] == payout["externalTraceId"]
        assert movement["date"] > payout["issuedAt"][:10]  # a day in transit
