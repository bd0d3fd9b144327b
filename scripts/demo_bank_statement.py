#!/usr/bin/env python3
"""The demo bank's statements: camt.053 and MT940 files for the payouts the
demo payment providers paid, to import in Invoicing > Settlements > Bank
files (README, "Settlements demo").

The demo providers are the sandbox peers ``scripts/run`` starts (Stripe on
8075, PayPal on 8076, the Shopify store on 8071, or
``<PEER>_SANDBOX_PORT``). Each tells what the merchant's bank sees of its
payouts (``GET /_sandbox/bank_movements``): the amount, the arrival date and
the reference the bank line carries (Stripe's ``trace_id``, PayPal's
``bank_reference_id``, Shopify's ``externalTraceId``). This script books
them on the demo bank accounts of settlement_recon's demo data (a USD and a
EUR account, found by IBAN) one statement per day with a continuous
balance, and writes them with the bank-file writers of ``tests/sandbox/bank``
(the same writers the matching benchmark uses; MT940 in the Dutch style, whose
:25: is the IBAN the journal is found by)::

    scripts/demo-bank-statement                 # last month and this month so far
    scripts/demo-bank-statement --since 2026-10-01 --until 2026-10-31 --format mt940
    # -> .local/demo-bank/demo-bank-USD.camt053.xml, demo-bank-EUR.camt053.xml, ...

A provider whose peer does not answer is left out (said on stderr). No
database and no Odoo import: plain HTTP to the peers on loopback.
"""

import argparse
import datetime
import json
import os
import sys
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_DIR / "tests"))

from sandbox.bank import Entry, Statement, Tx, write_camt053, write_mt940  # noqa: E402
from sandbox.bank.month import PROFILES  # noqa: E402

DEFAULT_OUT = REPO_DIR / ".local" / "demo-bank"
# provider -> (the peer's port variable, its default port)
PEERS = {
    "stripe": ("STRIPE_SANDBOX_PORT", 8075),
    "paypal": ("PAYPAL_SANDBOX_PORT", 8076),
    "shopify_payments": ("SHOPIFY_SANDBOX_PORT", 8071),
}
# the demo bank accounts (settlement_recon/demo/settlement_recon_demo.xml:
# journals "Demo bank (USD)" and "Demo bank (EUR)")
OWNER = "Demo Company"
BANK = {"bic": "COBADEFFXXX", "bank_code": "37040044"}
ACCOUNTS = {
    "USD": ("DE08370400440532013100", "0532013100"),
    "EUR": ("DE78370400440532013101", "0532013101"),
}


class DemoBankError(Exception):
    """A peer's answer cannot be used (the message says which and why)."""


def peer_url(provider, environ=None):
    environ = os.environ if environ is None else environ
    variable, port = PEERS[provider]
    return f"http://127.0.0.1:{environ.get(variable) or port}"


def fetch_movements(url, timeout=10):
    """The peer's ``bank_movements`` (a list of dicts)."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/_sandbox/bank_movements", timeout=timeout) as answer:
            data = json.loads(answer.read().decode("utf-8"))
    except (OSError, urllib.error.URLError, ValueError) as exc:
        raise DemoBankError(f"{url} gave no bank movements: {exc}") from exc
    movements = data.get("movements") if isinstance(data, dict) else None
    if not isinstance(movements, list):
        raise DemoBankError(f"{url}: no 'movements' list in its answer")
    return movements


def normalise(provider, movement):
    """One peer movement as the bank books it: ``{"provider", "payout_id",
    "amount" (Decimal, signed), "currency", "date", "reference"}``, or None
    for a payout the bank never credited (failed, not arrived)."""
    if movement.get("status", "paid") != "paid":
        return None
    if provider == "paypal":
        payout_id, reference = movement["transaction_id"], movement.get("bank_reference_id")
    else:
        payout_id, reference = movement["payout_id"], movement.get("trace_id")
    return {
        "provider": provider,
        "payout_id": str(payout_id),
        "amount": Decimal(str(movement["amount"])),
        "currency": str(movement["currency"]).upper(),
        "date": datetime.date.fromisoformat(movement["date"]),
        "reference": reference or None,
    }


def _entry(movement, number):
    profile = PROFILES[movement["provider"]]
    day = movement["date"]
    credit = movement["amount"] >= 0
    bank_reference = f"DEMO{day:%y%m%d}{number:04d}"
    tx = Tx(
        amount=movement["amount"],
        bank_reference=bank_reference,
        end_to_end_id=movement["reference"],
        remittance=" ".join(filter(None, [profile.label, movement["reference"]])),
        counterparty_name=profile.name,
        counterparty_iban=profile.counterparty_iban,
        counterparty_bic=profile.counterparty_bic,
        payouts=(movement["payout_id"],),
    )
    return Entry(
        booking_date=day,
        value_date=day,
        bank_reference=bank_reference,
        transactions=[tx],
        domain=("PMNT", "RCDT", "ESCT") if credit else ("PMNT", "ICDT", "ESCT"),
        gvc="166" if credit else "177",
        posting_text="GUTSCHRIFT" if credit else "UEBERWEISUNG",
    )


def build_statements(movements, since=None, until=None, opening=None):
    """``{currency: [Statement]}``: one statement per day with bookings on
    the demo account of that currency, oldest first, each opening at the
    previous one's closing (the first at ``opening[currency]``, default 0).
    Movements outside [since, until] or in a currency without a demo
    account are left out."""
    opening = opening or {}
    by_currency = {}
    for movement in movements:
        if movement["currency"] not in ACCOUNTS:
            continue
        if (since and movement["date"] < since) or (until and movement["date"] > until):
            continue
        by_currency.setdefault(movement["currency"], []).append(movement)
    out = {}
    for currency, items in sorted(by_currency.items()):
        iban, number = ACCOUNTS[currency]
        items.sort(key=lambda m: (m["date"], m["provider"], m["payout_id"]))
        days = {}
        for index, movement in enumerate(items, 1):
            days.setdefault(movement["date"], []).append(_entry(movement, index))
        balance = Decimal(str(opening.get(currency, "0")))
        previous = None
        statements = []
        for sequence, (day, entries) in enumerate(sorted(days.items()), 1):
            statement = Statement(
                id=f"DEMO-{currency}-{day:%Y%m%d}",
                sequence=sequence,
                iban=iban,
                bic=BANK["bic"],
                bank_code=BANK["bank_code"],
                account_number=number,
                owner=OWNER,
                currency=currency,
                opening_date=previous or day,
                opening_balance=balance,
                closing_date=day,
                created_at=f"{day.isoformat()}T20:00:00+00:00",
                entries=entries,
            )
            balance = statement.closing_balance
            previous = day
            statements.append(statement)
        out[currency] = statements
    return out


def write_files(statements, out_dir, formats=("camt053", "mt940")):
    """Write one file per currency and format; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for currency, items in statements.items():
        if "camt053" in formats:
            path = out_dir / f"demo-bank-{currency}.camt053.xml"
            path.write_bytes(write_camt053(items, version="001.08"))
            paths.append(path)
        if "mt940" in formats:
            path = out_dir / f"demo-bank-{currency}.mt940.sta"
            path.write_bytes(write_mt940(items, style="dutch"))
            paths.append(path)
    return paths


def first_of_last_month(today):
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--since", type=datetime.date.fromisoformat, help="first day (default: 1st of last month)"
    )
    parser.add_argument("--until", type=datetime.date.fromisoformat, help="last day (default: today)")
    parser.add_argument("--format", choices=("camt053", "mt940", "both"), default="both")
    parser.add_argument(
        "--out", default=str(DEFAULT_OUT), help="folder of the files (default .local/demo-bank)"
    )
    parser.add_argument(
        "--peer",
        action="append",
        default=[],
        metavar="PROVIDER=URL",
        help="another URL for a peer (stripe, paypal, shopify_payments); default: loopback and its port",
    )
    args = parser.parse_args(argv)
    today = datetime.datetime.now(datetime.timezone.utc).date()
    since = args.since or first_of_last_month(today)
    until = args.until or today
    urls = {provider: peer_url(provider) for provider in PEERS}
    for item in args.peer:
        provider, _sep, url = item.partition("=")
        if provider not in PEERS or not url:
            parser.error(f"--peer {item}: PROVIDER=URL with PROVIDER one of {', '.join(PEERS)}")
        urls[provider] = url
    movements = []
    for provider, url in urls.items():
        try:
            found = [normalise(provider, m) for m in fetch_movements(url)]
        except (DemoBankError, KeyError, ValueError, ArithmeticError) as exc:
            print(f"demo-bank-statement: {provider} left out: {exc}", file=sys.stderr)
            continue
        movements.extend(m for m in found if m)
    statements = build_statements(movements, since, until)
    if not statements:
        print(f"demo-bank-statement: no payout reached the bank between {since} and {until}", file=sys.stderr)
        return 1
    formats = ("camt053", "mt940") if args.format == "both" else (args.format,)
    for path in write_files(statements, args.out, formats):
        print(path)
    for currency, items in statements.items():
        count = sum(len(statement.entries) for statement in items)
        print(
            f"demo-bank-statement: {currency} {count} payout(s) on {len(items)} statement(s), "
            f"closing balance {items[-1].closing_balance}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
