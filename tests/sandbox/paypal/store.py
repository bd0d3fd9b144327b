"""The PayPal business account behind the peer: its transactions, as the
Transaction Search API lists them, kept consistent with each other.

Every record is one transaction detail (``transaction_info`` and, for
payments, ``payer_info``, ``cart_info``, ``shipping_info``) with a T-code:

- payments received (``T0006`` PayPal Checkout, ``T0003`` pre-approved):
  ``transaction_amount`` positive, ``fee_amount`` negative (PayPal's sign:
  what it keeps), ``invoice_id`` the order, ``custom_field`` free text;
  status ``S``, then ``F`` when partly refunded and ``V`` when wholly;
- refunds ``T1107`` (negative, the percentage part of the fee returned in
  proportion: ``fee_amount`` positive; the fixed part is kept),
  ``paypal_reference_id`` the payment;
- buyer claims: ``T1110`` hold for dispute investigation (minus the
  amount), then ``T1111`` its cancellation, and when the merchant loses,
  ``T1106`` payment reversal; card chargebacks: ``T1201`` chargeback with a
  ``T0106`` chargeback processing fee, ``T1202`` when reversed;
- reserves: ``T2103`` reserve hold / ``T2104`` reserve release;
- currency conversions: a pair of ``T0200`` (minus in one currency, plus in
  the other), ``paypal_reference_id`` the payment they convert;
- withdrawals to the bank: ``T0400`` (negative) with a ``bank_reference_id``
  (the wallet model: PayPal links no transactions to a withdrawal).

A transaction becomes visible to the search :attr:`PayPalStore.lag`
seconds after it happened (``last_refreshed_datetime`` = now - lag).
"""

import random
import threading
from datetime import datetime, timezone
from decimal import Decimal

from .common import (
    CHARGEBACK_FEES,
    DEFAULT_FEE,
    FEES,
    REFRESH_LAG,
    T_CHARGEBACK,
    T_CHARGEBACK_FEE,
    T_CHARGEBACK_REVERSAL,
    T_CHECKOUT,
    T_CONVERSION,
    T_DISPUTE_HOLD,
    T_DISPUTE_RELEASE,
    T_REFUND,
    T_RESERVE_HOLD,
    T_RESERVE_RELEASE,
    T_REVERSAL,
    T_WITHDRAWAL,
    format_date,
    money,
    quantum,
)

ID_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
FIRST_NAMES = ("Olivia", "Liam", "Emma", "Noah", "Mia", "Lucas", "Sofia", "Elias", "Hannah", "Mateo")
SURNAMES = ("Bennett", "Schmidt", "Rossi", "Dubois", "Novak", "Jansen", "Garcia", "Kowalski", "Berg", "Silva")
DEFAULT_RATES = {
    ("GBP", "USD"): "1.2540",
    ("EUR", "USD"): "1.0790",
    ("USD", "EUR"): "0.9180",
    ("GBP", "EUR"): "1.1560",
    ("JPY", "USD"): "0.006650",
    ("JPY", "EUR"): "0.006150",
    ("CAD", "USD"): "0.7260",
    ("AUD", "EUR"): "0.6020",
}


class PayPalStore:
    """One PayPal business account. ``now``: a callable giving Unix seconds;
    ``currencies``: the balances the account holds (payments in another
    currency are converted to the first, ``T0200`` pairs); ``lag``: seconds
    before a transaction is searchable; ``seed``: repeatable ids and payers."""

    def __init__(
        self, now, *, currencies=("USD", "EUR"), seed=0, lag=REFRESH_LAG, account_number=None, fx_rates=None
    ):
        self._base_now = now
        self.currencies = tuple(c.upper() for c in currencies)
        self.seed = seed
        self.lag = lag
        self.fx_rates = dict(DEFAULT_RATES, **(fx_rates or {}))
        self.lock = threading.RLock()
        self._account_number = account_number
        self.reset()

    def reset(self):
        with self.lock:
            self._rng = random.Random(f"paypal-{self.seed}")
            self.account_number = self._account_number or self._id(13)
            self.offset = 0
            self.records = []  # transaction details with "_at", "_visible", "_seq"
            self.by_id = {}  # transaction_id -> record (the balance-affecting one)
            self.claims = {}  # payment id -> {"kind", "status", "hold"}
            self.refunds_of = {}  # payment id -> [refund records]

    def now(self):
        return int(self._base_now()) + self.offset

    def jump_to(self, ts):
        with self.lock:
            if ts > self.now():
                self.offset += int(ts) - self.now()

    def last_refreshed(self):
        return self.now() - self.lag

    def _id(self, length=17):
        return "".join(self._rng.choices(ID_ALPHABET, k=length))

    def _when(self, created):
        if created is None:
            return self.now()
        if isinstance(created, datetime):
            return int((created if created.tzinfo else created.replace(tzinfo=timezone.utc)).timestamp())
        return int(created)

    # -- records ------------------------------------------------------------------------------

    def _record(
        self,
        code,
        amount,
        currency,
        at,
        *,
        fee=Decimal(0),
        status="S",
        reference=None,
        reference_type="TXN",
        subject=None,
        invoice_id=None,
        custom_field=None,
        bank_reference_id=None,
        payer=None,
        cart=None,
        counterparty=None,
        instrument="PAYPAL",
    ):
        info = {
            "paypal_account_id": counterparty,
            "transaction_id": self._id(),
            "paypal_reference_id": reference,
            "paypal_reference_id_type": reference_type if reference else None,
            "transaction_event_code": code,
            "transaction_initiation_date": format_date(at),
            "transaction_updated_date": format_date(at),
            "transaction_amount": money(amount, currency),
            "fee_amount": money(fee, currency),
            "transaction_status": status,
            "transaction_subject": subject,
            "invoice_id": invoice_id,
            "custom_field": custom_field,
            "bank_reference_id": bank_reference_id,
            "protection_eligibility": "01" if code == T_CHECKOUT else None,
            "instrument_type": instrument if code in (T_CHECKOUT,) else None,
        }
        record = {
            "transaction_info": {k: v for k, v in info.items() if v is not None},
            "payer_info": payer or {},
            "shipping_info": {},
            "cart_info": cart or {},
            "store_info": {},
            "auction_info": {},
            "incentive_info": {},
            "_at": at,
            "_visible": at + self.lag,
            "_seq": len(self.records),
        }
        self.records.append(record)
        self.by_id[info["transaction_id"]] = record
        return record

    def _payer(self):
        given, surname = self._rng.choice(FIRST_NAMES), self._rng.choice(SURNAMES)
        return {
            "account_id": self._id(13),
            "email_address": f"{given.lower()}.{surname.lower()}@example.com",
            "address_status": "Y",
            "payer_status": "Y",
            "payer_name": {
                "given_name": given,
                "surname": surname,
                "alternate_full_name": f"{given} {surname}",
            },
            "country_code": self._rng.choice(("US", "DE", "FR", "NL", "GB")),
        }

    def fee_for(self, amount, currency):
        percent, fixed = FEES.get(currency, DEFAULT_FEE)
        return (amount * Decimal(percent) / 100 + Decimal(fixed)).quantize(quantum(currency))

    @staticmethod
    def amount_of(record):
        return Decimal(record["transaction_info"]["transaction_amount"]["value"])

    @staticmethod
    def fee_of(record):
        return Decimal(record["transaction_info"]["fee_amount"]["value"])

    def get(self, transaction_id):
        return self.by_id.get(transaction_id)

    # -- payments, refunds, conversions -----------------------------------------------------------

    def create_payment(
        self,
        amount,
        currency="USD",
        *,
        invoice_id=None,
        created=None,
        code=T_CHECKOUT,
        fee=None,
        custom_field=None,
        item_name=None,
        exchange_rate=None,
    ):
        """A payment received: ``amount`` (major units, str/Decimal) in the
        buyer's ``currency``, ``invoice_id`` the order. When the account holds
        no ``currency`` balance it is converted into the first one (a ``T0200``
        pair, at ``exchange_rate`` or the sandbox's). Returns the payment
        record (``record["transaction_info"]["transaction_id"]``)."""
        at = self._when(created)
        currency = currency.upper()
        amount = Decimal(str(amount)).quantize(quantum(currency))
        if amount <= 0:
            raise ValueError("a payment amount is positive")
        with self.lock:
            fee_value = Decimal(str(fee)) if fee is not None else self.fee_for(amount, currency)
            payer = self._payer()
            name = item_name or (f"Order {invoice_id}" if invoice_id else "Sandbox order")
            cart = {
                "item_details": [
                    {
                        "item_code": invoice_id or "ITEM",
                        "item_name": name,
                        "item_quantity": "1",
                        "item_unit_price": money(amount, currency),
                        "item_amount": money(amount, currency),
                        "total_item_amount": money(amount, currency),
                    }
                ],
                "tax_inclusive": False,
            }
            payment = self._record(
                code,
                amount,
                currency,
                at,
                fee=-fee_value,
                invoice_id=invoice_id,
                custom_field=custom_field,
                subject=name,
                payer=payer,
                cart=cart,
                counterparty=payer["account_id"],
            )
            if currency not in self.currencies:
                self._convert(payment, currency, self.currencies[0], amount - fee_value, at, exchange_rate)
            return payment

    def _convert(self, payment, from_currency, to_currency, net, at, rate=None):
        rate = Decimal(str(rate or self.fx_rates[(from_currency, to_currency)]))
        reference = payment["transaction_info"]["transaction_id"]
        out = self._record(T_CONVERSION, -net, from_currency, at, reference=reference)
        back = self._record(T_CONVERSION, net * rate, to_currency, at, reference=reference)
        return out, back

    def convert(self, from_currency, to_currency, amount, *, rate=None, created=None):
        """A user-initiated conversion of ``amount`` between two balances (a
        ``T0200`` pair); returns both records."""
        at = self._when(created)
        with self.lock:
            rate = Decimal(str(rate or self.fx_rates[(from_currency.upper(), to_currency.upper())]))
            out = self._record(T_CONVERSION, -Decimal(str(amount)), from_currency.upper(), at)
            reference = out["transaction_info"]["transaction_id"]
            back = self._record(
                T_CONVERSION, Decimal(str(amount)) * rate, to_currency.upper(), at, reference=reference
            )
            return out, back

    def _payment(self, transaction_id):
        record = self.by_id.get(transaction_id)
        if record is None or record["transaction_info"]["transaction_event_code"] not in ("T0006", "T0003"):
            raise KeyError(f"no payment {transaction_id!r}")
        return record

    def refunded(self, transaction_id):
        """What was refunded of a payment so far (positive)."""
        return -sum((self.amount_of(r) for r in self.refunds_of.get(transaction_id, ())), Decimal(0))

    def create_refund(self, transaction_id, amount=None, *, created=None):
        """Refund ``amount`` (default: what is left) of a payment: ``T1107``,
        the payment's status becomes ``F`` (partly) or ``V`` (wholly)."""
        at = self._when(created)
        with self.lock:
            payment = self._payment(transaction_id)
            info = payment["transaction_info"]
            currency = info["transaction_amount"]["currency_code"]
            paid = self.amount_of(payment)
            left = paid - self.refunded(transaction_id)
            value = left if amount is None else Decimal(str(amount)).quantize(quantum(currency))
            if not 0 < value <= left:
                raise ValueError(f"{transaction_id} has {left} left to refund, not {value}")
            percent = Decimal(FEES.get(currency, DEFAULT_FEE)[0])
            fee_back = (value * percent / 100).quantize(quantum(currency))
            refund = self._record(
                T_REFUND,
                -value,
                currency,
                at,
                fee=fee_back,
                reference=transaction_id,
                invoice_id=info.get("invoice_id"),
                custom_field=info.get("custom_field"),
                counterparty=info.get("paypal_account_id"),
            )
            self.refunds_of.setdefault(transaction_id, []).append(refund)
            if currency not in self.currencies:
                self._convert(refund, currency, self.currencies[0], -value + fee_back, at)
            info["transaction_status"] = "V" if value == left else "F"
            info["transaction_updated_date"] = format_date(at)
            return refund

    # -- disputes ----------------------------------------------------------------------------------

    def open_claim(self, transaction_id, *, created=None):
        """A buyer's claim: PayPal holds the payment's amount (``T1110``)."""
        at = self._when(created)
        with self.lock:
            payment = self._payment(transaction_id)
            info = payment["transaction_info"]
            amount = self.amount_of(payment)
            hold = self._record(
                T_DISPUTE_HOLD,
                -amount,
                info["transaction_amount"]["currency_code"],
                at,
                reference=transaction_id,
                invoice_id=info.get("invoice_id"),
            )
            self.claims[transaction_id] = {"kind": "claim", "status": "open"}
            return hold

    def resolve_claim(self, transaction_id, won, *, created=None):
        """The hold is cancelled (``T1111``); a lost claim reverses the
        payment (``T1106``). Returns the records made."""
        at = self._when(created)
        with self.lock:
            claim = self.claims.get(transaction_id)
            if not claim or claim["status"] != "open" or claim["kind"] != "claim":
                raise ValueError(f"no open claim on {transaction_id}")
            payment = self._payment(transaction_id)
            info = payment["transaction_info"]
            currency = info["transaction_amount"]["currency_code"]
            amount = self.amount_of(payment)
            made = [
                self._record(
                    T_DISPUTE_RELEASE,
                    amount,
                    currency,
                    at,
                    reference=transaction_id,
                    invoice_id=info.get("invoice_id"),
                )
            ]
            if not won:
                made.append(
                    self._record(
                        T_REVERSAL,
                        -amount,
                        currency,
                        at,
                        reference=transaction_id,
                        invoice_id=info.get("invoice_id"),
                    )
                )
                info["transaction_status"] = "V"
                info["transaction_updated_date"] = format_date(at)
            claim["status"] = "won" if won else "lost"
            return made

    def chargeback(self, transaction_id, *, created=None):
        """A card chargeback: ``T1201`` (minus the amount) and the
        ``T0106`` chargeback processing fee. Returns both records."""
        at = self._when(created)
        with self.lock:
            payment = self._payment(transaction_id)
            info = payment["transaction_info"]
            currency = info["transaction_amount"]["currency_code"]
            amount = self.amount_of(payment)
            back = self._record(
                T_CHARGEBACK,
                -amount,
                currency,
                at,
                reference=transaction_id,
                invoice_id=info.get("invoice_id"),
            )
            fee = Decimal(CHARGEBACK_FEES.get(currency, "20.00"))
            fee_record = self._record(T_CHARGEBACK_FEE, -fee, currency, at, reference=transaction_id)
            self.claims[transaction_id] = {"kind": "chargeback", "status": "open"}
            return back, fee_record

    def reverse_chargeback(self, transaction_id, *, created=None):
        """The merchant won the chargeback: ``T1202`` gives the amount back (the fee stays)."""
        at = self._when(created)
        with self.lock:
            claim = self.claims.get(transaction_id)
            if not claim or claim["status"] != "open" or claim["kind"] != "chargeback":
                raise ValueError(f"no open chargeback on {transaction_id}")
            payment = self._payment(transaction_id)
            info = payment["transaction_info"]
            record = self._record(
                T_CHARGEBACK_REVERSAL,
                self.amount_of(payment),
                info["transaction_amount"]["currency_code"],
                at,
                reference=transaction_id,
                invoice_id=info.get("invoice_id"),
            )
            claim["status"] = "won"
            return record

    # -- reserves and withdrawals ----------------------------------------------------------------------

    def hold_reserve(self, currency, amount, *, created=None, code=T_RESERVE_HOLD):
        """PayPal withholds ``amount`` of a balance (``T2103`` reserve hold;
        ``code`` names another hold T-code)."""
        with self.lock:
            return self._record(code, -Decimal(str(amount)), currency.upper(), self._when(created))

    def release_reserve(self, currency, amount, *, created=None, code=T_RESERVE_RELEASE):
        """PayPal releases ``amount`` of a reserve (``T2104`` reserve release)."""
        with self.lock:
            return self._record(code, Decimal(str(amount)), currency.upper(), self._when(created))

    def balance(self, currency, at=None):
        """The balance of ``currency`` after every transaction up to ``at``."""
        at = self.now() if at is None else at
        currency = currency.upper()
        total = Decimal(0)
        for r in self.records:
            info = r["transaction_info"]
            if r["_at"] <= at and info["transaction_amount"]["currency_code"] == currency:
                total += self.amount_of(r) + self.fee_of(r)
        return total

    def withdraw(self, currency, amount=None, *, created=None):
        """Withdraw ``amount`` (default: the whole balance) to the bank:
        ``T0400`` with a ``bank_reference_id``; None when there is nothing."""
        at = self._when(created)
        with self.lock:
            currency = currency.upper()
            value = self.balance(currency, at) if amount is None else Decimal(str(amount))
            if value <= 0:
                return None
            reference = f"PPWD{self._id(12)}"
            return self._record(
                T_WITHDRAWAL,
                -value,
                currency,
                at,
                bank_reference_id=reference,
                subject="Withdrawal to bank account",
            )

    def summary(self):
        with self.lock:
            codes = {}
            for r in self.records:
                code = r["transaction_info"]["transaction_event_code"]
                codes[code] = codes.get(code, 0) + 1
            return {"transactions": len(self.records), "event_codes": codes}
