"""ORM-free building blocks of settlement_recon.

- :mod:`.bank`: bank statement files (camt.052/053/054 .001.02-.08 on lxml,
  MT940/MT942 on ``mt-940``) read into the canonical ``bank_statement``;
- :mod:`.providers`: Stripe, PayPal and Shopify Payments clients and their
  mappers to the canonical ``payout`` and ``settlement_line``;
- :mod:`.matching`: the matching cascade (exact ids, the payout integrity
  gate, payout against bank line, bounded subset sums, tolerances, learned
  rules), every match with its rule and score.

The canonical kinds of a settlement (../schemas) are registered on import,
in Odoo as in plain tests: payout, settlement_line, bank_statement.
"""

from pathlib import Path

from odoo.addons.integration_core.lib.canonical import register_schema_dir

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"
register_schema_dir(SCHEMAS_DIR)
