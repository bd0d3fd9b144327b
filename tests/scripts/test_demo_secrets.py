"""scripts/demo_secrets.py: the one place the demo tools get the demo
backends' webhook tokens and secrets from (no database needed here)."""

import sys
from pathlib import Path

import pytest

from odoo.addons.integration_core.lib.crypto import SecretBox

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import demo_secrets  # noqa: E402


def test_key_from_environment_first_then_key_file(tmp_path):
    key_file = tmp_path / "encryption.key"
    key_file.write_text("file-key\n")
    assert demo_secrets.encryption_keys({"INTEGRATION_ENCRYPTION_KEY": "new,old"}, key_file) == ["new", "old"]
    assert demo_secrets.encryption_keys({}, key_file) == ["file-key"]
    with pytest.raises(demo_secrets.DemoSecretsError, match="no encryption key"):
        demo_secrets.encryption_keys({}, tmp_path / "missing.key")


def test_secret_box_is_the_addons_own_and_opens_its_tokens():
    key = SecretBox.generate_key()
    token = SecretBox([key]).encrypt("s3cret")
    assert demo_secrets.secret_box([key]).decrypt(token) == "s3cret"
    assert "odoo" not in type(demo_secrets.secret_box([key])).__module__


def test_connection_follows_lib_sh(monkeypatch):
    monkeypatch.delenv("PGHOST", raising=False)
    monkeypatch.setenv("EMBEDDED_PG_PORT", "55999")
    params = demo_secrets.connection_params("db")
    assert (params["host"], params["port"], params["user"], params["dbname"]) == (
        "127.0.0.1",
        55999,
        "odoo",
        "db",
    )
    monkeypatch.setenv("PGHOST", "db.internal")
    monkeypatch.setenv("PGUSER", "me")
    params = demo_secrets.connection_params("db")
    assert (params["host"], params["port"], params["user"]) == ("db.internal", 5432, "me")


def test_published_values_are_flagged():
    backend = demo_secrets.DemoBackend(
        "shopify", "db", 1, "Demo", True, "demo-shopify", None, {"client_secret": "x" * 40}
    )
    assert backend.published_values() == ["webhook_token"]
    assert backend.webhook_path() == "/integration/webhook/shopify/demo-shopify"
    assert "x" * 40 not in repr(backend)


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8071", True),
        ("http://localhost:18071/", True),
        ("https://demo.myshopify.com", False),
        ("", False),
        (None, False),
    ],
)
def test_only_loopback_urls_are_rewritten(url, loopback):
    assert demo_secrets.is_loopback_url(url) is loopback


def test_the_demo_3pl_is_a_known_peer_read_from_its_api_url():
    assert demo_secrets.DEMO_BACKENDS["tpl"] == ("tpl_connector.demo_backend_tpl", "api_url")


def test_shell_exports_give_the_3pl_sandbox_the_names_its_demo_reads():
    """tests/sandbox/tpl/demo.py reads TPL_DEMO_ACCESS_TOKEN (the backend's
    api_token), TPL_DEMO_WEBHOOK_TOKEN and TPL_DEMO_WEBHOOK_SECRET."""
    backend = demo_secrets.DemoBackend(
        "tpl",
        "db",
        7,
        "Demo 3PL (ShipBob)",
        True,
        "hook-token",
        "http://127.0.0.1:8074",
        {"api_token": "pat_abc", "webhook_secret": "whsec_" + "A" * 32},
    )
    values = demo_secrets.shell_values(backend)
    assert values == {
        "TPL_DEMO_WEBHOOK_TOKEN": "hook-token",
        "TPL_DEMO_URL": "http://127.0.0.1:8074",
        "TPL_DEMO_ACCESS_TOKEN": "pat_abc",
        "TPL_DEMO_WEBHOOK_SECRET": "whsec_" + "A" * 32,
    }
    assert backend.webhook_path() == "/integration/webhook/tpl/hook-token"


def test_shell_exports_keep_other_peers_names_and_quote_values():
    backend = demo_secrets.DemoBackend(
        "shopify", "db", 1, "Demo", True, "tok", None, {"access_token": "a b", "client_secret": "it's"}
    )
    lines = demo_secrets.shell_exports(backend)
    assert lines == [
        "export SHOPIFY_DEMO_WEBHOOK_TOKEN=tok",
        "export SHOPIFY_DEMO_URL=''",
        "export SHOPIFY_DEMO_ACCESS_TOKEN='a b'",
        "export SHOPIFY_DEMO_CLIENT_SECRET='it'\"'\"'s'",
    ]


def test_the_3pl_peer_is_offered_on_the_command_line(capsys):
    with pytest.raises(SystemExit):
        demo_secrets.main(["--help"])
    assert "tpl" in capsys.readouterr().out


@pytest.mark.parametrize("peer", ["stripe", "paypal"])
def test_the_settlement_demo_providers_are_known_peers_read_from_their_api_url(peer):
    assert demo_secrets.DEMO_BACKENDS[peer] == (f"settlement_recon.demo_backend_{peer}", "api_url")


def test_shell_exports_give_the_stripe_sandbox_the_names_its_demo_reads():
    """tests/sandbox/stripe/demo.py reads STRIPE_DEMO_API_KEY,
    STRIPE_DEMO_WEBHOOK_TOKEN and STRIPE_DEMO_WEBHOOK_SECRET."""
    from sandbox.stripe import demo as stripe_demo

    backend = demo_secrets.DemoBackend(
        "stripe",
        "db",
        3,
        "Demo Stripe",
        True,
        "hook",
        "http://127.0.0.1:8075",
        {"secret_key": "sk_test_abc12345", "webhook_secret": "whsec_x"},
    )
    values = demo_secrets.shell_values(backend)
    assert values[stripe_demo.DEMO_ENV_API_KEY] == "sk_test_abc12345"
    assert values[stripe_demo.DEMO_ENV_WEBHOOK_TOKEN] == "hook"
    assert values[stripe_demo.DEMO_ENV_WEBHOOK_SECRET] == "whsec_x"


def test_shell_exports_give_the_paypal_sandbox_the_names_its_demo_reads():
    from sandbox.paypal import demo as paypal_demo

    backend = demo_secrets.DemoBackend(
        "paypal",
        "db",
        4,
        "Demo PayPal",
        True,
        "hook",
        "http://127.0.0.1:8076",
        {"client_id": "id", "client_secret": "s"},
    )
    values = demo_secrets.shell_values(backend)
    assert values[paypal_demo.DEMO_ENV_CLIENT_ID] == "id"
    assert values[paypal_demo.DEMO_ENV_CLIENT_SECRET] == "s"


def test_fresh_stripe_secrets_are_ones_the_sandbox_accepts_and_never_repeat():
    from sandbox.stripe.common import KEY_RE

    makers = demo_secrets.SECRET_MAKERS["stripe"]
    keys = {makers["secret_key"]() for _ in range(5)}
    assert len(keys) == 5
    assert all(KEY_RE.match(key) for key in keys)
    assert makers["webhook_secret"]().startswith("whsec_")
    paypal = demo_secrets.SECRET_MAKERS["paypal"]
    assert paypal["client_id"]() != paypal["client_id"]()
    published = demo_secrets.PUBLISHED_VALUES
    assert not {maker() for maker in {**makers, **paypal}.values()} & published


class _Cursor:
    """Enough of a psycopg2 cursor for fill_demo_secrets: the backend row,
    its credentials, and what was written."""

    def __init__(self, backend_row, keys):
        self.backend_row, self.keys, self.written, self._result = backend_row, keys, [], None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, params=None):
        if "FROM ir_model_data" in sql:
            self._result = [self.backend_row] if self.backend_row else []
        elif sql.strip().startswith("SELECT key"):
            self._result = [(key,) for key in self.keys]
        elif sql.strip().startswith("SELECT id FROM integration_credential"):
            self._result = []
        else:
            self.written.append(params)
            self._result = []

    def fetchone(self):
        return self._result[0] if self._result else None

    def fetchall(self):
        return list(self._result)


class _Connection:
    def __init__(self, cursor):
        self._cursor = cursor

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def cursor(self):
        return self._cursor

    def close(self):
        pass


@pytest.mark.parametrize(
    "row, present, made",
    [
        ((9, 1, "http://127.0.0.1:8075"), set(), ["secret_key", "webhook_secret"]),
        ((9, 1, "http://127.0.0.1:8075"), {"secret_key"}, ["webhook_secret"]),
        ((9, 1, "http://127.0.0.1:8075"), {"secret_key", "webhook_secret"}, []),
        ((9, 1, "https://api.stripe.com"), set(), []),  # a real account: left alone
        (None, set(), []),  # no demo data
    ],
)
def test_missing_demo_secrets_are_made_once_and_stored_encrypted(monkeypatch, row, present, made):
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    cursor = _Cursor(row, present)
    monkeypatch.setattr(demo_secrets.psycopg2, "connect", lambda **kwargs: _Connection(cursor))
    assert demo_secrets.fill_demo_secrets("db", "stripe", keys=[key]) == made
    assert [params[2] for params in cursor.written] == made
    box = SecretBox([key])
    for params in cursor.written:
        assert params[3] != box.decrypt(params[3])  # encrypted, never the plaintext
    if "secret_key" in made:
        assert box.decrypt(cursor.written[0][3]).startswith("sk_test_")


def test_peers_without_makers_get_no_secret_written(monkeypatch):
    monkeypatch.setattr(demo_secrets.psycopg2, "connect", lambda **kwargs: pytest.fail("no connection"))
    assert demo_secrets.fill_demo_secrets("db", "tpl") == []
