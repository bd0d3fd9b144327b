from odoo import api, models


class IntegrationOrderImporter(models.AbstractModel):
    """Lookups an order import repeats, done once per import.

    One order's addresses (the customer's, the invoice and the delivery
    address) usually share their country and state: each (country code,
    state code) is looked up once per import instead of once per address
    and comparison (six queries become two for a typical order).
    """

    _inherit = "integration.order.importer"

    @api.model
    def _import_order(self, backend, order):
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
