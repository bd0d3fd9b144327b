"""Payment providers' clients and their mappers to the canonical payout and
settlement_line (plain Python, no ORM).

- :mod:`.shopify_payments`: payouts and balance transactions over GraphQL,
  on channel_shopify's client (:func:`~.shopify_payments.fetch_payouts`,
  :func:`~.shopify_payments.map_payout`);
- :mod:`.stripe`: :class:`~.stripe.StripeClient` (payouts, balance
  transactions), :func:`~.stripe.fetch_payouts`, :func:`~.stripe.map_payout`,
  :func:`~.stripe.verify_signature` for webhooks;
- :mod:`.paypal`: :class:`~.paypal.PayPalClient` (OAuth2, Transaction
  Search), :func:`~.paypal.fetch_activity`, :func:`~.paypal.map_transaction`,
  :func:`~.paypal.payouts_from_withdrawals` (the wallet model);
- :mod:`.common`: the canonical families and decimal helpers they share.

Importing the package registers the canonical kinds (``..`` does it).
"""
