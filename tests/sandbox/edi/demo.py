"""The EDI trading partners ``scripts/run`` starts next to the demo database
(:func:`serve_demo`): a retailer (``SANDBOXRETAIL``) that sends purchase
orders to the demo company, and a supplier (``SANDBOXSUPPLY``) that answers
the demo company's purchase orders, both trading over SFTP mailboxes on
loopback (and reachable over AS2 on ``/as2``).

Their setup (SFTP host key, mailbox logins, AS2 keys, identities, ports) is
made once per checkout by ``scripts/demo_secrets.py --peer edi`` in
``.local/edi-sandbox/`` and passed here as ``EDI_DEMO_CONFIG`` (the path of
its ``config.json``); the Odoo demo backends are configured from the same
file (see ``tests/sandbox/edi/README.md``).
"""

import argparse
import json
import os
import signal
import threading
import time
from pathlib import Path

from .catalog import Catalog
from .partner import CUSTOMER, SUPPLIER, Profile
from .sandbox import EdiSandbox
from .supplier import Numbers
from .x12 import ControlNumbers, Identity, Syntax

DEMO_PORT = 8073
DEMO_SFTP_PORT = 2222
DEMO_ENV_CONFIG = "EDI_DEMO_CONFIG"
_EPOCH = 1735689600  # 2025-01-01T00:00:00Z


def load_config(path):
    """The demo setup (``config.json``) with its key files read."""
    path = Path(path)
    config = json.loads(path.read_text(encoding="utf-8"))
    config["_dir"] = path.parent
    return config


def demo_sandbox(config, *, host="127.0.0.1", port=None, sftp_port=None, odoo_url="http://127.0.0.1:8069"):
    """An :class:`EdiSandbox` set up as ``config`` says (not started)."""
    import asyncssh

    from . import libs

    smime = libs.smime()
    base = Path(config["_dir"])
    ours = config["our_identity"]
    our_identity = Identity(ours["qualifier"], ours["id"])
    profiles, users, as2_keys = [], {}, {}
    for name, entry in config["partners"].items():
        d = entry.get("delimiters") or {}
        profiles.append(
            Profile(
                name=name,
                role=CUSTOMER if entry["role"] == "customer" else SUPPLIER,
                identity=Identity(entry["isa_qualifier"], entry["isa_id"], entry.get("gs_id", "")),
                our_identity=our_identity,
                dialect=entry.get("dialect", "004010"),
                usage=entry.get("usage", "P"),
                syntax=Syntax(
                    element=d.get("element", "*"),
                    component=d.get("component", ">"),
                    segment=d.get("segment", "~"),
                    repetition=d.get("repetition", "^"),
                ),
                as2_id=entry.get("as2_id", entry["isa_id"]),
                transport=entry.get("transport", "sftp"),
            )
        )
        users[name] = (entry["sftp_user"], entry["sftp_password"])
        as2_keys[name] = (
            smime.load_certificate((base / entry["as2_certificate_file"]).read_bytes()),
            smime.load_private_key((base / entry["as2_key_file"]).read_bytes()),
        )
    our_certificate = None
    our_file = base / (config.get("as2", {}).get("our_certificate_file") or "odoo-as2.pem")
    if our_file.is_file():
        our_certificate = smime.load_certificate(our_file.read_bytes())
    host_key = asyncssh.import_private_key((base / config["sftp"]["host_key_file"]).read_bytes())
    return EdiSandbox(
        host=host,
        port=port if port is not None else config.get("http_port", DEMO_PORT),
        profiles=profiles,
        sftp_port=sftp_port if sftp_port is not None else config["sftp"].get("port", DEMO_SFTP_PORT),
        sftp_users=users,
        host_key=host_key,
        our_as2_id=ours.get("as2_id", ours["id"]),
        our_certificate=our_certificate,
        our_as2_url=odoo_url.rstrip("/") + config.get("as2", {}).get("our_path", "/integration/edi/as2"),
        as2_keys=as2_keys,
        as2_inline=False,
    )


def continue_numbering(sandbox, now=None):
    """Start the partners' control numbers and PO numbers where a previous
    run cannot have reached: seconds since 2025-01-01 (a run sends far less
    than a file a second). Our side refuses an interchange whose (sender,
    ISA13, ST02) it has seen, so a restarted demo must not count from 1."""
    start = int((now or time.time()) - _EPOCH)
    for partner in sandbox.partners.values():
        partner.controls = ControlNumbers(start, start, start)
        partner.numbers = Numbers(partner.profile.gs1_prefix, first=start + 1)  # SSCCs never reused
    sandbox.catalog = Catalog(first=start)


def _log(message):
    print(f"[edi sandbox] {message}", flush=True)


def _logging_deliver(sandbox, name, deliver):
    def deliver_and_log(filename, data):
        deliver(filename, data)
        _log(f"{name} sent {filename} ({len(data)} bytes)")

    return deliver_and_log


def serve_demo(argv=None, environ=None):
    """The demo partners for ``scripts/run``: the AS2 endpoint and control API
    on port 8073, the SFTP mailboxes on 2222 (or what the setup says); the
    retailer drops a batch of 850s in its mailbox every ``--interval``
    seconds (and, every third batch, an 860 changing an order of the batch before); the
    supplier answers every 850 the demo company uploads with a 997, an 855,
    an 856 and an 810. Late files and queued AS2 payloads are handled every
    ``--tick`` seconds. Stops cleanly on SIGTERM/SIGINT."""
    parser = argparse.ArgumentParser(
        description="Run the demo EDI trading partners next to the demo database."
    )
    parser.add_argument("--demo", action="store_true", help="demo mode (this one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, help="AS2/control port (default: the setup's, 8073)")
    parser.add_argument("--sftp-port", type=int, help="SFTP port (default: the setup's, 2222)")
    parser.add_argument("--odoo-url", default="http://127.0.0.1:8069")
    parser.add_argument("--database", help="the demo database (for the log)")
    parser.add_argument("--interval", type=float, default=120.0, help="seconds between two batches of 850s")
    parser.add_argument("--orders", type=int, default=2, help="850s per batch")
    parser.add_argument("--tick", type=float, default=5.0, help="seconds between two checks of due files")
    parser.add_argument("--config", help=f"the setup's config.json (default: ${DEMO_ENV_CONFIG})")
    args = parser.parse_args(argv)
    environ = os.environ if environ is None else environ
    config_path = args.config or environ.get(DEMO_ENV_CONFIG)
    if not config_path or not Path(config_path).is_file():
        _log(
            f"{DEMO_ENV_CONFIG} not set or missing: the demo partners need their setup (host key, mailbox "
            "logins, AS2 keys), made by scripts/demo_secrets.py --peer edi; scripts/run sets it "
            '(eval "$(scripts/demo_secrets.py --peer edi --format shell)")'
        )
        return 2
    config = load_config(config_path)
    sftp_port = args.sftp_port
    if sftp_port is None and environ.get("EDI_SANDBOX_SFTP_PORT"):
        sftp_port = int(environ["EDI_SANDBOX_SFTP_PORT"])
    sandbox = demo_sandbox(
        config, host=args.host, port=args.port, sftp_port=sftp_port, odoo_url=args.odoo_url
    )
    continue_numbering(sandbox)
    for name, partner in sandbox.partners.items():
        partner.deliver = _logging_deliver(sandbox, name, partner.deliver)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda number, frame: stop.set())
    try:
        url = sandbox.start()
    except OSError as exc:
        _log(f"cannot listen: {exc}")
        sandbox.stop()
        return 1
    _log(f"AS2 endpoint {url}/as2, control API {url}/_sandbox/state (database {args.database or '?'})")
    _log(
        f"SFTP mailboxes on {sandbox.sftp.host}:{sandbox.sftp.port} (host key {sandbox.sftp.host_key.fingerprint}): "
        + ", ".join(
            f"{user} for {partner.profile.identity.id}"
            for user, partner in sandbox.mailboxes.partners.items()
        )
    )
    try:
        sandbox.mailboxes.sweep()  # what the demo company uploaded while the partners were down
        next_batch = time.monotonic()
        batches = 0
        previous = []
        while not stop.is_set():
            if time.monotonic() >= next_batch:
                batches += 1
                if batches % 3 == 0 and previous:
                    # a change to an order of the previous batch, which Odoo has by now:
                    # an 860 dropped with its own 850 may be read before the order exists
                    sandbox.customer.send_860(_change_of(previous[0]))
                    _log(f"retailer changed {previous[0]['po_number']} (line 1 quantity +6)")
                orders = sandbox.send_orders(args.orders, lines=2)
                _log(f"retailer ordered {', '.join(o['po_number'] for o in orders)}")
                previous = orders
                next_batch = time.monotonic() + args.interval
            for sent in sandbox.tick():
                _log(f"due now: {sent.name}")
            stop.wait(args.tick)
    finally:
        sandbox.stop()
    return 0


def _change_of(order):
    """An 860 raising the first line's quantity by 6 (POC02 QI)."""
    line = order["lines"][0]
    return {
        "po_number": order["po_number"],
        "order_date": order["order_date"],
        "lines": [
            {
                "line": line["line"],
                "change": "QI",
                "quantity": str(int(line["quantity"]) + 6),
                "uom": line["uom"],
                "unit_price": line["unit_price"],
                "product_ids": line["product_ids"],
            }
        ],
    }
