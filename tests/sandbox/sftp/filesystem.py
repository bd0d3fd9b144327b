"""The SFTP side of the sandbox: one :class:`MailboxSFTPServer` per session,
rooted in its user's mailbox folder (asyncssh's chroot), with the
sandbox's faults and observers applied to every operation.

Paths are the client's (``/outbound/x.edi`` or ``outbound/x.edi``); the
chroot maps them under the user's root and refuses to leave it.
"""

import posixpath

import asyncssh
from asyncssh.sftp import FXF_APPEND, FXF_CREAT, FXF_TRUNC, FXF_WRITE

_STATUS_ERRORS = {
    "failure": asyncssh.SFTPFailure,
    "permission": asyncssh.SFTPPermissionDenied,
    "no_such_file": asyncssh.SFTPNoSuchFile,
    "unsupported": asyncssh.SFTPOpUnsupported,
    "connection_lost": asyncssh.SFTPConnectionLost,
}


class _OpenFile:
    """An open file and what the faults need to know about it."""

    def __init__(self, real, path, writing, fault):
        self.real = real
        self.path = path
        self.writing = writing
        self.fault = fault or {}

    def __getattr__(self, name):  # fileno(), seek()... for asyncssh's defaults
        return getattr(self.real, name)


class MailboxSFTPServer(asyncssh.SFTPServer):
    """asyncssh's local-file SFTP server, chrooted to the user's mailbox.

    Made by the sandbox for each SFTP session; ``sandbox`` gives the users,
    the faults (:class:`~sandbox.sftp.faults.SftpFaults`) and the observers.
    A user's ``read_only`` folders refuse writes, renames and removals
    (SSH_FX_PERMISSION_DENIED), as a VAN protects its pickup folders.
    """

    def __init__(self, chan, sandbox):
        self.sandbox = sandbox
        self.user = sandbox.users[chan.get_extra_info("username")]
        super().__init__(chan, chroot=str(self.user.root).encode())

    # -- helpers ------------------------------------------------------------------

    def _client_path(self, path):
        return path.decode("utf-8", "replace") if isinstance(path, bytes) else str(path)

    def _relative(self, path):
        return posixpath.normpath("/" + self._client_path(path)).lstrip("/")

    async def _fault(self, op, path=None):
        """Apply the planned fault of ``op`` on ``path`` (a status or a stall);
        return it (the caller applies byte-count faults itself)."""
        fault = self.sandbox.faults.take(op, self.user.name, self._client_path(path) if path else None)
        if not fault:
            return None
        if fault.get("stall"):
            await self.sandbox.stopped.wait()
            raise asyncssh.SFTPConnectionLost("sandbox stopping")
        if fault.get("status"):
            raise _STATUS_ERRORS[fault["status"]](f"sandbox fault on {op}")
        return fault

    def _check_writable(self, path):
        relative = self._relative(path)
        for folder in self.user.read_only:
            if relative == folder or relative.startswith(folder.rstrip("/") + "/"):
                raise asyncssh.SFTPPermissionDenied(f"{folder} is read-only for {self.user.name}")

    def _observe(self, op, path, **details):
        self.sandbox.observe_event(self.user.name, op, self._relative(path), details)

    def _drop(self):
        """Drop the connection the way a network failure does."""
        self.connection.abort()

    # -- files --------------------------------------------------------------------

    async def open(self, path, pflags, attrs):
        writing = bool(pflags & (FXF_WRITE | FXF_APPEND | FXF_CREAT | FXF_TRUNC))
        if writing:
            self._check_writable(path)
        await self._fault("open", path)
        fault = self.sandbox.faults.take(
            "write" if writing else "read", self.user.name, self._client_path(path)
        )
        real = super().open(path, pflags, attrs)
        self._observe("open", path, writing=writing)
        return _OpenFile(real, path, writing, fault)

    async def read(self, file_obj, offset, size):
        fault = file_obj.fault
        if fault.get("stall"):
            await self.sandbox.stopped.wait()
        limit = fault.get("short_after", fault.get("drop_after"))
        if limit is not None and offset + size > limit:
            if "drop_after" in fault and offset >= limit:
                self._drop()
                await self.sandbox.stopped.wait()
            size = max(limit - offset, 0)  # short_after: then end-of-file
        return super().read(file_obj.real, offset, size)

    async def write(self, file_obj, offset, data):
        fault = file_obj.fault
        if fault.get("stall"):
            await self.sandbox.stopped.wait()
        limit = fault.get("fail_after", fault.get("drop_after"))
        if limit is not None and offset + len(data) > limit:
            super().write(file_obj.real, offset, data[: max(limit - offset, 0)])
            self._observe("write", file_obj.path, offset=offset, size=max(limit - offset, 0), fault=True)
            if "drop_after" in fault:
                self._drop()
                await self.sandbox.stopped.wait()
            raise asyncssh.SFTPFailure("No space left on device (sandbox fault)")
        written = super().write(file_obj.real, offset, data)
        self._observe("write", file_obj.path, offset=offset, size=len(data))
        return written

    def close(self, file_obj):
        if isinstance(file_obj, _OpenFile):
            super().close(file_obj.real)
            self._observe("close", file_obj.path, writing=file_obj.writing)
            return None
        return super().close(file_obj)

    async def fsync(self, file_obj):
        await self._fault("fsync", file_obj.path)
        super().fsync(file_obj.real)
        self._observe("fsync", file_obj.path)

    def fstat(self, file_obj):
        return super().fstat(file_obj.real if isinstance(file_obj, _OpenFile) else file_obj)

    def fsetstat(self, file_obj, attrs):
        return super().fsetstat(file_obj.real if isinstance(file_obj, _OpenFile) else file_obj, attrs)

    # -- names --------------------------------------------------------------------

    async def stat(self, path):
        await self._fault("stat", path)
        return super().stat(path)

    async def lstat(self, path):
        await self._fault("stat", path)
        return super().lstat(path)

    async def scandir(self, path):
        await self._fault("list", path)
        async for entry in super().scandir(path):
            yield entry

    async def rename(self, oldpath, newpath):
        self._check_writable(oldpath)
        self._check_writable(newpath)
        await self._fault("rename", newpath)
        super().rename(oldpath, newpath)
        self._observe("rename", newpath, source=self._relative(oldpath))

    async def posix_rename(self, oldpath, newpath):
        if not self.sandbox.extensions:
            raise asyncssh.SFTPOpUnsupported("posix-rename is off on this sandbox")
        self._check_writable(oldpath)
        self._check_writable(newpath)
        await self._fault("rename", newpath)
        super().posix_rename(oldpath, newpath)
        self._observe("rename", newpath, source=self._relative(oldpath), posix=True)

    async def remove(self, path):
        self._check_writable(path)
        await self._fault("remove", path)
        super().remove(path)
        self._observe("remove", path)
