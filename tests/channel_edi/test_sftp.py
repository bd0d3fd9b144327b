"""The SFTP transport against a real SFTP server on loopback (sandbox.sftp).

No mocks of the client: paramiko talks SSH to asyncssh over 127.0.0.1.
Faults are the sandbox's deterministic ones (a connection dropped after N
bytes, a "disk full", a short read, a rename refused, an operation never
answered); nothing sleeps. The few timeouts met for real are short (0.3 s).
"""

import itertools
import socket

import paramiko
import pytest
from sandbox.sftp import SftpSandbox, generate_key

from odoo.addons.channel_edi.lib.transports import sftp
from odoo.addons.integration_core.lib.exceptions import (
    BusinessRuleError,
    PermanentError,
    RemoteRejected,
    RemoteServerError,
    RemoteTimeout,
    RetryableError,
)

PASSWORD = "s3cret-Passw0rd"
FAST = sftp.Timeouts(connect=5, banner=5, handshake=5, auth=5, channel=5, operation=5)
SHORT = 0.3  # seconds: the timeouts a test waits for on purpose
ROUNDS = 2  # bcrypt rounds of the encrypted OpenSSH keys (ssh-keygen: 16; each costs ~30 ms)
_names = itertools.count(1)
_keys = {}


def key_of(kind):
    """One generated key per kind for the whole module (RSA takes a while)."""
    if kind not in _keys:
        _keys[kind] = generate_key(kind)
    return _keys[kind]


@pytest.fixture(scope="module")
def server():
    with SftpSandbox() as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def user_key():
    return key_of("ed25519")


@pytest.fixture
def user(server, user_key):
    """A fresh mailbox (inbound, outbound, archive, tmp) for each test."""
    name = f"acme{next(_names)}"
    server.add_user(
        name,
        password=PASSWORD,
        authorized_keys=[user_key.public_line],
        folders=("inbound", "outbound", "archive", "tmp", "readonly"),
        read_only=("readonly",),
    )
    yield name
    server.reset()


def settings(server, user, **changes):
    values = {
        "host": server.host,
        "port": server.port,
        "username": user,
        "password": PASSWORD,
        "host_key": server.host_key.public_line,
        "timeouts": FAST,
    }
    values.update(changes)
    return sftp.SftpSettings(**values)


def connect(server, user, **changes):
    return sftp.SftpClient.connect(settings(server, user, **changes))


# --- logging in ----------------------------------------------------------------------


def test_password_login_uploads_and_lists(server, user):
    with connect(server, user) as client:
        result = client.upload("outbound", "PO_1.x12", b"ISA*00~")
        files = client.list_files("outbound")
    assert result.path == "outbound/PO_1.x12" and result.size == 7
    assert server.sent(user) == {"PO_1.x12": b"ISA*00~"}
    assert [(f.name, f.size) for f in files] == [("PO_1.x12", 7)]


@pytest.mark.parametrize(
    "kind, fmt, passphrase",
    [
        ("ed25519", "openssh", None),
        ("ed25519", "openssh", "key pass"),
        ("ecdsa", "openssh", None),
        ("ecdsa", "pkcs1-pem", None),
        ("rsa", "pkcs1-pem", "key pass"),
        ("rsa", "pkcs8-pem", None),
        ("ecdsa", "pkcs8-pem", "key pass"),
    ],
)
def test_private_key_login(server, user, kind, fmt, passphrase):
    pair = key_of(kind)
    server.users[user].authorized_keys.append(pair.public_line)
    key_text = pair.private_text(passphrase, fmt, rounds=ROUNDS)
    with connect(server, user, password=None, private_key=key_text, passphrase=passphrase) as client:
        assert client.transport.is_authenticated()
        assert client.list_files("inbound") == []


def test_key_not_authorized_is_permanent(server, user):
    stranger = generate_key("ed25519")
    with pytest.raises(RemoteRejected) as caught:
        connect(server, user, password=None, private_key=stranger.private_text())
    assert caught.value.code == "sftp.auth_failed" and not caught.value.retryable


def test_encrypted_key_needs_its_passphrase(user_key):
    text = user_key.private_text("right", rounds=ROUNDS)
    with pytest.raises(PermanentError) as missing:
        sftp.load_private_key(text)
    assert missing.value.code == "sftp.key_passphrase"
    with pytest.raises(PermanentError, match="wrong passphrase"):
        sftp.load_private_key(text, "wrong")
    with pytest.raises(PermanentError, match="not an Ed25519, ECDSA or RSA"):
        sftp.load_private_key("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")


def test_wrong_password_is_permanent(server, user):
    with pytest.raises(RemoteRejected) as caught:
        connect(server, user, password="not it")
    assert caught.value.code == "sftp.auth_failed" and not caught.value.retryable


def test_refused_login_is_permanent(server, user):
    server.faults.refuse_auth = True
    with pytest.raises(RemoteRejected) as caught:
        connect(server, user)
    assert caught.value.code == "sftp.auth_failed"


def test_password_through_keyboard_interactive():
    """Some servers take passwords only as keyboard-interactive answers."""
    with SftpSandbox(auth_methods=("publickey", "keyboard-interactive")) as server:
        server.add_user("acme", password=PASSWORD)
        with connect(server, "acme") as client:
            assert client.transport.is_authenticated()


def test_a_method_the_server_does_not_offer_is_permanent():
    with SftpSandbox(auth_methods=("publickey",)) as server:
        server.add_user("acme", password=PASSWORD)
        with pytest.raises(RemoteRejected) as caught:
            connect(server, "acme")
    assert caught.value.code == "sftp.auth_method" and "publickey" in str(caught.value)


def test_profile_without_credentials_is_refused_before_connecting(server, user):
    with pytest.raises(PermanentError) as caught:
        connect(server, user, password=None)
    assert caught.value.code == "sftp.no_credentials"


# --- host key pinning -----------------------------------------------------------------


@pytest.mark.parametrize("form", ["line", "fingerprint", "known_hosts", "rotation"])
def test_pinned_host_key_is_accepted(server, user, form):
    key = server.host_key
    pin = {
        "line": key.public_line,
        "fingerprint": key.fingerprint,
        "known_hosts": f"[{server.host}]:{server.port} {key.public_line}",
        "rotation": f"{generate_key().fingerprint}\n# the new key\n{key.public_line}\n",
    }[form]
    with connect(server, user, host_key=pin) as client:
        assert client.alive


@pytest.mark.parametrize("form", ["line", "fingerprint"])
def test_other_host_key_is_refused_naming_both_fingerprints(server, user, form):
    other = generate_key("ed25519")
    pin = other.public_line if form == "line" else other.fingerprint
    with pytest.raises(sftp.HostKeyMismatch) as caught:
        connect(server, user, host_key=pin)
    error = caught.value
    assert not error.retryable and error.code == "sftp.host_key_mismatch"
    assert server.host_key.fingerprint in str(error) and other.fingerprint in str(error)
    assert error.presented.fingerprint == server.host_key.fingerprint
    assert not any(event[0] == user for event in server.events)  # never logged in


def test_no_pinned_key_refuses_to_connect(server, user):
    with pytest.raises(PermanentError) as caught:
        connect(server, user, host_key="  \n")
    assert caught.value.code == "sftp.host_key_missing"


@pytest.mark.parametrize(
    "pin, message",
    [
        ("MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48", "MD5 fingerprints are not accepted"),
        ("SHA256:tooshort", "43 characters"),
        ("ssh-ed25519 not*base64", "not valid base64"),
        ("hello world", "expected 'ssh-ed25519"),
    ],
)
def test_bad_pins_are_named(pin, message):
    with pytest.raises(PermanentError, match=message) as caught:
        sftp.parse_host_keys(pin)
    assert caught.value.code == "sftp.host_key_invalid"


def test_key_line_of_another_type_is_refused():
    line = "ssh-ed25519 " + key_of("rsa").public_line.split()[1]
    with pytest.raises(PermanentError, match="not a ssh-ed25519 key"):
        sftp.parse_host_keys(line)


def test_fetch_host_key_for_the_trust_button(server, user):
    fetched = sftp.fetch_host_key(server.host, server.port, timeout=5)
    assert fetched.fingerprint == server.host_key.fingerprint
    assert fetched.line == " ".join(server.host_key.public_line.split()[:2])
    assert fetched.key_type == "ssh-ed25519"
    with connect(server, user, host_key=fetched.line) as client:
        assert client.alive


def test_pinned_key_type_is_asked_for_first(user_key):
    """A server with an Ed25519 and an RSA key: the RSA pin makes the client
    ask for RSA first, so the pinned key is the one presented."""
    with SftpSandbox(host_key_types=("ed25519", "rsa")) as server:
        server.add_user("acme", password=PASSWORD)
        rsa = server.host_keys[1]
        fetched = sftp.fetch_host_key(server.host, server.port, timeout=5, key_type="ssh-rsa")
        assert fetched.fingerprint == rsa.fingerprint
        with connect(server, "acme", host_key=rsa.public_line) as client:
            assert client.alive
        with pytest.raises(sftp.HostKeyMismatch):  # a bare fingerprint names no type: Ed25519 comes
            connect(server, "acme", host_key=rsa.fingerprint)


# --- atomic upload ----------------------------------------------------------------------


def _watch_final(server, user, folder, name):
    """Record, at every server operation, whether the final name exists and its size."""
    final = server.path(user, folder, name)
    seen = []

    def watch(who, op, path, details):
        if who == user:
            seen.append((op, path, final.stat().st_size if final.exists() else None))

    server.observe(watch)
    return seen


def test_upload_writes_a_temporary_name_then_renames(server, user):
    data = bytes(range(256)) * 1000  # 256 kB: many write requests
    seen = _watch_final(server, user, "outbound", "INV_7.x12")
    with connect(server, user) as client:
        result = client.upload("outbound", "INV_7.x12", data)
    writes = [path for op, path, _ in seen if op == "write"]
    assert writes and set(writes) == {"outbound/.INV_7.x12.part"}
    sizes = [size for _op, _path, size in seen]
    first = next(i for i, size in enumerate(sizes) if size is not None)
    assert seen[first][0] == "rename" and set(sizes[first:]) == {len(data)}  # appears whole, once
    assert server.listing(user, "outbound") == {"INV_7.x12": len(data)}  # no temp left
    assert not result.replaced and not result.already_present
    steps = [op for op, _path, _size in seen if op != "write"]
    assert steps == ["open", "fsync", "close", "rename"]  # flushed and closed before the rename


def test_upload_through_a_separate_tmp_folder(server, user):
    seen = _watch_final(server, user, "outbound", "ASN_1.x12")
    with connect(server, user, temp_prefix="", temp_suffix=".tmp") as client:
        client.upload("outbound", "ASN_1.x12", b"ISA*00*~", tmp_folder="tmp")
    assert {path for op, path, _ in seen if op == "write"} == {"tmp/ASN_1.x12.tmp"}
    assert server.sent(user) == {"ASN_1.x12": b"ISA*00*~"}
    assert server.listing(user, "tmp") == {}


def test_connection_dropped_mid_upload_never_shows_the_final_name(server, user):
    data = b"x" * 200_000
    seen = _watch_final(server, user, "outbound", "PO_2.x12")
    server.faults.inject("write", drop_after=50_000)
    with pytest.raises(RemoteServerError) as caught:
        with connect(server, user) as client:
            client.upload("outbound", "PO_2.x12", data)
    assert caught.value.retryable and caught.value.code == "sftp.connection"
    assert seen and all(size is None for _op, _path, size in seen)
    # the dead connection could not remove its partial temp; the retry replaces it
    assert server.listing(user, "outbound") == {".PO_2.x12.part": 50_000}
    with connect(server, user) as client:
        client.upload("outbound", "PO_2.x12", data)
    assert server.listing(user, "outbound") == {"PO_2.x12": len(data)}


def test_disk_full_mid_upload_removes_the_temporary_file(server, user):
    server.faults.inject("write", fail_after=40_000)
    with connect(server, user) as client:
        with pytest.raises(RemoteServerError) as caught:
            client.upload("outbound", "PO_3.x12", b"y" * 100_000)
        assert caught.value.retryable and "No space left" in str(caught.value)
        assert server.listing(user, "outbound") == {}
        client.upload("outbound", "PO_3.x12", b"y" * 100_000)  # the same session goes on
    assert server.listing(user, "outbound") == {"PO_3.x12": 100_000}


def test_failed_rename_removes_the_temporary_file(server, user):
    server.faults.inject("rename", status="failure")
    with connect(server, user) as client:
        with pytest.raises(RemoteServerError, match="upload outbound/PO_4.x12 failed"):
            client.upload("outbound", "PO_4.x12", b"ISA~")
    assert server.listing(user, "outbound") == {}


def test_existing_final_name(server, user):
    server.put(user, "outbound/PO_5.x12", b"first")
    with connect(server, user) as client:
        again = client.upload("outbound", "PO_5.x12", b"first")  # a job run twice
        with pytest.raises(RemoteRejected) as caught:
            client.upload("outbound", "PO_5.x12", b"second")
    assert again.already_present
    assert caught.value.code == "sftp.target_exists" and not caught.value.retryable
    assert server.sent(user) == {"PO_5.x12": b"first"}


def test_replacing_uses_posix_rename_when_offered(server, user):
    server.put(user, "outbound/PO_6.x12", b"old")
    with connect(server, user, replace_existing=True) as client:
        result = client.upload("outbound", "PO_6.x12", b"newer")
    assert result.replaced and server.sent(user) == {"PO_6.x12": b"newer"}
    renames = [details for who, op, _path, details in server.events if who == user and op == "rename"]
    assert renames == [{"source": "outbound/.PO_6.x12.part", "posix": True}]
    assert not any(op == "remove" for who, op, *_ in server.events if who == user)


def test_replacing_without_posix_rename_removes_then_renames():
    with SftpSandbox(extensions=False) as server:
        server.add_user("acme", password=PASSWORD)
        server.put("acme", "outbound/PO_7.x12", b"old")
        with connect(server, "acme", replace_existing=True) as client:
            assert not client.sftp.offers("posix-rename@openssh.com")
            client.upload("outbound", "PO_7.x12", b"newer")
        ops = [(op, path) for _who, op, path, _details in server.events if op in ("remove", "rename")]
        assert ops == [("remove", "outbound/PO_7.x12"), ("rename", "outbound/PO_7.x12")]
        assert server.sent("acme") == {"PO_7.x12": b"newer"}


@pytest.mark.parametrize("name", ["", "..", "../etc/passwd", "a/b.x12", "a\x00b"])
def test_upload_name_must_be_a_plain_name(server, user, name):
    with connect(server, user) as client:
        with pytest.raises(PermanentError) as caught:
            client.upload("outbound", name, b"x")
    assert caught.value.code == "sftp.bad_name"


def test_missing_folder_and_denied_permission_are_permanent(server, user):
    with connect(server, user) as client:
        with pytest.raises(RemoteRejected) as missing:
            client.upload("no-such-folder", "PO_8.x12", b"x")
        with pytest.raises(RemoteRejected) as denied:
            client.upload("readonly", "PO_8.x12", b"x")
        with pytest.raises(RemoteRejected) as listing:
            client.list_files("no-such-folder")
    assert missing.value.code == listing.value.code == "sftp.no_such_path"
    assert denied.value.code == "sftp.permission_denied"
    assert not (missing.value.retryable or denied.value.retryable or listing.value.retryable)


# --- pickup ----------------------------------------------------------------------------


def _mailbox(server, user):
    """Three partner files (the oldest last by name), plus what pickup skips."""
    server.deliver(user, "b_850.x12", b"B" * 10, mtime=1_700_000_100)
    server.deliver(user, "c_850.x12", b"C" * 20, mtime=1_700_000_000)
    server.deliver(user, "a_850.x12", b"A" * 30, mtime=1_700_000_200)
    server.deliver(user, "notes.txt", b"not EDI", mtime=1_699_000_000)
    server.deliver(user, ".d_850.x12.part", b"half", mtime=1_699_000_000)  # someone's upload
    server.path(user, "inbound", "sub.x12").mkdir()


def test_pickup_stores_then_acknowledges_by_deleting(server, user):
    _mailbox(server, user)
    stored = []
    with connect(server, user) as client:
        result = client.pickup("inbound", stored.append, pattern="*.x12, *.edi", limit=2)
    assert [(f.name, f.data) for f in stored] == [("c_850.x12", b"C" * 20), ("b_850.x12", b"B" * 10)]
    assert result.received == ["c_850.x12", "b_850.x12"] and not result.failed
    assert set(server.listing(user, "inbound")) == {"a_850.x12", "notes.txt", ".d_850.x12.part"}


def test_pickup_acknowledges_only_after_the_store(server, user):
    """The ack (delete) must come after store() returned: at store time the
    file is still on the server."""
    server.deliver(user, "850_1.x12", b"ISA~")
    present_while_storing = []

    def store(received):
        present_while_storing.append(server.path(user, "inbound", received.name).exists())

    with connect(server, user) as client:
        client.pickup("inbound", store)
    assert present_while_storing == [True]
    assert server.listing(user, "inbound") == {}


def test_without_ack_the_file_stays(server, user):
    server.deliver(user, "850_2.x12", b"ISA*1~")
    server.deliver(user, "850_3.x12", b"ISA*2~", mtime=1)

    def store(received):
        if received.name == "850_3.x12":
            raise BusinessRuleError("duplicate interchange")  # refused: not stored

    with connect(server, user) as client:
        result = client.pickup("inbound", store)
        received = client.download(client.list_files("inbound")[0])  # read, never acknowledged
    assert result.received == ["850_2.x12"]
    assert [(name, type(error)) for name, error in result.failed] == [("850_3.x12", BusinessRuleError)]
    assert received.data == b"ISA*2~" and received.size == 6
    assert server.listing(user, "inbound") == {"850_3.x12": 6}


def test_ack_moves_to_the_archive_folder(server, user):
    server.deliver(user, "850_4.x12", b"ISA*4~")
    with connect(server, user) as client:
        result = client.pickup("inbound", lambda received: None, archive_folder="archive")
    assert result.received == ["850_4.x12"]
    assert server.listing(user, "inbound") == {}
    assert server.listing(user, "archive") == {"850_4.x12": 6}


def test_ack_in_a_later_session_after_the_store_committed(server, user):
    server.deliver(user, "850_11.X12", b"ISA*11~", mtime=1_700_000_000)
    with connect(server, user) as client:
        [listed] = client.list_files("inbound", pattern="*.x12")  # the pattern ignores case
        received = client.download(listed)
    kept = (received.name, received.path, received.size, received.mtime)  # what the database keeps
    assert server.listing(user, "inbound") == {"850_11.X12": 7}
    with connect(server, user) as client:
        assert client.ack(sftp.RemoteFile(*kept)) is True
    assert server.listing(user, "inbound") == {}


def test_ack_leaves_a_file_that_changed_since_it_was_read(server, user):
    server.deliver(user, "850_5.x12", b"first", mtime=1_700_000_000)
    with connect(server, user) as client:
        received = client.download("inbound/850_5.x12")
        server.deliver(user, "850_5.x12", b"second one", mtime=1_700_000_500)  # same name, new file
        assert client.ack(received) is False
    assert server.sent(user, "inbound") == {"850_5.x12": b"second one"}


def test_short_read_is_an_error_and_nothing_is_received(server, user):
    server.deliver(user, "850_6.x12", b"z" * 100_000)
    server.faults.inject("read", short_after=30_000, count=2)
    stored = []
    with connect(server, user) as client:
        with pytest.raises(RemoteServerError) as caught:
            client.download("inbound/850_6.x12")
        result = client.pickup("inbound", stored.append)
    assert caught.value.code == "sftp.short_read" and caught.value.retryable
    assert "read 30000 bytes, the server reports 100000" in str(caught.value)
    assert stored == [] and result.received == []
    assert [(name, error.code) for name, error in result.failed] == [("850_6.x12", "sftp.short_read")]
    assert server.listing(user, "inbound") == {"850_6.x12": 100_000}


def test_connection_dropped_mid_download_is_retryable_and_the_file_stays(server, user):
    server.deliver(user, "850_7.x12", b"w" * 150_000)
    server.faults.inject("read", drop_after=40_000)
    stored = []
    with pytest.raises(RetryableError) as caught:
        with connect(server, user) as client:
            client.pickup("inbound", stored.append)
    assert caught.value.code == "sftp.connection"
    assert stored == []
    assert server.listing(user, "inbound") == {"850_7.x12": 150_000}
    with connect(server, user) as client:  # the next run gets it
        assert client.pickup("inbound", stored.append).received == ["850_7.x12"]
    assert stored[0].data == b"w" * 150_000


def test_files_younger_than_min_age_wait(server, user):
    server.deliver(user, "850_8.x12", b"old", mtime=1_000)
    server.deliver(user, "850_9.x12", b"fresh", mtime=1_990)
    with connect(server, user, min_age=60) as client:
        names = [f.name for f in client.list_files("inbound", now=2_000)]
    assert names == ["850_8.x12"]


# --- failures and timeouts --------------------------------------------------------------


def test_busy_server_is_retryable(server, user):
    server.faults.inject("connect", busy=True)
    with pytest.raises(RemoteServerError) as caught:
        connect(server, user)
    assert caught.value.retryable and caught.value.code == "sftp.connection"


def test_connection_refused_is_retryable(server, user):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    with pytest.raises(RemoteServerError) as caught:
        connect(server, user, port=port)
    assert caught.value.code == "sftp.refused"


def test_silent_server_times_out_on_the_banner(server, user):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    try:
        timeouts = sftp.Timeouts(connect=5, banner=SHORT, handshake=SHORT, auth=5, channel=5, operation=5)
        with pytest.raises(RemoteTimeout) as caught:
            connect(server, user, port=silent.getsockname()[1], timeouts=timeouts)
    finally:
        silent.close()
    assert caught.value.code == "sftp.timeout" and caught.value.retryable


@pytest.mark.parametrize("op", ["stat", "write", "rename", "list"])
def test_unanswered_operation_times_out_and_closes_the_session(server, user, op):
    server.faults.inject(op, stall=True)
    timeouts = sftp.Timeouts(connect=5, banner=5, handshake=5, auth=5, channel=5, operation=SHORT)
    with connect(server, user, timeouts=timeouts) as client:
        with pytest.raises(RemoteTimeout):
            if op == "list":
                client.list_files("inbound")
            else:
                client.upload("outbound", "PO_9.x12", b"x" * 1000)
        assert not client.alive  # the session is out of step: closed
    assert "PO_9.x12" not in server.listing(user, "outbound")


def test_every_timeout_is_passed_explicitly(server, user, monkeypatch):
    timeouts = sftp.Timeouts(connect=1.5, banner=2.5, handshake=3.5, auth=4.5, channel=5.5, operation=6.5)
    connects, sessions = [], []
    real_connect = socket.create_connection
    real_open_session = paramiko.Transport.open_session

    def create_connection(address, timeout=None, *args, **kwargs):
        connects.append(timeout)
        return real_connect(address, timeout, *args, **kwargs)

    def open_session(self, *args, **kwargs):
        sessions.append(kwargs.get("timeout"))
        return real_open_session(self, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(paramiko.Transport, "open_session", open_session)
    with connect(server, user, timeouts=timeouts) as client:
        transport = client.transport
        assert (transport.banner_timeout, transport.handshake_timeout) == (2.5, 3.5)
        assert (transport.auth_timeout, transport.channel_timeout) == (4.5, 5.5)
        assert client.sftp.get_channel().gettimeout() == 6.5
    assert connects == [1.5] and sessions == [5.5]


def _status(code, text):
    exc = OSError(text)
    exc.sftp_status = code  # as _SFTPClient._convert_status keeps it
    return exc


@pytest.mark.parametrize(
    "exc, expected, code",
    [
        (TimeoutError(), RemoteTimeout, "sftp.timeout"),
        (paramiko.AuthenticationException("Authentication timeout."), RemoteTimeout, "sftp.timeout"),
        (ConnectionResetError(104, "reset"), RemoteServerError, "sftp.connection"),
        (EOFError(), RemoteServerError, "sftp.connection"),
        # paramiko's send on a channel the server closed: raced with the reset
        (OSError("Socket is closed"), RemoteServerError, "sftp.connection"),
        (OSError("Disk quota exceeded"), RemoteServerError, "sftp.failure"),
        (_status(sftp.SFTP_CONNECTION_LOST, "lost"), RemoteServerError, "sftp.connection"),
        (_status(sftp.SFTP_FAILURE, "Socket is closed"), RemoteServerError, "sftp.failure"),
        (paramiko.SSHException("Server connection dropped: "), RemoteServerError, "sftp.connection"),
        (paramiko.AuthenticationException("Authentication failed."), RemoteRejected, "sftp.auth_failed"),
        (paramiko.BadAuthenticationType("bad", ["publickey"]), RemoteRejected, "sftp.auth_method"),
        (
            socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
            RemoteRejected,
            "sftp.unknown_host",
        ),
        (socket.gaierror(socket.EAI_AGAIN, "Temporary failure"), RemoteServerError, "sftp.dns"),
        (PermissionError(13, "Permission denied"), RemoteRejected, "sftp.permission_denied"),
        (FileNotFoundError(2, "No such file"), RemoteRejected, "sftp.no_such_path"),
    ],
)
def test_classification(exc, expected, code):
    error = sftp.classify(exc, "upload", "outbound/x")
    assert type(error) is expected and error.code == code
    assert error.retryable == issubclass(expected, RetryableError)


def test_classification_leaves_bugs_alone():
    assert sftp.classify(KeyError("x"), "upload") is None


def test_mailbox_is_chrooted(server, user):
    server.deliver(user, "850_10.x12", b"ISA~")
    with connect(server, user) as client:
        assert [f.name for f in client.list_files("/../../inbound")] == ["850_10.x12"]
        assert sorted(client.sftp.listdir("/")) == ["archive", "inbound", "outbound", "readonly", "tmp"]


def test_a_kept_host_key_survives_a_restart(tmp_path, user_key):
    """The demo pins the sandbox's key once: a restarted server must match."""
    path = tmp_path / "host_key"
    with SftpSandbox(host_key_path=path) as first:
        pinned = first.host_key.public_line
    with SftpSandbox(host_key_path=path) as second:
        second.add_user("acme", password=PASSWORD)
        with connect(second, "acme", host_key=pinned) as client:
            assert client.alive
    assert path.stat().st_mode & 0o777 == 0o600
