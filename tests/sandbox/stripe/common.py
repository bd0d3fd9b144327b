"""Constants of the Stripe peer, from Stripe's published API reference and
OpenAPI description (github.com/stripe/openapi, MIT; docs.stripe.com).

Money is in the currency's smallest unit (integers), as Stripe sends it;
zero-decimal currencies (JPY, KRW, ...) have no minor unit. Times are Unix
seconds; ``available_on`` and ``arrival_date`` are midnights (UTC).
"""

import re
from decimal import ROUND_HALF_UP, Decimal

DEFAULT_API_VERSION = "2025-06-30.basil"
API_VERSION_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$")
DEFAULT_API_KEY = "sk_test_sandbox0000000000000000"
KEY_RE = re.compile(r"^(sk|rk)_test_[A-Za-z0-9]{8,}$")
# "Rate limits": 100 operations per second in live mode, 25 in a sandbox
# (test keys); a leaky bucket of 25 refilled at 25/s
RATE_LIMIT = 25
MAX_LIMIT = 100  # "Limit can range between 1 and 100, and the default is 10."
DEFAULT_LIMIT = 10
DAY = 86400

# https://docs.stripe.com/currencies#zero-decimal
ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split())

# the sandbox's pricing (the usual published card rates): (basis points, fixed minor units)
FEES = {
    "usd": (290, 30),
    "eur": (150, 25),
    "gbp": (150, 20),
    "jpy": (360, 0),
}
DEFAULT_FEE = (290, 30)
FX_FEE_BPS = 100  # "an additional 1% if currency conversion is required"
# the dispute fee ("Chargeback withdrawal" balance transactions carry a
# 15.00 "Dispute fee" of type stripe_fee); for a zero-decimal currency the
# sandbox takes 2000 JPY
DISPUTE_FEES = {"jpy": 2000}
DEFAULT_DISPUTE_FEE = 1500

# balance transaction type -> reporting_category (Stripe's "Reporting
# categories" reference); the types the sandbox creates
REPORTING_CATEGORY = {
    "charge": "charge",
    "payment": "charge",
    "refund": "refund",
    "payment_refund": "refund",
    "adjustment": "other_adjustment",  # disputes say dispute / dispute_reversal
    "payout": "payout",
    "payout_failure": "payout_reversal",
    "payout_cancel": "payout_reversal",
    "reserve_transaction": "risk_reserved_funds",
    "stripe_fee": "fee",
}

BALANCE_TRANSACTION_TYPES = (
    "adjustment advance advance_funding anticipation_repayment application_fee application_fee_refund "
    "charge climate_order_purchase climate_order_refund connect_collection_transfer contribution "
    "issuing_authorization_hold issuing_authorization_release issuing_dispute issuing_transaction "
    "obligation_outbound obligation_reversal_inbound payment payment_failure_refund "
    "payment_network_reserve_hold payment_network_reserve_release payment_refund payment_reversal "
    "payment_unreconciled payout payout_cancel payout_failure payout_minimum_balance_hold "
    "payout_minimum_balance_release refund refund_failure reserve_transaction reserved_funds "
    "stripe_fee stripe_fx_fee tax_fee topup topup_reversal transfer transfer_cancel transfer_failure "
    "transfer_refund"
).split()
PAYOUT_STATUSES = ("pending", "in_transit", "paid", "failed", "canceled")

WEBHOOK_EVENTS = (
    "payout.created",
    "payout.updated",
    "payout.paid",
    "payout.failed",
    "payout.canceled",
    "payout.reconciliation_completed",
    "charge.succeeded",
    "charge.refunded",
    "charge.dispute.created",
    "charge.dispute.closed",
)
SIGNATURE_HEADER = "Stripe-Signature"
# "In a sandbox, Stripe retries three times over a few hours"
WEBHOOK_RETRY_SCHEDULE = (3600, 3 * 3600, 6 * 3600)

ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def exponent(currency):
    """Digits after the decimal point of ``currency`` (lowercase ISO code)."""
    return 0 if currency.lower() in ZERO_DECIMAL else 2


def to_minor(amount, currency):
    """``amount`` in major units (Decimal, str or int) -> integer minor units."""
    value = Decimal(str(amount)) * (10 ** exponent(currency))
    if value != value.to_integral_value():
        raise ValueError(f"{amount} {currency.upper()} has more decimals than the currency")
    return int(value)


def to_major(minor, currency):
    """Integer minor units -> Decimal in major units (for reports and tests)."""
    return Decimal(minor).scaleb(-exponent(currency))


def convert(minor, from_currency, to_currency, rate):
    """Minor units of ``from_currency`` times ``rate`` (to per from), rounded
    half up to minor units of ``to_currency``."""
    major = Decimal(minor).scaleb(-exponent(from_currency)) * Decimal(str(rate))
    return int((major.scaleb(exponent(to_currency))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_of(minor, basis_points):
    return int((Decimal(minor) * basis_points / 10000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def midnight(ts):
    """The UTC midnight at or before Unix time ``ts``."""
    return int(ts) // DAY * DAY
