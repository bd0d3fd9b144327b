"""A generated month of provider payouts and the bank statements they land in.

``generate_month(orders=20000, seed=7)`` makes, deterministically from the
seed:

- the **order transactions** the shop knows (sales and refunds, in the
  order's currency), as dicts with the fields of the matcher's OrderTxn;
- the **canonical payouts** (payout.v1 dicts, lines included) of three
  providers in two settlement currencies, each on its provider's rhythm
  (Stripe daily on business days, T+3 availability; Shopify Payments every
  day, T+2, arriving the next business day; PayPal withdrawals on Mondays
  and Thursdays): charges with their fees, full and partial refunds,
  disputes with their fee (some won back), reserves held on Mondays and
  released two weeks later, adjustments, charges presented in another
  currency (GBP, CHF, SEK, CAD) converted with rounding, a few lines of an
  unknown type;
- the **bank statements** (:mod:`.model`) of a EUR and a USD account, one
  per business day: each payout booked on its arrival date or one or two
  business days later (weekends and TARGET2 holidays skipped), with the
  provider's trace reference as end-to-end id except for 2 % of them,
  several payouts of one provider on one day booked as a batch (camt
  TxDtls with amounts) or as one collective credit naming them, a few
  payouts split over two bookings, PayPal's USD payouts converted into the
  EUR account (with the bank's rounding), and the account's other life:
  rent, salaries, suppliers, customers paying invoices, taxes, bank fees;
- the **ground truth**, kept aside: which order transaction each line
  settles (or why it cannot), and which bank lines carry which payouts
  (:meth:`Month.truth_groups`, per file format).

Noise in the shop's data: 0.3 % of orders were never imported (their lines
have no order), 0.1 % were edited after payment (amount differs), 1 % of
PayPal lines carry only the invoice id (the order reference).
"""

import random
import string
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .model import Entry, Statement, Tx, booking_units, truth_groups

CENT = Decimal("0.01")
ALNUM = string.ascii_uppercase + string.digits
LOWER = string.ascii_lowercase + string.digits


def q(amount):
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def iban(country, bban):
    """A valid IBAN (ISO 13616 check digits) for ``bban``."""
    digits = "".join(str(int(char, 36)) for char in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


def easter(year):
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    j = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * j) // 451
    month, day = divmod(h + j - 7 * m + 114, 31)
    return date(year, month, day + 1)


def target2_holidays(year):
    """The TARGET2 closing days: New Year, Good Friday, Easter Monday,
    1 May, Christmas and 26 December."""
    sunday = easter(year)
    return frozenset(
        {
            date(year, 1, 1),
            sunday - timedelta(days=2),
            sunday + timedelta(days=1),
            date(year, 5, 1),
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


@dataclass(frozen=True)
class Profile:
    """How one provider settles."""

    name: str  # the counterparty name on the bank statement
    counterparty_iban: str
    counterparty_bic: str
    fee_rate: Decimal
    fee_fixed: Decimal
    available_after: int  # days from the charge
    dispute_fee: Decimal
    label: str  # what its bank remittance starts with
    types: dict  # family -> provider_type


PROFILES = {
    "shopify_payments": Profile(
        "Shopify International Limited",
        iban("IE", "CITI99005112345678"),
        "CITIIE2X",
        Decimal("0.019"),
        Decimal("0.25"),
        2,
        Decimal("15.00"),
        "SHOPIFY PAYOUT",
        {
            "charge": "CHARGE",
            "refund": "REFUND",
            "dispute": "DISPUTE_WITHDRAWAL",
            "dispute_reversal": "DISPUTE_REVERSAL",
            "reserve_hold": "RESERVED_FUNDS_WITHDRAWAL",
            "reserve_release": "RESERVED_FUNDS_REVERSAL",
            "adjustment": "ADJUSTMENT",
        },
    ),
    "stripe": Profile(
        "Stripe Technology Europe Ltd",
        iban("IE", "BOFI90001712345678"),
        "BOFIIE2D",
        Decimal("0.015"),
        Decimal("0.25"),
        3,
        Decimal("20.00"),
        "STRIPE PAYMENTS",
        {
            "charge": "charge",
            "refund": "refund",
            "dispute": "dispute",
            "dispute_reversal": "dispute_reversal",
            "reserve_hold": "risk_reserved_funds",
            "reserve_release": "risk_reserved_funds",
            "adjustment": "other_adjustment",
            "unknown": "climate_order_purchase",
        },
    ),
    "paypal": Profile(
        "PayPal (Europe) S.a r.l. et Cie, S.C.A.",
        iban("LU", "0010001234567890"),
        "PPLXLULL",
        Decimal("0.0249"),
        Decimal("0.35"),
        0,
        Decimal("14.00"),
        "PAYPAL AUSZAHLUNG",
        {
            "charge": "T0006",
            "refund": "T1107",
            "dispute": "T1201",
            "dispute_reversal": "T1202",
            "adjustment": "T1900",
            "unknown": "T9900",
        },
    ),
}
# other currencies buyers pay in: settlement units per unit, around these
PRESENTMENT = {
    "EUR": {"GBP": "1.1712", "CHF": "1.0431", "SEK": "0.0874"},
    "USD": {"GBP": "1.2695", "CAD": "0.7318"},
}

OWNER = "Muster Handels GmbH"
ACCOUNTS = {
    "EUR": ("37040044", "0532013000", "COBADEFFXXX"),
    "USD": ("37040044", "0532013099", "COBADEFFXXX"),
}


@dataclass
class Month:
    """One generated month (see the module doc)."""

    year: int
    month: int
    payouts: list
    order_txns: list
    statements: dict  # account currency -> [Statement]
    holidays: frozenset
    eur_per_usd: dict  # date -> the reference rate the bank applied (before its rounding)
    line_truth: dict  # line external_id -> ("txn", order txn key) | ("family", None) | ("unmatched", reason)
    stats: dict = field(default_factory=dict)

    def fx_rate(self, source, target, day):
        """The reference rate for a matcher's config (USD -> EUR only)."""
        if (source, target) != ("USD", "EUR"):
            return None
        known = [d for d in self.eur_per_usd if d <= day]
        return self.eur_per_usd[max(known)] if known else None

    def all_statements(self):
        return [statement for statements in self.statements.values() for statement in statements]

    def truth_groups(self, fmt):
        return truth_groups(self.all_statements(), fmt)

    def booking_units(self, fmt):
        return booking_units(self.all_statements(), fmt)


class _Generator:
    def __init__(self, orders, providers, currencies, seed, year, month):
        self.rng = random.Random(seed)
        self.orders = orders
        self.providers = providers
        self.currencies = currencies
        rest = len(currencies) - 1
        self.currency_weights = [0.7] + [0.3 / rest] * rest if rest else [1]
        self.year, self.month = year, month
        self.first = date(year, month, 1)
        self.after = date(year + month // 12, month % 12 + 1, 1)
        self.holidays = target2_holidays(year) | target2_holidays(year + 1)
        self.lines = []  # (provider, currency, available_on, canonical line dict)
        self.order_txns = []
        self.line_truth = {}
        self.used_ids = set()
        self.eur_per_usd = {}
        rate = Decimal("0.9215")
        day = self.first - timedelta(days=7)
        while day < self.after + timedelta(days=40):
            rate = (rate * (1 + Decimal(self.rng.uniform(-0.004, 0.004)))).quantize(Decimal("0.000001"))
            self.eur_per_usd[day] = rate
            day += timedelta(days=1)

    # --- helpers -----------------------------------------------------------------

    def ident(self, prefix, length, alphabet=ALNUM):
        """A fresh random id: ``length`` characters of upper-case hex
        (ALNUM), lower-case hex (LOWER) or digits after ``prefix``."""
        while True:
            if alphabet == string.digits:
                body = str(self.rng.randrange(10 ** (length - 1), 10**length))
            else:
                body = format(
                    self.rng.getrandbits(4 * length), f"0{length}{'x' if alphabet == LOWER else 'X'}"
                )
            value = prefix + body
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def business(self, day):
        return day.weekday() < 5 and day not in self.holidays

    def next_business(self, day, include=True):
        if not include:
            day += timedelta(days=1)
        while not self.business(day):
            day += timedelta(days=1)
        return day

    def shift(self, day, count):
        for _ in range(count):
            day = self.next_business(day, include=False)
        return day

    def line_id(self, provider):
        if provider == "stripe":
            return self.ident("txn_", 24, LOWER)
        if provider == "shopify_payments":
            return self.ident("", 11, string.digits)
        return self.ident("", 17)

    def txn_id(self, provider, kind):
        if provider == "stripe":
            return self.ident("ch_" if kind == "sale" else "re_", 24, LOWER)
        if provider == "shopify_payments":
            return self.ident("", 13, string.digits)
        return self.ident("", 17)

    def add_line(self, provider, currency, family, amount, fee, when, **extra):
        profile = PROFILES[provider]
        external_id = self.line_id(provider)
        line = {
            "schema_version": 1,
            "provider": provider,
            "external_id": external_id,
            "payout_id": None,
            "provider_type": profile.types.get(family, "UNKNOWN"),
            "family": family,
            "amount": str(q(amount)),
            "fee": str(q(fee)),
            "net": str(q(amount) - q(fee)),
            "currency": currency,
            "availability": "available",
            "created_at": datetime.combine(when, time(12, 0)).isoformat() + "Z",
            "available_on": (when + timedelta(days=profile.available_after)).isoformat(),
        }
        line.update({key: value for key, value in extra.items() if value is not None})
        if q(fee):
            line["fee_details"] = [{"type": "processing_fee", "amount": str(q(fee))}]
        self.lines.append(line)
        return line

    # --- the shop's month --------------------------------------------------------------

    def make_orders(self):
        rng = self.rng
        days = (self.after - self.first).days
        weights = {"shopify_payments": 0.45, "stripe": 0.35, "paypal": 0.20}
        provider_weights = [weights.get(provider, 0.3) for provider in self.providers]
        for number in range(self.orders):
            provider = rng.choices(self.providers, provider_weights)[0]
            currency = rng.choices(self.currencies, self.currency_weights)[0]
            created = self.first + timedelta(days=rng.randrange(days))
            order_ref = f"#{1001 + number}"
            settled = q(max(4.5, min(rng.lognormvariate(4.0, 0.7), 2500)))
            presentment_currency = rate = None
            order_amount, order_currency = settled, currency
            if rng.random() < 0.05 and currency in PRESENTMENT:
                presentment_currency = rng.choice(sorted(PRESENTMENT[currency]))
                base = Decimal(PRESENTMENT[currency][presentment_currency])
                rate = (base * (1 + Decimal(rng.uniform(-0.01, 0.01)))).quantize(Decimal("0.000001"))
                order_amount, order_currency = settled, presentment_currency
                settled = q(order_amount * rate)
            self.one_order(
                provider, currency, created, order_ref, settled, order_amount, order_currency, rate
            )

    def one_order(self, provider, currency, created, order_ref, settled, order_amount, order_currency, rate):
        rng = self.rng
        profile = PROFILES[provider]
        imported = rng.random() >= 0.003
        edited = rng.random() < 0.001
        fx = {}
        if rate is not None:
            fx = {
                "presentment_amount": str(order_amount),
                "presentment_currency": order_currency,
                "exchange_rate": str(rate),
            }
        sale_id = self.txn_id(provider, "sale")
        sale_key = f"otx-{sale_id}"
        if imported:
            self.order_txns.append(
                {
                    "key": sale_key,
                    "provider": provider,
                    "transaction_id": sale_id,
                    "order_ref": order_ref,
                    "amount": str(order_amount + (CENT if edited else 0)),
                    "currency": order_currency,
                    "kind": "sale",
                    "date": created.isoformat(),
                }
            )
        only_ref = provider == "paypal" and rng.random() < 0.01
        fee = q(settled * profile.fee_rate + profile.fee_fixed)
        charge = self.add_line(
            provider,
            currency,
            "charge",
            settled,
            fee,
            created,
            order_transaction_id=None if only_ref else sale_id,
            order_ref=order_ref,
            source_id=sale_id,
            **fx,
        )
        if not imported:
            self.line_truth[charge["external_id"]] = ("unmatched", "no_order_found")
        elif edited:
            self.line_truth[charge["external_id"]] = ("unmatched", "amount_differs")
        else:
            self.line_truth[charge["external_id"]] = ("txn", sale_key)
        if rng.random() < 0.08:
            self.refund(
                provider,
                currency,
                created,
                order_ref,
                settled,
                order_amount,
                order_currency,
                rate,
                fee,
                imported,
            )
        if rng.random() < 0.004:
            self.dispute(provider, currency, created, sale_id, sale_key, settled, imported, fx)
        if provider in ("stripe", "paypal") and rng.random() < 0.001:
            line = self.add_line(provider, currency, "unknown", -q(rng.uniform(0.1, 2)), 0, created)
            self.line_truth[line["external_id"]] = ("unmatched", "unknown_type")

    def refund(
        self,
        provider,
        currency,
        created,
        order_ref,
        settled,
        order_amount,
        order_currency,
        rate,
        fee,
        imported,
    ):
        rng = self.rng
        when = created + timedelta(days=rng.randint(1, 10))
        share = Decimal(1) if rng.random() < 0.4 else Decimal(rng.randint(10, 90)) / 100
        refund_order = q(order_amount * share)
        refund_settled = q(refund_order * rate) if rate is not None else refund_order
        refund_fee = -q(fee * share) if provider == "paypal" else Decimal(0)
        refund_id = self.txn_id(provider, "refund")
        key = f"otx-{refund_id}"
        if imported:
            self.order_txns.append(
                {
                    "key": key,
                    "provider": provider,
                    "transaction_id": refund_id,
                    "order_ref": order_ref,
                    "amount": str(refund_order),
                    "currency": order_currency,
                    "kind": "refund",
                    "date": when.isoformat(),
                }
            )
        fx = {}
        if rate is not None:
            fx = {
                "presentment_amount": str(-refund_order),
                "presentment_currency": order_currency,
                "exchange_rate": str(rate),
            }
        line = self.add_line(
            provider,
            currency,
            "refund",
            -refund_settled,
            refund_fee,
            when,
            order_transaction_id=refund_id,
            order_ref=order_ref,
            **fx,
        )
        self.line_truth[line["external_id"]] = ("txn", key) if imported else ("unmatched", "no_order_found")

    def dispute(self, provider, currency, created, sale_id, sale_key, settled, known, fx):
        rng = self.rng
        profile = PROFILES[provider]
        opened = created + timedelta(days=rng.randint(7, 25))
        dispute_id = (
            self.ident("dp_", 24, LOWER) if provider == "stripe" else self.ident("PP-D-", 10, string.digits)
        )
        fx_dispute = {**fx, "presentment_amount": "-" + fx["presentment_amount"]} if fx else {}
        line = self.add_line(
            provider,
            currency,
            "dispute",
            -settled,
            profile.dispute_fee,
            opened,
            order_transaction_id=sale_id,
            dispute_id=dispute_id,
            **fx_dispute,
        )
        self.line_truth[line["external_id"]] = ("txn", sale_key) if known else ("unmatched", "no_order_found")
        if rng.random() < 0.4:
            won = opened + timedelta(days=rng.randint(10, 20))
            line = self.add_line(
                provider,
                currency,
                "dispute_reversal",
                settled,
                0,
                won,
                order_transaction_id=sale_id,
                dispute_id=dispute_id,
                **fx,
            )
            self.line_truth[line["external_id"]] = (
                ("txn", sale_key) if known else ("unmatched", "no_order_found")
            )

    def reserves_and_adjustments(self):
        rng = self.rng
        for provider in self.providers:
            if provider == "paypal":
                continue
            for currency in self.currencies:
                day = self.first
                while day < self.after:
                    if day.weekday() == 0:
                        week = [
                            Decimal(line["amount"])
                            for line in self.lines
                            if line["provider"] == provider
                            and line["currency"] == currency
                            and line["family"] == "charge"
                            and day - timedelta(days=7) <= date.fromisoformat(line["created_at"][:10]) < day
                        ]
                        held = q(sum(week, Decimal(0)) * Decimal("0.02"))
                        if held:
                            hold = self.add_line(provider, currency, "reserve_hold", -held, 0, day)
                            hold["available_on"] = day.isoformat()
                            release = self.add_line(
                                provider, currency, "reserve_release", held, 0, day + timedelta(days=14)
                            )
                            release["available_on"] = (day + timedelta(days=14)).isoformat()
                            self.line_truth[hold["external_id"]] = ("family", None)
                            self.line_truth[release["external_id"]] = ("family", None)
                    day += timedelta(days=1)
        for _ in range(5):
            provider = rng.choice(self.providers)
            currency = rng.choice(self.currencies)
            when = self.first + timedelta(days=rng.randrange(28))
            line = self.add_line(provider, currency, "adjustment", q(rng.uniform(-50, 50)) or CENT, 0, when)
            self.line_truth[line["external_id"]] = ("family", None)

    # --- payouts -------------------------------------------------------------------

    def pays_on(self, provider, day):
        if provider == "stripe":
            return self.business(day)
        if provider == "paypal":
            return day.weekday() in (0, 3)
        return True

    def arrival(self, provider, day):
        if provider == "shopify_payments":
            return self.next_business(day, include=False)
        return self.shift(day, 1)

    def make_payouts(self):
        pending = {}
        for line in self.lines:
            key = (line["provider"], line["currency"])
            pending.setdefault(key, []).append(line)
        for lines in pending.values():
            lines.sort(key=lambda line: line["available_on"])
        payouts = []
        day = self.first
        while any(pending.values()):
            for (provider, currency), lines in sorted(pending.items()):
                if not lines or not (self.pays_on(provider, day) or day >= self.after + timedelta(days=10)):
                    continue
                today = day.isoformat()
                count = 0
                while count < len(lines) and lines[count]["available_on"] <= today:
                    count += 1
                due = lines[:count]
                if not due:
                    continue
                amount = sum((Decimal(line["net"]) for line in due), Decimal(0))
                if not amount:
                    continue
                pending[(provider, currency)] = lines[len(due) :]
                payouts.append(self.payout(provider, currency, day, amount, due))
            day += timedelta(days=1)
        return payouts

    def payout(self, provider, currency, day, amount, lines):
        if provider == "stripe":
            external_id = self.ident("po_", 24, LOWER)
            trace = self.ident("ST", 14)
        elif provider == "shopify_payments":
            external_id = self.ident("", 10, string.digits)
            trace = self.ident("SHP", 12, string.digits)
        else:
            external_id = self.ident("", 17)
            trace = self.ident("PP", 12)
        for line in lines:
            line["payout_id"] = external_id
        return {
            "schema_version": 1,
            "provider": provider,
            "external_id": external_id,
            "status": "paid",
            "direction": "credit" if amount > 0 else "debit",
            "amount": str(amount),
            "currency": currency,
            "created_at": datetime.combine(day, time(6, 0)).isoformat() + "Z",
            "arrival_date": self.arrival(provider, day).isoformat(),
            "trace_reference": trace,
            "bank_account": "****3000",
            "lines_complete": True,
            "lines": lines,
        }


class _Bank:
    """Books payouts and the account's other life into daily statements."""

    def __init__(self, generator):
        self.gen = generator
        self.rng = generator.rng
        self.bookings = {currency: [] for currency in ACCOUNTS}  # currency -> [Entry]
        self.sequence = {}
        self.stats = {
            "batches": 0,
            "collective": 0,
            "split": 0,
            "missing_references": 0,
            "fx": 0,
            "unrelated": 0,
        }

    def reference(self, currency, day):
        number = self.sequence.get((currency, day), 0) + 1
        self.sequence[(currency, day)] = number
        return f"{day:%y%m%d}{currency[0]}{number:05d}"

    def book(self, payouts):
        gen, rng = self.gen, self.rng
        groups = {}
        for payout in payouts:
            arrival = date.fromisoformat(payout["arrival_date"])
            lag = 0 if rng.random() < 0.85 else (1 if rng.random() < 0.67 else 2)
            booked = gen.shift(gen.next_business(arrival), lag)
            fx = payout["provider"] == "paypal" and payout["currency"] == "USD"
            account = "EUR" if fx else payout["currency"]
            tx = self.tx(payout, account, booked)
            groups.setdefault((account, booked, payout["provider"], tx.amount > 0, fx), []).append(tx)
        for (account, booked, provider, _sign, fx), txs in sorted(
            groups.items(), key=lambda item: item[0][:3]
        ):
            draw = rng.random()
            if len(txs) >= 2 and not fx and draw < 0.5:
                self.stats["batches"] += 1
                self.entry(account, booked, txs, batch=True)
            elif len(txs) >= 2 and not fx and draw < 0.7:
                self.stats["collective"] += 1
                self.entry(account, booked, [self.collective(provider, txs)])
            else:
                for tx in txs:
                    if abs(tx.amount) > 1000 and not fx and rng.random() < 0.05:
                        self.stats["split"] += 1
                        self.split(account, booked, tx)
                    else:
                        self.entry(account, booked, [tx])

    def tx(self, payout, account, booked):
        profile = PROFILES[payout["provider"]]
        trace = payout["trace_reference"]
        amount = Decimal(payout["amount"])
        missing = self.rng.random() < 0.02
        if missing:
            self.stats["missing_references"] += 1
        tx = Tx(
            amount=amount,
            bank_reference="",
            end_to_end_id=None if missing else trace,
            remittance=profile.label if missing else f"{profile.label} {trace}",
            counterparty_name=profile.name,
            counterparty_iban=profile.counterparty_iban,
            counterparty_bic=profile.counterparty_bic,
            payouts=(payout["external_id"],),
        )
        if account != payout["currency"]:  # PayPal's USD into the EUR account, converted by the bank
            self.stats["fx"] += 1
            rate = self.gen.eur_per_usd[booked]
            tx.original_amount, tx.original_currency, tx.exchange_rate = amount, payout["currency"], rate
            tx.amount = q(amount * rate) + CENT * self.rng.choice([-2, -1, 0, 0, 1, 2])
        return tx

    def collective(self, provider, txs):
        profile = PROFILES[provider]
        traces = [tx.end_to_end_id for tx in txs if tx.end_to_end_id]
        credit = sum((tx.amount for tx in txs), Decimal(0)) > 0
        return Tx(
            amount=sum((tx.amount for tx in txs), Decimal(0)),
            bank_reference="",
            end_to_end_id=None,
            remittance=f"{'SAMMELGUTSCHRIFT' if credit else 'SAMMELLASTSCHRIFT'} {profile.label} "
            + " ".join(traces),
            counterparty_name=profile.name,
            counterparty_iban=profile.counterparty_iban,
            counterparty_bic=profile.counterparty_bic,
            payouts=tuple(p for tx in txs for p in tx.payouts),
        )

    def split(self, account, booked, tx):
        first = q(tx.amount * Decimal("0.6"))
        for amount, day in ((first, booked), (tx.amount - first, self.gen.shift(booked, 1))):
            part = Tx(**{**tx.__dict__, "amount": amount})
            self.entry(account, day, [part])

    def entry(self, account, booked, txs, batch=False, **codes):
        reference = self.reference(account, booked)
        if batch:
            for index, tx in enumerate(txs, 1):
                tx.bank_reference = f"{reference}-{index}"
        else:
            txs[0].bank_reference = reference
        credit = sum((tx.amount for tx in txs), Decimal(0)) > 0
        defaults = (
            {"domain": ("PMNT", "RCDT", "ESCT"), "gvc": "166", "posting_text": "SEPA GUTSCHRIFT"}
            if credit
            else {"domain": ("PMNT", "IDDT", "ESDD"), "gvc": "105", "posting_text": "SEPA LASTSCHRIFT"}
        )
        if batch and credit:
            defaults.update(
                {"domain": ("PMNT", "RCDT", "BOOK"), "gvc": "166", "posting_text": "SAMMLER-GUTSCHRIFT"}
            )
        elif batch:
            defaults.update(
                {"domain": ("PMNT", "IDDT", "BOOK"), "gvc": "192", "posting_text": "SAMMLER-LASTSCHRIFT"}
            )
        self.bookings[account].append(
            Entry(booked, booked, reference, txs, batch=batch, **{**defaults, **codes})
        )

    def unrelated(self):
        gen, rng = self.gen, self.rng
        first_day = gen.next_business(gen.first)
        last_day = gen.next_business(gen.after - timedelta(days=3))
        month_name = f"{gen.month:02d}/{gen.year}"

        def other(account, day, amount, name, remittance, account_iban, codes):
            self.stats["unrelated"] += 1
            tx = Tx(q(amount), "", None, remittance, name, account_iban, None)
            self.entry(account, gen.next_business(day), [tx], **codes)

        transfer_out = {"domain": ("PMNT", "ICDT", "ESCT"), "gvc": "177", "posting_text": "SEPA UEBERWEISUNG"}
        transfer_in = {"domain": ("PMNT", "RCDT", "ESCT"), "gvc": "166", "posting_text": "SEPA GUTSCHRIFT"}
        fees = {"domain": ("ACMT", "MDOP", "CHRG"), "gvc": "805", "posting_text": "ABSCHLUSS"}
        other(
            "EUR",
            first_day,
            "-4850.00",
            "Gewerbeimmobilien Schmidt KG",
            f"Miete Lager {month_name}",
            iban("DE", "500105175405678901"),
            transfer_out,
        )
        for number in range(12):
            other(
                "EUR",
                last_day,
                -rng.uniform(2400, 5200),
                f"Mitarbeiter {number + 1:02d}",
                f"Gehalt {month_name}",
                iban("DE", f"{10020030:08d}{number:010d}"),
                transfer_out,
            )
        for number in range(40):
            day = gen.first + timedelta(days=rng.randrange(28))
            other(
                "EUR",
                day,
                -rng.uniform(80, 18000),
                f"Lieferant {number % 9 + 1} GmbH",
                f"RE-{gen.year}-{rng.randrange(10000, 99999)}",
                iban("DE", f"{70050000:08d}{number:010d}"),
                transfer_out,
            )
        for number in range(25):
            day = gen.first + timedelta(days=rng.randrange(28))
            other(
                "EUR",
                day,
                rng.uniform(150, 12000),
                f"Kunde {number + 1} AG",
                f"Rechnung {gen.year}-{rng.randrange(1000, 9999)}",
                iban("DE", f"{60050101:08d}{number:010d}"),
                transfer_in,
            )
        other(
            "EUR",
            gen.first + timedelta(days=9),
            "-12345.67",
            "Finanzamt Koeln-Mitte",
            "USt-VA 03/2026 StNr 215/5701/1234",
            iban("DE", "370500000001234567"),
            transfer_out,
        )
        other("EUR", last_day, "-38.50", None, "Kontofuehrung und Entgelte", None, fees)
        for number in range(5):
            day = gen.first + timedelta(days=rng.randrange(28))
            other(
                "USD",
                day,
                -rng.uniform(500, 9000),
                f"Supplier {number + 1} Inc",
                f"INV {rng.randrange(10000, 99999)}",
                None,
                transfer_out,
            )
        other("USD", last_day, "-25.00", None, "Account fee", None, fees)

    def statements(self):
        result = {}
        opening_balances = {"EUR": Decimal("125000.00"), "USD": Decimal("40000.00")}
        for currency, entries in self.bookings.items():
            bank_code, number, bic = ACCOUNTS[currency]
            account_iban = iban("DE", bank_code + number)
            by_day = {}
            for entry in entries:
                by_day.setdefault(entry.booking_date, []).append(entry)
            balance = opening_balances[currency]
            statements = []
            previous = self.gen.first - timedelta(days=1)
            for sequence, day in enumerate(sorted(by_day), 1):
                statement = Statement(
                    id=f"{currency}{day:%Y%m%d}",
                    sequence=sequence,
                    iban=account_iban,
                    bic=bic,
                    bank_code=bank_code,
                    account_number=number,
                    owner=OWNER,
                    currency=currency,
                    opening_date=previous,
                    opening_balance=balance,
                    closing_date=day,
                    created_at=f"{day.isoformat()}T20:00:00+02:00",
                    entries=by_day[day],
                )
                balance = statement.closing_balance
                previous = day
                statements.append(statement)
            result[currency] = statements
        return result


def generate_month(
    orders=20000,
    providers=("shopify_payments", "stripe", "paypal"),
    currencies=("EUR", "USD"),
    seed=7,
    year=2026,
    month=4,
):
    """A :class:`Month` (see the module doc), the same for the same arguments."""
    generator = _Generator(orders, tuple(providers), tuple(currencies), seed, year, month)
    generator.make_orders()
    generator.reserves_and_adjustments()
    for line in generator.lines:
        generator.line_truth.setdefault(line["external_id"], ("family", None))
    payouts = generator.make_payouts()
    bank = _Bank(generator)
    bank.book(payouts)
    bank.unrelated()
    stats = dict(
        bank.stats,
        payouts=len(payouts),
        lines=len(generator.lines),
        order_transactions=len(generator.order_txns),
    )
    return Month(
        year=year,
        month=month,
        payouts=payouts,
        order_txns=generator.order_txns,
        statements=bank.statements(),
        holidays=generator.holidays,
        eur_per_usd=generator.eur_per_usd,
        line_truth=generator.line_truth,
        stats=stats,
    )
