"""Payment providers' payouts and balance lines, read over their own APIs and
mapped to the canonical ``payout`` / ``settlement_line`` (no ORM here).

One module per provider: :mod:`.shopify_payments` (GraphQL on channel_shopify's
client), Stripe and PayPal.
"""
