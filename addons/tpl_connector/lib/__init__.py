"""ORM-free building blocks of tpl_connector.

- :mod:`.shipbob`: ShipBob's REST API (client, webhook signatures) and the
  mappers between its payloads and the canonical kinds;
- :mod:`.x12`: the X12 4010 warehouse sets (940, 943 out; 945, 944, 846,
  947 in) mapped to and from the canonical kinds, on channel_edi's codec
  and typed documents;
- :mod:`.reconcile`: an inventory snapshot against Odoo's quants.

The canonical kinds of a 3PL (../schemas) are registered on import, in Odoo
as in plain tests: fulfilment_order, inbound_notice, receipt,
inventory_snapshot, inventory_adjustment, return_notice,
cancellation_answer. shipment.v2 is the core's.
"""

from pathlib import Path

from odoo.addons.integration_core.lib.canonical import register_schema_dir

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"
register_schema_dir(SCHEMAS_DIR)
