"""Fewer indexes to write per event received (webhooks insert one per delivery).

- integration_event.backend_id: its own index goes; the unique index on
  (backend_id, idempotency_key) leads with it and serves its lookups.
- error_category, error_fingerprint, res_model: empty when an event is
  received; their indexes become partial (btree_not_null), which Odoo creates
  again after this script, when the module's models are loaded. Odoo keeps an
  index it no longer expects and does not change an existing one, hence the
  drop here.
"""

INDEXES = (
    "integration_event__backend_id_index",
    "integration_event__error_category_index",
    "integration_event__error_fingerprint_index",
    "integration_event__res_model_index",
)


def migrate(cr, version):
    for name in INDEXES:
        cr.execute(f'DROP INDEX IF EXISTS "{name}"')  # noqa: S608 - constant names
