"""``python -m sandbox.sftp``: an SFTP mailbox server on loopback, by hand.

Prints the port, the host key (what a profile pins) and its fingerprint as
one JSON line, then serves until SIGINT/SIGTERM::

    cd tests && python3 -m sandbox.sftp --port 2222 --user acme:secret \\
        [--authorized-key acme:"ssh-ed25519 AAAA..."] [--root DIR] [--host-key-file FILE] [--no-extensions]
"""

import argparse
import json
import signal
import threading

from .server import SftpSandbox


def main(argv=None):
    parser = argparse.ArgumentParser(description="Serve SFTP mailboxes on 127.0.0.1 (a test server).")
    parser.add_argument("--port", type=int, default=0, help="0: a free port (printed)")
    parser.add_argument("--user", action="append", default=[], metavar="NAME:PASSWORD", help="a mailbox user")
    parser.add_argument(
        "--authorized-key", action="append", default=[], metavar="NAME:KEYLINE", help="a user's public key"
    )
    parser.add_argument("--root", help="where the mailboxes live (default: a temporary folder)")
    parser.add_argument("--host-key-file", help="keep the host key there (made once, reused after)")
    parser.add_argument("--no-extensions", action="store_true", help="do not offer posix-rename and fsync")
    args = parser.parse_args(argv)
    keys = {}
    for item in args.authorized_key:
        name, _, line = item.partition(":")
        keys.setdefault(name, []).append(line.strip())
    server = SftpSandbox(
        port=args.port, root=args.root, host_key_path=args.host_key_file, extensions=not args.no_extensions
    )
    users = [item.partition(":") for item in args.user] or [("acme", ":", "secret")]
    for name, _, password in users:
        server.add_user(name, password=password or None, authorized_keys=keys.get(name, ()))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with server:
        info = {
            "host": server.host,
            "port": server.port,
            "host_key": server.host_key.public_line,
            "fingerprint": server.host_key.fingerprint,
            "root": str(server.root),
            "users": sorted(server.users),
        }
        print(json.dumps(info), flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
