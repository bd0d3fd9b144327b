from odoo import api, fields, models

from ..lib.locks import advisory_key


class IntegrationBinding(models.Model):
    """Links an external id of a backend to an Odoo record.

    Unique per (backend, model, external id): the base of idempotent
    create-or-update. Create-if-missing goes through ``_lock`` so that two
    workers importing the same object at once create it once.
    """

    _name = "integration.binding"
    _description = "Integration Binding"
    _order = "backend_id, res_model, external_id"
    _rec_name = "external_id"

    backend_id = fields.Many2one("integration.backend", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True, precompute=True)
    res_model = fields.Char(string="Model", required=True, index=True)
    res_id = fields.Many2oneReference(string="Record id", model_field="res_model", required=True, index=True)
    record_name = fields.Char(compute="_compute_record_name", string="Record")
    external_id = fields.Char(required=True, index=True)
    external_updated_at = fields.Datetime(
        help="Version of the remote object last imported: older updates are ignored."
    )
    sync_date = fields.Datetime(string="Last synchronised")
    data = fields.Json(help="Small remote facts the channel needs later (e.g. inventory item id).")

    _sql_constraints = [
        (
            "external_unique",
            "unique(backend_id, res_model, external_id)",
            "This external id is already bound to a record of this model for this backend.",
        ),
    ]

    @api.depends("res_model", "res_id")
    def _compute_record_name(self):
        # shown to integration users who may have no right on the bound model
        for binding in self:
            record = binding.sudo()._record()
            binding.record_name = record.display_name if record else False

    def _record(self):
        self.ensure_one()
        if self.res_model not in self.env:
            return None
        return self.env[self.res_model].browse(self.res_id).exists() or None

    @api.model
    def _lock(self, backend, model, external_id):
        """Transaction-level advisory lock on one external object: whoever
        holds it may create the record and its binding."""
        self.env.cr.execute(
            "SELECT pg_advisory_xact_lock(%s)", [advisory_key(backend.id, model, external_id)]
        )

    @api.model
    def _find(self, backend, model, external_id):
        return self.search(
            [
                ("backend_id", "=", backend.id),
                ("res_model", "=", model),
                ("external_id", "=", str(external_id)),
            ],
            limit=1,
        )

    @api.model
    def _get_record(self, backend, model, external_id):
        binding = self._find(backend, model, external_id)
        return binding._record() if binding else None

    @api.model
    def _bind(self, backend, record, external_id, updated_at=None, data=None, binding=None):
        """Create or refresh the binding of ``record``; returns it.
        ``binding``: the caller's result of ``_find`` (saves a search)."""
        if binding is None:
            binding = self._find(backend, record._name, external_id)
        values = {"sync_date": fields.Datetime.now()}
        if updated_at:
            values["external_updated_at"] = updated_at
        if data is not None:
            values["data"] = data
        if binding:
            values["res_id"] = record.id
            binding.write(values)
            return binding
        values.update(
            backend_id=backend.id, res_model=record._name, res_id=record.id, external_id=str(external_id)
        )
        return self.create(values)

    @api.model
    def _external_ids(self, backend, records):
        """{record id: external id} of records bound on backend."""
        bindings = self.search(
            [
                ("backend_id", "=", backend.id),
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
            ]
        )
        return {b.res_id: b.external_id for b in bindings}
