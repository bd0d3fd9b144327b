"""The trading partner's faults on demand: deterministic, no sleeping.

A fault is a dict, as everywhere in the sandbox (``peer.inject_faults``,
``POST /_sandbox/faults`` with ``{"edi": [...]}``), taken by the first file
or message it matches, in the order planned:

Files the partner sends (``"set"``: only a file of that set, e.g. ``"850"``):

- ``{"fault": "late", "seconds": 7200, "set": "997"}``: the file is held
  until the partner's clock has moved that far (``"late_ack"`` is the same
  for the 997); :meth:`TradingPartner.tick` delivers what is due;
- ``{"fault": "bad_control_number", "target": "SE02"}``: a trailer that
  does not match its header: ``SE02``/``GE02``/``IEA02`` (control number
  not the ST02/GS06/ISA13) or ``SE01``/``GE01``/``IEA01`` (a wrong count);
  ``"value"`` to choose the wrong value;
- ``{"fault": "invalid_segment", "target": "BEG03"}``: a mandatory element
  left empty; with ``"value": "ZZ"`` a bad code (``"BEG01"``); with
  ``"drop": true`` and a segment id (``"target": "BEG"``) a missing segment;
- ``{"fault": "duplicate_interchange"}``: the same bytes (same ISA13) are
  delivered twice, under two file names.

Acknowledgements of our files:

- ``{"fault": "reject_ack", "code": "5"}``: the next 997 rejects every set
  (AK5 ``R`` with that AK502 code, AK9 ``R``), whatever the file held;
- ``{"fault": "no_ack"}``: the next file we send is never acknowledged.

AS2 (see :mod:`.as2_station`):

- ``{"fault": "as2_no_mdn"}``: our next message is answered HTTP 200
  without the sync MDN we asked for;
- ``{"fault": "as2_failed_mdn", "modifier": "decryption-failed"}``: the MDN
  says ``processed/error: <modifier>`` (``"failure": true``:
  ``failed/Failure:``); the partner drops the file;
- ``{"fault": "as2_bad_signature"}``: the partner's next AS2 message has a
  signature that does not match its content (altered after signing);
- ``{"fault": "as2_wrong_certificate"}``: the partner's next AS2 message is
  signed with a key and certificate we never pinned;
- both with ``"on": "mdn"``: the next MDN the partner answers is signed so
  (altered after signing, or with the unpinned key).

Any fault may name ``"partner"`` (``"customer"``/``"supplier"``, the
profile's name): the sandbox routes it there; ``"count": n`` plans it n times.

A file dropped mid-upload is the SFTP server's fault
(``{"sftp": [{"op": "write", "drop_after": 100}]}``, see
:mod:`sandbox.sftp.faults`).
"""

import threading

FILE_FAULTS = ("late", "late_ack", "bad_control_number", "invalid_segment", "duplicate_interchange")
ACK_FAULTS = ("reject_ack", "no_ack")
AS2_FAULTS = ("as2_no_mdn", "as2_failed_mdn", "as2_bad_signature", "as2_wrong_certificate")
KINDS = FILE_FAULTS + ACK_FAULTS + AS2_FAULTS
TRAILER_TARGETS = ("SE01", "SE02", "GE01", "GE02", "IEA01", "IEA02")


def check(fault):
    """The fault as a clean dict; ValueError on an unknown or incomplete one."""
    if not isinstance(fault, dict):
        raise TypeError(f"an EDI fault is a dict, not {fault!r}")
    fault = dict(fault)
    kind = fault.get("fault")
    if kind not in KINDS:
        raise ValueError(f"unknown EDI fault {kind!r}; one of {', '.join(KINDS)}")
    if kind == "late_ack":
        fault.update(fault="late", set="997")
    if fault["fault"] == "late" and float(fault.get("seconds", 0)) <= 0:
        raise ValueError("a late fault needs seconds > 0")
    if kind == "bad_control_number":
        fault.setdefault("target", "SE02")
        if fault["target"] not in TRAILER_TARGETS:
            raise ValueError(f"bad_control_number target is one of {', '.join(TRAILER_TARGETS)}")
    if fault.get("on", "message") not in ("message", "mdn") or (
        fault.get("on") == "mdn" and kind not in ("as2_bad_signature", "as2_wrong_certificate")
    ):
        raise ValueError('"on": "mdn" is for as2_bad_signature and as2_wrong_certificate')
    if kind == "invalid_segment" and not fault.get("target"):
        raise ValueError('invalid_segment needs a target: an element ("BEG03") or a segment id with drop')
    return fault


class EdiFaults:
    """The partner's plan of faults. Thread-safe; :attr:`taken` lists what
    was applied, in order (what a test asserts)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self._planned = []
            self.taken = []

    def inject(self, fault, count=None):
        fault = check(fault)
        count = int(count if count is not None else fault.pop("count", 1))
        fault.pop("count", None)
        with self._lock:
            self._planned.extend(dict(fault) for _ in range(count))

    @property
    def pending(self):
        with self._lock:
            return [dict(f) for f in self._planned]

    def take(self, kinds, set_type=None, on="message"):
        """The first planned fault of one of ``kinds`` that applies to a file
        of ``set_type`` (a fault without ``"set"`` applies to any) and to
        ``on`` (AS2 signature faults: ``"message"`` or ``"mdn"``), removed
        from the plan; None when there is none."""
        kinds = (kinds,) if isinstance(kinds, str) else kinds
        with self._lock:
            for index, fault in enumerate(self._planned):
                if fault["fault"] not in kinds or fault.get("on", "message") != on:
                    continue
                if fault.get("set") and set_type is not None and fault["set"] != set_type:
                    continue
                del self._planned[index]
                self.taken.append(fault)
                return fault
        return None

    def take_all(self, kinds, set_type=None):
        """Every planned fault of ``kinds`` for one file (one of each kind)."""
        out = []
        for kind in (kinds,) if isinstance(kinds, str) else kinds:
            fault = self.take(kind, set_type)
            if fault:
                out.append(fault)
        return out
