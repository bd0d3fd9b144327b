"""Plain tests of the SFTP sandbox's fault plan (no server needed)."""

import pytest
from sandbox.sftp import SftpFaults


def test_a_fault_is_taken_once_by_the_first_matching_operation():
    faults = SftpFaults()
    faults.inject("write", drop_after=10, path="*.part")
    faults.inject("rename", status="failure", user="acme", count=2)
    assert faults.take("write", "acme", "outbound/x.edi") is None  # not a .part name
    assert faults.take("write", "acme", "outbound/.x.edi.part") == {
        "op": "write",
        "drop_after": 10,
        "path": "*.part",
    }
    assert faults.take("write", "acme", "outbound/.x.edi.part") is None
    assert faults.take("rename", "other", "a") is None
    assert faults.take("rename", "acme", "a")["status"] == "failure"
    assert faults.pending == 1 and len(faults.taken) == 2


def test_unknown_operations_and_statuses_are_refused():
    faults = SftpFaults()
    with pytest.raises(ValueError, match="unknown SFTP operation"):
        faults.inject("chmod", status="failure")
    with pytest.raises(ValueError, match="unknown status"):
        faults.inject("rename", status="teapot")


def test_reset_clears_the_plan_and_the_switches():
    faults = SftpFaults()
    faults.inject("read", short_after=5)
    faults.refuse_auth = True
    faults.reset()
    assert faults.pending == 0 and not faults.refuse_auth and faults.taken == []
