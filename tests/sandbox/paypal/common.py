"""Constants of the PayPal peer, from PayPal's published REST documentation
(developer.paypal.com: Transaction Search v1, its OpenAPI description in
github.com/paypal/paypal-rest-api-specifications (Apache-2.0), the
transaction event code (T-code) reference, OAuth 2.0 client credentials).

Amounts are decimal strings in ``{"currency_code", "value"}`` objects, as
PayPal sends them (JPY without decimals); times are RFC 3339 (PayPal writes
``2026-10-03T10:15:00+0000``).
"""

import re
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

DEFAULT_CLIENT_ID = "sandbox-paypal-client"
DEFAULT_CLIENT_SECRET = "sandbox-paypal-secret"
TOKEN_LIFETIME = 32400  # seconds: the "expires_in" PayPal grants
SCOPE = "https://uri.paypal.com/services/reporting/search/read"
MAX_WINDOW_DAYS = 31  # "The maximum supported range is 31 days."
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100
MAX_RESULTS = 10000  # RESULTSET_TOO_LARGE above it
REFRESH_LAG = 3 * 3600  # "It takes a maximum of three hours for executed transactions to appear"
# PayPal publishes no rate limit for Transaction Search: the sandbox allows
# bursts of 50 calls, 5 more a second (429 RATE_LIMIT_REACHED beyond)
RATE_BURST = 50
RATE_PER_SECOND = 5

FIELDS = (
    "transaction_info",
    "payer_info",
    "shipping_info",
    "auction_info",
    "cart_info",
    "incentive_info",
    "store_info",
)
STATUSES = ("D", "P", "S", "V", "F")

# the T-codes the sandbox writes (PayPal's "Transaction event codes")
T_CHECKOUT = "T0006"  # PayPal Checkout APIs
T_PREAPPROVED = "T0003"  # Pre-approved payment (BillUser API)
T_CHARGEBACK_FEE = "T0106"  # Chargeback processing fee
T_CONVERSION = "T0200"  # General currency conversion
T_WITHDRAWAL = "T0400"  # General withdrawal from PayPal account
T_REVERSAL = "T1106"  # Payment reversal, initiated by PayPal
T_REFUND = "T1107"  # Payment refund, initiated by merchant
T_DISPUTE_HOLD = "T1110"  # Hold for dispute investigation
T_DISPUTE_RELEASE = "T1111"  # Cancellation of hold for dispute resolution
T_CHARGEBACK = "T1201"  # Chargeback
T_CHARGEBACK_REVERSAL = "T1202"  # Chargeback reversal
T_RESERVE_HOLD = "T2103"  # Reserve hold
T_RESERVE_RELEASE = "T2104"  # Reserve release

ZERO_DECIMAL = frozenset({"JPY", "HUF", "TWD"})  # PayPal takes no decimals in these
# the sandbox's pricing: (percent, fixed) of a received payment, per currency
FEES = {"USD": ("3.49", "0.49"), "EUR": ("2.49", "0.35"), "GBP": ("2.90", "0.30"), "JPY": ("3.60", "40")}
DEFAULT_FEE = ("3.49", "0.49")
CHARGEBACK_FEES = {"USD": "20.00", "EUR": "18.00", "GBP": "14.00", "JPY": "2000"}
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$")


def quantum(currency):
    return Decimal(1) if currency.upper() in ZERO_DECIMAL else Decimal("0.01")


def money(value, currency):
    """``{"currency_code", "value"}`` with the currency's decimals."""
    currency = currency.upper()
    return {
        "currency_code": currency,
        "value": str(Decimal(value).quantize(quantum(currency), ROUND_HALF_UP)),
    }


def parse_date(text):
    """An RFC 3339 date-time with seconds (offsets ``Z``, ``+02:00`` or
    ``-0700``, as PayPal's examples write them) -> Unix seconds, or None."""
    match = DATE_RE.match(text or "")
    if not match:
        return None
    year, month, day, hour, minute, second, _fraction, zone = match.groups()
    try:
        stamp = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=timezone.utc
        )
    except ValueError:
        return None
    offset = 0
    if zone not in ("Z", "z"):
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return int(stamp.timestamp()) - offset


def format_date(ts):
    """Unix seconds -> PayPal's ``2026-10-03T10:15:00+0000``."""
    return datetime.fromtimestamp(int(ts), timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")
