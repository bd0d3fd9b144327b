import logging

from odoo import _, api, fields, models
from odoo.tools import email_normalize, escape_psql

from ..lib import canonical, money
from ..lib.exceptions import BusinessRuleError, LockContention, MappingError, StaleUpdate
from ..lib.locks import advisory_key

_logger = logging.getLogger(__name__)

PAID_STATES = ("paid", "partially_paid", "authorized", "partially_refunded")


class IntegrationOrderImporter(models.AbstractModel):
    """Turns a canonical order (schemas/order.v1.json) into a sale.order.

    Every channel reuses it: partner matching or creation with invoice and
    delivery addresses, products by binding, SKU or barcode, taxes, shipping
    and discount lines, warehouse routing, confirmation rules. Idempotent:
    the order's binding decides between create and update, under an
    advisory lock, and an update strictly older than the imported one is
    ignored (one of the same second is applied).
    """

    _name = "integration.order.importer"
    _description = "Integration Order Importer"

    @api.model
    def _import_from_event(self, event, order):
        return self._import_order(event.backend_id, order)

    @api.model
    def _import_order(self, backend, order):
        Binding = self.env["integration.binding"].sudo()
        external_id = order["external_id"]
        Binding._lock(backend, "sale.order", external_id)
        binding = Binding._find(backend, "sale.order", external_id)
        updated_at = self._parse_datetime(order.get("updated_at"))
        existing = binding._record() if binding else None
        if existing:
            # Strictly older only: timestamps have a one-second resolution, so
            # two updates in the same second (pending, then paid) share one and
            # the second must still apply. Applying an update again is
            # harmless: it rewrites the same values, and confirmation is
            # never undone.
            if updated_at and binding.external_updated_at and updated_at < binding.external_updated_at:
                raise StaleUpdate(
                    _(
                        "Order %(name)s: this version (%(new)s) is older than the one imported (%(old)s).",
                        name=order["name"],
                        new=updated_at,
                        old=binding.external_updated_at,
                    )
                )
            sale = self._update_order(backend, existing, order)
        else:
            sale = self._create_order(backend, order)
        Binding._bind(backend, sale, external_id, updated_at=updated_at, binding=binding)
        self.env["integration.order.transaction"]._sync_from_order(backend, sale, order.get("transactions"))
        self._apply_confirmation(backend, sale, order)
        return sale

    # ------------------------------------------------------------------------------
    # create / update
    # ------------------------------------------------------------------------------

    def _create_order(self, backend, order):
        company = backend.company_id
        SaleOrder = self.env["sale.order"].sudo().with_company(company)
        partner, invoice_partner, shipping_partner = self._partners(backend, order)
        warehouse = self._warehouse(backend, order)
        pricelist = self._pricelist(backend, order)
        values = {
            "partner_id": partner.id,
            "partner_invoice_id": invoice_partner.id,
            "partner_shipping_id": shipping_partner.id,
            "company_id": company.id,
            "client_order_ref": order.get("po_number") or order["name"],
            "origin": f"{backend.name}: {order['name']}",
            "pricelist_id": pricelist.id,
            "warehouse_id": warehouse.id,
            "note": order.get("note") or False,
            "order_line": [fields.Command.create(v) for v in self._line_values(backend, order)],
        }
        payment_term = self._payment_term(backend, order.get("payment_terms"))
        if payment_term:
            values["payment_term_id"] = payment_term.id
        if order.get("created_at"):
            values["date_order"] = self._parse_datetime(order["created_at"])
        if order.get("requested_date"):
            values["commitment_date"] = fields.Datetime.to_datetime(order["requested_date"])
        if backend.team_id:
            values["team_id"] = backend.team_id.id
        tags = self._tags(order.get("tags") or [])
        if tags:
            values["tag_ids"] = [fields.Command.set(tags.ids)]
        sale = SaleOrder.create(values)
        self._check_totals(backend, sale, order)
        return sale

    def _payment_term(self, backend, terms):
        """The payment term of an order placed on net-N terms (B2B): one of
        the company's (or shared) terms due in full N days after the
        invoice. None without terms (the customer's own then apply);
        MappingError when Odoo has no such term (create it, then retry)."""
        days = (terms or {}).get("due_in_days")
        if days is None:
            return None
        candidates = (
            self.env["account.payment.term"]
            .sudo()
            .search(
                ["|", ("company_id", "=", False), ("company_id", "=", backend.company_id.id)],
                order="sequence, id",
            )
        )
        for term in candidates:
            if term._net_days() == days:
                return term
        raise MappingError(
            template="No payment term due in full %(days)s days after the invoice (%(name)s) in %(company)s.",
            params={"days": days, "name": terms.get("name") or "", "company": backend.company_id.name},
            code="order.payment_term_unknown",
        )

    def _update_order(self, backend, sale, order):
        """Update what may change after creation. Lines of a confirmed order
        stay as they are: changes there go through Odoo's own flows."""
        values = {"note": order.get("note") or False}
        tags = self._tags(order.get("tags") or [])
        values["tag_ids"] = [fields.Command.set(tags.ids)]
        if sale.state in ("draft", "sent"):
            values["order_line"] = [fields.Command.clear()] + [
                fields.Command.create(v) for v in self._line_values(backend, order)
            ]
        sale.write(values)
        if sale.state in ("draft", "sent"):
            self._check_totals(backend, sale, order)
        return sale

    def _apply_confirmation(self, backend, sale, order):
        if sale.state not in ("draft", "sent") or order.get("cancelled_at"):
            return
        policy = backend.order_confirm_policy
        if policy == "always" or (policy == "paid" and order.get("financial_status") in PAID_STATES):
            sale.action_confirm()

    def _check_totals(self, backend, sale, order):
        """The channel's total against Odoo's, both rounded to the order
        currency's rounding: a difference of more than the backend's
        tolerance (at least one rounding unit) is refused. Decimals, so
        ``0.1 + 0.2`` is 0.3 and a tolerance of 0.01 is 0.01."""
        expected = (order.get("totals") or {}).get("total")
        if not backend.check_totals or expected is None:
            return
        currency = sale.currency_id
        rounding = money.to_decimal(currency.rounding)
        tolerance = max(money.to_decimal(backend.total_tolerance), rounding)
        if money.differs_by_more(sale.amount_total, expected, tolerance, rounding):
            raise BusinessRuleError(
                _(
                    "Order %(name)s: Odoo computes a total of %(odoo).2f but the channel says %(channel).2f. "
                    "Check the tax mapping (taxes included: %(incl)s) and the prices.",
                    name=order["name"],
                    odoo=sale.amount_total,
                    channel=expected,
                    incl=bool(order.get("taxes_included")),
                )
            )

    # ------------------------------------------------------------------------------
    # lines
    # ------------------------------------------------------------------------------

    def _line_values(self, backend, order):
        self = self.with_context(integration_tax_cache={})
        included = bool(order.get("taxes_included"))
        lines = []
        unknown = []
        for line in order["lines"]:
            product = self._product(backend, line)
            if not product:
                unknown.append(line.get("sku") or line.get("barcode") or line.get("name"))
                continue
            # Decimals (canonical.loads, the mappers) or numbers of a caller: exact either way
            quantity = money.to_decimal(line["quantity"])
            price = money.to_decimal(line["unit_price"])
            gross = quantity * price
            discount = money.to_decimal(line.get("discount_amount")) or money.ZERO
            lines.append(
                {
                    "product_id": product.id,
                    "integration_external_id": line["external_id"],
                    "name": line.get("name") or product.display_name,
                    "product_uom_qty": money.to_float(quantity),
                    "price_unit": money.to_float(price),
                    "discount": float(round(100 * discount / gross, 6)) if gross and discount else 0.0,
                    "tax_id": [
                        fields.Command.set(self._taxes(backend, line.get("taxes") or [], included).ids)
                    ],
                }
            )
        if unknown:
            raise MappingError(
                template=_(
                    "Unknown product(s) %(skus)s: no binding, SKU (internal reference) or barcode matches. "
                    "Create or bind the product, then replay."
                ),
                params={"skus": ", ".join(str(s) for s in unknown), "sku_list": [str(s) for s in unknown]},
                code="product.unknown",
            )
        for shipping in order.get("shipping_lines") or []:
            lines.append(
                {
                    "product_id": self._service_product(backend, "shipping").id,
                    "name": shipping.get("title") or _("Shipping"),
                    "product_uom_qty": 1,
                    "price_unit": money.to_float(shipping["price"]),
                    "tax_id": [
                        fields.Command.set(self._taxes(backend, shipping.get("taxes") or [], included).ids)
                    ],
                }
            )
        for discount in order.get("discounts") or []:
            if not discount.get("amount"):
                continue
            lines.append(
                {
                    "product_id": self._service_product(backend, "discount").id,
                    "name": _("Discount %s", discount["code"]),
                    "product_uom_qty": 1,
                    "price_unit": -abs(money.to_float(discount["amount"])),
                    "tax_id": [fields.Command.clear()],
                }
            )
        return lines

    def _product(self, backend, line):
        """By variant binding, then SKU (internal reference), then barcode.

        A line matched by SKU or barcode binds its variant to the product, so
        that the channel's stock and price exports know the variant even when
        its catalogue was never imported. A variant bound to another product
        than the one its SKU or barcode names is a mapping error naming both:
        a binding is never changed silently.
        """
        Binding = self.env["integration.binding"].sudo()
        variant_id = line.get("variant_external_id")
        bound = Binding._get_record(backend, "product.product", variant_id) if variant_id else None
        if bound:
            if line.get("sku") and bound.default_code != line["sku"]:
                self._check_variant_binding(backend, line, bound, self._product_by_code(backend, line))
            return bound
        product = self._product_by_code(backend, line)
        if not product and backend.create_missing_products and line.get("sku"):
            # created as the product importer creates a missing variant
            product = self.env["integration.product.importer"]._create(
                backend,
                {"name": line.get("name") or line["sku"]},
                {"sku": line["sku"], "barcode": line.get("barcode")},
                0,
            )
        if product and variant_id:
            self._bind_variant(backend, line, product)
        return product

    def _product_by_code(self, backend, line):
        """The product whose internal reference is the line's SKU, else whose
        barcode is the line's barcode (the product importer's match); None."""
        found = self.env["integration.product.importer"]._match(
            backend, {"sku": line.get("sku"), "barcode": line.get("barcode")}
        )
        return found or None

    def _bind_variant(self, backend, line, product):
        """Bind the line's variant to ``product``, under the variant's lock so
        that two orders for a new variant at once bind it once."""
        Binding = self.env["integration.binding"].sudo()
        variant_id = line["variant_external_id"]
        Binding._lock(backend, "product.product", variant_id)
        binding = Binding._find(backend, "product.product", variant_id)
        if binding and binding._record():
            self._check_variant_binding(backend, line, binding._record(), product)
            return binding
        return Binding._bind(backend, product, variant_id, binding=binding or None)

    def _check_variant_binding(self, backend, line, bound, matched):
        if matched and matched != bound:
            raise MappingError(
                template=_(
                    "Variant %(variant)s (SKU %(sku)s) is bound to the product %(bound)s, but its SKU "
                    "or barcode names the product %(matched)s. Fix the product's internal reference, or "
                    "delete the variant's binding on %(backend)s to bind it anew, then replay."
                ),
                params={
                    "variant": line.get("variant_external_id"),
                    "sku": line.get("sku") or line.get("barcode") or "-",
                    "bound": bound.display_name,
                    "matched": matched.display_name,
                    "backend": backend.name,
                },
                code="product.variant_bound_elsewhere",
            )

    def _service_product(self, backend, kind):
        field = f"{kind}_product_id"
        if backend[field]:
            return backend[field]
        xmlid = f"integration_core.product_{kind}"
        product = self.env.ref(xmlid, raise_if_not_found=False)
        if not product:
            raise MappingError(_("No %s product configured on the backend.", kind))
        return product

    def _taxes(self, backend, taxes, included):
        """Odoo sales taxes for canonical taxes: explicit mapping first, then
        a sales tax of the same rate and price inclusion in the company.
        Looked up once per distinct tax within one import."""
        cache = self.env.context.get("integration_tax_cache")
        key = (backend.id, included, tuple((t["title"], money.to_decimal(t["rate"])) for t in taxes))
        if cache is not None and key in cache:
            return cache[key]
        result = self._find_taxes(backend, taxes, included)
        if cache is not None:
            cache[key] = result
        return result

    def _find_taxes(self, backend, taxes, included):
        Tax = self.env["account.tax"].sudo()
        result = Tax
        for tax in taxes:
            rate = money.to_decimal(tax["rate"])  # a fraction: 0.06 is 6 %
            mapping = backend.tax_map_ids.filtered(
                lambda m, r=rate, t=tax: m.title == t["title"]
                and (not m.rate or abs(money.to_decimal(m.rate) - r) < money.to_decimal("1e-6"))
            )[:1]
            if mapping:
                result |= mapping.tax_id
                continue
            if round(rate, 6) == 0:
                continue
            percent = float(round(rate * 100, 4))
            found = Tax.search(
                [
                    ("type_tax_use", "=", "sale"),
                    ("amount_type", "=", "percent"),
                    ("amount", "=", percent),
                    ("price_include", "=", included),
                    ("company_id", "=", backend.company_id.id),
                ],
                limit=1,
            )
            if not found:
                raise MappingError(
                    template=_(
                        "Unmapped tax '%(title)s' at %(rate)s%% (%(incl)s): add a tax mapping on the backend "
                        "or create a sales tax of that rate, then replay."
                    ),
                    params={
                        "title": tax["title"],
                        "rate": percent,
                        "incl": _("taxes included") if included else _("taxes excluded"),
                        "fraction": float(rate),  # what a tax mapping stores
                        "included": included,
                    },
                    code="tax.unmapped",
                )
            result |= found
        return result

    # ------------------------------------------------------------------------------
    # partners
    # ------------------------------------------------------------------------------

    def _partners(self, backend, order):
        """(customer, invoice address, delivery address)."""
        customer = self._customer(backend, order["customer"], order.get("billing_address"))
        invoice = self._address(customer, order.get("billing_address"), "invoice")
        shipping = self._address(customer, order.get("shipping_address"), "delivery")
        return customer, invoice, shipping

    def _customer(self, backend, data, billing):
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        Binding = self.env["integration.binding"].sudo()
        external_id = data.get("external_id")
        binding = None
        if external_id:
            Binding._lock(backend, "res.partner", external_id)
            binding = Binding._find(backend, "res.partner", external_id)
            partner = binding._record() if binding else None
            if partner:
                return partner
        partner = self._customer_by_gln(backend, data.get("gln"))
        email = self._customer_email_key(data.get("email"))
        if email and not partner:
            partner = self._customer_by_email(backend, email)
            if not partner:
                # about to create: one creator per email at a time
                self._lock_customer_email(backend, email)
                partner = self._customer_by_email(backend, email)
        if not partner:
            values = {
                "name": data["name"],
                "email": (data.get("email") or "").strip() or False,  # found again by email
                "phone": data.get("phone") or False,
                "vat": data.get("vat") or False,
                "customer_rank": 1,
            }
            if data.get("company") and data["company"] != data["name"]:
                values["company_name"] = data["company"]
            values.update(self._address_values(billing or {}))
            values["name"] = data["name"]
            partner = Partner.create(values)
        if external_id:
            Binding._bind(backend, partner, external_id, binding=binding)
        return partner

    def _customer_by_gln(self, backend, gln):
        """The company partner whose GLN is ``gln`` (EDI); empty when none."""
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        if not gln:
            return Partner.browse()
        return Partner.search(
            [
                ("gln", "=", gln),
                "|",
                ("company_id", "=", False),
                ("company_id", "=", backend.company_id.id),
            ],
            order="parent_id desc, id",  # the company itself before one of its addresses
            limit=1,
        ).commercial_partner_id

    @api.model
    def _customer_email_key(self, email):
        """What a customer is found by, and locked on, for the email
        ``email``: Odoo's normalised form (``res.partner.email_normalized``:
        the address without a display name, lower case), else, for a text
        that holds no address, the text stripped and in lower case."""
        email = (email or "").strip()
        return email_normalize(email, strict=False) or email.lower()

    def _customer_email_condition(self, email_key):
        """(column, operator, value) that finds a partner by ``email_key``:
        the indexed ``email_normalized`` when the key is an address (no scan
        of every partner per order); the email itself, compared without case,
        for a text Odoo cannot normalise."""
        if email_normalize(email_key, strict=False) == email_key:
            return "email_normalized", "=", email_key
        return "email", "=ilike", escape_psql(email_key)  # an email's "_" is no wildcard

    def _customer_by_email(self, backend, email_key):
        return (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    self._customer_email_condition(email_key),
                    ("parent_id", "=", False),
                    "|",
                    ("company_id", "=", False),
                    ("company_id", "=", backend.company_id.id),
                ],
                limit=1,
            )
        )

    @api.model
    def _customer_lock_key(self, company, email):
        """Advisory lock key of one normalised email in one company."""
        return advisory_key("res.partner:email", company.id, email)

    def _lock_customer_email(self, backend, email):
        """Serialise the creation of the customer with ``email`` (normalised)
        in the backend's company: two workers importing two orders of one
        new customer (different customer ids, or none) must create one
        partner, not two.

        Under REPEATABLE READ a transaction that waited for the lock still
        cannot see the partner the holder created (its snapshot is older),
        so waiting is not enough: when the lock is taken, wait for the
        holder to finish, then retry the event at once with a fresh
        snapshot, which finds that partner. The holder may also have
        finished between the start of our transaction and our lock: the
        lock is free, but our snapshot still misses its partner, which the
        latest committed state shows (read on a connection of its own)."""
        key = self._customer_lock_key(backend.company_id, email)
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
        if self.env.cr.fetchone()[0]:
            if self._customer_committed_since_snapshot(backend, email):
                raise LockContention(
                    _("The customer %s was created by another import meanwhile; retrying.", email),
                    retry_after=0,
                )
            return
        self.env.cr.execute("SELECT pg_advisory_xact_lock(%s)", [key])
        raise LockContention(
            _("Another import was creating the customer %s at the same time; retrying.", email),
            retry_after=0,
        )

    def _customer_committed_since_snapshot(self, backend, email):
        """True when the latest committed state has a customer with ``email``
        that this transaction's snapshot (which found none) does not show."""
        with backend._independent_cursor() as cr:
            latest = self.with_env(self.env(cr=cr))  # the same look-up, on a fresh snapshot
            return bool(latest._customer_by_email(backend.with_env(latest.env), email))

    def _address(self, customer, address, kind):
        """A child address of the customer; reused when identical."""
        if not address:
            return customer
        known = self._address_by_identifier(customer, address)
        if known:
            return known
        values = self._address_values(address)
        if not (address.get("gln") or address.get("store_number")):
            # an address known by an identifier nobody has yet is a new one,
            # whatever its street (an EDI ship-to often gives none)
            if self._same_address(customer, values):
                return customer
            for child in customer.child_ids.filtered(lambda p: p.type == kind):
                if self._same_address(child, values):
                    return child
        values.update(parent_id=customer.id, type=kind)
        values["name"] = address.get("name") or customer.name
        values.update(gln=address.get("gln") or False, store_number=address.get("store_number") or False)
        return self.env["res.partner"].sudo().create(values)

    def _address_by_identifier(self, customer, address):
        """The customer's address with the address's GLN, else with its store
        number (an EDI ship-to names a store, not a street); None."""
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        family = [("id", "child_of", customer.commercial_partner_id.id)]
        if address.get("gln"):
            found = Partner.search(family + [("gln", "=", address["gln"])], limit=1)
            if found:
                return found
        if address.get("store_number"):
            found = Partner.search(family + [("store_number", "=", address["store_number"])], limit=1)
            if found:
                return found
        return None

    def _address_values(self, address):
        country = self.env["res.country"]
        state = self.env["res.country.state"]
        if address.get("country_code"):
            country = country.search([("code", "=", address["country_code"])], limit=1)
            if not country:
                raise MappingError(
                    template=_("Unknown country code %(code)s in an address."),
                    params={"code": address["country_code"]},
                    code="country.unknown",
                )
        if address.get("state_code") and country:
            state = self.env["res.country.state"].search(
                [("country_id", "=", country.id), ("code", "=", address["state_code"])], limit=1
            )
        return {
            "street": address.get("street") or False,
            "street2": address.get("street2") or False,
            "city": address.get("city") or False,
            "zip": address.get("zip") or False,
            "country_id": country.id or False,
            "state_id": state.id or False,
            "phone": address.get("phone") or False,
        }

    def _same_address(self, partner, values):
        keys = ("street", "street2", "city", "zip", "country_id", "state_id")
        current = {
            "street": partner.street or False,
            "street2": partner.street2 or False,
            "city": partner.city or False,
            "zip": partner.zip or False,
            "country_id": partner.country_id.id or False,
            "state_id": partner.state_id.id or False,
        }
        return all(current[k] == values.get(k, False) for k in keys)

    # ------------------------------------------------------------------------------
    # routing, currency, tags
    # ------------------------------------------------------------------------------

    def _warehouse(self, backend, order):
        code = order.get("location_code")
        if code:
            mapping = backend.location_map_ids.filtered(lambda m: m.location_code == code)[:1]
            if mapping:
                return mapping.warehouse_id
        if backend.warehouse_id:
            return backend.warehouse_id
        warehouse = (
            self.env["stock.warehouse"].sudo().search([("company_id", "=", backend.company_id.id)], limit=1)
        )
        if not warehouse:
            raise BusinessRuleError(_("The company %s has no warehouse.", backend.company_id.name))
        return warehouse

    def _pricelist(self, backend, order):
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", order["currency"])], limit=1)
        )
        if not currency:
            raise MappingError(
                template=_("Unknown currency %(currency)s."),
                params={"currency": order["currency"]},
                code="currency.unknown",
            )
        if not currency.active:
            raise MappingError(
                template=_("The currency %(currency)s is not active in Odoo: activate it, then replay."),
                params={"currency": currency.name},
                code="currency.inactive",
            )
        if backend.pricelist_id and backend.pricelist_id.currency_id == currency:
            return backend.pricelist_id
        Pricelist = self.env["product.pricelist"].sudo()
        pricelist = Pricelist.search(
            [
                ("currency_id", "=", currency.id),
                "|",
                ("company_id", "=", False),
                ("company_id", "=", backend.company_id.id),
            ],
            limit=1,
        )
        if not pricelist:
            pricelist = Pricelist.create(
                {
                    "name": f"{backend.name} {currency.name}",
                    "currency_id": currency.id,
                    "company_id": backend.company_id.id,
                }
            )
        return pricelist

    def _tags(self, names):
        Tag = self.env["crm.tag"].sudo()
        tags = Tag.browse()
        for name in names:
            name = name.strip()
            if not name:
                continue
            tag = Tag.search([("name", "=", name)], limit=1) or Tag.create({"name": name})
            tags |= tag
        return tags

    @api.model
    def _parse_datetime(self, value):
        """ISO 8601 with offset -> naive UTC datetime, as Odoo stores it."""
        return canonical.naive_utc(value)
