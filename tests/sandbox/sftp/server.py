"""The SFTP sandbox server: asyncssh on loopback, its loop in a thread.

:class:`SftpSandbox` holds the users (password and/or public keys, a
mailbox root each), a generated host key, the faults and the observers;
:meth:`SftpSandbox.start` listens on ``127.0.0.1`` (a free port by
default) and serves SFTP only (no shell, no exec, no forwarding).
"""

import asyncio
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh
from asyncssh.sftp import SFTPServerHandler
from asyncssh.stream import SSHReader, SSHServerStreamSession, SSHWriter

from .faults import SftpFaults
from .filesystem import MailboxSFTPServer
from .keys import generate_key, key_pair

AUTH_METHODS = ("publickey", "password", "keyboard-interactive")
START_TIMEOUT = 10.0  # seconds for the listener to come up or go down
# the SFTP extensions a plain server (extensions=False) does not announce
OPTIONAL_EXTENSIONS = (b"posix-rename@openssh.com", b"fsync@openssh.com", b"hardlink@openssh.com")


@dataclass
class SftpUser:
    """A mailbox user: ``password`` and/or ``authorized_keys`` (public key
    lines), the mailbox ``root`` and its ``folders``; ``read_only`` folders
    refuse writes, renames and removals."""

    name: str
    root: Path
    password: str | None = None
    authorized_keys: list = field(default_factory=list)
    folders: tuple = ()
    read_only: tuple = ()

    def key_allowed(self, key):
        return any(_public_blob(line) == key.public_data for line in self.authorized_keys)


def _public_blob(line):
    return asyncssh.import_public_key(line).public_data


def _kept_key(path, fresh):
    """The key stored at ``path``, or ``fresh`` after storing it there."""
    if path.exists():
        return key_pair(asyncssh.read_private_key(str(path)))
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(fresh.private_text())
    return fresh


class _SshServer(asyncssh.SSHServer):
    """Authentication and sessions of one connection, on the sandbox's rules."""

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.conn = None

    def connection_made(self, conn):
        self.conn = conn
        self.sandbox.connections.add(conn)
        if self.sandbox.faults.take("connect"):
            conn.abort()  # before the banner: a busy server

    def connection_lost(self, exc):
        self.sandbox.connections.discard(self.conn)

    def begin_auth(self, username):
        return True

    def password_auth_supported(self):
        return True

    def validate_password(self, username, password):
        user = self.sandbox.users.get(username)
        if self.sandbox.faults.refuse_auth or user is None or user.password is None:
            return False
        return password == user.password

    def public_key_auth_supported(self):
        return True

    def validate_public_key(self, username, key):
        user = self.sandbox.users.get(username)
        if self.sandbox.faults.refuse_auth or user is None:
            return False
        return user.key_allowed(key)

    def session_requested(self):
        return _SftpSession(self.sandbox)


class _SftpSession(SSHServerStreamSession):
    """An SFTP-only session. With ``extensions=False`` the server does not
    announce posix-rename or fsync, as many commercial SFTP servers."""

    def __init__(self, sandbox):
        self.sandbox = sandbox
        super().__init__(None, lambda chan: MailboxSFTPServer(chan, sandbox), sftp_version=3)

    def session_started(self):
        if self.sandbox.extensions or self._chan.get_subsystem() != "sftp":
            return super().session_started()
        self._chan.set_encoding(None)
        self._encoding = None
        reader, writer = SSHReader(self, self._chan), SSHWriter(self, self._chan)
        handler = SFTPServerHandler(self._init_sftp_server(), reader, writer, self._sftp_version)
        handler._extensions = [item for item in handler._extensions if item[0] not in OPTIONAL_EXTENSIONS]
        self._conn.create_task(handler.run(), reader.logger)
        return None


class SftpSandbox:
    """An SFTP server for tests, the sandbox trading partner and the demo.

    ``host``/``port`` (0: a free port, read :attr:`port` after start);
    ``host_key_types``: the host keys to generate (``"ed25519"``,
    ``"ecdsa"``, ``"rsa"``; the first is :attr:`host_key`);
    ``host_key_path``: keep the main host key in that file (made on the
    first start, mode 0600, reused after), so that a demo database pins it
    once and a restarted server still matches; ``auth_methods``: what
    the server offers (``publickey``, ``password``, ``keyboard-interactive``:
    some servers take passwords only there); ``root``: where
    the mailboxes live (default: a temporary folder removed on
    :meth:`close`); ``extensions``: announce posix-rename and fsync.

    ::

        with SftpSandbox() as server:
            server.add_user("acme", password="secret")     # inbound/ and outbound/
            server.deliver("acme", "ORDERS_1.edi", data)   # the partner sends us a file
            ...  # client: host=server.host, port=server.port, host_key=server.host_key.public_line
            server.sent("acme")                            # {name: bytes} we uploaded
    """

    def __init__(
        self,
        *,
        host="127.0.0.1",
        port=0,
        host_key_types=("ed25519",),
        host_key_path=None,
        auth_methods=AUTH_METHODS,
        root=None,
        extensions=True,
    ):
        unknown = set(auth_methods) - set(AUTH_METHODS)
        if unknown:
            raise ValueError(f"unknown SSH authentication methods: {sorted(unknown)}")
        self.auth_methods = tuple(auth_methods)
        self.host = host
        self.port = port
        self.extensions = extensions
        self.host_keys = [generate_key(kind, comment="sandbox-host") for kind in host_key_types]
        if host_key_path:
            self.host_keys[0] = _kept_key(Path(host_key_path), self.host_keys[0])
        self._own_root = root is None
        self.root = Path(root or tempfile.mkdtemp(prefix="sftp-sandbox-"))
        self.users = {}
        self.faults = SftpFaults()
        self.events = []  # (user, op, path, details) of every operation, in order
        self._observers = []
        self._lock = threading.Lock()
        self.connections = set()
        self.loop = None
        self.stopped = None
        self._thread = None
        self._acceptor = None

    @property
    def host_key(self):
        """The main host key (:class:`~sandbox.sftp.keys.KeyPair`)."""
        return self.host_keys[0]

    # -- users and mailboxes -------------------------------------------------------

    def add_user(
        self, name, *, password=None, authorized_keys=(), folders=("inbound", "outbound"), read_only=()
    ):
        """A mailbox user with its root (``<root>/<name>``) and folders.
        Folders are named from the user's side: ``outbound/`` is where the
        user drops files for the partner, ``inbound/`` where the partner's
        files wait for the user."""
        root = self.root / name
        root.mkdir(parents=True, exist_ok=True)
        for folder in folders:
            (root / folder).mkdir(parents=True, exist_ok=True)
        user = SftpUser(
            name,
            root,
            password=password,
            authorized_keys=list(authorized_keys),
            folders=tuple(folders),
            read_only=tuple(read_only),
        )
        self.users[name] = user
        return user

    def path(self, user, *parts):
        """The local path of ``parts`` in ``user``'s mailbox."""
        return self.users[user].root.joinpath(*parts)

    def put(self, user, relative, data, mtime=None):
        """Place a file in the mailbox as the partner would (whole, at once)."""
        target = self.path(user, relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.sandbox")
        temp.write_bytes(data)
        if mtime is not None:
            os.utime(temp, (mtime, mtime))
        temp.replace(target)
        return target

    def deliver(self, user, name, data, folder="inbound", mtime=None):
        """The partner sends ``user`` a file: it appears in ``folder`` whole."""
        return self.put(user, f"{folder}/{name}", data, mtime)

    def listing(self, user, folder):
        """``{name: size}`` of everything in a mailbox folder (hidden names too)."""
        base = self.path(user, folder)
        return {entry.name: entry.stat().st_size for entry in sorted(base.iterdir()) if entry.is_file()}

    def sent(self, user, folder="outbound"):
        """``{name: bytes}`` of the complete files ``user`` left in ``folder``
        (hidden and ``.part`` names, uploads in progress, left out)."""
        base = self.path(user, folder)
        return {
            entry.name: entry.read_bytes()
            for entry in sorted(base.iterdir())
            if entry.is_file() and not entry.name.startswith(".") and not entry.name.endswith(".part")
        }

    # -- observing -------------------------------------------------------------------

    def observe(self, callback):
        """Call ``callback(user, op, path, details)`` after every operation,
        on the server's thread, before the client gets the answer (a test
        looks at the mailbox at that instant). Returns ``callback``."""
        self._observers.append(callback)
        return callback

    def observe_event(self, user, op, path, details):
        with self._lock:
            self.events.append((user, op, path, details))
        for callback in list(self._observers):
            callback(user, op, path, details)

    # -- lifecycle ---------------------------------------------------------------------

    def start(self):
        """Listen (a free port when 0); returns the port. Idempotent."""
        if self._thread:
            return self.port
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name=f"sftp-sandbox-{self.port}", daemon=True
        )
        self._thread.start()
        self._acceptor = self._call(self._listen())
        self.port = self._acceptor.sockets[0].getsockname()[1]
        return self.port

    async def _listen(self):
        self.stopped = asyncio.Event()
        return await asyncssh.listen(
            self.host,
            self.port,
            server_factory=lambda: _SshServer(self),
            server_host_keys=[pair.key for pair in self.host_keys],
            public_key_auth="publickey" in self.auth_methods,
            password_auth="password" in self.auth_methods,
            kbdint_auth="keyboard-interactive" in self.auth_methods,
            allow_scp=False,
            agent_forwarding=False,
            x11_forwarding=False,
            line_editor=False,
        )

    def stop(self):
        """Close the listener and every connection; the port is free again."""
        if not self._thread:
            return
        try:
            self._call(self._shutdown())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=START_TIMEOUT)
            self.loop.close()
            self._thread = None
            self._acceptor = None

    async def _shutdown(self):
        if self.stopped is not None:
            self.stopped.set()
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
        for conn in list(self.connections):
            conn.abort()
        await asyncio.sleep(0)  # let the aborted connections run their callbacks

    def close(self):
        """Stop, and remove the mailboxes when the sandbox made their root."""
        self.stop()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(START_TIMEOUT)

    @property
    def running(self):
        return self._thread is not None

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def reset(self):
        """No faults, no recorded events (users and files stay)."""
        self.faults.reset()
        with self._lock:
            self.events.clear()
        self._observers.clear()
