from odoo import _, api, models

from ..lib.exceptions import LockContention
from ..lib.locks import advisory_key
from .integration_order_importer import PAID_STATES


class IntegrationOrderImporter(models.AbstractModel):
    """Parallel imports that confirm orders of the same products take turns.

    Confirming an order reserves its stock: the quants of its products (and
    their reordering rules) are updated. Two jobs confirming orders of one
    product at once collide there, at the very end of their work; under
    REPEATABLE READ the later one then fails with a serialization error and
    its whole import is redone. With a few best-selling products, one import
    in three was redone that way.

    So before anything else, an import that will confirm its order takes a
    transaction-level advisory lock per product (by the line's SKU, barcode
    or variant id, in the backend's company), in a fixed order so that two
    imports never wait for each other in a cycle. When a lock is taken, the
    import waits for its holder to commit, then is queued again at once
    (contention retry, no attempt spent): its snapshot predates the holder's
    stock changes, and a fresh one sees them. The retry costs a job start,
    not an import.
    """

    _inherit = "integration.order.importer"

    @api.model
    def _import_order(self, backend, order):
        if self._will_confirm(backend, order) and self._product_locks_enabled():
            self._lock_order_products(backend, order)
        # one order's addresses (customer, invoice, delivery) usually share
        # their country and state: look each up once per import
        importer = self.with_context(integration_address_cache={})
        return super(IntegrationOrderImporter, importer)._import_order(backend, order)

    def _address_values(self, address):
        cache = self.env.context.get("integration_address_cache")
        if cache is None:
            return super()._address_values(address)
        key = (address.get("country_code"), address.get("state_code"))
        if key not in cache:
            # the lookups only: the rest of the values are the address's own
            found = super()._address_values({"country_code": key[0], "state_code": key[1]})
            cache[key] = (found["country_id"], found["state_id"])
        values = super()._address_values(
            {k: v for k, v in address.items() if k not in ("country_code", "state_code")}
        )
        values["country_id"], values["state_id"] = cache[key]
        return values

    @api.model
    def _product_locks_enabled(self):
        """System parameter integration_core.order_product_locks (default on)."""
        value = self.env["ir.config_parameter"].sudo().get_param("integration_core.order_product_locks", "1")
        return value not in ("0", "false", "False")

    @api.model
    def _will_confirm(self, backend, order):
        """True when importing ``order`` confirms it (see _apply_confirmation)."""
        if order.get("cancelled_at"):
            return False
        policy = backend.order_confirm_policy
        return policy == "always" or (policy == "paid" and order.get("financial_status") in PAID_STATES)

    @api.model
    def _product_lock_keys(self, backend, order):
        """Advisory lock keys of the products of ``order``'s lines, sorted."""
        names = set()
        for line in order.get("lines") or []:
            name = line.get("sku") or line.get("barcode") or line.get("variant_external_id")
            if name:
                names.add(str(name))
        return sorted({advisory_key("stock:product", backend.company_id.id, name) for name in names})

    @api.model
    def _lock_order_products(self, backend, order):
        cr = self.env.cr
        for key in self._product_lock_keys(backend, order):
            cr.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
            if cr.fetchone()[0]:
                continue
            # wait for the holder's commit, so the retry does not find it still running
            cr.execute("SELECT pg_advisory_xact_lock(%s)", [key])
            raise LockContention(
                _(
                    "Another import was confirming an order of the same products; retrying with a fresh "
                    "snapshot (order %s).",
                    order.get("name") or order.get("external_id"),
                ),
                retry_after=0,
            )
