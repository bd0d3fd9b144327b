"""XML-RPC to a running Odoo, for the scripts that drive scripts/run
(benchmarks, fuzz, chaos): one client, logged in once, safe to share
between threads, every call bounded in time and counted."""

import os
import sys
import threading
import xmlrpc.client

CALL_TIMEOUT = 120.0  # seconds a call may take before the socket gives up


class _Transport(xmlrpc.client.Transport):
    """XML-RPC with a socket timeout: a call is never waited for forever."""

    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


class Odoo:
    """``odoo(model, method, *args, **kwargs)``: ``execute_kw`` as one user.

    Each thread gets its own proxy (xmlrpc proxies are not thread-safe);
    ``calls`` counts the calls made (the benchmarks report calls per order).
    """

    def __init__(self, url, database, login, password, timeout=CALL_TIMEOUT):
        self.url, self.database, self.password, self.timeout = url.rstrip("/"), database, password, timeout
        common = xmlrpc.client.ServerProxy(
            f"{self.url}/xmlrpc/2/common", allow_none=True, transport=_Transport(timeout)
        )
        self.uid = common.authenticate(database, login, password, {})
        if not self.uid:
            raise SystemExit(f"cannot log in to {database} as {login}")
        self._local = threading.local()
        self._lock = threading.Lock()
        self.calls = 0

    def __call__(self, model, method, *args, **kwargs):
        proxy = getattr(self._local, "proxy", None)
        if proxy is None:
            proxy = self._local.proxy = xmlrpc.client.ServerProxy(
                f"{self.url}/xmlrpc/2/object", allow_none=True, transport=_Transport(self.timeout)
            )
        with self._lock:
            self.calls += 1
        return proxy.execute_kw(self.database, self.uid, self.password, model, method, list(args), kwargs)


def add_odoo_arguments(parser):
    """--odoo-url, --database, --login, --password: the running scripts/run
    (its port and database from ODOO_HTTP_PORT and ODOO_DB, as lib.sh sets them)."""
    parser.add_argument("--odoo-url", default=f"http://127.0.0.1:{os.environ.get('ODOO_HTTP_PORT') or 8069}")
    parser.add_argument("--database", default=os.environ.get("ODOO_DB") or "integration_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")


def connect(args, timeout=CALL_TIMEOUT):
    """An :class:`Odoo` logged in as ``args`` (see add_odoo_arguments) say;
    None, after saying why on stderr, when Odoo does not answer."""
    args.odoo_url = args.odoo_url.rstrip("/")
    try:
        return Odoo(args.odoo_url, args.database, args.login, args.password, timeout=timeout)
    except (OSError, xmlrpc.client.Error) as exc:
        print(f"Odoo does not answer on {args.odoo_url} ({args.database}): {exc}", file=sys.stderr)
        return None
