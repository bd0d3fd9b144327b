"""ORM-free EDI building blocks of channel_edi, shared with tpl_connector.

- :mod:`.tree`: the lossless segment tree every reader produces and every
  writer consumes (interchange > group > transaction set > segments);
- :mod:`.x12` and :mod:`.edifact`: the codecs (bytes <-> tree), and
  :mod:`.codec`, which sniffs which one a file needs (``codec.read``) and
  dispatches ``codec.write``; :mod:`.readsegment`: the segments they read
  (split lazily) and their shared splitter;
- :mod:`.validation`: one data-driven engine (loops, cardinality, element
  types, code lists) with partner rule overrides;
- :mod:`.documents`: typed business documents (tree <-> document) per
  transaction set, and the acknowledgements (997/999/CONTRL);
- :mod:`.inspect`: the sample inspector (``scripts/edi-inspect``);
- :mod:`.transports`: AS2 (S/MIME, MDN) and SFTP clients.

Import the modules directly (``from .lib import x12``).
"""

from pathlib import Path

from odoo.addons.integration_core.lib.canonical import register_schema_dir

# the canonical kinds the core lacks (../schemas): purchase_order,
# po_acknowledgement, asn; registered on import, in Odoo as in plain tests
SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"
register_schema_dir(SCHEMAS_DIR)
