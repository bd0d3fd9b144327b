"""The demo shop of scripts/run: no fixed secrets (they are the demo
backend's, random per database, passed in by scripts/run), and a pause the
measuring scripts use."""

import requests
from sandbox.shopify import DemoShop, ShopifySandbox, serve_demo


def test_demo_shop_has_random_secrets_and_pauses():
    one, two = DemoShop(seed=False), DemoShop(seed=False)
    assert one.client_secret != two.client_secret and one.access_token != two.access_token
    assert "demo" not in one.client_secret
    with DemoShop(client_secret="from-the-database", access_token="shpat_x") as shop:
        assert shop.client_secret == "from-the-database"
        paused = requests.post(f"{shop.base_url}/_sandbox/demo", json={"paused": True}, timeout=5).json()
        assert paused == {"paused": True} and shop.paused.is_set()
        state = requests.get(f"{shop.base_url}/_sandbox/demo", timeout=5).json()
        assert state == {"paused": True}
        requests.post(f"{shop.base_url}/_sandbox/demo", json={"paused": False}, timeout=5)
        assert not shop.paused.is_set()


def test_demo_mode_requires_the_backends_secrets():
    assert serve_demo(["--demo", "--port", "0"], environ={}) == 2


def test_plain_sandbox_keeps_its_test_defaults():
    assert ShopifySandbox(seed=False).client_secret == ShopifySandbox(seed=False).client_secret
