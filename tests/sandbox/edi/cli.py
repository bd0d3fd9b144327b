"""The command line: ``python -m sandbox.edi`` (from tests/), a standalone
sandbox with fresh keys (:func:`main`), or with ``--demo`` the demo partners
(:func:`sandbox.edi.demo.serve_demo`)."""

import argparse
import sys
import time

from .demo import serve_demo
from .sandbox import EdiSandbox


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Run the EDI sandbox trading partners (a retailer and a supplier) over AS2 and SFTP.",
        epilog="--demo [--odoo-url URL] [--database DB] [--interval S] runs the demo partners instead (serve_demo).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8073, help="AS2 endpoint and control API")
    parser.add_argument("--sftp-port", type=int, default=2222)
    parser.add_argument(
        "--our-as2-url", default="", help="our AS2 endpoint (the partners' AS2 sends go there)"
    )
    args = parser.parse_args(argv)
    sandbox = EdiSandbox(
        host=args.host, port=args.port, sftp_port=args.sftp_port, our_as2_url=args.our_as2_url
    )
    url = sandbox.start()
    config = sandbox.config()
    print(f"EDI sandbox on {url}", flush=True)
    print(f"  AS2:     POST {config['as2_url']}  (AS2-To SANDBOXRETAIL or SANDBOXSUPPLY)")
    print(
        f"  SFTP:    {config['sftp']['host']}:{config['sftp']['port']}  host key {config['sftp']['host_key']}"
    )
    for name, entry in config["partners"].items():
        print(
            f"  {name}: ISA {entry['isa_qualifier']}:{entry['isa_id']}, login {entry['sftp_user']} / "
            f"{entry['sftp_password']}; upload to {config['sftp']['upload_folder']}/, "
            f"pick up from {config['sftp']['pickup_folder']}/"
        )
    print(
        f"  Control: GET {url}/_sandbox/edi/config | {url}/_sandbox/state; POST {url}/_sandbox/edi/orders | /_sandbox/faults"
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
    return 0


def run(argv=None):
    """What ``python -m sandbox.edi`` runs: the demo partners with ``--demo``, else :func:`main`."""
    argv = sys.argv[1:] if argv is None else list(argv)
    return serve_demo(argv) if "--demo" in argv else main(argv)
