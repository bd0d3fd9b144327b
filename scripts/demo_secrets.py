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
    scripts/demo_secrets.py --peer tpl --format shell
    # the Demo 3PL (tpl_connector): TPL_DEMO_WEBHOOK_TOKEN, TPL_DEMO_URL,
    # TPL_DEMO_ACCESS_TOKEN (its api_token), TPL_DEMO_WEBHOOK_SECRET (whsec_...)
    scripts/demo_secrets.py --peer stripe --format shell
    # settlement_recon's Demo Stripe: STRIPE_DEMO_API_KEY (its secret_key),
    # STRIPE_DEMO_WEBHOOK_TOKEN, STRIPE_DEMO_WEBHOOK_SECRET; --peer paypal:
    # PAYPAL_DEMO_CLIENT_ID, PAYPAL_DEMO_CLIENT_SECRET. Their demo data holds
    # no secret: the first call makes them (fill_demo_secrets).

It prints secrets: never to a log, only into the environment of a process.

The EDI sandbox (``--peer edi``) is the other way round: Odoo logs in to
the sandbox's SFTP mailboxes and posts AS2 to it, so its demo setup is not
read from the database but made once per checkout in
``.local/edi-sandbox/`` (:func:`edi_demo_config`): the SFTP host key and
the mailbox passwords, the partners' AS2 keys and certificates, their
identities, and ``config.json`` describing all of it for the demo backends
(see ``tests/sandbox/edi/README.md``)::

    from demo_secrets import edi_demo_config
    config = edi_demo_config()   # creates .local/edi-sandbox/ on first use
    config["partners"]["customer"]["sftp_user"], config["sftp"]["host_key"]
"""

import argparse
import datetime
import importlib
import importlib.util
import json
import os
import secrets as secrets_module
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
    "tpl": ("tpl_connector.demo_backend_tpl", "api_url"),
    # settlement_recon's demo providers (tests/sandbox/stripe, tests/sandbox/paypal)
    "stripe": ("settlement_recon.demo_backend_stripe", "api_url"),
    "paypal": ("settlement_recon.demo_backend_paypal", "api_url"),
}
# sandbox peer -> {credential key: the name its demo mode reads it under}
# (after the <PEER>_DEMO_ prefix); other keys keep their upper-cased name.
# The 3PL sandbox (tests/sandbox/tpl/demo.py) takes the backend's api_token
# as TPL_DEMO_ACCESS_TOKEN, webhook_secret as TPL_DEMO_WEBHOOK_SECRET (the
# secret it signs its webhook subscription's deliveries with).
# The Stripe sandbox (tests/sandbox/stripe/demo.py) takes the backend's
# secret_key as STRIPE_DEMO_API_KEY and webhook_secret (the endpoint's
# whsec_...) as STRIPE_DEMO_WEBHOOK_SECRET; the PayPal sandbox reads
# PAYPAL_DEMO_CLIENT_ID and PAYPAL_DEMO_CLIENT_SECRET (the keys' own names).
SECRET_ENV_NAMES = {
    "tpl": {"api_token": "ACCESS_TOKEN"},
    "stripe": {"secret_key": "API_KEY"},
}
# sandbox peer -> {credential key: a maker of a fresh value}: the demo data
# of these backends holds no secret (settlement_recon's demo XML); the first
# time a peer is started for a database, the missing ones are made here and
# stored encrypted (fill_demo_secrets), then handed to the peer as above.
# Stripe's sandbox accepts test keys only (sk_test_ + letters and digits).
SECRET_MAKERS = {
    "stripe": {
        "secret_key": lambda: "sk_test_" + secrets_module.token_hex(24),
        "webhook_secret": lambda: "whsec_" + secrets_module.token_hex(24),
    },
    "paypal": {
        "client_id": lambda: secrets_module.token_urlsafe(60),
        "client_secret": lambda: secrets_module.token_urlsafe(60),
    },
}
# what older demo data wrote (and the repository published): a database that
# still has one of them accepts orders signed by anyone who read the code
PUBLISHED_VALUES = {"demo-shopify", "demo_client_secret", "shpat_demo_access_token"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


# the EDI sandbox (tests/sandbox/edi): its demo setup lives in .local/edi-sandbox/
EDI_DIR = REPO_DIR / ".local" / "edi-sandbox"
EDI_CATALOG = REPO_DIR / "tests" / "sandbox" / "edi" / "demo_catalog.json"
EDI_HTTP_PORT = 8073  # the AS2 endpoint and control API (EDI_SANDBOX_PORT)
EDI_SFTP_PORT = 2222  # the VAN mailboxes (EDI_SANDBOX_SFTP_PORT)
EDI_OUR_IDENTITY = {"qualifier": "ZZ", "id": "ODOOEDI", "as2_id": "ODOOEDI"}
EDI_PARTNERS = {
    # name -> (role, ISA id = GS id = AS2 id)
    "customer": ("customer", "SANDBOXRETAIL"),
    "supplier": ("supplier", "SANDBOXSUPPLY"),
}
# sandbox partner -> the xml id (in channel_edi's demo data) of the SFTP
# endpoint of the demo backend trading with it
EDI_DEMO_ENDPOINTS = {
    "customer": "channel_edi.demo_endpoint_retail_sftp",
    "supplier": "channel_edi.demo_endpoint_supply_sftp",
}


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


def shell_values(backend):
    """``{variable: value}`` a sandbox peer's demo mode reads: ``<PEER>_DEMO_``
    + WEBHOOK_TOKEN, URL and each secret (under its name in
    :data:`SECRET_ENV_NAMES`, else its key upper-cased)."""
    prefix = f"{backend.peer.upper()}_DEMO_"
    names = SECRET_ENV_NAMES.get(backend.peer, {})
    values = {"WEBHOOK_TOKEN": backend.webhook_token or "", "URL": backend.url or ""}
    values.update({names.get(key, key.upper()): value for key, value in backend.secrets.items()})
    return {prefix + name: value for name, value in values.items()}


def shell_exports(backend):
    """:func:`shell_values` as ``export NAME=value`` lines, quoted for a shell."""
    return [f"export {name}={shlex.quote(value)}" for name, value in shell_values(backend).items()]


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


def _store_secret(cr, box, backend_id, company_id, key, value):
    """Write credential ``key`` of a backend, encrypted as integration_core
    encrypts it (a new row, or the existing one replaced)."""
    token = box.encrypt(value)
    cr.execute("SELECT id FROM integration_credential WHERE backend_id = %s AND key = %s", [backend_id, key])
    row = cr.fetchone()
    if row:
        cr.execute(
            """UPDATE integration_credential
                  SET value_encrypted = %s, changed_at = now() AT TIME ZONE 'UTC',
                      write_date = now() AT TIME ZONE 'UTC'
                WHERE id = %s""",
            [token, row[0]],
        )
    else:
        cr.execute(
            """INSERT INTO integration_credential
                   (backend_id, company_id, key, value_encrypted, changed_at,
                    create_uid, create_date, write_uid, write_date)
               VALUES (%s, %s, %s, %s, now() AT TIME ZONE 'UTC',
                       1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC')""",
            [backend_id, company_id, key, token],
        )


def fill_demo_secrets(database, peer, *, keys=None):
    """Give the demo backend of ``peer`` the secrets of :data:`SECRET_MAKERS`
    it does not have yet (fresh random values, stored encrypted), so that
    its sandbox peer and Odoo share them without any in the repository.
    Values already set (by an earlier run, or by a user) are kept. Only a
    backend that still points at loopback is touched. Returns the keys made."""
    makers = SECRET_MAKERS.get(peer)
    if not makers:
        return []
    xmlid, url_field = DEMO_BACKENDS[peer]
    module, name = xmlid.split(".", 1)
    try:
        conn = psycopg2.connect(**connection_params(database), connect_timeout=10)
    except psycopg2.Error as exc:
        raise DemoSecretsError(f"cannot connect to database {database}: {str(exc).strip()}") from exc
    made = []
    try:
        with conn, conn.cursor() as cr:
            cr.execute(
                f"""SELECT b.id, b.company_id, b.{url_field}
                      FROM ir_model_data d JOIN integration_backend b ON b.id = d.res_id
                     WHERE d.module = %s AND d.name = %s AND d.model = 'integration.backend'""",
                [module, name],
            )
            row = cr.fetchone()
            if not row or not is_loopback_url(row[2]):
                return []
            backend_id, company_id, _url = row
            cr.execute(
                "SELECT key FROM integration_credential WHERE backend_id = %s AND value_encrypted IS NOT NULL",
                [backend_id],
            )
            present = {key for (key,) in cr.fetchall()}
            missing = [key for key in makers if key not in present]
            if missing:
                box = secret_box(keys or encryption_keys())
                for key in missing:
                    _store_secret(cr, box, backend_id, company_id, key, makers[key]())
                made = missing
    except psycopg2.Error as exc:
        raise DemoSecretsError(
            f"cannot set the secrets of {xmlid} in {database}: {str(exc).strip()}"
        ) from exc
    finally:
        conn.close()
    return made


def is_loopback_url(url):
    try:
        return bool(url) and urlsplit(url).hostname in LOOPBACK_HOSTS
    except ValueError:
        return False


def _write_private(path, data):
    """Write ``data`` readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _new_host_key():
    """An Ed25519 SSH host key: (OpenSSH private key text, public key line)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    key = ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    return private, public.decode("ascii") + " edi-sandbox"


def _new_as2_certificate(name, days=730):
    """A self-signed RSA certificate for an AS2 station: (key PEM, certificate PEM)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "EDI sandbox"),
        ]
    )
    start = datetime.datetime.utcnow() - datetime.timedelta(minutes=5)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, True, False, False, False, False, False, False), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


def edi_demo_config(create=True, *, directory=None, http_port=None, sftp_port=None):
    """The EDI sandbox's demo setup, as a dict (``directory/config.json``).

    Made on first use (``create``): an SSH host key for the SFTP mailboxes,
    one mailbox login with a random password per partner, an AS2 key and
    self-signed certificate per partner. ``http_port``/``sftp_port`` change
    the ports recorded (from ``EDI_SANDBOX_PORT``/``EDI_SANDBOX_SFTP_PORT``).
    Private keys stay in their files (paths relative to ``directory``); the
    mailbox passwords are in the JSON, which is readable by its owner only.
    Raises :class:`DemoSecretsError` when it does not exist and ``create`` is
    False."""
    directory = Path(directory or EDI_DIR)
    path = directory / "config.json"
    if path.is_file():
        config = json.loads(path.read_text(encoding="utf-8"))
    elif not create:
        raise DemoSecretsError(f"no EDI sandbox setup in {directory}: run scripts/demo_secrets.py --peer edi")
    else:
        private, public = _new_host_key()
        _write_private(directory / "sftp_host_ed25519", private)
        partners = {}
        for name, (role, identity) in EDI_PARTNERS.items():
            key_pem, cert_pem = _new_as2_certificate(identity)
            _write_private(directory / f"as2-{name}.key", key_pem)
            (directory / f"as2-{name}.pem").write_bytes(cert_pem)
            partners[name] = {
                "role": role,
                "isa_qualifier": "ZZ",
                "isa_id": identity,
                "gs_id": identity,
                "dialect": "004010",
                "usage": "P",
                "delimiters": {"element": "*", "component": ">", "segment": "~", "repetition": "^"},
                "transport": "sftp",
                "sftp_user": f"odoo-{name}",
                "sftp_password": secrets_module.token_urlsafe(18),
                "as2_id": identity,
                "as2_certificate": cert_pem.decode("ascii"),
                "as2_certificate_file": f"as2-{name}.pem",
                "as2_key_file": f"as2-{name}.key",
            }
        config = {
            "our_identity": dict(EDI_OUR_IDENTITY),
            "sftp": {
                "host": "127.0.0.1",
                "port": EDI_SFTP_PORT,
                "host_key": public,
                "host_key_file": "sftp_host_ed25519",
                "pickup_folder": "inbound",
                "upload_folder": "outbound",
            },
            "as2": {
                "url": f"http://127.0.0.1:{EDI_HTTP_PORT}/as2",
                "our_path": "/integration/edi/as2",
                "our_certificate_file": "odoo-as2.pem",
            },
            "http_port": EDI_HTTP_PORT,
            "partners": partners,
        }
    changed = not path.is_file()
    if http_port and int(http_port) != config["http_port"]:
        config["http_port"] = int(http_port)
        config["as2"]["url"] = f"http://127.0.0.1:{int(http_port)}/as2"
        changed = True
    if sftp_port and int(sftp_port) != config["sftp"]["port"]:
        config["sftp"]["port"] = int(sftp_port)
        changed = True
    if changed:
        _write_private(path, (json.dumps(config, indent=2) + "\n").encode("utf-8"))
    if EDI_CATALOG.is_file():
        config["catalog"] = json.loads(EDI_CATALOG.read_text(encoding="utf-8"))
    config["directory"] = str(directory)
    return config


def edi_point_backends(database, config, *, keys=None):
    """Write the sandbox's per-checkout setup into the EDI demo backends of
    ``database``: each demo SFTP endpoint gets the mailboxes' port and pinned
    host key, its backend the mailbox password (credential ``sftp_password``,
    encrypted as integration_core encrypts it). Only endpoints that still
    point at loopback are touched (one someone configured for a real mailbox
    is left alone). Returns the names of the backends changed; [] when the
    database has no EDI demo data (or does not exist yet)."""
    try:
        conn = psycopg2.connect(**connection_params(database), connect_timeout=10)
    except psycopg2.Error as exc:
        raise DemoSecretsError(f"cannot connect to database {database}: {str(exc).strip()}") from exc
    changed = []
    box = None
    try:
        with conn, conn.cursor() as cr:
            cr.execute("SELECT to_regclass('trading_partner_endpoint') IS NOT NULL")
            if not cr.fetchone()[0]:
                return []
            for name, xmlid in EDI_DEMO_ENDPOINTS.items():
                entry = config["partners"].get(name)
                module, record = xmlid.split(".", 1)
                cr.execute(
                    """SELECT e.id, e.sftp_host, e.sftp_port, e.sftp_host_key, e.sftp_username,
                              b.id, b.name, b.company_id
                         FROM ir_model_data d
                         JOIN trading_partner_endpoint e ON e.id = d.res_id
                         JOIN integration_backend b ON b.id = e.backend_id
                        WHERE d.module = %s AND d.name = %s AND d.model = 'trading.partner.endpoint'""",
                    [module, record],
                )
                row = cr.fetchone()
                if not row or not entry or row[1] not in LOOPBACK_HOSTS:
                    continue
                endpoint_id, _host, port, host_key, username, backend_id, backend_name, company_id = row
                want = (config["sftp"]["port"], config["sftp"]["host_key"], entry["sftp_user"])
                updated = False
                if (port, host_key, username) != want:
                    cr.execute(
                        """UPDATE trading_partner_endpoint
                              SET sftp_port = %s, sftp_host_key = %s, sftp_username = %s,
                                  write_date = now() AT TIME ZONE 'UTC'
                            WHERE id = %s""",
                        [*want, endpoint_id],
                    )
                    updated = True
                cr.execute(
                    "SELECT id, value_encrypted FROM integration_credential WHERE backend_id = %s AND key = %s",
                    [backend_id, "sftp_password"],
                )
                credential = cr.fetchone()
                box = box or secret_box(keys or encryption_keys())
                current = None
                if credential and credential[1]:
                    try:
                        current = box.decrypt(credential[1])
                    except Exception:  # noqa: BLE001 - another key: write it anew
                        current = None
                if current != entry["sftp_password"]:
                    token = box.encrypt(entry["sftp_password"])
                    if credential:
                        cr.execute(
                            """UPDATE integration_credential
                                  SET value_encrypted = %s, changed_at = now() AT TIME ZONE 'UTC',
                                      write_date = now() AT TIME ZONE 'UTC'
                                WHERE id = %s""",
                            [token, credential[0]],
                        )
                    else:
                        cr.execute(
                            """INSERT INTO integration_credential
                                   (backend_id, company_id, key, value_encrypted, changed_at,
                                    create_uid, create_date, write_uid, write_date)
                               VALUES (%s, %s, 'sftp_password', %s, now() AT TIME ZONE 'UTC',
                                       1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC')""",
                            [backend_id, company_id, token],
                        )
                    updated = True
                if updated:
                    changed.append(backend_name)
    except psycopg2.Error as exc:
        raise DemoSecretsError(
            f"cannot configure the EDI demo backends in {database}: {str(exc).strip()}"
        ) from exc
    finally:
        conn.close()
    return changed


def edi_main(args):
    """``--peer edi``: the sandbox's demo setup (made on first use)."""
    http_port = urlsplit(args.sandbox_url).port if args.sandbox_url else None
    try:
        config = edi_demo_config(
            http_port=http_port, sftp_port=os.environ.get("EDI_SANDBOX_SFTP_PORT") or None
        )
    except (OSError, ValueError, DemoSecretsError) as exc:
        print(f"demo_secrets: the EDI sandbox setup cannot be made or read: {exc}", file=sys.stderr)
        return 1
    if args.database:
        # the demo backends trade with this setup: its port, host key, passwords
        try:
            changed = edi_point_backends(args.database, config)
        except DemoSecretsError as exc:
            print(f"demo_secrets: WARNING the EDI demo backends were not configured: {exc}", file=sys.stderr)
        else:
            if changed:
                print(
                    f"demo_secrets: EDI demo backends {', '.join(changed)} in {args.database} now use the "
                    f"sandbox's mailboxes on port {config['sftp']['port']}",
                    file=sys.stderr,
                )
    if args.format == "shell":
        values = {
            "EDI_DEMO_CONFIG": str(Path(config["directory"]) / "config.json"),
            "EDI_SANDBOX_SFTP_PORT": str(config["sftp"]["port"]),
        }
        for key, value in values.items():
            print(f"export {key}={shlex.quote(value)}")
    else:
        print(json.dumps(config, indent=2))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=os.environ.get("ODOO_DB") or DEFAULT_DATABASE)
    parser.add_argument("--peer", default="shopify", choices=sorted([*DEMO_BACKENDS, "edi"]))
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
    if args.peer == "edi":
        if args.sandbox_url and not is_loopback_url(args.sandbox_url):
            print(
                f"demo_secrets: --sandbox-url must be a loopback URL, not {args.sandbox_url}", file=sys.stderr
            )
            return 1
        return edi_main(args)
    try:
        if args.sandbox_url:
            if not is_loopback_url(args.sandbox_url):
                raise DemoSecretsError(f"--sandbox-url must be a loopback URL, not {args.sandbox_url}")
            if point_at(args.database, args.peer, args.sandbox_url):
                print(f"demo backend of {args.peer} now points at {args.sandbox_url}", file=sys.stderr)
        made = fill_demo_secrets(args.database, args.peer)
        if made:
            print(f"demo_secrets: new {', '.join(made)} for the {args.peer} demo backend", file=sys.stderr)
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
        for line in shell_exports(backend):
            print(line)
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
