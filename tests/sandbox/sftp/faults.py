"""Deterministic faults of the SFTP sandbox (no sleeping, no randomness).

A fault is a dict for one SFTP operation of the next client session(s),
taken (consumed) by the first operation it matches:

- ``{"op": "connect", "busy": True}``: close the next TCP connection at
  once, before the SSH banner (OpenSSH's answer past ``MaxStartups``);
- ``{"op": "write", "drop_after": 1000}``: the next file opened for
  writing takes its first 1000 bytes, then the connection is dropped;
- ``{"op": "write", "fail_after": 1000}``: the same, but the server
  answers SSH_FX_FAILURE ("disk full") and the session goes on;
- ``{"op": "read", "drop_after": 1000}``: the next file opened for reading
  sends 1000 bytes, then the connection is dropped;
- ``{"op": "read", "short_after": 1000}``: the next file read reports
  end-of-file after 1000 bytes although its size says more;
- ``{"op": "rename" | "remove" | "stat" | "list" | "open" | "fsync",
  "status": "failure"}``: that operation answers the status
  (``failure``, ``permission``, ``no_such_file``, ``unsupported``,
  ``connection_lost``);
- ``{"op": ..., "stall": True}``: that operation is never answered (the
  client's operation timeout is what ends it);
- ``"path": "*.part"`` in any of them: only for a path matching that glob
  (paths as the client gives them);
- ``"user": "acme"``: only for that user.

Switches that last until reset: :attr:`SftpFaults.refuse_auth` (every
login fails, as after a password change on the partner's side).
"""

import fnmatch
import threading

OPERATIONS = ("connect", "open", "write", "read", "rename", "remove", "stat", "list", "fsync")
STATUSES = ("failure", "permission", "no_such_file", "unsupported", "connection_lost")


class SftpFaults:
    """The faults planned for a :class:`~sandbox.sftp.SftpSandbox`. Thread-safe:
    tests plan them from their thread, the server takes them on its loop."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self._planned = []
            self.refuse_auth = False
            self.taken = []  # every fault applied, in order (what a test asserts)

    def inject(self, op, count=1, **fault):
        """Plan ``fault`` (keys as in the module doc) for the next ``count``
        matching ``op`` operations."""
        if op not in OPERATIONS:
            raise ValueError(f"unknown SFTP operation {op!r}; one of {', '.join(OPERATIONS)}")
        if fault.get("status") and fault["status"] not in STATUSES:
            raise ValueError(f"unknown status {fault['status']!r}; one of {', '.join(STATUSES)}")
        with self._lock:
            self._planned.extend(dict(fault, op=op) for _ in range(count))

    def clear(self):
        with self._lock:
            self._planned.clear()
            self.refuse_auth = False

    @property
    def pending(self):
        with self._lock:
            return len(self._planned)

    def take(self, op, user=None, path=None):
        """The first planned fault for ``op`` (by ``user`` on ``path``), removed
        from the plan; None when there is none."""
        with self._lock:
            for index, fault in enumerate(self._planned):
                if fault["op"] != op:
                    continue
                if fault.get("user") and fault["user"] != user:
                    continue
                if fault.get("path") and not fnmatch.fnmatchcase(path or "", fault["path"]):
                    continue
                del self._planned[index]
                self.taken.append(fault)
                return fault
        return None
