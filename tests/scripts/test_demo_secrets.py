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
