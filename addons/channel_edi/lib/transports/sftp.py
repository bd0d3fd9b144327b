"""SFTP transport: partners' SFTP servers and VAN mailboxes (paramiko).

What the EDI flows need from SFTP, and how this module gives it:

- **Host-key pinning.** The profile stores the server's key (an OpenSSH
  public key line ``ssh-ed25519 AAAA...``, or its ``SHA256:...``
  fingerprint; several lines during a key rotation). A server presenting
  another key is refused permanently (:class:`HostKeyMismatch`, naming both
  fingerprints); an unknown key is never accepted on the fly.
  :func:`fetch_host_key` reads a server's key for the admin's "trust this
  key" button; the Odoo layer stores it only once the admin confirms. The
  pins and the login key are read in :mod:`.ssh_keys` (its names are
  importable from here too).
- **Atomic upload** (:meth:`SftpClient.upload`): the bytes go to a temporary
  name (``.<name>.part`` beside the target, or in a separate tmp folder as
  some VANs require), are flushed (``fsync@openssh.com`` when offered) and
  closed, the size is checked with a stat, and only then is the file
  renamed to its final name. A partial upload never carries the final
  name; on failure the temporary file is removed (when the connection still
  lives; otherwise the next upload of the same name overwrites it).
- **Pickup acknowledged after storage** (:meth:`SftpClient.pickup`, or
  :meth:`~SftpClient.list_files` + :meth:`~SftpClient.download` +
  :meth:`~SftpClient.ack`): each file is read whole and its length checked
  against the stat size; nothing is deleted or archived before the caller
  has stored the bytes and acknowledges. A crash in between leaves the
  file on the server for the next run (the inbound duplicate check on the
  interchange control number absorbs the second read).
- **Errors** are the suite's (``integration_core.lib.exceptions``):
  timeouts, refused/reset/dropped connections, a busy server, a short read
  are retryable; a failed login, a host-key mismatch, a denied permission,
  a missing folder are permanent. Each carries a stable ``code``
  (``sftp.auth_failed``, ``sftp.host_key_mismatch``...).
- **Timeouts are explicit** (:class:`Timeouts`): TCP connect, SSH banner,
  key exchange, authentication, channel open, and every SFTP operation.

The client takes paths: which folders (test or production inbound,
outbound, archive, tmp: :class:`SftpFolders`) is the Odoo layer's choice.

Typical use::

    settings = SftpSettings(host="sftp.partner.example", username="acme",
                            private_key=pem_text, host_key="ssh-ed25519 AAAA...")
    folders = SftpFolders(inbound="/prod/out", outbound="/prod/in", archive="/prod/archive")
    with SftpClient.connect(settings) as client:
        client.upload(folders.outbound, "PO_000123.x12", data, tmp_folder=folders.tmp)
        result = client.pickup(folders.inbound, store, pattern="*.x12", limit=50,
                               archive_folder=folders.archive)
"""

import errno
import fnmatch
import hashlib
import logging
import posixpath
import socket
import stat as statmod
import threading
import time
from dataclasses import dataclass, field

import paramiko
from paramiko.sftp import CMD_EXTENDED, CMD_INIT, CMD_VERSION

from odoo.addons.integration_core.lib.exceptions import (
    IntegrationError,
    PermanentError,
    RemoteRejected,
    RemoteServerError,
    RemoteTimeout,
)

from .ssh_keys import (
    KEY_ALGORITHMS,
    HostKey,
    HostKeyMismatch,
    check_host_key,
    host_key_of,
    key_fingerprint,
    load_private_key,
    parse_host_keys,
)

__all__ = [
    "HostKey",
    "HostKeyMismatch",
    "PickupResult",
    "ReceivedFile",
    "RemoteFile",
    "SftpClient",
    "SftpFolders",
    "SftpSettings",
    "Timeouts",
    "UploadResult",
    "check_host_key",
    "classify",
    "fetch_host_key",
    "host_key_of",
    "key_fingerprint",
    "load_private_key",
    "parse_host_keys",
]

_logger = logging.getLogger(__name__)

CHUNK_SIZE = 32768  # bytes per SFTP write request (the common server maximum)

# SFTP v3 status codes (draft-ietf-secsh-filexfer-02, section 7)
SFTP_OK = 0
SFTP_EOF = 1
SFTP_NO_SUCH_FILE = 2
SFTP_PERMISSION_DENIED = 3
SFTP_FAILURE = 4
SFTP_BAD_MESSAGE = 5
SFTP_NO_CONNECTION = 6
SFTP_CONNECTION_LOST = 7
SFTP_OP_UNSUPPORTED = 8

# what paramiko's Channel raises (a bare OSError, no errno) when asked to send
# on a channel the server has already closed: the connection is gone
PARAMIKO_CLOSED_CHANNEL = "Socket is closed"


# --- settings ----------------------------------------------------------------------


@dataclass(frozen=True)
class Timeouts:
    """Seconds allowed for each step; none is ever unbounded.

    ``connect``: the TCP connection; ``banner``: the server's SSH banner
    (a busy OpenSSH server accepts and then says nothing); ``handshake``:
    the key exchange; ``auth``: each authentication request; ``channel``:
    opening the SFTP channel; ``operation``: every SFTP request after that
    (a server that stops answering mid-transfer).
    """

    connect: float = 15.0
    banner: float = 15.0
    handshake: float = 20.0
    auth: float = 20.0
    channel: float = 15.0
    operation: float = 60.0


@dataclass(frozen=True)
class SftpSettings:
    """One SFTP profile (a partner's server or a VAN mailbox).

    Authentication: ``password``, ``private_key`` (PEM/OpenSSH text of an
    Ed25519, ECDSA or RSA key, with ``passphrase`` when encrypted), or both
    (key first; a server may require both). ``host_key``: the pinned key(s),
    see :func:`parse_host_keys`; required.

    Upload: the temporary name is ``temp_prefix + name + temp_suffix``;
    ``replace_existing`` lets an upload replace a file of the same name
    (with ``posix-rename@openssh.com`` when the server offers it, else by
    removing the old file first; without it, an existing final name is an
    error unless it holds the very same bytes); ``fsync`` asks the server to
    flush the file before the rename when it offers ``fsync@openssh.com``;
    ``use_posix_rename``: None to use it when offered, False never.

    Pickup: names starting with ``temp_prefix`` and ending with
    ``temp_suffix`` are someone's upload in progress and skipped, as are
    hidden names (``skip_hidden``) and files modified less than ``min_age``
    seconds ago (a partner that writes in place, without a rename).
    """

    host: str
    username: str
    host_key: str
    port: int = 22
    password: str | None = None
    private_key: str | None = None
    passphrase: str | None = None
    timeouts: Timeouts = field(default_factory=Timeouts)
    temp_prefix: str = "."
    temp_suffix: str = ".part"
    replace_existing: bool = False
    fsync: bool = True
    use_posix_rename: bool | None = None
    skip_hidden: bool = True
    min_age: float = 0.0


@dataclass(frozen=True)
class SftpFolders:
    """The folders of one environment (test or production) of a profile,
    as the Odoo layer picks them; the client methods take the paths.

    ``inbound``: where the partner's files wait for us (pickup);
    ``outbound``: where we drop files for the partner; ``archive``: where
    acknowledged inbound files go (None: they are deleted); ``tmp``: where
    uploads are written before the rename (None: beside the target)."""

    inbound: str
    outbound: str
    archive: str | None = None
    tmp: str | None = None


# --- results -------------------------------------------------------------------------


@dataclass(frozen=True)
class RemoteFile:
    """A file listed in a remote folder."""

    name: str
    path: str
    size: int
    mtime: int | None


@dataclass(frozen=True)
class ReceivedFile:
    """A file read whole from the server; ``data`` has exactly ``size`` bytes."""

    name: str
    path: str
    data: bytes
    size: int
    mtime: int | None

    @property
    def sha256(self):
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class UploadResult:
    name: str
    path: str  # the final path
    size: int
    temp_path: str
    replaced: bool = False  # an older file of that name was replaced
    already_present: bool = False  # the same bytes were there already (a repeated job)


@dataclass
class PickupResult:
    """What :meth:`SftpClient.pickup` did: ``received`` were stored by the
    caller and acknowledged on the server; ``failed`` (name, error) stay on
    the server for the next run; ``unacknowledged`` were stored but could not
    be deleted or archived (the next run reads them again)."""

    received: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    unacknowledged: list = field(default_factory=list)


# --- errors -------------------------------------------------------------------------


def _rejected(code, template, **params):
    return RemoteRejected(template=template, params=params, code=code)


def _retryable(cls, code, template, **params):
    return cls(template=template, params=params, code=code)


def classify(exc, action, path=None):
    """The suite's error for ``exc`` raised while doing ``action`` (a verb:
    "connect", "upload", "list", ...) on ``path``; None when ``exc`` is not
    a transport failure (a bug: let it propagate as it is)."""
    if isinstance(exc, IntegrationError):
        return exc
    where = f"{action} {path}" if path else action
    detail = str(exc) or type(exc).__name__
    if _caused_by_timeout(exc):
        return _retryable(RemoteTimeout, "sftp.timeout", "SFTP %(where)s timed out", where=where)
    if isinstance(exc, paramiko.BadAuthenticationType):
        return _rejected(
            "sftp.auth_method",
            "SFTP login refused: the server allows only %(allowed)s",
            allowed=", ".join(exc.allowed_types) or "nothing",
        )
    if isinstance(exc, paramiko.PasswordRequiredException):
        return _rejected("sftp.key_passphrase", "The SFTP private key is encrypted: give its passphrase")
    if isinstance(exc, paramiko.AuthenticationException):
        if "transport shut down" in detail or "EOF" in detail:  # closed during auth
            return _retryable(
                RemoteServerError, "sftp.connection", "SFTP %(where)s: connection closed", where=where
            )
        return _rejected("sftp.auth_failed", "SFTP login refused for this user: %(detail)s", detail=detail)
    if isinstance(exc, paramiko.IncompatiblePeer):
        return _rejected(
            "sftp.incompatible", "SFTP server has no algorithm in common with us: %(detail)s", detail=detail
        )
    if isinstance(exc, socket.gaierror):
        if exc.errno == socket.EAI_AGAIN:
            return _retryable(
                RemoteServerError,
                "sftp.dns",
                "SFTP host name lookup failed for now: %(detail)s",
                detail=detail,
            )
        return _rejected("sftp.unknown_host", "SFTP host name unknown: %(detail)s", detail=detail)
    if isinstance(exc, ConnectionRefusedError):
        return _retryable(
            RemoteServerError, "sftp.refused", "SFTP %(where)s: connection refused", where=where
        )
    if isinstance(exc, EOFError | ConnectionError | paramiko.SSHException) or (
        isinstance(exc, OSError) and _connection_gone(exc, detail)
    ):
        # reset, dropped, closed before the banner (a busy server), channel closed
        return _retryable(
            RemoteServerError,
            "sftp.connection",
            "SFTP %(where)s: connection lost (%(detail)s)",
            where=where,
            detail=detail,
        )
    if isinstance(exc, OSError):
        return _classify_os_error(exc, where, detail)
    return None


def _connection_gone(exc, detail):
    """An OSError that says the connection is gone rather than that the
    server refused the request: paramiko's closed channel, or the SFTP status
    codes NO_CONNECTION and CONNECTION_LOST."""
    status = getattr(exc, "sftp_status", None)
    if status in (SFTP_NO_CONNECTION, SFTP_CONNECTION_LOST):
        return True
    return exc.errno is None and status is None and detail == PARAMIKO_CLOSED_CHANNEL


def _classify_os_error(exc, where, detail):
    """SFTP status codes arrive as OSError (paramiko maps NO_SUCH_FILE and
    PERMISSION_DENIED to errno; :class:`_SFTPClient` keeps the others)."""
    status = getattr(exc, "sftp_status", None)
    if exc.errno == errno.ENOENT:
        return _rejected("sftp.no_such_path", "SFTP %(where)s: no such file or folder", where=where)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return _rejected("sftp.permission_denied", "SFTP %(where)s: permission denied", where=where)
    if status == SFTP_OP_UNSUPPORTED:
        return _rejected("sftp.unsupported", "SFTP %(where)s: not supported by the server", where=where)
    if status == SFTP_BAD_MESSAGE:
        return _rejected("sftp.bad_message", "SFTP %(where)s: the server did not understand", where=where)
    # FAILURE is SFTP v3's catch-all (disk full, file locked...), and the
    # network errnos speak for themselves: try again
    return _retryable(
        RemoteServerError, "sftp.failure", "SFTP %(where)s failed: %(detail)s", where=where, detail=detail
    )


def _caused_by_timeout(exc):
    """paramiko wraps a banner timeout in SSHException and reports an
    authentication timeout as AuthenticationException: look down the chain."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, TimeoutError | socket.timeout):
            return True
        if isinstance(exc, paramiko.SSHException) and any(
            word in str(exc).lower() for word in ("timeout", "timed out")
        ):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


# --- the trust button ------------------------------------------------------------------


def fetch_host_key(host, port=22, timeout=15.0, key_type=None):
    """Connect, read the server's host key, disconnect (no login).

    For the profile's "trust this key" button: the Odoo layer shows
    :attr:`HostKey.fingerprint` to the admin, who compares it with the
    partner's, and stores :attr:`HostKey.line` only on confirmation.
    ``key_type`` (``"ssh-ed25519"``) asks for that key when the server has
    several. Raises the suite's errors (timeouts, refused...)."""
    timeouts = Timeouts(connect=timeout, banner=timeout, handshake=timeout)
    preferred = KEY_ALGORITHMS.get(key_type, (key_type,)) if key_type else ()
    transport = None
    try:
        transport = _open_transport(host, port, timeouts, preferred)
        return host_key_of(transport.get_remote_server_key())
    except Exception as exc:
        raise _classified(exc, "connect", f"{host}:{port}") from exc
    finally:
        if transport is not None:
            transport.close()


def _classified(exc, action, path=None):
    error = classify(exc, action, path)
    if error is None:
        raise exc
    return error


# --- the connection -----------------------------------------------------------------


def _open_transport(host, port, timeouts, preferred_key_algorithms=()):
    """TCP connect, SSH banner and key exchange, each with its timeout; the
    host key algorithms of the pinned keys are asked for first."""
    sock = socket.create_connection((host, port), timeout=timeouts.connect)
    transport = paramiko.Transport(sock)
    transport.banner_timeout = timeouts.banner
    transport.handshake_timeout = timeouts.handshake
    transport.auth_timeout = timeouts.auth
    transport.channel_timeout = timeouts.channel
    if preferred_key_algorithms:
        options = transport.get_security_options()
        rest = [name for name in options.key_types if name not in preferred_key_algorithms]
        options.key_types = [*preferred_key_algorithms, *rest]
    done = threading.Event()
    try:
        transport.start_client(event=done)
        done.wait(timeouts.banner + timeouts.handshake)
        if not transport.is_active():
            raise transport.get_exception() or paramiko.SSHException("SSH negotiation failed")
        if not done.is_set():
            raise TimeoutError("SSH key exchange timed out")
    except BaseException:
        transport.close()
        raise
    return transport


class _SFTPClient(paramiko.SFTPClient):
    """paramiko's client, plus what it leaves out: the extensions the server
    announces in its VERSION packet (``posix-rename@openssh.com``,
    ``fsync@openssh.com``), the SFTP status code of a failure (kept on the
    OSError as ``sftp_status``), and fsync."""

    extensions = None

    def _send_version(self):
        message = paramiko.Message()
        message.add_int(3)
        self._send_packet(CMD_INIT, message)
        kind, data = self._read_packet()
        if kind != CMD_VERSION:
            raise paramiko.SFTPError("Incompatible sftp protocol")
        reply = paramiko.Message(data)
        version = reply.get_int()
        extensions = {}
        try:
            while reply.get_remainder():
                name = reply.get_string().decode("utf-8", "replace")
                extensions[name] = reply.get_string()
        except Exception:  # a malformed extension list: use none of them
            _logger.debug("SFTP server sent an unreadable extension list", exc_info=True)
        self.extensions = extensions
        return version

    def _convert_status(self, msg):
        """paramiko's mapping (EOF, ENOENT, EACCES, else a plain OSError),
        with the SFTP status code kept as ``sftp_status``."""
        code = msg.get_int()
        text = msg.get_text()
        if code == SFTP_OK:
            return
        if code == SFTP_EOF:
            raise EOFError(text)
        if code == SFTP_NO_SUCH_FILE:
            exc = OSError(errno.ENOENT, text)
        elif code == SFTP_PERMISSION_DENIED:
            exc = OSError(errno.EACCES, text)
        else:
            exc = OSError(text)
        exc.sftp_status = code
        raise exc

    def offers(self, extension):
        return extension in (self.extensions or {})

    def collect_write_errors(self, handle):
        """Read the answers to the pipelined writes of ``handle`` and raise
        the first error status among them. paramiko files those answers
        under no file and drops them (close() swallows errors too): without
        this, a "disk full" would show only as a short file."""
        while handle._reqs:
            request = handle._reqs.popleft()
            with self._lock:
                pending = request in self._expecting
            if pending:
                self._read_response(request)  # raises on an error status

    def fsync(self, handle):
        """``fsync@openssh.com`` on an open file's handle."""
        self._request(CMD_EXTENDED, "fsync@openssh.com", handle)


class SftpClient:
    """A logged-in SFTP session. Open with :meth:`connect` (a context
    manager); every public method raises the suite's errors only."""

    def __init__(self, settings, transport, sftp):
        self.settings = settings
        self.transport = transport
        self.sftp = sftp

    # -- opening and closing -------------------------------------------------------

    @classmethod
    def connect(cls, settings):
        """Connect, check the host key against the pins, log in, open SFTP."""
        pins = parse_host_keys(settings.host_key)
        key = load_private_key(settings.private_key, settings.passphrase) if settings.private_key else None
        if key is None and not settings.password:
            raise PermanentError(
                template="SFTP profile has neither a password nor a private key", code="sftp.no_credentials"
            )
        preferred = []
        for key_type, _fingerprint in pins:
            for name in KEY_ALGORITHMS.get(key_type, ()):
                if name not in preferred:
                    preferred.append(name)
        server = f"{settings.host}:{settings.port}"
        transport = None
        try:
            transport = _open_transport(settings.host, settings.port, settings.timeouts, tuple(preferred))
            check_host_key(host_key_of(transport.get_remote_server_key()), pins, settings.host, settings.port)
            _authenticate(transport, settings.username, settings.password, key)
            channel = transport.open_session(timeout=settings.timeouts.channel)
            channel.settimeout(settings.timeouts.operation)
            # paramiko waits for the subsystem's answer without a timeout
            _within(settings.timeouts.channel, transport, lambda: channel.invoke_subsystem("sftp"))
            sftp = _SFTPClient(channel)
        except Exception as exc:
            if transport is not None:
                transport.close()
            raise _classified(exc, "connect", server) from exc
        return cls(settings, transport, sftp)

    def close(self):
        """Close the session; never raises (the connection may be dead already)."""
        try:
            if self.alive:
                self.sftp.close()
        except Exception:  # EOF, reset: nothing left to close politely
            _logger.debug("SFTP: closing a broken session", exc_info=True)
        finally:
            self.transport.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def alive(self):
        return self.transport.is_active()

    def _error(self, exc, action, path=None):
        """The suite's error for ``exc``. After a timeout the SFTP session is
        out of step with the server (an answer may still come): close it."""
        error = _classified(exc, action, path)
        if isinstance(error, RemoteTimeout):
            self.transport.close()
        return error

    # -- upload ---------------------------------------------------------------------

    def upload(self, folder, name, data, tmp_folder=None):
        """Put ``data`` under ``folder/name`` atomically (see the module doc);
        ``tmp_folder``: write the temporary file there instead of beside the
        target (same file system on the server, or the rename fails)."""
        _check_name(name)
        data = bytes(data)
        final = posixpath.join(folder, name)
        temp = posixpath.join(
            tmp_folder or folder, f"{self.settings.temp_prefix}{name}{self.settings.temp_suffix}"
        )
        existing = self._existing_size(final)
        if existing is not None and not self.settings.replace_existing:
            if existing == len(data) and self._same_bytes(final, data):
                return UploadResult(name, final, len(data), temp, already_present=True)
            raise _rejected(
                "sftp.target_exists",
                "SFTP upload %(path)s: a different file of that name is already there",
                path=final,
            )
        try:
            self._write_temp(temp, data)
            self._rename_into_place(temp, final, exists=existing is not None)
        except Exception as exc:
            error = self._error(exc, "upload", final)
            self._discard(temp)
            raise error from exc
        return UploadResult(name, final, len(data), temp, replaced=existing is not None)

    def _write_temp(self, temp, data):
        """Write, flush to disk, close, then check the size the server reports."""
        with self.sftp.open(temp, "wb") as handle:
            handle.set_pipelined(True)
            for start in range(0, len(data), CHUNK_SIZE):
                handle.write(data[start : start + CHUNK_SIZE])
            handle.flush()
            self.sftp.collect_write_errors(handle)
            if self.settings.fsync and self.sftp.offers("fsync@openssh.com"):
                self.sftp.fsync(handle.handle)
        size = self.sftp.stat(temp).st_size
        if size != len(data):
            raise _retryable(
                RemoteServerError,
                "sftp.size_mismatch",
                "SFTP upload %(path)s: the server holds %(size)s bytes of %(expected)s",
                path=temp,
                size=size,
                expected=len(data),
            )

    def _rename_into_place(self, temp, final, exists):
        """Plain rename unless replacing was asked for: SSH_FXP_RENAME fails
        when the new name exists (draft-ietf-secsh-filexfer-02, 6.5; OpenSSH
        does it with link() + unlink(), so it never clobbers). Replacing:
        posix-rename when offered (rename(2), atomic), else remove the old
        file, then rename (a short window without the file)."""
        if not (self.settings.replace_existing and exists):
            self.sftp.rename(temp, final)
            return
        if self._posix_rename_offered():
            try:
                self.sftp.posix_rename(temp, final)
                return
            except OSError as exc:
                if getattr(exc, "sftp_status", None) != SFTP_OP_UNSUPPORTED:
                    raise
        self.sftp.remove(final)
        self.sftp.rename(temp, final)

    def _posix_rename_offered(self):
        if self.settings.use_posix_rename is False:
            return False
        return self.sftp.offers("posix-rename@openssh.com")

    def _discard(self, path):
        """Remove a temporary file after a failure, if the session still lives."""
        if not self.alive:
            return
        try:
            self.sftp.remove(path)
        except Exception:  # already gone, or the connection died meanwhile
            _logger.debug("SFTP: could not remove %s", path, exc_info=True)

    def _existing_size(self, path):
        """The size of ``path``, None when there is no such file."""
        try:
            return self.sftp.stat(path).st_size
        except Exception as exc:
            if isinstance(exc, OSError) and exc.errno == errno.ENOENT:
                return None
            raise self._error(exc, "stat", path) from exc

    def _same_bytes(self, path, data):
        try:
            return self._read_all(path, len(data)) == data
        except Exception as exc:
            raise self._error(exc, "download", path) from exc

    # -- pickup ---------------------------------------------------------------------

    def list_files(self, folder, pattern="*", limit=None, now=None):
        """Regular files of ``folder`` whose name matches ``pattern`` (a glob,
        or several separated by commas; case-insensitive, partners mix
        ``.x12`` and ``.X12``), oldest first (then by name), at most
        ``limit``. Temporary and hidden names, folders and links are left
        out, and so are files younger than the profile's ``min_age``."""
        try:
            entries = self.sftp.listdir_attr(folder)
        except Exception as exc:
            raise self._error(exc, "list", folder) from exc
        patterns = [part.strip() for part in (pattern or "*").split(",") if part.strip()]
        now = time.time() if now is None else now
        files = []
        for entry in entries:
            name = entry.filename
            if entry.st_mode is None or not statmod.S_ISREG(entry.st_mode):
                continue
            if self._is_temporary(name) or (self.settings.skip_hidden and name.startswith(".")):
                continue
            if not any(fnmatch.fnmatchcase(name.lower(), glob.lower()) for glob in patterns):
                continue
            if self.settings.min_age and entry.st_mtime and now - entry.st_mtime < self.settings.min_age:
                continue
            files.append(RemoteFile(name, posixpath.join(folder, name), entry.st_size or 0, entry.st_mtime))
        files.sort(key=lambda item: (item.mtime or 0, item.name))
        return files[:limit] if limit else files

    def _is_temporary(self, name):
        prefix, suffix = self.settings.temp_prefix, self.settings.temp_suffix
        if not (prefix or suffix):
            return False
        return name.startswith(prefix) and name.endswith(suffix)

    def download(self, remote):
        """Read ``remote`` (a :class:`RemoteFile`, or a path) whole. The
        number of bytes read must equal the size the server reports before
        and after the read; otherwise a retryable ``sftp.short_read`` (the
        file was cut, or is still being written) and nothing is received."""
        path = remote.path if isinstance(remote, RemoteFile) else remote
        try:
            before = self.sftp.stat(path)
            data = self._read_all(path, before.st_size)
            after = self.sftp.stat(path)
        except Exception as exc:
            raise self._error(exc, "download", path) from exc
        if (
            len(data) != before.st_size
            or after.st_size != before.st_size
            or after.st_mtime != before.st_mtime
        ):
            raise _retryable(
                RemoteServerError,
                "sftp.short_read",
                "SFTP download %(path)s: read %(read)s bytes, the server reports %(size)s",
                path=path,
                read=len(data),
                size=after.st_size,
            )
        return ReceivedFile(posixpath.basename(path), path, data, len(data), before.st_mtime)

    def _read_all(self, path, size):
        with self.sftp.open(path, "rb") as handle:
            if size:
                handle.prefetch(size)
            return handle.read()

    def ack(self, received, archive_folder=None):
        """The caller has stored ``received``: delete it on the server, or move
        it to ``archive_folder``. Only when the file there is still the one
        that was read (same size and time): a newer file of the same name is
        left alone. Returns True when the file is gone from the folder (also
        when someone else took it already), False when it was left.

        ``received`` is the :class:`ReceivedFile`, or, to acknowledge in a
        later session (after the database committed), a :class:`RemoteFile`
        rebuilt from the stored name, path, size and mtime."""
        path = received.path
        try:
            current = self.sftp.stat(path)
        except Exception as exc:
            if isinstance(exc, OSError) and exc.errno == errno.ENOENT:
                return True
            raise self._error(exc, "acknowledge", path) from exc
        if current.st_size != received.size or current.st_mtime != received.mtime:
            _logger.warning("SFTP: %s changed since it was read; left on the server", path)
            return False
        try:
            if archive_folder:
                self._archive(path, posixpath.join(archive_folder, received.name))
            else:
                self.sftp.remove(path)
        except Exception as exc:
            raise self._error(exc, "acknowledge", path) from exc
        return True

    def _archive(self, path, target):
        if self._posix_rename_offered():
            self.sftp.posix_rename(path, target)  # replaces an older archived copy
            return
        if self._existing_size(target) is not None:
            self.sftp.remove(target)
        self.sftp.rename(path, target)

    def pickup(self, folder, store, pattern="*", limit=None, archive_folder=None):
        """Receive the files of ``folder``: for each (oldest first), read it
        whole, hand it to ``store(received)``, and acknowledge it
        (:meth:`ack`) only once ``store`` returned. A file that cannot be
        read, or that ``store`` refuses by raising, stays on the server and
        is listed in :attr:`PickupResult.failed`; a lost connection stops
        the pickup and raises (what was stored and acknowledged stays so)."""
        result = PickupResult()
        for remote in self.list_files(folder, pattern, limit):
            try:
                received = self.download(remote)
            except IntegrationError as error:
                if not self.alive:
                    raise
                if error.code != "sftp.no_such_path":  # else taken meanwhile by another reader
                    result.failed.append((remote.name, error))
                continue
            try:
                store(received)
            except IntegrationError as error:
                result.failed.append((remote.name, error))
                continue
            try:
                acknowledged = self.ack(received, archive_folder)
            except IntegrationError as error:
                if not self.alive:
                    result.unacknowledged.append(received.name)
                    raise
                acknowledged = False
                _logger.warning("SFTP: %s stored but not acknowledged: %s", received.path, error)
            (result.received if acknowledged else result.unacknowledged).append(received.name)
        return result


def _authenticate(transport, username, password, key):
    """Key first, then password (some servers ask for both). A server that
    takes passwords only as keyboard-interactive answers gets it there
    (paramiko's own fallback of auth_password)."""
    if key is not None:
        remaining = transport.auth_publickey(username, key)
        if transport.is_authenticated():
            return
        if not password or not {"password", "keyboard-interactive"} & set(remaining or []):
            raise paramiko.AuthenticationException("the server wants more than the key")
    transport.auth_password(username, password, fallback=True)
    if not transport.is_authenticated():
        raise paramiko.AuthenticationException("authentication incomplete")


def _within(seconds, transport, call):
    """``call()``, closing ``transport`` if it has not returned after
    ``seconds`` (which wakes paramiko's unbounded waits with an error)."""
    fired = threading.Event()

    def expire():
        fired.set()
        transport.close()

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        return call()
    except Exception as exc:
        if fired.is_set():
            raise TimeoutError(f"no answer within {seconds} s") from exc
        raise
    finally:
        timer.cancel()


def _check_name(name):
    """A remote file name is one plain name: no folder, no '..', no NUL."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        raise PermanentError(
            template="SFTP file name %(name)r is not a plain file name",
            params={"name": name},
            code="sftp.bad_name",
        )
