"""The partners' VAN mailboxes on the SFTP sandbox (:mod:`sandbox.sftp`).

Each partner has one mailbox user that our Odoo logs in as. Folders are
named from our side, as the SFTP sandbox names them:

- ``inbound/``: the partner drops its files here, whole (written under a
  hidden name, then renamed); we pick them up and delete them;
- ``outbound/``: we upload here (atomically: ``.part`` then rename); the
  partner takes each complete file at once, as a VAN does, and removes it.

A file counts as complete when it is renamed to a name that is not hidden
and not ``.part``, or closed after writing under such a name (a client
without atomic upload). A file dropped mid-upload (the SFTP server's
``drop_after`` fault) stays a ``.part`` and is never read.
"""

import posixpath
import threading


class Mailboxes:
    """Routes the SFTP sandbox's events to the partners."""

    def __init__(self, server, *, pickup="inbound", dropoff="outbound", consume=True):
        self.server = server
        self.pickup = pickup  # where partners put files for us
        self.dropoff = dropoff  # where we put files for partners
        self.consume = consume
        self.partners = {}  # mailbox user -> TradingPartner
        self.taken = []  # (user, name, size) of every file a partner took
        self._lock = threading.Lock()
        server.observe(self._on_event)

    def add(self, partner, user, password=None, authorized_keys=()):
        """Give ``partner`` a mailbox for our login ``user``; its files go there."""
        self.server.add_user(
            user, password=password, authorized_keys=authorized_keys, folders=(self.pickup, self.dropoff)
        )
        self.partners[user] = partner
        partner.deliver = lambda name, data, user=user: self.server.deliver(
            user, name, data, folder=self.pickup
        )
        return partner

    @staticmethod
    def _complete(name):
        return bool(name) and not name.startswith(".") and not name.endswith(".part")

    def _on_event(self, user, op, path, details):
        partner = self.partners.get(user)
        if partner is None:
            return
        folder, name = posixpath.split(path)
        if folder != self.dropoff or not self._complete(name):
            return
        if op == "rename" or (op == "close" and details.get("writing")):
            self.take(user, name)

    def take(self, user, name):
        """The partner reads ``name`` from its dropoff folder (and removes it)."""
        target = self.server.path(user, self.dropoff, name)
        with self._lock:
            if not target.is_file():
                return None
            data = target.read_bytes()
            if self.consume:
                target.unlink()
            self.taken.append((user, name, len(data)))
        return self.partners[user].receive(data, name=name, via="sftp")

    def sweep(self):
        """Take every complete file waiting in the dropoff folders (files put
        there without the SFTP server, or before the partners listened)."""
        out = []
        for user in self.partners:
            folder = self.server.path(user, self.dropoff)
            for entry in sorted(folder.iterdir()):
                if entry.is_file() and self._complete(entry.name):
                    out.append(self.take(user, entry.name))
        return out
