"""A real SFTP server on loopback for tests, the sandbox trading partner
(``sandbox.edi``) and the demo: asyncssh 2.13 (test-only, EPL-2.0), its
asyncio loop in a background thread.

- :class:`SftpSandbox` (:mod:`.server`): ``127.0.0.1`` on a free port,
  generated host key(s) (Ed25519 by default), users with a password and/or
  authorized public keys, each chrooted to a mailbox folder with
  ``inbound/`` and ``outbound/`` (a VAN mailbox's shape), ``start()`` /
  ``stop()`` / ``with``; helpers to deliver files to a mailbox and read
  what was sent; observers called at every operation.
- :class:`SftpFaults` (:mod:`.faults`): deterministic faults: a busy server,
  refused logins, a connection dropped after N bytes of an upload or a
  download, a "disk full" after N bytes, a file that reads short, a failing
  rename, an operation never answered. No sleeping.
- :mod:`.keys`: host and user keys in the formats an admin pastes.

Standalone (prints the port, host key and fingerprint)::

    cd tests && python3 -m sandbox.sftp --port 2222 --user acme:secret
"""

from .faults import OPERATIONS, STATUSES, SftpFaults
from .keys import KeyPair, generate_key, key_pair
from .server import SftpSandbox, SftpUser

__all__ = [
    "OPERATIONS",
    "STATUSES",
    "KeyPair",
    "SftpFaults",
    "SftpSandbox",
    "SftpUser",
    "generate_key",
    "key_pair",
]
