"""Shopify Payments in the sandbox: order transactions, the balance ledger,
disputes, reserves and payouts, consistent with the shop's own orders.

Modelled on shopify.dev (Admin GraphQL 2025-01: ``Order.transactions``,
``OrderTransaction``, ``shopifyPaymentsAccount { balance payouts
balanceTransactions }``, ``ShopifyPaymentsPayout``,
``ShopifyPaymentsBalanceTransaction``; ``externalTraceId`` from 2025-10):

- Every order gets its payment transactions when it is created (REST
  Transaction shape, kept apart from the order because Shopify's order
  resource and its ``orders/create`` webhook do not carry them): ``paid``
  gives a successful ``sale``, ``authorized`` an ``authorization`` (captured
  later, partly or whole, by :meth:`PaymentsMixin.capture_order`), ``pending``
  nothing. :meth:`~PaymentsMixin.refund_order` adds a ``refund`` transaction
  (its parent the sale or capture) and a REST refund on the order.
- Transactions through the ``shopify_payments`` gateway move the Shopify
  Payments balance: a sale or capture is a ``CHARGE`` whose fee is
  :attr:`~PaymentsMixin.payments_fee_rate` x amount +
  :attr:`~PaymentsMixin.payments_fee_fixed` (Shopify keeps the fee of a
  refunded charge: a ``REFUND`` has fee 0). :meth:`~PaymentsMixin.open_dispute`
  takes the disputed amount back with a chargeback fee (``DISPUTE``);
  winning it gives the amount back (a second ``DISPUTE``, positive).
  :meth:`~PaymentsMixin.hold_reserve` / :meth:`~PaymentsMixin.release_reserve`
  (``RESERVED_FUNDS``) and :meth:`~PaymentsMixin.add_adjustment`
  (``ADJUSTMENT``) complete the ledger. Every amount is signed from the
  merchant's balance, net = amount - fee.
- A balance transaction is available :attr:`~PaymentsMixin.payout_delay_days`
  after it happened. :meth:`~PaymentsMixin.run_payouts` is the daily payout
  schedule, run by hand up to a moment (tests move time, nothing sleeps): on
  each day it issues one payout per currency sweeping every available,
  unpaid transaction, plus the payout's own ``TRANSFER`` transaction
  (-net). A payout whose net is negative (refunds exceed charges) is a
  ``WITHDRAWAL``, its ``net`` negative. A payout is ``SCHEDULED`` when issued
  and ``PAID`` :attr:`~PaymentsMixin.payout_transit_days` later;
  :meth:`~PaymentsMixin.fail_payout` makes it ``FAILED`` and returns its
  money to the balance (``TRANSFER_FAILURE``), to go out with the next one.
- GraphQL: ``balanceTransactions(query: "payments_transfer_id:<payout
  legacy id>")`` lists a payout's transactions (its ``TRANSFER`` included, as
  Shopify does); ``payouts(query: "issued_at:>='...'", sortKey: ISSUED_AT)``.
  ``sourceOrderTransactionId`` is the numeric id of the ``OrderTransaction``
  the line settles (``BigInt``, a string), ``associatedOrder`` its order.

:func:`seed_payouts` plays a few days of trading (orders, a partial capture,
refunds, a dispute won, a reserve, an adjustment) and runs the payouts; the
demo shop uses it.
"""

import copy
import itertools
import random
import threading
from datetime import datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from graphql import GraphQLError, parse
from graphql.language import FieldNode, FragmentDefinitionNode, InlineFragmentNode, OperationDefinitionNode

from .common import ZERO, dec, gid, graphql_amount_text, legacy, parse_time, utc_text

PAYMENTS_GATEWAY = "shopify_payments"
# Currencies without minor units among those the sandbox might settle in.
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "CLP", "ISK", "VND", "HUF"})
# Fields that exist only from an API version on (Shopify answers "Field ...
# doesn't exist on type ..." to an older version).
VERSIONED_FIELDS = {("ShopifyPaymentsPayout", "externalTraceId"): "2025-10"}
_FINANCIAL_KINDS = {"paid": "sale", "partially_paid": "sale", "authorized": "authorization"}
_SUMMARY = {  # balance transaction type -> (gross field, fee field) of the payout summary
    "CHARGE": ("chargesGross", "chargesFee"),
    "REFUND": ("refundsFeeGross", "refundsFee"),
    "ADJUSTMENT": ("adjustmentsGross", "adjustmentsFee"),
    "DISPUTE": ("adjustmentsGross", "adjustmentsFee"),
    "RESERVED_FUNDS": ("reservedFundsGross", "reservedFundsFee"),
    "TRANSFER_FAILURE": ("retriedPayoutsGross", "retriedPayoutsFee"),
    "TRANSFER_CANCEL": ("retriedPayoutsGross", "retriedPayoutsFee"),
}
_SUMMARY_FIELDS = sorted({name for pair in _SUMMARY.values() for name in pair})


def minor(amount, currency):
    """``amount`` rounded to the currency's minor unit, half up."""
    unit = Decimal("1") if currency in ZERO_DECIMAL_CURRENCIES else Decimal("0.01")
    return Decimal(amount).quantize(unit, rounding=ROUND_HALF_UP)


def _version_key(version):
    return "9999-99" if version in (None, "unstable") else version


class PaymentsMixin:
    """Order transactions, the Shopify Payments ledger and payouts (see the
    module docstring). Placed before the orders, views and GraphQL mixins of
    :class:`ShopifySandbox` so that it extends them."""

    payments_fee_rate = Decimal("0.029")
    payments_fee_fixed = Decimal("0.30")
    chargeback_fee = Decimal("15.00")
    payout_delay_days = 2
    payout_transit_days = 1
    payout_hour = 6  # UTC hour at which the daily payout is issued

    # -- state -------------------------------------------------------------------------

    def reset(self, *args, **kwargs):
        with self._lock:
            self.order_transactions = {}
            self.balance_transactions = {}
            self.payouts = {}
            self.disputes = {}
            self.payments_account_id = 70_000_001
            self._payouts_run_until = None
            self._payout_failures = set()
            if not hasattr(self, "_request_version"):
                self._request_version = threading.local()
        return super().reset(*args, **kwargs)

    def payments_state(self):
        """The ``payments`` part of :meth:`ShopifySandbox.state`."""
        with self._lock:
            return {
                "order_transactions": len(self.order_transactions),
                "balance_transactions": len(self.balance_transactions),
                "pending": sum(1 for bt in self.balance_transactions.values() if bt["payout_id"] is None),
                "payouts": {
                    gid("ShopifyPaymentsPayout", p["id"]): p["status"] for p in self.payouts.values()
                },
                "balance": {currency: str(amount) for currency, amount in self.payments_balance().items()},
            }

    # -- order transactions --------------------------------------------------------------

    def create_order(self, spec=None, *, notify=False):
        """:meth:`OrdersMixin.create_order`, then the order's payment
        transactions (``spec["transactions"] = False`` records none)."""
        spec = dict(spec or {})
        record = spec.pop("transactions", True)
        order = super().create_order(spec, notify=notify)
        if record:
            with self._lock:
                stored = self.orders[order["id"]]
                kind = _FINANCIAL_KINDS.get(stored.get("financial_status"))
                if kind:
                    self._order_transaction(
                        stored, kind, dec(stored["total_price"]), parse_time(stored["processed_at"])
                    )
        return order

    def _order_transaction(self, order, kind, amount, at, *, parent=None, status="success"):
        """Record a REST-shaped transaction on ``order``; a successful sale,
        capture or refund through Shopify Payments moves the balance."""
        transaction_id = self._next_id()
        currency = order.get("currency") or self.currency
        transaction = {
            "id": transaction_id,
            "order_id": order["id"],
            "kind": kind,
            "gateway": order.get("gateway") or "manual",
            "status": status,
            "message": None,
            "created_at": self._rest_time(at),
            "processed_at": self._rest_time(at),
            "test": bool(order.get("test")),
            "authorization": f"auth_{transaction_id}" if kind in ("sale", "authorization") else None,
            "parent_id": parent["id"] if parent else None,
            "amount": str(minor(amount, currency)),
            "currency": currency,
            "error_code": None,
            "admin_graphql_api_id": gid("OrderTransaction", transaction_id),
        }
        self.order_transactions[transaction_id] = transaction
        if status == "success" and transaction["gateway"] == PAYMENTS_GATEWAY:
            if kind in ("sale", "capture"):
                fee = minor(
                    Decimal(transaction["amount"]) * self.payments_fee_rate + self.payments_fee_fixed,
                    currency,
                )
                self._ledger(
                    "CHARGE",
                    Decimal(transaction["amount"]),
                    fee,
                    currency,
                    at,
                    order=order,
                    source=("CHARGE", transaction_id),
                    order_transaction=transaction,
                )
            elif kind == "refund":
                self._ledger(
                    "REFUND",
                    -Decimal(transaction["amount"]),
                    ZERO,
                    currency,
                    at,
                    order=order,
                    source=("REFUND", transaction_id),
                    order_transaction=transaction,
                )
        return transaction

    def transactions_of(self, order_id):
        """The order's transactions (REST shape), oldest first."""
        with self._lock:
            return [copy.deepcopy(t) for t in self._transactions(int(order_id))]

    def _transactions(self, order_id):
        return sorted(
            (t for t in self.order_transactions.values() if t["order_id"] == order_id),
            key=lambda t: (t["processed_at"], t["id"]),
        )

    def _settled(self, order_id):
        """(money captured, money refunded, the last sale/capture) of an order."""
        captured = refunded = ZERO
        last = None
        for transaction in self._transactions(order_id):
            if transaction["status"] != "success":
                continue
            if transaction["kind"] in ("sale", "capture"):
                captured += Decimal(transaction["amount"])
                last = transaction
            elif transaction["kind"] == "refund":
                refunded += Decimal(transaction["amount"])
        return captured, refunded, last

    def capture_order(self, order_id, amount=None, *, at=None):
        """Capture (part of) an authorised order; returns the capture (REST shape)."""
        with self._lock:
            order = self.orders[int(order_id)]
            authorization = next(
                (
                    t
                    for t in self._transactions(order["id"])
                    if t["kind"] == "authorization" and t["status"] == "success"
                ),
                None,
            )
            if authorization is None:
                raise ValueError(f"order {order['name']} has no authorization to capture")
            captured, _refunded, _last = self._settled(order["id"])
            left = Decimal(authorization["amount"]) - captured
            amount = left if amount is None else dec(amount)
            if amount <= 0 or amount > left:
                raise ValueError(f"order {order['name']}: {left} left to capture, {amount} asked")
            capture = self._order_transaction(
                order, "capture", amount, self._moment(at), parent=authorization
            )
            total = dec(order["total_price"])
            order["financial_status"] = "paid" if captured + amount >= total else "partially_paid"
            order["updated_at"] = self._rest_time(self._moment(at))
            return copy.deepcopy(capture)

    def refund_order(self, order_id, amount=None, *, at=None, note=None, notify=False):
        """Refund ``amount`` (default: all still refundable) of an order: a
        ``refund`` transaction, a REST refund on the order, the financial
        status; ``notify`` fires ``refunds/create``. Returns the refund."""
        with self._lock:
            order = self.orders[int(order_id)]
            captured, refunded, last = self._settled(order["id"])
            left = captured - refunded
            amount = left if amount is None else dec(amount)
            if last is None or amount <= 0 or amount > left:
                raise ValueError(f"order {order['name']}: {left} refundable, {amount} asked")
            moment = self._moment(at)
            transaction = self._order_transaction(order, "refund", amount, moment, parent=last)
            refund = {
                "id": self._next_id(),
                "order_id": order["id"],
                "admin_graphql_api_id": None,
                "created_at": self._rest_time(moment),
                "processed_at": self._rest_time(moment),
                "note": note,
                "restock": False,
                "refund_line_items": [],
                "transactions": [copy.deepcopy(transaction)],
                "order_adjustments": [],
            }
            refund["admin_graphql_api_id"] = gid("Refund", refund["id"])
            order.setdefault("refunds", []).append(refund)
            order["financial_status"] = "refunded" if refunded + amount >= captured else "partially_refunded"
            order["updated_at"] = self._rest_time(moment)
            result = copy.deepcopy(refund)
        if notify:
            self.send_webhook("refunds/create", result)
        return result

    # -- disputes, reserves, adjustments ----------------------------------------------------

    def open_dispute(self, order_id, amount=None, *, at=None, fee=None):
        """A chargeback on an order paid through Shopify Payments: the amount
        leaves the balance with the chargeback fee. Returns the dispute id."""
        with self._lock:
            order = self.orders[int(order_id)]
            _captured, _refunded, last = self._settled(order["id"])
            if last is None or last["gateway"] != PAYMENTS_GATEWAY:
                raise ValueError(f"order {order['name']} has no Shopify Payments charge to dispute")
            currency = last["currency"]
            amount = Decimal(last["amount"]) if amount is None else dec(amount)
            fee = self.chargeback_fee if fee is None else dec(fee)
            dispute_id = self._next_id()
            self.disputes[dispute_id] = {
                "id": dispute_id,
                "order_id": order["id"],
                "amount": amount,
                "currency": currency,
                "status": "NEEDS_RESPONSE",
                "transaction": last,
            }
            self._ledger(
                "DISPUTE",
                -amount,
                minor(fee, currency),
                currency,
                self._moment(at),
                order=order,
                source=("DISPUTE", dispute_id),
                order_transaction=last,
            )
            return dispute_id

    def resolve_dispute(self, dispute_id, *, won, at=None):
        """Close a dispute: won gives the amount back (the fee stays with
        Shopify), lost changes nothing more."""
        with self._lock:
            dispute = self.disputes[dispute_id]
            dispute["status"] = "WON" if won else "LOST"
            if won:
                order = self.orders[dispute["order_id"]]
                self._ledger(
                    "DISPUTE",
                    dispute["amount"],
                    ZERO,
                    dispute["currency"],
                    self._moment(at),
                    order=order,
                    source=("DISPUTE", dispute_id),
                    order_transaction=dispute["transaction"],
                )
            return dispute["status"]

    def hold_reserve(self, amount, *, currency=None, at=None):
        """Shopify holds ``amount`` of the balance in reserve; returns the balance transaction id."""
        currency = currency or self.currency
        with self._lock:
            return self._ledger("RESERVED_FUNDS", -dec(amount), ZERO, currency, self._moment(at))["id"]

    def release_reserve(self, amount, *, currency=None, at=None):
        """Shopify releases ``amount`` held in reserve back to the balance."""
        currency = currency or self.currency
        with self._lock:
            return self._ledger("RESERVED_FUNDS", dec(amount), ZERO, currency, self._moment(at))["id"]

    def add_adjustment(self, amount, reason="Adjustment", *, currency=None, at=None):
        """A manual adjustment of the balance (signed); returns its id."""
        currency = currency or self.currency
        with self._lock:
            entry = self._ledger(
                "ADJUSTMENT",
                dec(amount),
                ZERO,
                currency,
                self._moment(at),
                source=("ADJUSTMENT", self._next_id()),
            )
            entry["adjustment_reason"] = reason
            return entry["id"]

    def _moment(self, at):
        return parse_time(at) if at is not None else self.now()

    def _ledger(self, kind, amount, fee, currency, at, *, order=None, source=None, order_transaction=None):
        amount = minor(amount, currency)
        entry = {
            "id": self._next_id(),
            "type": kind,
            "test": bool(order and order.get("test")),
            "amount": amount,
            "fee": fee,
            "net": amount - fee,
            "currency": currency,
            "transaction_date": at.astimezone(timezone.utc),
            "available_on": at.astimezone(timezone.utc) + timedelta(days=self.payout_delay_days),
            "source_type": source[0] if source else None,
            "source_id": source[1] if source else None,
            "order_transaction_id": order_transaction["id"] if order_transaction else None,
            "order_id": order["id"] if order else None,
            "payout_id": None,
            "adjustment_reason": None,
        }
        self.balance_transactions[entry["id"]] = entry
        return entry

    def payments_balance(self):
        """``{currency: amount}`` not yet paid out (pending and available)."""
        with self._lock:
            balance = {}
            for entry in self.balance_transactions.values():
                if entry["payout_id"] is None:
                    balance[entry["currency"]] = balance.get(entry["currency"], ZERO) + entry["net"]
            return balance

    # -- payouts ---------------------------------------------------------------------------

    def fail_next_payout(self, currency=None):
        """The next payout issued (in ``currency``, or any) will fail when due."""
        with self._lock:
            self._payout_failures.add(currency)

    def run_payouts(self, until):
        """Run the daily payout schedule up to ``until`` (a datetime or ISO
        text; naive means UTC): issue the payouts due, move the issued ones
        to PAID (or FAILED). Returns the payouts issued, as GraphQL views."""
        until = parse_time(until).astimezone(timezone.utc)
        issued = []
        with self._lock:
            start = self._payouts_run_until
            if start is None:
                dates = [
                    e["available_on"] for e in self.balance_transactions.values() if e["payout_id"] is None
                ]
                start = min(dates) - timedelta(days=1) if dates else until
            day = start.date()
            while True:
                moment = datetime.combine(day, time(self.payout_hour), tzinfo=timezone.utc)
                if moment > until:
                    break
                if self._payouts_run_until is None or moment > self._payouts_run_until:
                    self._settle_payouts(moment)
                    issued.extend(self._issue_payouts(moment))
                day += timedelta(days=1)
            self._settle_payouts(until)
            self._payouts_run_until = max(until, self._payouts_run_until or until)
            return [self._v_payout(payout) for payout in issued]

    def _issue_payouts(self, moment):
        due = {}
        for entry in sorted(
            self.balance_transactions.values(), key=lambda e: (e["transaction_date"], e["id"])
        ):
            if entry["payout_id"] is None and entry["available_on"] <= moment and entry["type"] != "TRANSFER":
                due.setdefault(entry["currency"], []).append(entry)
        payouts = []
        for currency, entries in sorted(due.items()):
            net = sum((entry["net"] for entry in entries), ZERO)
            if not net:
                continue  # nothing to move: the transactions wait for the next day
            payout_id = self._next_id()
            summary = dict.fromkeys(_SUMMARY_FIELDS, ZERO)
            for entry in entries:
                gross, fee = _SUMMARY.get(entry["type"], ("adjustmentsGross", "adjustmentsFee"))
                summary[gross] += entry["amount"]
                summary[fee] += entry["fee"]
                entry["payout_id"] = payout_id
            fail = currency in self._payout_failures or None in self._payout_failures
            self._payout_failures.discard(currency if currency in self._payout_failures else None)
            payout = {
                "id": payout_id,
                "status": "SCHEDULED",
                "issued_at": moment,
                "currency": currency,
                "net": net,
                "transaction_type": "DEPOSIT" if net > 0 else "WITHDRAWAL",
                "summary": summary,
                "external_trace_id": f"{payout_id % 10**15:015d}",
                "fails": fail,
            }
            self.payouts[payout_id] = payout
            transfer = self._ledger("TRANSFER", -net, ZERO, currency, moment, source=("TRANSFER", payout_id))
            transfer["payout_id"] = payout_id
            transfer["available_on"] = moment
            payouts.append(payout)
        return payouts

    def _settle_payouts(self, moment):
        for payout in self.payouts.values():
            if payout["status"] != "SCHEDULED":
                continue
            if payout["issued_at"] + timedelta(days=self.payout_transit_days) > moment:
                continue
            if payout["fails"]:
                self.fail_payout(
                    payout["id"], at=payout["issued_at"] + timedelta(days=self.payout_transit_days)
                )
            else:
                payout["status"] = "PAID"

    def fail_payout(self, payout_id, *, at=None):
        """The bank refused the payout: FAILED, and its net returns to the
        balance (``TRANSFER_FAILURE``), available at once."""
        with self._lock:
            payout = self.payouts[legacy(payout_id, "ShopifyPaymentsPayout")]
            payout["status"] = "FAILED"
            entry = self._ledger(
                "TRANSFER_FAILURE",
                payout["net"],
                ZERO,
                payout["currency"],
                self._moment(at),
                source=("TRANSFER", payout["id"]),
            )
            entry["available_on"] = entry["transaction_date"]
            return entry["id"]

    # -- control API ---------------------------------------------------------------------------

    def control_routes(self):
        routes = super().control_routes()
        routes[("POST", "/_sandbox/payouts")] = self._control_payouts
        routes[("POST", "/_sandbox/payments")] = self._control_payments
        return routes

    def _control_payouts(self, handler, data):
        """``{"until": "2025-03-08T12:00:00Z"}`` (default: now) runs the
        payouts; ``{"fail_next": true}`` (or a currency) fails the next one."""
        if data.get("fail_next"):
            self.fail_next_payout(data["fail_next"] if isinstance(data["fail_next"], str) else None)
        try:
            issued = self.run_payouts(data.get("until") or self.now())
        except (TypeError, ValueError) as exc:
            return handler.reply(422, {"error": str(exc)})
        return handler.reply(200, {"payouts": issued, "balance": self.payments_state()["balance"]})

    def _control_payments(self, handler, data):
        """One payment event: ``{"action": "capture" | "refund" | "dispute" |
        "resolve_dispute" | "reserve" | "release" | "adjustment", ...}`` with
        the keyword arguments of the method of the same meaning
        (``order_id``, ``amount``, ``at``, ``dispute_id``, ``won``,
        ``currency``, ``reason``)."""
        actions = {
            "capture": lambda d: self.capture_order(d["order_id"], d.get("amount"), at=d.get("at")),
            "refund": lambda d: self.refund_order(
                d["order_id"],
                d.get("amount"),
                at=d.get("at"),
                note=d.get("note"),
                notify=bool(d.get("webhook")),
            ),
            "dispute": lambda d: {
                "dispute_id": self.open_dispute(d["order_id"], d.get("amount"), at=d.get("at"))
            },
            "resolve_dispute": lambda d: {
                "status": self.resolve_dispute(int(d["dispute_id"]), won=bool(d.get("won")), at=d.get("at"))
            },
            "reserve": lambda d: {
                "id": self.hold_reserve(d["amount"], currency=d.get("currency"), at=d.get("at"))
            },
            "release": lambda d: {
                "id": self.release_reserve(d["amount"], currency=d.get("currency"), at=d.get("at"))
            },
            "adjustment": lambda d: {
                "id": self.add_adjustment(
                    d["amount"], d.get("reason") or "Adjustment", currency=d.get("currency"), at=d.get("at")
                )
            },
        }
        action = actions.get(data.get("action"))
        if action is None:
            return handler.reply(422, {"error": f"action must be one of {', '.join(sorted(actions))}"})
        try:
            result = action(data)
        except (KeyError, TypeError, ValueError) as exc:
            return handler.reply(422, {"error": str(exc)})
        return handler.reply(200, {"result": result})

    # -- GraphQL -----------------------------------------------------------------------------

    def _install_resolvers(self):
        super()._install_resolvers()
        query = self.schema.query_type.fields
        query["shopifyPaymentsAccount"].resolve = lambda root, info: self._v_payments_account()

    def _handle_graphql(self, handler, version, raw):
        self._request_version.version = version
        try:
            return super()._handle_graphql(handler, version, raw)
        finally:
            self._request_version.version = None

    def execute(self, query, variables=None, operation_name=None):
        """Refuse fields newer than the request's API version (as Shopify
        does), then execute."""
        version = getattr(self._request_version, "version", None) or self.api_version
        errors = self._versioned_field_errors(query, version) if isinstance(query, str) else []
        if errors:
            return {"errors": errors}
        return super().execute(query, variables, operation_name)

    def _versioned_field_errors(self, query, version):
        try:
            document = parse(query)
        except GraphQLError:
            return []  # the normal execution reports it
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        errors = []

        def walk(selection_set, owner):
            for selection in selection_set.selections if selection_set else ():
                if isinstance(selection, FieldNode):
                    name = selection.name.value
                    since = VERSIONED_FIELDS.get((owner.name, name)) if owner else None
                    if since and _version_key(version) < since:
                        errors.append(
                            {
                                "message": f"Field '{name}' doesn't exist on type '{owner.name}'",
                                "locations": [
                                    {
                                        "line": selection.loc.start_token.line,
                                        "column": selection.loc.start_token.column,
                                    }
                                ],
                                "extensions": {
                                    "code": "undefinedField",
                                    "typeName": owner.name,
                                    "fieldName": name,
                                },
                            }
                        )
                    field = getattr(owner, "fields", {}).get(name) if owner else None
                    walk(selection.selection_set, _named(field.type) if field else None)
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    walk(
                        selection.selection_set,
                        self.schema.get_type(condition.name.value) if condition else owner,
                    )
                else:  # a fragment spread
                    fragment = fragments.get(selection.name.value)
                    if fragment:
                        walk(fragment.selection_set, self.schema.get_type(fragment.type_condition.name.value))

        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                root = (
                    self.schema.mutation_type
                    if definition.operation.value == "mutation"
                    else self.schema.query_type
                )
                walk(definition.selection_set, root)
        return errors

    def _v_order(self, order):
        view = super()._v_order(order)
        order_id = order["id"]
        view["transactions"] = lambda info, first=None, capturable=None, manuallyResolvable=None: [
            self._v_order_transaction(t)
            for t in self._transactions(order_id)
            if not capturable or (t["kind"] == "authorization" and t["status"] == "success")
        ][: first or None]
        return view

    def _v_order_transaction(self, transaction):
        parent = self.order_transactions.get(transaction.get("parent_id"))
        return {
            "id": gid("OrderTransaction", transaction["id"]),
            "kind": transaction["kind"].upper(),
            "status": transaction["status"].upper(),
            "gateway": transaction["gateway"],
            "formattedGateway": transaction["gateway"].replace("_", " ").title(),
            "test": transaction["test"],
            "errorCode": transaction.get("error_code"),
            "authorizationCode": transaction.get("authorization"),
            "amountSet": self._v_money(Decimal(transaction["amount"]), transaction["currency"]),
            "createdAt": utc_text(transaction["created_at"]),
            "processedAt": utc_text(transaction["processed_at"]),
            "parentTransaction": (lambda info, **_: self._v_order_transaction(parent)) if parent else None,
            "order": lambda info, **_: self._v_order_by_gid(gid("Order", transaction["order_id"])),
        }

    def _money_v2(self, amount, currency):
        return {"amount": graphql_amount_text(amount), "currencyCode": currency}

    def _v_payments_account(self):
        return {
            "id": gid("ShopifyPaymentsAccount", self.payments_account_id),
            "activated": True,
            "country": next(iter(self.locations.values()), {}).get("country_code") or "DE",
            "defaultCurrency": self.currency,
            "balance": [
                self._money_v2(amount, currency)
                for currency, amount in sorted(self.payments_balance().items())
            ]
            or [self._money_v2(ZERO, self.currency)],
            "payouts": self._resolve_payouts,
            "balanceTransactions": self._resolve_balance_transactions,
        }

    def _resolve_payouts(self, info, sortKey="ID", query=None, transactionType=None, **args):
        matches = self._search(
            query,
            {
                "issued_at": lambda p: p["issued_at"],
                "id": lambda p: p["id"],
                "status": lambda p: p["status"],
                "currency": lambda p: p["currency"],
            },
        )

        def key(payout):
            if sortKey == "ISSUED_AT":
                return (utc_text(payout["issued_at"]), payout["id"])
            if sortKey == "AMOUNT":
                return (float(payout["net"]), payout["id"])
            if sortKey == "STATUS":
                return (payout["status"], payout["id"])
            return (payout["id"],)

        entries = [
            (key(p), p)
            for p in self.payouts.values()
            if matches(p) and (transactionType is None or p["transaction_type"] == transactionType)
        ]
        return self._connection(entries, args, self._v_payout)

    def _resolve_balance_transactions(self, info, sortKey="PROCESSED_AT", query=None, **args):
        def payout_status(entry):
            payout = self.payouts.get(entry["payout_id"])
            return payout["status"] if payout else "PENDING"

        matches = self._search(
            query,
            {
                "payments_transfer_id": lambda e: e["payout_id"] or 0,
                "payout_status": payout_status,
                "processed_at": lambda e: e["transaction_date"],
                "transaction_type": lambda e: e["type"],
                "payout_date": lambda e: self.payouts[e["payout_id"]]["issued_at"]
                if e["payout_id"]
                else None,
                "id": lambda e: e["id"],
            },
        )

        def key(entry):
            if sortKey == "AMOUNT":
                return (float(entry["amount"]), entry["id"])
            if sortKey == "TRANSACTION_TYPE":
                return (entry["type"], entry["id"])
            if sortKey == "ID":
                return (entry["id"],)
            return (utc_text(entry["transaction_date"]), entry["id"])

        entries = [(key(e), e) for e in self.balance_transactions.values() if matches(e)]
        return self._connection(entries, args, self._v_balance_transaction)

    def _v_payout(self, payout):
        currency = payout["currency"]
        return {
            "id": gid("ShopifyPaymentsPayout", payout["id"]),
            "legacyResourceId": str(payout["id"]),
            "status": payout["status"],
            "issuedAt": utc_text(payout["issued_at"]),
            "transactionType": payout["transaction_type"],
            "net": self._money_v2(payout["net"], currency),
            "summary": {name: self._money_v2(value, currency) for name, value in payout["summary"].items()},
            "externalTraceId": payout["external_trace_id"],
        }

    def _v_balance_transaction(self, entry):
        currency = entry["currency"]
        order = self.orders.get(entry["order_id"]) if entry["order_id"] else None
        payout = self.payouts.get(entry["payout_id"])
        return {
            "id": gid("ShopifyPaymentsBalanceTransaction", entry["id"]),
            "type": entry["type"],
            "test": entry["test"],
            "amount": self._money_v2(entry["amount"], currency),
            "fee": self._money_v2(entry["fee"], currency),
            "net": self._money_v2(entry["net"], currency),
            "transactionDate": utc_text(entry["transaction_date"]),
            "sourceId": str(entry["source_id"]) if entry["source_id"] is not None else None,
            "sourceType": entry["source_type"],
            "sourceOrderTransactionId": (
                str(entry["order_transaction_id"]) if entry["order_transaction_id"] is not None else None
            ),
            "associatedOrder": {"id": gid("Order", order["id"]), "name": order["name"]} if order else None,
            "associatedPayout": {
                "id": gid("ShopifyPaymentsPayout", payout["id"]) if payout else None,
                "status": payout["status"] if payout else "PENDING",
            },
            "adjustmentReason": entry["adjustment_reason"],
            "adjustmentsOrders": [],
        }


def _named(graphql_type):
    while hasattr(graphql_type, "of_type"):
        graphql_type = graphql_type.of_type
    return graphql_type


def seed_payouts(shop, *, start, days=5, orders_per_day=3, seed=1, skus=None, run=True, name_prefix=None):
    """A few days of Shopify Payments trading on ``shop`` from ``start``
    (date or datetime, UTC): paid orders every day, one authorised order
    captured in part, refunds (one day's refunds exceed its charges, so one
    payout is a withdrawal), a dispute won, a reserve held then released and
    an adjustment; then the payouts up to the last day's (``run``).

    ``name_prefix`` names the orders ``<prefix>01``, ``<prefix>02``, ...
    instead of the shop's next numbers.

    Returns ``{"orders": [...], "disputes": [...], "payouts": [...]}`` (REST
    orders, dispute ids, payouts issued as GraphQL views)."""
    rng = random.Random(seed)
    start = parse_time(start).astimezone(timezone.utc).replace(hour=9, minute=0, second=0)
    skus = list(skus or [v["sku"] for v in shop.variants.values() if v.get("sku")])
    orders, disputes = [], []

    def order(at, status="paid"):
        lines = [
            {"sku": sku, "quantity": rng.randint(1, 2)}
            for sku in rng.sample(skus, min(len(skus), rng.randint(1, 2)))
        ]
        spec = {
            "created_at": utc_text(at),
            "lines": lines,
            "shipping": {"title": "Standard", "price": "4.90"},
            "financial_status": status,
            "gateway": PAYMENTS_GATEWAY,
        }
        if name_prefix:
            spec["name"] = f"{name_prefix}{len(orders) + 1:02d}"
        created = shop.create_order(spec)
        orders.append(created)
        return created

    for day in range(days):
        base = start + timedelta(days=day)
        for number in range(orders_per_day):
            order(base + timedelta(hours=number * 2, minutes=rng.randint(0, 59)))
        if day == 0:
            authorised = order(base + timedelta(hours=7), status="authorized")
            shop.capture_order(
                authorised["id"],
                minor(dec(authorised["total_price"]) / 2, authorised["currency"]),
                at=base + timedelta(hours=8),
            )
            shop.hold_reserve("25.00", currency=authorised["currency"], at=base + timedelta(hours=8))
        if day == 1:
            shop.refund_order(orders[0]["id"], "10.00", at=base + timedelta(hours=10), note="Damaged box")
            disputes.append(shop.open_dispute(orders[1]["id"], at=base + timedelta(hours=11)))
        if day == 2:
            shop.add_adjustment(
                "-3.50",
                "Shipping label correction",
                currency=orders[0]["currency"],
                at=base + timedelta(hours=12),
            )
            shop.resolve_dispute(disputes[0], won=True, at=base + timedelta(hours=13))
            shop.release_reserve("25.00", currency=orders[0]["currency"], at=base + timedelta(hours=13))
        if day == days - 1 and days > 3:
            # a day whose refunds exceed its charges: refund whole orders of earlier days
            for earlier in orders[2 : 2 + orders_per_day + 2]:
                captured = shop._settled(earlier["id"])
                if captured[0] - captured[1] > 0:
                    shop.refund_order(earlier["id"], at=base + timedelta(hours=20))
    payouts = shop.run_payouts(start + timedelta(days=days + shop.payout_delay_days, hours=1)) if run else []
    return {"orders": orders, "disputes": disputes, "payouts": payouts}


def seed_payout_history(shop, days=7, *, today=None):
    """:func:`seed_payouts` over the ``days`` before ``today`` (default: the
    current UTC date), then the payouts up to now (up to ``today``'s start
    when given), with ids and order names that depend on the date only
    (``#P250301-01``...): a demo shop restarted the same day gives Odoo the
    same orders and payouts again, not copies. Returns what
    :func:`seed_payouts` returns."""
    now = datetime.now(timezone.utc)
    until = datetime.combine(today, time(0), tzinfo=timezone.utc) if today else now
    start = (today or now.date()) - timedelta(days=days + shop.payout_delay_days)
    with shop._lock:
        saved = shop._ids
        shop._ids = itertools.count(int(start.strftime("%Y%m%d")) * 10**6 + 1)
        try:
            result = seed_payouts(shop, start=start, days=days, run=False, name_prefix=f"#P{start:%y%m%d}-")
            result["payouts"] = shop.run_payouts(until)
        finally:
            shop._ids = saved
    return result
