"""The sandbox trading partner (EDI over AS2 and SFTP), see tests/sandbox/README.md.

- :mod:`.sandbox`: :class:`EdiSandbox`, the peer: AS2 endpoint, control
  API, SFTP mailboxes, a retailer and a supplier;
- :mod:`.partner`: :class:`TradingPartner` (identities, control numbers,
  sending, receiving, records of what we sent); :mod:`.acknowledgements`:
  its checks of our sets and its 997s; :mod:`.supplier`: the supplier's
  855/856/810 and :class:`Behaviour` (accept, partial, reject, price
  change, invoice modes);
- :mod:`.x12`: the partner's own X12 writer (envelopes, separators, damage
  on purpose); :mod:`.documents`: its sets, built from the X12 layouts, and
  its reading of ours; :mod:`.gs1`: check digits and SSCC-18;
- :mod:`.faults`: :class:`EdiFaults`, faults on demand (late, bad control
  numbers, invalid segments, duplicates, rejected acks, AS2 faults);
- :mod:`.mailbox`: the VAN mailboxes on :mod:`sandbox.sftp`;
  :mod:`.as2_station`: the partner's AS2 station;
- :mod:`.catalog`: what the retailer orders (``demo_catalog.json``); :mod:`.demo`: what
  ``scripts/run`` starts (``serve_demo``).
"""

from .catalog import Catalog
from .faults import EdiFaults
from .partner import CUSTOMER, SUPPLIER, Behaviour, Profile, TradingPartner
from .sandbox import OUR_IDENTITY, EdiSandbox, default_profiles
from .x12 import ControlNumbers, Envelope, Identity, Mutation, Syntax, write_interchange

__all__ = [
    "CUSTOMER",
    "OUR_IDENTITY",
    "SUPPLIER",
    "Behaviour",
    "Catalog",
    "ControlNumbers",
    "EdiFaults",
    "EdiSandbox",
    "Envelope",
    "Identity",
    "Mutation",
    "Profile",
    "Syntax",
    "TradingPartner",
    "default_profiles",
    "write_interchange",
]
