"""A month of provider payouts and the bank files they land in.

Not an HTTP peer: banks deliver files. :func:`generate_month` builds the
month (canonical payouts with their lines, the order transactions they
settle, daily statements of a EUR and a USD account, the ground truth);
:func:`write_camt053` and :func:`write_mt940` write the statements as
files a bank would send. See :mod:`.month` for what the noise is.

::

    from sandbox.bank import generate_month, write_camt053, write_mt940

    month = generate_month(orders=2000, seed=1)
    data = write_camt053(month.statements["EUR"], version="001.08")
    mt = write_mt940(month.statements["USD"], style="dutch")
    truth = month.truth_groups("camt.053.001.08")  # {(payout ids, bank refs)}
"""

from .camt import write_camt053
from .model import Entry, Statement, Tx, booking_units, expected_canonical, truth_groups
from .month import Month, generate_month, target2_holidays
from .mt940 import write_mt940

__all__ = [
    "Entry",
    "Month",
    "Statement",
    "Tx",
    "booking_units",
    "expected_canonical",
    "generate_month",
    "target2_holidays",
    "truth_groups",
    "write_camt053",
    "write_mt940",
]
