import hashlib
import time

from odoo import _, api, fields, models

from odoo.addons.integration_core.lib.exceptions import RemoteRejected

from ..lib import prices as plain
from ..lib.gid import from_gid


class PriceRefused(RemoteRejected):
    """A price Shopify refuses, or would: kept as a failed event that names
    the variant and the cause, retried by the user once it is fixed."""

    category = "validation"


class ShopifyPriceExporter(models.AbstractModel):
    """Prices out: the store's own variant prices (with compare-at prices)
    and the fixed prices of the Shopify price lists fed from Odoo
    pricelists (Markets, B2B catalogs). Only what changed is sent: each
    variant's binding keeps a hash of what every target shows
    (``data["prices"]``).

    Triggered by the core's Odoo-event dispatch (a product's sales price,
    ``product.price_changed``; a pricelist rule, ``pricelist.changed``) and
    by the scheduled full pass. The plain part (hashes, batches, refusals)
    is lib/prices.py."""

    _name = "shopify.price.exporter"
    _description = "Shopify Price Exporter"

    # ------------------------------------------------------------------------------
    # listeners (integration_core's odoo_events.py dispatches them)
    # ------------------------------------------------------------------------------

    @api.model
    def _listen_price_changes(self, backend, products):
        """product.price_changed: the bound ones among ``products`` go out."""
        bound = self._bindings(backend, products.ids)
        if not bound or not self._realtime(backend):
            return
        product_ids = sorted(bound.mapped("res_id"))
        backend._emit("price.export", {"product_ids": product_ids})

    @api.model
    def _listen_pricelist_changes(self, backend, pricelists):
        """pricelist.changed: a pricelist this store's prices come from
        changed: every bound variant's price of it is recomputed, and what
        differs goes out."""
        used = self._with_dependents(pricelists) & self._pricelists(backend)
        if not used or not self._realtime(backend):
            return
        backend._emit("pricelist.export", {"pricelist_ids": sorted(used.ids)})

    def _with_dependents(self, pricelists):
        """``pricelists`` and those whose rules are based on them, at any depth."""
        Item = self.env["product.pricelist.item"].sudo()
        result = pricelists
        while True:
            more = Item.search(
                [("base", "=", "pricelist"), ("base_pricelist_id", "in", result.ids)]
            ).pricelist_id
            if not (more - result):
                return result
            result |= more

    def _realtime(self, backend):
        return self.env["integration.flow"].sudo()._is_active(backend, "price_delta", policies=("realtime",))

    # ------------------------------------------------------------------------------
    # what a store's prices come from
    # ------------------------------------------------------------------------------

    def _pricelists(self, backend):
        """Every Odoo pricelist a price of this store comes from."""
        maps = backend.shopify_price_list_map_ids.filtered("pricelist_id")
        return backend.shopify_price_pricelist_id | backend.shopify_compare_pricelist_id | maps.pricelist_id

    def _targets(self, backend, pricelist_ids=None):
        """[(key, map or None, pricelist or empty)]: the store's own prices
        (key ``store``) and each mapped price list, those fed by
        ``pricelist_ids`` only when given."""
        targets = []
        store_lists = backend.shopify_price_pricelist_id | backend.shopify_compare_pricelist_id
        if pricelist_ids is not None and backend.shopify_compare_pricelist_id.id in pricelist_ids:
            pricelist_ids = None  # compare-at prices of every target come from it
        if pricelist_ids is None or set(store_lists.ids) & set(pricelist_ids):
            targets.append((plain.STORE_TARGET, None, backend.shopify_price_pricelist_id))
        for mapping in backend.shopify_price_list_map_ids.filtered("pricelist_id"):
            if pricelist_ids is None or mapping.pricelist_id.id in pricelist_ids:
                targets.append((mapping.price_list_gid, mapping, mapping.pricelist_id))
        return targets

    def _bindings(self, backend, product_ids=None):
        domain = [("backend_id", "=", backend.id), ("res_model", "=", "product.product")]
        if product_ids is not None:
            domain.append(("res_id", "in", list(product_ids)))
        return self.env["integration.binding"].sudo().search(domain)

    # ------------------------------------------------------------------------------
    # the export
    # ------------------------------------------------------------------------------

    @api.model
    def _export_prices_event(self, event, payload):
        """price.export / pricelist.export: see _export_prices. A failed
        event of refused prices (``refused``) retried by a user sends those
        variants again, and fails again with the cause when still refused."""
        result = self._export_prices(
            event.backend_id,
            product_ids=payload.get("product_ids"),
            pricelist_ids=payload.get("pricelist_ids"),
            full=bool(payload.get("full")),
            event=event,
            replay=bool(payload.get("refused")),
        )
        event.external_id = _("%(changed)s prices in %(calls)s calls, %(refused)s refused", **result)
        return None

    @api.model
    def _export_prices(
        self, backend, product_ids=None, pricelist_ids=None, full=False, event=None, replay=False
    ):
        """Send the prices of bound variants that differ from what was last
        sent (every price when ``full``), to the store (productVariantsBulkUpdate,
        one call per product) and to each mapped price list
        (priceListFixedPricesAdd, 250 prices a call), through the client's
        cost throttling. Returns {calls, changed, refused, seconds}.

        A price that is negative, or of a variant Shopify no longer has, is
        not sent: it becomes a failed ``price.export`` event naming the
        variant and the cause (once per variant, cause and price). A whole
        target in a currency Shopify would refuse (a price list's currency
        not enabled on the store; store prices in another currency than the
        store's) is not sent either: one failed event for the target and its
        variants. A user retries such an event after fixing the cause; the
        hashes are not updated, so the next full pass tries again too. With
        ``replay``, a refusal raises instead."""
        start = time.monotonic()
        stats = {"calls": 0, "changed": 0, "refused": 0}
        bindings = self._bindings(backend, product_ids)
        targets = self._targets(backend, pricelist_ids)
        if not bindings or not targets:
            return dict(stats, seconds=0.0)
        refusals = []  # (bindings, target key, code, words)
        with backend._shopify_client() as client:
            stats["calls"] += self._resolve_products(backend, client, bindings)
            gone = bindings.filtered(lambda b: (b.data or {}).get("variant_gone"))
            for binding in gone:
                refusals.append((binding, None, plain.REFUSED_GONE, _("Shopify no longer has this variant")))
            bindings -= gone
            products = (
                self.env["product.product"]
                .sudo()
                .with_context(active_test=False)
                .browse(bindings.mapped("res_id"))
            )
            currencies = client.shop_currencies() if bindings else {}
            stats["calls"] += 1 if bindings else 0
            for key, mapping, pricelist in targets if bindings else []:
                currency = self._target_currency(backend, pricelist)
                problem = self._currency_problem(client, currencies, mapping, currency)
                if problem:
                    refusals.append((bindings, key, plain.REFUSED_CURRENCY, problem))
                    continue
                items = self._items(backend, bindings, products, key, mapping, pricelist)
                to_send = []
                for binding, item in items:
                    reason = plain.refusal(item)
                    if reason:
                        refusals.append((binding, key, reason[0], reason[1]))
                        continue
                    digest = plain.price_hash(item.price, item.compare_at, item.currency)
                    if not full and ((binding.data or {}).get("prices") or {}).get(key) == digest:
                        continue
                    to_send.append((binding, item, digest))
                sent, refused, calls = self._send(client, key, mapping, to_send)
                stats["calls"] += calls
                refusals += refused
                self._remember(sent, key)
                stats["changed"] += len(sent)
        stats["refused"] = sum(len(refusal[0]) for refusal in refusals)
        if refusals:
            self._record_refusals(backend, refusals, event, replay)
        return dict(stats, seconds=round(time.monotonic() - start, 3))

    def _target_currency(self, backend, pricelist):
        return pricelist.currency_id if pricelist else backend.company_id.currency_id

    def _currency_problem(self, client, currencies, mapping, currency):
        """Why Shopify would refuse (or misread) a target's prices in
        ``currency``, in words; None when it takes them."""
        shop_currency = client.last_shop_currency
        if mapping is None:
            if shop_currency and currency.name != shop_currency:
                return _(
                    "the store sells in %(shop)s but its prices come in %(currency)s: set the store's "
                    "prices from a %(shop)s pricelist",
                    shop=shop_currency,
                    currency=currency.name,
                )
            return None
        if not currencies.get(currency.name):
            return _("currency %s is not enabled on the Shopify store", currency.name)
        return None

    def _resolve_products(self, backend, client, bindings):
        """Learn the Shopify product of variants bound without one (the
        stock exporter's _learn_variant_data). Returns the calls made."""
        return self.env["shopify.exporter"]._learn_variant_data(
            bindings, "product_id", client.variant_products
        )

    def _items(self, backend, bindings, products, key, mapping, pricelist):
        """[(binding, VariantPrice)] of one target: the pricelist's price
        (the list price without one), and the compare-at price from the
        backend's compare-at pricelist, or the list price when asked,
        converted to the target's currency."""
        company = backend.company_id
        currency = pricelist.currency_id if pricelist else company.currency_id
        products = products.with_company(company)
        if pricelist:
            price_of = pricelist._get_products_price(products, 1.0)
        else:
            price_of = {p.id: p.lst_price for p in products}
        compare_of = {}
        source = backend.shopify_compare_at
        if source == "pricelist" and backend.shopify_compare_pricelist_id:
            compare_list = backend.shopify_compare_pricelist_id
            raw = compare_list._get_products_price(products, 1.0)
            compare_of = {
                pid: compare_list.currency_id._convert(value, currency, company, fields.Date.today())
                for pid, value in raw.items()
            }
        elif source == "list_price":
            compare_of = {
                p.id: company.currency_id._convert(p.lst_price, currency, company, fields.Date.today())
                for p in products
            }
        digits = currency.decimal_places
        result = []
        for binding in bindings:
            if binding.res_id not in price_of:
                continue
            price = plain.quantize(price_of[binding.res_id], digits)
            candidate = compare_of.get(binding.res_id)
            compare = plain.compare_at(
                price, plain.quantize(candidate, digits) if candidate is not None else None
            )
            result.append(
                (
                    binding,
                    plain.VariantPrice(
                        variant_id=binding.external_id,
                        product_id=(binding.data or {}).get("product_id"),
                        price=price,
                        compare_at=compare,
                        currency=currency.name,
                        res_id=binding.res_id,
                    ),
                )
            )
        return result

    def _send(self, client, key, mapping, to_send):
        """Send one target's changed prices; returns (sent [(binding,
        digest)], refusals, calls)."""
        if not to_send:
            return [], [], 0
        by_variant = {item.variant_id: (binding, digest) for binding, item, digest in to_send}
        items = [item for _binding, item, _digest in to_send]
        sent, refusals, calls = [], [], 0
        if mapping is None:
            for product_id, batch in plain.variant_batches(items):
                refused = client.update_variant_prices(product_id, [plain.variant_input(i) for i in batch])
                calls += 1
                for index, item in enumerate(batch):
                    binding, digest = by_variant[item.variant_id]
                    cause = refused.get(index) or refused.get(None)
                    if cause:
                        refusals.append((binding, key, plain.REFUSED_REMOTE, f"{cause[0]} ({cause[1]})"))
                    else:
                        sent.append((binding, digest))
        else:
            price_list = from_gid(mapping.price_list_gid)
            for batch in plain.fixed_price_batches(items):
                batch_calls, refused = client.add_fixed_prices(
                    price_list, [plain.fixed_price_input(i) for i in batch]
                )
                calls += batch_calls
                for index, item in enumerate(batch):
                    binding, digest = by_variant[item.variant_id]
                    if index in refused:
                        code, message = refused[index]
                        refusals.append((binding, key, plain.REFUSED_REMOTE, f"{code} ({message})"))
                    else:
                        sent.append((binding, digest))
        return sent, refusals, calls

    def _remember(self, sent, key):
        for binding, digest in sent:
            data = dict(binding.data or {})
            data["prices"] = dict(data.get("prices") or {}, **{key: digest})
            binding.data = data

    # ------------------------------------------------------------------------------
    # refusals: failed events a user fixes and retries
    # ------------------------------------------------------------------------------

    def _refusal_error(self, bindings, target, code, words):
        binding = bindings[:1]
        product = self.env["product.product"].sudo().browse(binding.res_id)
        what = product.display_name if len(bindings) == 1 else _("%s variants", len(bindings))
        return PriceRefused(
            template="Shopify refuses the price of %(product)s (variant %(variant)s) for %(target)s: %(reason)s",
            params={
                "product": what,
                "variant": binding.external_id if len(bindings) == 1 else _("several"),
                "target": target or _("every price"),
                "reason": words,
            },
            code=code,
        )

    def _record_refusals(self, backend, refusals, event, replay):
        if replay:
            bindings, target, code, words = refusals[0]
            error = self._refusal_error(bindings, target, code, words)
            if len(refusals) > 1:
                error.message += _(" (and %s more)", len(refusals) - 1)
            raise error
        Event = self.env["integration.event"]
        for bindings, target, code, words in refusals:
            error = self._refusal_error(bindings, target, code, words)
            ids = sorted(bindings.ids)
            digest = hashlib.sha256(f"{target}|{code}|{words}|{ids}".encode()).hexdigest()[:16]
            single = len(bindings) == 1
            refused, created = Event._receive(
                backend,
                topic="price.export",
                payload={"product_ids": sorted(bindings.mapped("res_id")), "refused": True},
                idempotency_key=f"price.refused:{digest}",
                external_id=_(
                    "Refused: %s", bindings.external_id if single else _("%s variants", len(bindings))
                ),
                direction="out",
                res_record=self.env["product.product"].sudo().browse(bindings.res_id) if single else None,
                trace_id=event.trace_id if event else None,
            )
            if created:
                if event:
                    refused.parent_id = event.id
                refused._mark_failed(error)
