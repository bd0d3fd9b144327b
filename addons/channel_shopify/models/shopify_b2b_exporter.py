from odoo import _, api, models

from odoo.addons.integration_core.lib.exceptions import MappingError

from ..lib import b2b
from ..lib.gid import from_gid
from ..lib.mapper import COMPANY_BINDING_PREFIX


class ShopifyB2bExporter(models.AbstractModel):
    """B2B companies out: each company partner the backend sells to
    wholesale (``shopify_b2b_partner_ids``) becomes a Shopify company with
    a location per delivery address (net-N payment terms from the partner's
    payment term), contacts from its child contacts, and a catalog whose
    price list is fed from the partner's pricelist; kept in step by the
    scheduled pass (a hash of what was pushed, on the partner's binding
    ``company:<id>``, which B2B orders then find). The plain part is lib/b2b.py."""

    _name = "shopify.b2b.exporter"
    _description = "Shopify B2B Exporter"

    @api.model
    def _sync_companies_event(self, event, payload):
        """company.sync: one company.export per company partner whose
        snapshot changed since its last push (every one when ``full``)."""
        backend = event.backend_id
        emitted = 0
        for partner in backend.shopify_b2b_partner_ids:
            snapshot = self._snapshot(backend, partner)
            digest = b2b.snapshot_hash(snapshot, self._partner_pricelist(backend, partner).id)
            binding = self._company_binding(backend, partner)
            if binding and (binding.data or {}).get("hash") == digest and not payload.get("full"):
                continue
            backend._emit(
                "company.export",
                {"partner_id": partner.id},
                key=f"company.export:{partner.id}:{digest}",
                record=partner if partner.company_id else None,
                parent=event,
            )
            emitted += 1
        event.external_id = _("%s companies to push", emitted)
        return None

    # ------------------------------------------------------------------------------
    # one company
    # ------------------------------------------------------------------------------

    @api.model
    def _company_binding(self, backend, partner):
        """The binding of ``partner`` to its Shopify company on ``backend``
        (a partner may also be bound as a customer)."""
        return (
            self.env["integration.binding"]
            .sudo()
            .search(
                [
                    ("backend_id", "=", backend.id),
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", partner.id),
                    ("external_id", "=like", f"{COMPANY_BINDING_PREFIX}%"),
                ],
                limit=1,
            )
        )

    @api.model
    def _export_company_event(self, event, payload):
        backend = event.backend_id
        partner = self.env["res.partner"].sudo().browse(payload.get("partner_id")).exists()
        if not partner:
            raise MappingError(_("Partner %s no longer exists.", payload.get("partner_id")))
        return self._export_company(backend, partner, parent=event)

    @api.model
    def _export_company(self, backend, partner, parent=None):
        """Create or update the Shopify company of ``partner``; returns the partner."""
        Binding = self.env["integration.binding"].sudo()
        snapshot = self._snapshot(backend, partner)
        pricelist = self._partner_pricelist(backend, partner)
        binding = self._company_binding(backend, partner)
        company_id = from_gid(binding.external_id[len(COMPANY_BINDING_PREFIX) :]) if binding else None
        with backend._shopify_client() as client:
            remote = client.company(company_id) if company_id else None
            steps = b2b.plan(snapshot, remote, client.payment_terms_templates())
            if steps["create"]:
                remote = client.create_company(steps["create"])
                company_id = from_gid(remote["id"])
            else:
                client.update_company(company_id, steps["update"])
            for values in steps["locations_create"]:
                client.create_company_location(company_id, values)
            for location_id, values, address in steps["locations_update"]:
                client.update_company_location(from_gid(location_id), values, address)
            for values in steps["contacts_create"]:
                client.create_company_contact(company_id, values)
            remote = client.company(company_id)
            self._ensure_catalog(backend, client, partner, pricelist, remote)
        data = {"hash": b2b.snapshot_hash(snapshot, pricelist.id)}
        Binding._bind(
            backend, partner, f"{COMPANY_BINDING_PREFIX}{company_id}", data=data, binding=binding or None
        )
        partner._message_log(body=_("Shopify B2B company %s pushed.", company_id))
        if pricelist:
            backend._emit("pricelist.export", {"pricelist_ids": [pricelist.id]}, parent=parent)
        return partner

    def _ensure_catalog(self, backend, client, partner, pricelist, remote):
        """The company's locations buy from a catalog whose price list is fed
        from the partner's pricelist (a price list map of kind ``b2b``);
        created once, for the locations without one."""
        if not pricelist:
            return
        Map = self.env["shopify.price.list.map"].sudo()
        mapping = Map.search(
            [("backend_id", "=", backend.id), ("kind", "=", "b2b"), ("partner_id", "=", partner.id)], limit=1
        )
        locations = (remote.get("locations") or {}).get("nodes") or []
        bare = [from_gid(loc["id"]) for loc in locations if not ((loc.get("catalogs") or {}).get("nodes"))]
        if mapping and mapping.pricelist_id != pricelist:
            mapping.pricelist_id = pricelist
        if not bare:
            return
        if not mapping:
            price_list = client.create_price_list(
                f"{partner.name} ({pricelist.name})", pricelist.currency_id.name
            )
            mapping = Map.create(
                {
                    "backend_id": backend.id,
                    "name": _("%s catalog", partner.name),
                    "kind": "b2b",
                    "price_list_gid": price_list["id"],
                    "price_list_currency": price_list["currency"],
                    "pricelist_id": pricelist.id,
                    "partner_id": partner.id,
                }
            )
        client.create_location_catalog(_("%s catalog", partner.name), bare, from_gid(mapping.price_list_gid))

    # ------------------------------------------------------------------------------
    # the partner, as plain data
    # ------------------------------------------------------------------------------

    def _partner_pricelist(self, backend, partner):
        """The partner's own pricelist, unless it is the store's (the
        company then buys at the store's prices: no catalog needed)."""
        pricelist = partner.with_company(backend.company_id).property_product_pricelist
        if not pricelist or pricelist == backend.shopify_price_pricelist_id:
            return self.env["product.pricelist"]
        return pricelist

    def _payment_days(self, backend, partner):
        """N of the partner's net-N payment term (due in full N days after
        the invoice); None without a term. MappingError for a term Shopify
        cannot express (several instalments, end of month...)."""
        term = partner.with_company(backend.company_id).property_payment_term_id
        if not term:
            return None
        days = term._net_days()
        if days is not None:
            return days
        raise MappingError(
            template="Payment term %(term)s of %(partner)s is not net N days: Shopify B2B only knows net terms.",
            params={"term": term.name, "partner": partner.display_name},
            code="shopify.payment_terms_not_net",
        )

    def _snapshot(self, backend, partner):
        """What lib/b2b.py needs of a company partner (see its docstring)."""
        children = partner.child_ids.filtered("active")
        deliveries = children.filtered(lambda c: c.type == "delivery") or partner
        contacts = children.filtered(lambda c: c.type == "contact" and c.email)

        def address(record):
            return {
                "id": record.id,
                "name": record.name if record != partner else partner.name,
                "street": record.street or None,
                "street2": record.street2 or None,
                "city": record.city or None,
                "zip": record.zip or None,
                "state_code": record.state_id.code or None,
                "country_code": record.country_id.code or None,
                "phone": record.phone or None,
            }

        return {
            "id": partner.id,
            "name": partner.name,
            "ref": partner.ref or None,
            "comment": None,
            "payment_days": self._payment_days(backend, partner),
            "addresses": [address(record) for record in deliveries],
            "contacts": [
                {
                    "id": c.id,
                    "name": c.name,
                    "email": c.email,
                    "phone": c.phone or None,
                    "function": c.function or None,
                }
                for c in contacts
            ],
        }
