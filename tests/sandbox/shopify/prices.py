"""Prices: variant prices and compare-at prices, the shop's currencies,
Markets with their price lists, price lists with fixed prices, catalogs.

Modelled on shopify.dev (Admin GraphQL 2025-01):

- ``productVariantsBulkUpdate(productId, variants, allowPartialUpdates)``:
  the variants of one product; at most 250 inputs (Shopify's limit on input
  arrays). Refusals are ``ProductVariantsBulkUpdateUserError`` with a field
  path (``["variants", "3", "price"]``) and a code: ``PRODUCT_DOES_NOT_EXIST``,
  ``PRODUCT_VARIANT_ID_MISSING``, ``PRODUCT_VARIANT_DOES_NOT_EXIST``,
  ``MUST_BE_FOR_THIS_PRODUCT``, ``NEGATIVE_PRICE_VALUE``. Without
  ``allowPartialUpdates`` one refusal leaves the whole product unchanged.
- ``priceListFixedPricesAdd(priceListId, prices)`` and
  ``priceListFixedPricesUpdate(priceListId, pricesToAdd, variantIdsToDelete)``:
  at most 250 prices a call; ``PriceListPriceUserError`` codes
  ``PRICE_LIST_NOT_FOUND``, ``VARIANT_NOT_FOUND`` and
  ``PRICE_LIST_CURRENCY_MISMATCH`` (a price in another currency than the
  list's); a call with a refusal changes nothing.
- ``markets`` (each with ``currencySettings`` and its ``priceList``),
  ``priceList(id)``/``priceLists`` with ``prices``, ``priceListCreate``
  (``CURRENCY_NOT_SUPPORTED`` for a currency the shop has not enabled) and
  ``catalogCreate`` (a company location catalog or a market catalog, with
  its price list).
- ``shop.currencySettings``: the currencies the shop sells in, enabled or
  not (:meth:`PricesMixin.enable_currency`).

Every mutation here costs 10 points like the others (see :mod:`.graphql`).
"""

import copy

from graphql import GraphQLError

from .common import MAX_INPUT_ARRAY, cents, dec, gid, graphql_amount_text, legacy, rest_amount_text

CURRENCY_NAMES = {
    "EUR": "Euro",
    "USD": "US Dollar",
    "GBP": "British Pound",
    "CHF": "Swiss Franc",
    "SEK": "Swedish Krona",
}


def _error(code, field, message):
    return {"code": code, "field": [str(part) for part in field], "message": message}


def _max_input(values, name):
    if len(values) > MAX_INPUT_ARRAY:
        raise GraphQLError(
            f"The input array size of {len(values)} is greater than the maximum allowed of "
            f"{MAX_INPUT_ARRAY}.",
            extensions={"code": "MAX_INPUT_SIZE_EXCEEDED", "argumentName": name},
        )


class PricesMixin:
    """State: :attr:`currencies` (code -> enabled), :attr:`markets`,
    :attr:`price_lists` (each with ``prices``: variant id -> {price,
    compare_at}), :attr:`catalogs`; filled by :meth:`reset_prices`."""

    def reset_prices(self):
        self.currencies = {self.currency: True}
        self.markets = {}
        self.price_lists = {}
        self.catalogs = {}
        self.price_updates = []  # (product id, variant ids) per accepted productVariantsBulkUpdate

    def _install_resolvers(self):
        super()._install_resolvers()
        query = self.schema.query_type.fields
        query["markets"].resolve = lambda root, info, **args: self._list_connection(
            list(self.markets.values()), args, self._v_market
        )
        query["market"].resolve = lambda root, info, id: self._v_market_by_id(legacy(id, "Market"))
        query["priceList"].resolve = lambda root, info, id: self._v_price_list_by_id(legacy(id, "PriceList"))
        query["priceLists"].resolve = lambda root, info, **args: self._list_connection(
            list(self.price_lists.values()), args, self._v_price_list
        )
        mutation = self.schema.mutation_type.fields
        mutation["productVariantsBulkUpdate"].resolve = self._mutate_product_variants_bulk_update
        mutation["priceListCreate"].resolve = self._mutate_price_list_create
        mutation["priceListFixedPricesAdd"].resolve = self._mutate_price_list_fixed_prices_add
        mutation["priceListFixedPricesUpdate"].resolve = self._mutate_price_list_fixed_prices_update
        mutation["catalogCreate"].resolve = self._mutate_catalog_create

    # -- set-up (seed, tests, control API) ---------------------------------------

    def enable_currency(self, code, enabled=True):
        with self._lock:
            self.currencies[code] = enabled

    def add_market(self, name, currency, *, primary=False, enabled=True, price_list_name=None):
        """A market selling in ``currency`` (enabled on the shop), with a
        price list of that currency (none for the primary market, which
        sells at the variants' own prices)."""
        with self._lock:
            self.currencies.setdefault(currency, True)
            market_id = self._next_id()
            price_list = None
            if not primary:
                price_list = self.add_price_list(price_list_name or f"{name} prices", currency)
            self.markets[market_id] = {
                "id": market_id,
                "name": name,
                "handle": name.lower().replace(" ", "-"),
                "enabled": enabled,
                "primary": primary,
                "currency": currency,
                "price_list_id": price_list["id"] if price_list else None,
            }
            if price_list:
                catalog = self._add_catalog(f"{name} catalog", price_list["id"], market_ids=[market_id])
                price_list["catalog_id"] = catalog["id"]
            return copy.deepcopy(self.markets[market_id])

    def add_price_list(self, name, currency, adjustment=("PERCENTAGE_DECREASE", 0.0)):
        with self._lock:
            list_id = self._next_id()
            self.price_lists[list_id] = {
                "id": list_id,
                "name": name,
                "currency": currency,
                "adjustment": {"type": adjustment[0], "value": float(adjustment[1])},
                "catalog_id": None,
                "prices": {},
            }
            return self.price_lists[list_id]

    def _add_catalog(self, title, price_list_id, *, market_ids=(), company_location_ids=()):
        catalog_id = self._next_id()
        self.catalogs[catalog_id] = {
            "id": catalog_id,
            "title": title,
            "status": "ACTIVE",
            "price_list_id": price_list_id,
            "market_ids": list(market_ids),
            "company_location_ids": list(company_location_ids),
        }
        return self.catalogs[catalog_id]

    def variant_price(self, variant_id):
        """(price, compare-at price) of a variant, as REST texts."""
        with self._lock:
            variant = self.variants[int(variant_id)]
            return variant["price"], variant.get("compare_at_price")

    def fixed_price(self, price_list_id, variant_id):
        """The fixed price of a variant in a price list: {price, compare_at} as texts, or None."""
        with self._lock:
            entry = self.price_lists[int(price_list_id)]["prices"].get(int(variant_id))
            if entry is None:
                return None
            return {
                "price": rest_amount_text(entry["price"]),
                "compare_at": rest_amount_text(entry["compare_at"])
                if entry["compare_at"] is not None
                else None,
            }

    def prices_state(self):
        """What ``POST /_sandbox/prices`` answers: every variant's prices and the price lists."""
        with self._lock:
            return {
                "variants": {
                    str(variant_id): {
                        "sku": variant.get("sku"),
                        "price": variant["price"],
                        "compare_at_price": variant.get("compare_at_price"),
                    }
                    for variant_id, variant in self.variants.items()
                },
                "price_lists": {
                    str(list_id): {
                        "name": price_list["name"],
                        "currency": price_list["currency"],
                        "fixed": {
                            str(variant_id): rest_amount_text(entry["price"])
                            for variant_id, entry in price_list["prices"].items()
                        },
                    }
                    for list_id, price_list in self.price_lists.items()
                },
                "markets": {
                    str(market["id"]): {"name": market["name"], "currency": market["currency"]}
                    for market in self.markets.values()
                },
            }

    def control_routes(self):
        routes = super().control_routes()
        routes[("POST", "/_sandbox/prices")] = lambda handler, data: handler.reply(200, self.prices_state())
        return routes

    # -- views -----------------------------------------------------------------

    def _v_shop(self):
        shop = super()._v_shop()
        settings = [
            {
                "currencyCode": code,
                "currencyName": CURRENCY_NAMES.get(code, code),
                "enabled": enabled,
                "rateUpdatedAt": None,
            }
            for code, enabled in sorted(self.currencies.items())
        ]
        shop["currencySettings"] = lambda info, **args: self._list_connection(settings, args, lambda s: s)
        return shop

    def _v_variant(self, variant, product):
        view = super()._v_variant(variant, product)
        compare_at = variant.get("compare_at_price")
        view["compareAtPrice"] = graphql_amount_text(dec(compare_at)) if compare_at is not None else None
        return view

    def _v_market_by_id(self, market_id):
        market = self.markets.get(market_id)
        return self._v_market(market) if market else None

    def _v_market(self, market):
        return {
            "id": gid("Market", market["id"]),
            "name": market["name"],
            "handle": market["handle"],
            "enabled": market["enabled"],
            "primary": market["primary"],
            "currencySettings": {
                "baseCurrency": {
                    "currencyCode": market["currency"],
                    "currencyName": CURRENCY_NAMES.get(market["currency"], market["currency"]),
                    "enabled": self.currencies.get(market["currency"], False),
                    "rateUpdatedAt": None,
                },
                "localCurrencies": False,
            },
            "priceList": lambda info, **_: self._v_price_list_by_id(market.get("price_list_id")),
        }

    def _v_price_list_by_id(self, list_id):
        price_list = self.price_lists.get(list_id)
        return self._v_price_list(price_list) if price_list else None

    def _v_price_list(self, price_list):
        def prices(info, originType=None, query=None, **args):
            rows = sorted(price_list["prices"].items())
            if originType == "RELATIVE":
                rows = []
            return self._list_connection(rows, args, lambda row: self._v_price_list_price(price_list, *row))

        return {
            "id": gid("PriceList", price_list["id"]),
            "name": price_list["name"],
            "currency": price_list["currency"],
            "fixedPricesCount": len(price_list["prices"]),
            "parent": {"adjustment": dict(price_list["adjustment"])},
            "catalog": lambda info, **_: self._v_catalog_by_id(price_list.get("catalog_id")),
            "prices": prices,
        }

    def _v_price_list_price(self, price_list, variant_id, entry):
        currency = price_list["currency"]
        compare_at = entry.get("compare_at")
        return {
            "variant": lambda info, **_: self._v_variant_by_id(variant_id),
            "price": {"amount": graphql_amount_text(entry["price"]), "currencyCode": currency},
            "compareAtPrice": {"amount": graphql_amount_text(compare_at), "currencyCode": currency}
            if compare_at is not None
            else None,
            "originType": "FIXED",
        }

    def _v_catalog_by_id(self, catalog_id):
        catalog = self.catalogs.get(catalog_id)
        return self._v_catalog(catalog) if catalog else None

    def _v_catalog(self, catalog):
        kind = "CompanyLocationCatalog" if catalog["company_location_ids"] else "MarketCatalog"
        view = {
            "__typename": kind,
            "id": gid(kind, catalog["id"]),
            "title": catalog["title"],
            "status": catalog["status"],
            "priceList": lambda info, **_: self._v_price_list_by_id(catalog.get("price_list_id")),
        }
        if kind == "CompanyLocationCatalog":
            view["companyLocations"] = lambda info, **args: self._list_connection(
                [
                    self.company_locations[i]
                    for i in catalog["company_location_ids"]
                    if i in self.company_locations
                ],
                args,
                self._v_company_location,
            )
        return view

    # -- productVariantsBulkUpdate -------------------------------------------------

    def _mutate_product_variants_bulk_update(
        self, root, info, productId, variants, allowPartialUpdates=False
    ):
        _max_input(variants, "variants")
        product = self.products.get(legacy(productId, "Product"))
        if product is None:
            return {
                "product": None,
                "productVariants": None,
                "userErrors": [_error("PRODUCT_DOES_NOT_EXIST", ["productId"], "Product does not exist")],
            }
        errors, accepted = [], []
        for index, spec in enumerate(variants):
            field = ["variants", index]
            if not spec.get("id"):
                errors.append(
                    _error(
                        "PRODUCT_VARIANT_ID_MISSING",
                        field + ["id"],
                        "Product variant is missing ID attribute",
                    )
                )
                continue
            variant = self.variants.get(legacy(spec["id"], "ProductVariant"))
            if variant is None:
                errors.append(
                    _error("PRODUCT_VARIANT_DOES_NOT_EXIST", field + ["id"], "Product variant does not exist")
                )
                continue
            if variant["product_id"] != product["id"]:
                errors.append(
                    _error("MUST_BE_FOR_THIS_PRODUCT", field + ["id"], "Input must be for this product")
                )
                continue
            refused = False
            for key in ("price", "compareAtPrice"):
                if spec.get(key) is not None and dec(spec[key]) < 0:
                    errors.append(
                        _error("NEGATIVE_PRICE_VALUE", field + [key], "Price cannot take a negative value")
                    )
                    refused = True
            if not refused:
                accepted.append((variant, spec))
        if errors and not allowPartialUpdates:
            return {"product": self._v_product(product), "productVariants": None, "userErrors": errors}
        stamp = self._rest_time(self.now())
        for variant, spec in accepted:
            if "price" in spec and spec["price"] is not None:
                variant["price"] = rest_amount_text(cents(dec(spec["price"])))
            if "compareAtPrice" in spec:
                value = spec["compareAtPrice"]
                variant["compare_at_price"] = (
                    rest_amount_text(cents(dec(value))) if value is not None else None
                )
            variant["updated_at"] = stamp
        if accepted:
            product["updated_at"] = stamp
            self.price_updates.append((product["id"], [variant["id"] for variant, _spec in accepted]))
        return {
            "product": self._v_product(product),
            "productVariants": [self._v_variant(variant, product) for variant, _spec in accepted],
            "userErrors": errors,
        }

    # -- price lists -----------------------------------------------------------------

    def _mutate_price_list_create(self, root, info, input):
        currency = input["currency"]
        if not self.currencies.get(currency):
            return {
                "priceList": None,
                "userErrors": [
                    _error(
                        "CURRENCY_NOT_SUPPORTED",
                        ["input", "currency"],
                        f"Currency {currency} is not enabled on the shop.",
                    )
                ],
            }
        catalog = None
        if input.get("catalogId"):
            catalog = self.catalogs.get(legacy(input["catalogId"]))  # Market- or CompanyLocationCatalog
            if catalog is None:
                return {
                    "priceList": None,
                    "userErrors": [
                        _error("CATALOG_DOES_NOT_EXIST", ["input", "catalogId"], "Catalog does not exist.")
                    ],
                }
        adjustment = input["parent"]["adjustment"]
        price_list = self.add_price_list(input["name"], currency, (adjustment["type"], adjustment["value"]))
        if catalog is not None:
            catalog["price_list_id"] = price_list["id"]
            price_list["catalog_id"] = catalog["id"]
        return {"priceList": self._v_price_list(price_list), "userErrors": []}

    def _fixed_prices(self, price_list_gid, prices, argument):
        """(price list, [(variant id, price, compare_at)], userErrors) for an add."""
        _max_input(prices, argument)
        price_list = self.price_lists.get(legacy(price_list_gid, "PriceList"))
        if price_list is None:
            return (
                None,
                [],
                [_error("PRICE_LIST_NOT_FOUND", ["priceListId"], "The price list doesn't exist.")],
            )
        errors, resolved = [], []
        for index, spec in enumerate(prices):
            field = [argument, index]
            variant_id = legacy(spec["variantId"], "ProductVariant")
            if variant_id not in self.variants:
                errors.append(
                    _error(
                        "VARIANT_NOT_FOUND",
                        field + ["variantId"],
                        "A fixed price for the specified product variant doesn't exist.",
                    )
                )
                continue
            mismatch = False
            for key in ("price", "compareAtPrice"):
                money = spec.get(key)
                if money is not None and money["currencyCode"] != price_list["currency"]:
                    errors.append(
                        _error(
                            "PRICE_LIST_CURRENCY_MISMATCH",
                            field + [key, "currencyCode"],
                            "The specified currency doesn't match the price list's currency.",
                        )
                    )
                    mismatch = True
            if mismatch:
                continue
            compare_at = spec.get("compareAtPrice")
            resolved.append(
                (
                    variant_id,
                    cents(dec(spec["price"]["amount"])),
                    cents(dec(compare_at["amount"])) if compare_at else None,
                )
            )
        return price_list, resolved, errors

    def _apply_fixed_prices(self, price_list, resolved):
        added = []
        for variant_id, price, compare_at in resolved:
            entry = {"price": price, "compare_at": compare_at}
            price_list["prices"][variant_id] = entry
            added.append(self._v_price_list_price(price_list, variant_id, entry))
        return added

    def _mutate_price_list_fixed_prices_add(self, root, info, priceListId, prices):
        price_list, resolved, errors = self._fixed_prices(priceListId, prices, "prices")
        if errors:
            return {"prices": None, "userErrors": errors}
        return {"prices": self._apply_fixed_prices(price_list, resolved), "userErrors": []}

    def _mutate_price_list_fixed_prices_update(
        self, root, info, priceListId, pricesToAdd, variantIdsToDelete
    ):
        _max_input(variantIdsToDelete, "variantIdsToDelete")
        price_list, resolved, errors = self._fixed_prices(priceListId, pricesToAdd, "pricesToAdd")
        deleted = []
        if price_list is not None:
            for index, variant_gid in enumerate(variantIdsToDelete):
                variant_id = legacy(variant_gid, "ProductVariant")
                if variant_id not in price_list["prices"]:
                    errors.append(
                        _error(
                            "VARIANT_NOT_FOUND",
                            ["variantIdsToDelete", index],
                            "A fixed price for the specified product variant doesn't exist.",
                        )
                    )
                else:
                    deleted.append(variant_id)
        if errors:
            return {
                "deletedFixedPriceVariantIds": None,
                "priceList": None,
                "pricesAdded": None,
                "userErrors": errors,
            }
        added = self._apply_fixed_prices(price_list, resolved)
        for variant_id in deleted:
            price_list["prices"].pop(variant_id, None)
        return {
            "deletedFixedPriceVariantIds": [gid("ProductVariant", v) for v in deleted],
            "priceList": self._v_price_list(price_list),
            "pricesAdded": added,
            "userErrors": [],
        }

    # -- catalogs ------------------------------------------------------------------

    def _mutate_catalog_create(self, root, info, input):
        context = input.get("context") or {}
        location_ids = [legacy(i, "CompanyLocation") for i in context.get("companyLocationIds") or []]
        market_ids = [legacy(i, "Market") for i in context.get("marketIds") or []]
        errors = []
        if not input.get("title"):
            errors.append(_error("BLANK", ["input", "title"], "Title can't be blank"))
        for index, location_id in enumerate(location_ids):
            if location_id not in self.company_locations:
                errors.append(
                    _error(
                        "COMPANY_LOCATION_NOT_FOUND",
                        ["input", "context", "companyLocationIds", index],
                        "Company location not found.",
                    )
                )
        price_list_id = legacy(input["priceListId"], "PriceList") if input.get("priceListId") else None
        if input.get("priceListId") and price_list_id not in self.price_lists:
            errors.append(_error("PRICE_LIST_NOT_FOUND", ["input", "priceListId"], "Price list not found."))
        if errors:
            return {"catalog": None, "userErrors": errors}
        catalog = self._add_catalog(
            input["title"], price_list_id, market_ids=market_ids, company_location_ids=location_ids
        )
        catalog["status"] = input["status"]
        if price_list_id:
            self.price_lists[price_list_id]["catalog_id"] = catalog["id"]
        for location_id in location_ids:
            self.company_locations[location_id]["catalog_ids"].append(catalog["id"])
        return {"catalog": self._v_catalog(catalog), "userErrors": []}
