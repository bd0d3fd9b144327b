"""Keys of PostgreSQL advisory locks, one per named thing.

``pg_advisory_xact_lock`` takes a signed 64-bit integer: the key of a name
is the first 8 bytes of its SHA-256, so two workers that lock the same name
wait for each other, and different names practically never collide.
"""

import hashlib


def advisory_key(*parts):
    """The advisory lock key of the name made of ``parts`` (joined by ':').

    >>> advisory_key(1, "sale.order", "1001") == advisory_key("1:sale.order:1001")
    True
    """
    name = ":".join(str(part) for part in parts)
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
