#!/usr/bin/env python3
"""The demo backends' webhook tokens and secrets, read from the database.

Demo data makes them random per database (nothing fixed is published in the
repository), so every local tool that talks to a demo backend (the sandbox
peers started by ``scripts/run``, the benchmarks, ``scripts/fuzz-webhooks``,
``scripts/chaos``) reads them here, straight from PostgreSQL:

- the webhook token: column ``integration_backend.webhook_token``;
- the secrets: ``integration_credential.value_encrypted``, Fernet tokens
  decrypted with integration_core's own :class:`SecretBox` under the key of
  ``$INTEGRATION_ENCRYPTION_KEY``, else ``.local/encryption.key`` (the key
  ``scripts/run`` generates).

The server is the one ``scripts/lib.sh`` uses: ``$PGHOST``/``$PGPORT``/
``$PGUSER``/``$PGPASSWORD`` when ``PGHOST`` is set, else the embedded cluster
on 127.0.0.1:``$EMBEDDED_PG_PORT`` (55432) as role ``odoo``. No Odoo import:
a plain psycopg2 connection.

From Python (scripts put ``scripts/`` on ``sys.path``)::

    from demo_secrets import demo_backend
    shop = demo_backend("integration_demo")   # DemoBackend(...)
    shop.webhook_token, shop.secrets["client_secret"], shop.url

From the shell (what ``scripts/run`` does before it starts a sandbox peer)::

    scripts/demo_secrets.py --database integration_demo --format shell
    # export SHOPIFY_DEMO_WEBHOOK_TOKEN=...; export SHOPIFY_DEMO_ACCESS_TOKEN=...; ...

It prints secrets: never to a log, only into the environment of a process.
"""

import argparse
import importlib
import importlib.util
import json
import os
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2

REPO_DIR = Path(__file__).resolve().parents[1]
KEY_FILE = REPO_DIR / ".local" / "encryption.key"
CRYPTO_LIB = REPO_DIR / "addons" / "integration_core" / "lib"
DEFAULT_DATABASE = "integration_demo"

# sandbox peer -> the xml id of the demo backend it serves, and the field
# holding the backend's URL of that peer
DEMO_BACKENDS = {
    "shopify": ("channel_shopify.demo_backend_shopify", "shopify_shop_url"),
}
# what older demo data wrote (and the repository published): a database that
# still has one of them accepts orders signed by anyone who read the code
PUBLISHED_VALUES = {"demo-shopify", "demo_client_secret", "shpat_demo_access_token"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class DemoSecretsError(Exception):
    """The demo backend or its secrets cannot be read (message says why)."""


@dataclass
class DemoBackend:
    """What the tools need of one demo backend."""

    peer: str
    database: str
    id: int
    name: str
    active: bool
    webhook_token: str | None
    url: str | None  # where the backend calls its system (the sandbox peer)
    secrets: dict = field(default_factory=dict, repr=False)  # key -> plaintext

    def webhook_path(self):
        return f"/integration/webhook/{self.peer}/{self.webhook_token}"

    def published_values(self):
        """The keys whose value is one the repository once published."""
        values = {"webhook_token": self.webhook_token, **self.secrets}
        return sorted(key for key, value in values.items() if value in PUBLISHED_VALUES)


def connection_params(database):
    """psycopg2 connection keywords, as scripts/lib.sh chooses the server."""
    if os.environ.get("PGHOST"):
        return {
            "host": os.environ["PGHOST"],
            "port": int(os.environ.get("PGPORT") or 5432),
            "user": os.environ.get("PGUSER") or "odoo",
            "password": os.environ.get("PGPASSWORD") or None,
            "dbname": database,
        }
    return {
        "host": "127.0.0.1",
        "port": int(os.environ.get("EMBEDDED_PG_PORT") or 55432),
        "user": "odoo",
        "dbname": database,
    }


def encryption_keys(environ=None, key_file=KEY_FILE):
    """The Fernet key(s) of the local databases: $INTEGRATION_ENCRYPTION_KEY
    (comma-separated, newest first), else the key file scripts/run wrote."""
    environ = os.environ if environ is None else environ
    value = environ.get("INTEGRATION_ENCRYPTION_KEY")
    if not value and Path(key_file).is_file():
        value = Path(key_file).read_text(encoding="ascii").strip()
    if not value:
        raise DemoSecretsError(
            f"no encryption key: set INTEGRATION_ENCRYPTION_KEY or run scripts/run once (it writes {key_file})"
        )
    return value.split(",")


def secret_box(keys):
    """integration_core's SecretBox for ``keys``, loaded from the addon's
    plain lib package without importing Odoo."""
    name = "_integration_core_lib"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, CRYPTO_LIB / "__init__.py", submodule_search_locations=[str(CRYPTO_LIB)]
        )
        package = importlib.util.module_from_spec(spec)
        sys.modules[name] = package
        spec.loader.exec_module(package)
    crypto = importlib.import_module(f"{name}.crypto")
    return crypto.SecretBox(keys, source="the demo tools' key")


def demo_backend(database=DEFAULT_DATABASE, peer="shopify", *, keys=None):
    """The :class:`DemoBackend` of ``peer`` in ``database`` with its secrets
    decrypted. Raises :class:`DemoSecretsError` when it cannot."""
    if peer not in DEMO_BACKENDS:
        raise DemoSecretsError(f"no demo backend known for peer {peer!r} (known: {', '.join(DEMO_BACKENDS)})")
    xmlid, url_field = DEMO_BACKENDS[peer]
    module, name = xmlid.split(".", 1)
    try:
        conn = psycopg2.connect(**connection_params(database), connect_timeout=10)
    except psycopg2.Error as exc:
        raise DemoSecretsError(f"cannot connect to database {database}: {str(exc).strip()}") from exc
    try:
        with conn.cursor() as cr:
            cr.execute(
                f"""SELECT b.id, b.name, b.active, b.webhook_token, b.{url_field}
                      FROM ir_model_data d JOIN integration_backend b ON b.id = d.res_id
                     WHERE d.module = %s AND d.name = %s AND d.model = 'integration.backend'""",
                [module, name],
            )
            row = cr.fetchone()
            if not row:
                raise DemoSecretsError(
                    f"database {database} has no demo backend {xmlid} (installed without demo data?)"
                )
            cr.execute(
                "SELECT key, value_encrypted FROM integration_credential WHERE backend_id = %s",
                [row[0]],
            )
            stored = {key: value for key, value in cr.fetchall() if value}
    except psycopg2.Error as exc:
        raise DemoSecretsError(f"cannot read {xmlid} in {database}: {str(exc).strip()}") from exc
    finally:
        conn.close()
    box = secret_box(keys or encryption_keys()) if stored else None
    try:
        secrets = {key: box.decrypt(value) for key, value in stored.items()}
    except Exception as exc:  # DecryptionError, from the addon's own hierarchy
        raise DemoSecretsError(f"the secrets of {xmlid} cannot be decrypted: {exc}") from exc
    return DemoBackend(peer, database, row[0], row[1], row[2], row[3], row[4], secrets)


def webhook_credentials(database, token=None, secret=None):
    """``(token, secret)``: the ones given, else the demo Shopify store's from
    ``database``. Raises :class:`DemoSecretsError` when they cannot be read."""
    if token and secret:
        return token, secret
    demo = demo_backend(database)
    return token or demo.webhook_token, secret or demo.secrets.get("client_secret")


def point_at(database, peer, url):
    """Point the demo backend of ``peer`` at ``url`` (a sandbox on another
    port), only when it points at a loopback URL now: a backend someone
    configured for a real system is left alone. Returns True when changed."""
    xmlid, url_field = DEMO_BACKENDS[peer]
    module, name = xmlid.split(".", 1)
    conn = psycopg2.connect(**connection_params(database), connect_timeout=10)
    try:
        with conn, conn.cursor() as cr:
            cr.execute(
                f"""SELECT b.id, b.{url_field} FROM ir_model_data d JOIN integration_backend b ON b.id = d.res_id
                     WHERE d.module = %s AND d.name = %s AND d.model = 'integration.backend'""",
                [module, name],
            )
            row = cr.fetchone()
            if not row or row[1] == url or not is_loopback_url(row[1]):
                return False
            cr.execute(f"UPDATE integration_backend SET {url_field} = %s WHERE id = %s", [url, row[0]])
            return True
    finally:
        conn.close()


def is_loopback_url(url):
    try:
        return bool(url) and urlsplit(url).hostname in LOOPBACK_HOSTS
    except ValueError:
        return False


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=os.environ.get("ODOO_DB") or DEFAULT_DATABASE)
    parser.add_argument("--peer", default="shopify", choices=sorted(DEMO_BACKENDS))
    parser.add_argument(
        "--format",
        default="json",
        choices=("json", "shell"),
        help="json: one object; shell: 'export <PEER>_DEMO_<KEY>=...' lines (URL, webhook token, secrets)",
    )
    parser.add_argument(
        "--sandbox-url", help="first point the demo backend at this loopback URL (a sandbox on another port)"
    )
    args = parser.parse_args(argv)
    try:
        if args.sandbox_url:
            if not is_loopback_url(args.sandbox_url):
                raise DemoSecretsError(f"--sandbox-url must be a loopback URL, not {args.sandbox_url}")
            if point_at(args.database, args.peer, args.sandbox_url):
                print(f"demo backend of {args.peer} now points at {args.sandbox_url}", file=sys.stderr)
        backend = demo_backend(args.database, args.peer)
    except DemoSecretsError as exc:
        print(f"demo_secrets: {exc}", file=sys.stderr)
        return 1
    published = backend.published_values()
    if published:
        print(
            f"demo_secrets: WARNING {', '.join(published)} of {backend.name} in {args.database} still "
            "hold(s) the values older demo data published: anyone can sign requests for this database. "
            "Recreate it (scripts/run --reset) or set new values.",
            file=sys.stderr,
        )
    if args.format == "shell":
        prefix = f"{args.peer.upper()}_DEMO_"
        values = {"WEBHOOK_TOKEN": backend.webhook_token or "", "URL": backend.url or ""}
        values.update({key.upper(): value for key, value in backend.secrets.items()})
        for key, value in values.items():
            print(f"export {prefix}{key}={shlex.quote(value)}")
    else:
        data = {
            "peer": backend.peer,
            "database": backend.database,
            "backend_id": backend.id,
            "name": backend.name,
            "active": backend.active,
            "url": backend.url,
            "webhook_token": backend.webhook_token,
            "secrets": backend.secrets,
        }
        print(json.dumps(data, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
