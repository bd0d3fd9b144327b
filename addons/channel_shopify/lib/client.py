"""Shopify GraphQL Admin API client: the one place where we talk to Shopify.

Built on :class:`IntegrationHttpClient`, which already turns HTTP-level
failures into the suite's errors (timeouts, 429 with Retry-After, 5xx,
other 4xx). On top of that this module handles what Shopify reports inside
an HTTP 200 answer (shopify.dev, "GraphQL Admin API rate limits"):

- ``errors`` with ``extensions.code == "THROTTLED"``: the app/shop bucket
  cannot cover the query's requested cost. Raised as :class:`RateLimited`
  with ``retry_after = (requestedQueryCost - currentlyAvailable) /
  restoreRate`` from ``extensions.cost``.
- other top-level ``errors`` (syntax, validation, ``MAX_COST_EXCEEDED``,
  ``ACCESS_DENIED``): :class:`RemoteRejected` (permanent);
  ``INTERNAL_SERVER_ERROR``: :class:`RemoteServerError` (retryable).
- ``userErrors`` in a mutation payload: Shopify refused the input, raised
  as :class:`RemoteRejected` with the messages (``details["user_errors"]``).
  Checks the client makes itself before sending (e.g. more quantity to
  fulfil than is still open) raise :class:`BusinessRuleError`.

Large reads can go through a bulk query instead of pages
(:meth:`ShopifyClient.run_bulk_query`, :meth:`~ShopifyClient.bulk_operation`,
:meth:`~ShopifyClient.iter_bulk_jsonl`, then :func:`.bulk.reassemble`):
Shopify runs the query in the background and hands over a JSONL file.

Each answer's ``extensions.cost`` is kept in :attr:`ShopifyClient.last_cost`
(and :attr:`throttle_status`). Before a query whose cost the client has
seen, it estimates the bucket (``currentlyAvailable`` plus what
``restoreRate`` refilled since) and sleeps until the cost is covered, up to
``max_throttle_wait`` seconds; a longer wait is left to Shopify's answer
(and to the job's retry).
"""

import json as jsonlib
import logging
import math
import time
from collections import Counter
from contextlib import closing
from datetime import datetime, timezone
from urllib.parse import urlsplit

import requests

from odoo.addons.integration_core.lib.exceptions import (
    BusinessRuleError,
    RateLimited,
    RemoteRejected,
    RemoteServerError,
)
from odoo.addons.integration_core.lib.http_client import IntegrationHttpClient, classify_exception

from . import queries
from .gid import from_gid, to_gid

__all__ = [
    "DEFAULT_API_VERSION",
    "INVENTORY_BATCH_SIZE",
    "ShopifyClient",
    "from_gid",
    "to_gid",
    "topic_enum",
]

_logger = logging.getLogger(__name__)

DEFAULT_API_VERSION = "2025-01"
# shopify.dev "Shopify API limits": input arguments that accept an array
# take at most 250 items, so one inventorySetQuantities call sets at most
# 250 quantities.
INVENTORY_BATCH_SIZE = 250
MAX_PAGE_SIZE = 250
_OPEN_FULFILLMENT_ORDER = ("OPEN", "IN_PROGRESS")
_DEAD_FULFILLMENT = ("CANCELLED", "ERROR", "FAILURE")
_RETRYABLE_GRAPHQL_CODES = {"INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"}
# A bulk result can be large: (connect, read) seconds, the read timeout
# bounding each wait for the next bytes, not the whole download.
BULK_DOWNLOAD_TIMEOUT = (3.05, 60.0)
# Not sent with the download: the file lives on a storage host, behind a
# signed URL, and the access token must not leave Shopify's API.
_BULK_DOWNLOAD_HEADERS = {
    "X-Shopify-Access-Token": None,
    "Content-Type": None,
    "Accept": "application/jsonl, application/octet-stream, */*",
}


def topic_enum(topic: str) -> str:
    """``"orders/create"`` -> ``"ORDERS_CREATE"`` (GraphQL ``WebhookSubscriptionTopic``)."""
    return topic.strip().upper().replace("/", "_")


def shop_base_url(shop_url: str) -> str:
    """``x.myshopify.com``, ``https://x.myshopify.com/admin`` -> ``https://x.myshopify.com``;
    ``http://127.0.0.1:8071`` (a sandbox) is kept as is."""
    text = shop_url.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if not parts.netloc:
        raise ValueError(f"not a shop URL: {shop_url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def _utc(value) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def connection_nodes(connection):
    """The nodes of a GraphQL connection, asked for as ``nodes`` or as
    ``edges { node }``; [] when there is none."""
    if not connection:
        return []
    if connection.get("nodes") is not None:
        return connection["nodes"]
    return [edge["node"] for edge in connection.get("edges") or []]


class ShopifyClient(IntegrationHttpClient):
    """``ShopifyClient("https://x.myshopify.com", token, "2025-01")``.

    Extra keyword arguments go to :class:`IntegrationHttpClient` (timeout,
    rate_limiter, circuit_breaker, session, logger, ...).
    """

    def __init__(
        self,
        shop_url,
        access_token,
        api_version=DEFAULT_API_VERSION,
        *,
        max_throttle_wait=5.0,
        sleep=time.sleep,
        clock=time.monotonic,
        **kwargs,
    ):
        if not access_token:
            raise ValueError("a Shopify access token is required")
        headers = {
            "X-Shopify-Access-Token": access_token,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        headers.update(kwargs.pop("default_headers", None) or {})
        secrets = tuple(kwargs.pop("secrets", ()) or ()) + (access_token,)
        kwargs.setdefault("logger", _logger)
        super().__init__(shop_base_url(shop_url), default_headers=headers, secrets=secrets, **kwargs)
        self.api_version = api_version
        self.graphql_path = f"/admin/api/{api_version}/graphql.json"
        self.max_throttle_wait = max_throttle_wait
        self.last_cost = None
        self.last_shop_currency = None  # the store's own currency, learnt by shop_currencies()
        self.throttle_status = None
        self._sleep = sleep
        self._clock = clock
        self._status_at = None
        self._query_costs = {}

    # ------------------------------------------------------------------
    # GraphQL transport
    # ------------------------------------------------------------------

    def graphql(self, query, variables=None):
        """Run one query or mutation; return its ``data``."""
        self._wait_for_budget(query)
        payload = {"query": query}
        if variables:
            payload["variables"] = variables
        response = self.request("POST", self.graphql_path, json=payload)
        try:
            body = response.json()
        except ValueError as exc:
            raise RemoteServerError(
                f"Shopify answered {response.status_code} with invalid JSON: {response.text[:200]}"
            ) from exc
        if not isinstance(body, dict):
            raise RemoteServerError(f"Shopify answered with an unexpected body: {str(body)[:200]}")
        cost = (body.get("extensions") or {}).get("cost")
        if cost:
            self._remember_cost(query, cost)
        errors = body.get("errors")
        if errors:
            self._raise_errors(errors, cost, response.status_code)
        data = body.get("data")
        if data is None:
            raise RemoteServerError("Shopify answered without data and without errors")
        return data

    def _remember_cost(self, query, cost):
        self.last_cost = cost
        self.throttle_status = cost.get("throttleStatus") or self.throttle_status
        self._status_at = self._clock()
        if cost.get("requestedQueryCost") is not None:
            self._query_costs[query] = cost["requestedQueryCost"]

    def estimated_available(self):
        """Points the bucket should hold now, from the last throttle status."""
        status = self.throttle_status
        if not status or self._status_at is None:
            return None
        refilled = (self._clock() - self._status_at) * float(status.get("restoreRate") or 0)
        maximum = float(status.get("maximumAvailable") or math.inf)
        return min(maximum, float(status.get("currentlyAvailable") or 0) + refilled)

    def _wait_for_budget(self, query):
        expected = self._query_costs.get(query)
        available = self.estimated_available()
        if expected is None or available is None or expected <= available or self.max_throttle_wait <= 0:
            return
        rate = float(self.throttle_status.get("restoreRate") or 0)
        if rate <= 0:
            return
        wait = (expected - available) / rate
        if wait <= self.max_throttle_wait:
            self.logger.debug(
                "Shopify bucket low (%.0f < %s points): waiting %.2f s", available, expected, wait
            )
            self._sleep(wait)

    @staticmethod
    def _throttle_retry_after(cost):
        cost = cost or {}
        status = cost.get("throttleStatus") or {}
        rate = float(status.get("restoreRate") or 0)
        if not rate or cost.get("requestedQueryCost") is None:
            return 1.0
        missing = float(cost["requestedQueryCost"]) - float(status.get("currentlyAvailable") or 0)
        return max(math.ceil(max(missing, 0.0) / rate * 100) / 100, 0.1)

    def _raise_errors(self, errors, cost, status_code):
        if not isinstance(errors, list):
            errors = [{"message": errors if isinstance(errors, str) else jsonlib.dumps(errors)}]
        codes = set()
        messages = []
        for error in errors:
            if isinstance(error, dict):
                codes.add((error.get("extensions") or {}).get("code"))
                messages.append(str(error.get("message") or error))
            else:
                messages.append(str(error))
        text = "; ".join(messages)[:500]
        if "THROTTLED" in codes:
            retry_after = self._throttle_retry_after(cost)
            raise RateLimited(
                f"Shopify throttled the query (cost {cost and cost.get('requestedQueryCost')}): "
                f"retry in {retry_after:.2f} s",
                retry_after=retry_after,
                details={"cost": cost},
            )
        if codes & _RETRYABLE_GRAPHQL_CODES:
            raise RemoteServerError(f"Shopify GraphQL error: {text}", details={"errors": errors})
        raise RemoteRejected(
            f"Shopify GraphQL error: {text}",
            status_code=status_code,
            body=jsonlib.dumps(errors),
            details={"errors": errors, "codes": sorted(code for code in codes if code)},
        )

    @staticmethod
    def _check_user_errors(payload, what):
        """Raise RemoteRejected for ``userErrors`` of a mutation payload."""
        if payload is None:
            raise RemoteServerError(f"Shopify returned no payload for {what}")
        user_errors = payload.get("userErrors") or []
        if user_errors:
            text = "; ".join(
                (".".join(error.get("field") or []) + ": " if error.get("field") else "")
                + error.get("message", "")
                for error in user_errors
            )
            raise RemoteRejected(
                f"Shopify refused {what}: {text}",
                body=jsonlib.dumps(user_errors),
                details={"user_errors": user_errors},
            )
        return payload

    @staticmethod
    def _page_size(requested, node_cost):
        """``requested`` capped so one page stays under Shopify's 1000-point query limit."""
        fits = (queries.MAX_QUERY_COST - 2) // max(node_cost, 1)
        return max(1, min(int(requested), MAX_PAGE_SIZE, fits))

    def paginate(self, query, path, variables=None, page_size=50, node_cost=1):
        """Yield the nodes of the connection at ``path`` (a root field name,
        or a tuple of field names for a nested one, e.g.
        ``("shopifyPaymentsAccount", "payouts")``), page after page.

        ``query`` takes ``$first`` and ``$after`` (and ``variables``);
        ``page_size`` is capped so a page stays under Shopify's single-query
        cost limit at ``node_cost`` points per node. A null object on the way
        (e.g. no Shopify Payments account) ends the iteration.
        """
        first = self._page_size(page_size, node_cost)
        return self._paginate(query, path, dict(variables or {}), first)

    def _paginate(self, query, root, variables, first):
        path = (root,) if isinstance(root, str) else tuple(root)
        after = None
        while True:
            data = self.graphql(query, {**variables, "first": first, "after": after})
            connection = data
            for key in path:
                connection = (connection or {}).get(key)
            if connection is None:
                return
            yield from connection_nodes(connection)
            page = connection.get("pageInfo") or {}
            if not page.get("hasNextPage"):
                return
            after = page.get("endCursor")

    # ------------------------------------------------------------------
    # shop, orders, products, locations
    # ------------------------------------------------------------------

    def shop(self):
        """The ``Shop`` node (name, myshopifyDomain, currencyCode, plan, ...):
        a cheap call that proves URL, token and API version work."""
        return self.graphql(queries.SHOP_QUERY)["shop"]

    def iter_orders(self, updated_since=None, page_size=50, query=None):
        """Yield complete GraphQL ``Order`` nodes (fragment ``ShopifyOrder``
        of :mod:`.queries`), oldest update first (``sortKey: UPDATED_AT``).

        ``updated_since`` (datetime or ISO string; naive means UTC) becomes
        ``updated_at:>='…'``: inclusive, so an order updated in the same
        second as the previous watermark is not lost (the import is
        idempotent). ``page_size`` is capped so a page stays under the
        single-query cost limit (``queries.ORDER_NODE_COST`` per order).
        Orders with more than ``ORDER_LINE_ITEMS_FIRST`` lines are completed
        with extra calls.
        """
        terms = []
        if updated_since is not None:
            terms.append(f"updated_at:>='{_utc(updated_since)}'")
        if query:
            terms.append(query)
        first = self._page_size(page_size, queries.ORDER_NODE_COST)
        variables = {"query": " ".join(terms) or None}
        for node in self._paginate(queries.ORDERS_QUERY, "orders", variables, first):
            yield self._complete_line_items(node)

    def get_order(self, gid_or_legacy_id):
        """The complete ``Order`` node, or None when Shopify does not know it."""
        data = self.graphql(queries.ORDER_QUERY, {"id": to_gid("Order", gid_or_legacy_id)})
        node = data.get("order")
        return self._complete_line_items(node) if node else None

    def _complete_line_items(self, node):
        return self._complete_connection(node, "lineItems", queries.ORDER_LINE_ITEMS_QUERY, "order")

    def _complete_connection(self, node, field, query, root):
        """Read the rest of ``node[field]`` (a nested connection of which a
        page came with the node) with ``query`` (variables ``id``, ``after``;
        the node comes back under ``root``), appending to its nodes."""
        connection = node.get(field) or {}
        page = connection.get("pageInfo") or {}
        while page.get("hasNextPage"):
            data = self.graphql(query, {"id": node["id"], "after": page.get("endCursor")})
            more = (data.get(root) or {}).get(field) or {}
            connection.setdefault("nodes", []).extend(connection_nodes(more))
            page = more.get("pageInfo") or {}
            connection["pageInfo"] = page
        return node

    def iter_products(self, page_size=100, query=None):
        """Yield ``Product`` nodes with all their variants (id, sku, barcode,
        price, inventoryItem id)."""
        first = self._page_size(page_size, queries.PRODUCT_NODE_COST)
        for node in self._paginate(queries.PRODUCTS_QUERY, "products", {"query": query}, first):
            yield self._complete_connection(node, "variants", queries.PRODUCT_VARIANTS_QUERY, "product")

    def variant_inventory_items(self, variant_ids):
        """{variant id: inventory item id} of the variants (legacy ids);
        a variant Shopify no longer has is left out."""
        found = {}
        ids = [str(v) for v in variant_ids]
        for start in range(0, len(ids), queries.NODES_PER_CALL):
            chunk = ids[start : start + queries.NODES_PER_CALL]
            gids = [to_gid("ProductVariant", variant_id) for variant_id in chunk]
            data = self.graphql(queries.VARIANT_INVENTORY_ITEMS_QUERY, {"ids": gids})
            for node in data.get("nodes") or []:
                item = (node or {}).get("inventoryItem") or {}
                if node and node.get("legacyResourceId") and item.get("id"):
                    found[str(node["legacyResourceId"])] = from_gid(item["id"])
        return found

    def iter_locations(self, page_size=50):
        """Yield ``Location`` nodes (id, legacyResourceId, name, isActive, address)."""
        first = self._page_size(page_size, queries.LOCATION_NODE_COST)
        yield from self._paginate(queries.LOCATIONS_QUERY, "locations", {}, first)

    # ------------------------------------------------------------------
    # bulk queries
    # ------------------------------------------------------------------

    def run_bulk_query(self, query):
        """Start a bulk query (``queries.PRODUCTS_BULK_QUERY``, say); returns
        the operation ``{id, status}`` (status ``CREATED``).

        Shopify refuses a second bulk query while one runs on the shop:
        :class:`RemoteRejected` whose ``details["user_errors"]`` have the code
        ``OPERATION_IN_PROGRESS`` (see :meth:`current_bulk_operation`).
        """
        data = self.graphql(queries.BULK_OPERATION_RUN_QUERY_MUTATION, {"query": query})
        payload = self._check_user_errors(data.get("bulkOperationRunQuery"), "the bulk query")
        return payload["bulkOperation"]

    def bulk_operation(self, gid):
        """The ``BulkOperation`` (status, errorCode, url, objectCount, ...),
        or None when Shopify does not know ``gid``."""
        data = self.graphql(queries.BULK_OPERATION_QUERY, {"id": to_gid("BulkOperation", gid)})
        node = data.get("node")
        return node or None

    def cancel_bulk_operation(self, gid):
        """Ask Shopify to cancel a running bulk operation (it goes CANCELING,
        then CANCELED); returns the operation. A finished one is refused
        with :class:`RemoteRejected`."""
        data = self.graphql(queries.BULK_OPERATION_CANCEL_MUTATION, {"id": to_gid("BulkOperation", gid)})
        return self._check_user_errors(data.get("bulkOperationCancel"), "the bulk operation cancel")[
            "bulkOperation"
        ]

    def current_bulk_operation(self):
        """The shop's most recent bulk query operation of this app, or None."""
        return self.graphql(queries.CURRENT_BULK_OPERATION_QUERY).get("currentBulkOperation")

    def iter_bulk_jsonl(self, url, timeout=BULK_DOWNLOAD_TIMEOUT):
        """Download a bulk result and yield its objects, one per line, as the
        bytes arrive (the file is never held whole).

        The access token is not sent (the URL is a signed link to a storage
        host). A broken or slow download raises :class:`RemoteServerError` or
        :class:`RemoteTimeout` (retryable: the file stays for 7 days); a line
        that is not JSON, :class:`RemoteServerError`.
        """
        response = self.request("GET", url, headers=_BULK_DOWNLOAD_HEADERS, timeout=timeout, stream=True)
        with closing(response):
            number = 0
            try:
                for raw in response.iter_lines():
                    number += 1
                    if not raw.strip():
                        continue
                    try:
                        yield jsonlib.loads(raw)
                    except ValueError as exc:
                        raise RemoteServerError(
                            f"Line {number} of the Shopify bulk result is not JSON: {raw[:100]!r}"
                        ) from exc
            except requests.RequestException as exc:
                error = classify_exception(exc, self.secrets)
                error.message = f"{error.message} (bulk result, after {number} lines)"
                raise error from None

    # ------------------------------------------------------------------
    # inventory
    # ------------------------------------------------------------------

    def set_inventory_quantities(
        self, changes, reason="correction", name="available", reference_document_uri=None
    ):
        """Set absolute quantities; returns the number of API calls made.

        ``changes``: ``[{inventory_item_id, location_id, quantity}]`` (ids as
        legacy ids or GIDs). Batched by :data:`INVENTORY_BATCH_SIZE` per
        ``inventorySetQuantities`` call. When one (item, location) appears
        twice, the last quantity wins. We act as the source of truth, so
        the compare-and-set check is skipped (``ignoreCompareQuantity``).
        Absolute values make a repeated call harmless: a job that fails on
        batch 3 can simply run again.
        """
        merged = {}
        for change in changes:
            item = to_gid("InventoryItem", change["inventory_item_id"])
            location = to_gid("Location", change["location_id"])
            merged[(item, location)] = int(change["quantity"])
        quantities = [
            {"inventoryItemId": item, "locationId": location, "quantity": quantity}
            for (item, location), quantity in merged.items()
        ]
        calls = 0
        for start in range(0, len(quantities), INVENTORY_BATCH_SIZE):
            batch = quantities[start : start + INVENTORY_BATCH_SIZE]
            payload_input = {
                "name": name,
                "reason": reason,
                "ignoreCompareQuantity": True,
                "quantities": batch,
            }
            if reference_document_uri:
                payload_input["referenceDocumentUri"] = reference_document_uri
            data = self.graphql(queries.INVENTORY_SET_QUANTITIES_MUTATION, {"input": payload_input})
            calls += 1
            self._check_user_errors(data.get("inventorySetQuantities"), "the inventory quantities")
        return calls

    # ------------------------------------------------------------------
    # prices and Markets
    # ------------------------------------------------------------------

    def variant_products(self, variant_ids):
        """{variant id: product id} (legacy ids) of the variants; a variant
        Shopify no longer has is left out. One ``nodes`` call per 250."""
        found = {}
        ids = [str(v) for v in variant_ids]
        for start in range(0, len(ids), queries.NODES_PER_CALL):
            gids = [to_gid("ProductVariant", v) for v in ids[start : start + queries.NODES_PER_CALL]]
            data = self.graphql(queries.VARIANT_PRODUCTS_QUERY, {"ids": gids})
            for node in data.get("nodes") or []:
                product = (node or {}).get("product") or {}
                if node and node.get("legacyResourceId") and product.get("id"):
                    found[str(node["legacyResourceId"])] = from_gid(product["id"])
        return found

    def update_variant_prices(self, product_id, variants):
        """One ``productVariantsBulkUpdate`` of one product's variants
        (``ProductVariantsBulkInput`` dicts, at most 250), partial updates
        allowed: the variants Shopify accepts are changed even when it
        refuses others. Returns the refusals, ``{index: (code, message)}``
        (index None: the whole call, e.g. the product is gone)."""
        from .prices import refused_inputs

        data = self.graphql(
            queries.PRODUCT_VARIANTS_BULK_UPDATE_MUTATION,
            {"productId": to_gid("Product", product_id), "variants": variants},
        )
        payload = data.get("productVariantsBulkUpdate")
        if payload is None:
            raise RemoteServerError("Shopify returned no payload for productVariantsBulkUpdate")
        return refused_inputs(payload.get("userErrors"), "variants")

    def add_fixed_prices(self, price_list_id, prices, variant_ids_to_delete=()):
        """Set fixed prices on a price list (``PriceListPriceInput`` dicts, at
        most 250): ``priceListFixedPricesAdd``, or
        ``priceListFixedPricesUpdate`` when fixed prices are also to be
        removed. Shopify applies such a call whole or not at all: when it
        refuses some prices, the others are sent again in one more call.
        Returns ``(calls, {index: (code, message)})``."""
        from .prices import refused_inputs

        price_list = to_gid("PriceList", price_list_id)
        deletes = [to_gid("ProductVariant", v) for v in variant_ids_to_delete]
        remaining = list(enumerate(prices))
        refused = {}
        calls = 0
        while remaining:
            batch = [value for _index, value in remaining]
            if deletes:
                data = self.graphql(
                    queries.PRICE_LIST_FIXED_PRICES_UPDATE_MUTATION,
                    {"priceListId": price_list, "pricesToAdd": batch, "variantIdsToDelete": deletes},
                )
                payload = data.get("priceListFixedPricesUpdate")
                argument = "pricesToAdd"
            else:
                data = self.graphql(
                    queries.PRICE_LIST_FIXED_PRICES_ADD_MUTATION, {"priceListId": price_list, "prices": batch}
                )
                payload = data.get("priceListFixedPricesAdd")
                argument = "prices"
            calls += 1
            if payload is None:
                raise RemoteServerError("Shopify returned no payload for the price list's fixed prices")
            errors = refused_inputs(payload.get("userErrors"), argument)
            if not errors:
                break
            if None in errors or not (set(errors) & set(range(len(batch)))):
                # the whole call is refused (the price list is gone...): every price with it
                code, message = errors.get(None) or next(iter(errors.values()))
                refused.update({index: (code, message) for index, _value in remaining})
                break
            refused.update(
                {remaining[i][0]: errors[i] for i in errors if i is not None and i < len(remaining)}
            )
            remaining = [entry for i, entry in enumerate(remaining) if i not in errors]
            deletes = []  # removed by the first call, or refused with it
        return calls, refused

    def shop_currencies(self):
        """{currency code: enabled} of the store (its own currency always
        enabled, kept in :attr:`last_shop_currency`)."""
        shop = self.graphql(queries.SHOP_CURRENCIES_QUERY)["shop"]
        currencies = {
            node["currencyCode"]: bool(node.get("enabled"))
            for node in connection_nodes(shop.get("currencySettings"))
        }
        currencies[shop["currencyCode"]] = True
        self.last_shop_currency = shop["currencyCode"]
        return currencies

    def markets(self):
        """``Market`` nodes with their base currency and price list."""
        first = self._page_size(50, queries.MARKET_NODE_COST)
        return list(self._paginate(queries.MARKETS_QUERY, "markets", {}, first))

    def create_price_list(self, name, currency, catalog_id=None):
        """A price list (no adjustment: every price fixed by us); its node."""
        values = {
            "name": name,
            "currency": currency,
            "parent": {"adjustment": {"type": "PERCENTAGE_DECREASE", "value": 0.0}},
        }
        if catalog_id:
            values["catalogId"] = catalog_id
        data = self.graphql(queries.PRICE_LIST_CREATE_MUTATION, {"input": values})
        return self._check_user_errors(data.get("priceListCreate"), "the price list")["priceList"]

    def create_location_catalog(self, title, location_ids, price_list_id):
        """A company location catalog of ``location_ids`` selling at ``price_list_id``; its node."""
        values = {
            "title": title,
            "status": "ACTIVE",
            "context": {"companyLocationIds": [to_gid("CompanyLocation", i) for i in location_ids]},
            "priceListId": to_gid("PriceList", price_list_id),
        }
        data = self.graphql(queries.CATALOG_CREATE_MUTATION, {"input": values})
        return self._check_user_errors(data.get("catalogCreate"), "the catalog")["catalog"]

    # ------------------------------------------------------------------
    # B2B companies
    # ------------------------------------------------------------------

    def payment_terms_templates(self):
        return self.graphql(queries.PAYMENT_TERMS_TEMPLATES_QUERY)["paymentTermsTemplates"]

    def company(self, company_id):
        """The ``Company`` node with its contacts and locations, or None."""
        return self.graphql(queries.COMPANY_QUERY, {"id": to_gid("Company", company_id)}).get("company")

    def create_company(self, values):
        data = self.graphql(queries.COMPANY_CREATE_MUTATION, {"input": values})
        return self._check_user_errors(data.get("companyCreate"), "the company")["company"]

    def update_company(self, company_id, values):
        data = self.graphql(
            queries.COMPANY_UPDATE_MUTATION, {"companyId": to_gid("Company", company_id), "input": values}
        )
        return self._check_user_errors(data.get("companyUpdate"), "the company")["company"]

    def create_company_location(self, company_id, values):
        data = self.graphql(
            queries.COMPANY_LOCATION_CREATE_MUTATION,
            {"companyId": to_gid("Company", company_id), "input": values},
        )
        return self._check_user_errors(data.get("companyLocationCreate"), "the company location")[
            "companyLocation"
        ]

    def update_company_location(self, location_id, values, address=None):
        """Update a location, and its shipping and billing address when given (two calls)."""
        location_gid = to_gid("CompanyLocation", location_id)
        data = self.graphql(queries.COMPANY_LOCATION_UPDATE_MUTATION, {"id": location_gid, "input": values})
        self._check_user_errors(data.get("companyLocationUpdate"), "the company location")
        if address:
            data = self.graphql(
                queries.COMPANY_LOCATION_ASSIGN_ADDRESS_MUTATION,
                {"locationId": location_gid, "address": address, "addressTypes": ["SHIPPING", "BILLING"]},
            )
            self._check_user_errors(
                data.get("companyLocationAssignAddress"), "the company location's address"
            )

    def create_company_contact(self, company_id, values):
        data = self.graphql(
            queries.COMPANY_CONTACT_CREATE_MUTATION,
            {"companyId": to_gid("Company", company_id), "input": values},
        )
        return self._check_user_errors(data.get("companyContactCreate"), "the company contact")[
            "companyContact"
        ]

    # ------------------------------------------------------------------
    # fulfilment
    # ------------------------------------------------------------------

    def _fulfillment_context(self, order_id):
        data = self.graphql(queries.FULFILLMENT_ORDERS_QUERY, {"id": to_gid("Order", order_id)})
        order = data.get("order")
        if not order:
            raise RemoteRejected(f"Shopify order {order_id} not found", status_code=404)
        connection = order.get("fulfillmentOrders") or {}
        if (connection.get("pageInfo") or {}).get("hasNextPage") or any(
            ((fo.get("lineItems") or {}).get("pageInfo") or {}).get("hasNextPage")
            for fo in connection_nodes(connection)
        ):
            raise BusinessRuleError(
                f"Shopify order {order.get('name')} has more fulfillment orders or lines than this "
                "client reads at once; fulfil it in Shopify"
            )
        return order

    def fulfillment_orders(self, order_id):
        """The order's ``FulfillmentOrder`` nodes (status, assigned location, lines)."""
        return connection_nodes(self._fulfillment_context(order_id).get("fulfillmentOrders"))

    def create_fulfillment(self, order_id, lines=None, **options):
        """Mark ``lines`` of an order as shipped; returns the created
        ``Fulfillment`` nodes (one per assigned location).

        ``options``: ``tracking_number``, ``tracking_url``, ``carrier``,
        ``notify_customer`` (see :meth:`ensure_fulfillment`).

        ``lines``: ``[{line_item_id, quantity}]`` with the order's line ids
        (legacy ids or GIDs); None fulfils everything still open. Quantities
        are spread over the order's open fulfillment orders (partial
        quantities allowed). Shopify wants one call per location, so lines
        assigned to two locations give two fulfillments.

        Idempotent for a retried job: when a live fulfillment with the same
        ``tracking_number`` (and the same lines, when given) already exists,
        it is returned and nothing is created (see
        :meth:`ensure_fulfillment`). Asking for more than is still open
        raises :class:`BusinessRuleError`.
        """
        return self.ensure_fulfillment(order_id, lines, **options)[0]

    def ensure_fulfillment(
        self,
        order_id,
        lines=None,
        tracking_number=None,
        tracking_url=None,
        carrier=None,
        notify_customer=False,
        created_after=None,
        exclude_ids=(),
    ):
        """:meth:`create_fulfillment` that first looks for the fulfillment(s)
        an earlier, crashed attempt created; returns ``(nodes, created)``.

        The call that creates a fulfillment cannot commit with its caller's
        record of it: after a crash between the two, the same delivery would
        be sent again, and on a partly shipped line Shopify accepts it.
        So a live fulfillment of the order that is not in ``exclude_ids``
        (the ones the caller already knows about), carries
        ``tracking_number`` when one is given, was created at or after
        ``created_after`` (datetime, naive means UTC) when given, and ships
        exactly ``lines`` (same line items, same quantities) is that
        delivery: it is returned with ``created=False``. Lines spread over
        two locations match when the candidates together ship exactly
        ``lines``. Without a tracking number nor ``created_after`` nothing
        is matched (two deliveries of the same lines are legitimate).
        """
        order = self._fulfillment_context(order_id)
        existing = self._matching_fulfillments(order, lines, tracking_number, created_after, exclude_ids)
        if existing:
            self.logger.info(
                "Shopify order %s already has fulfillment(s) %s for these lines: not creating another",
                order.get("name"),
                ", ".join(f.get("id") or "?" for f in existing),
            )
            return existing, False
        return self._create_fulfillments(
            order, lines, tracking_number, tracking_url, carrier, notify_customer
        ), True

    def _matching_fulfillments(self, order, lines, tracking_number, created_after, exclude_ids):
        if not tracking_number and created_after is None:
            return []
        excluded = {from_gid(fid) for fid in exclude_ids or () if fid}
        since = None
        if created_after is not None:
            since = created_after if created_after.tzinfo else created_after.replace(tzinfo=timezone.utc)
        candidates = []
        for fulfillment in order.get("fulfillments") or []:
            if fulfillment.get("status") in _DEAD_FULFILLMENT or from_gid(fulfillment["id"]) in excluded:
                continue
            if tracking_number and not any(
                info.get("number") == tracking_number for info in fulfillment.get("trackingInfo") or []
            ):
                continue
            if since is not None:
                created = fulfillment.get("createdAt")
                if not created or datetime.fromisoformat(created.replace("Z", "+00:00")) < since:
                    continue
            candidates.append(fulfillment)
        if not candidates:
            return []
        if lines is None:  # everything open: the tracking number is all we can compare
            return candidates if tracking_number else []
        wanted = Counter()
        for line in lines:
            if int(line["quantity"]) > 0:
                wanted[from_gid(line["line_item_id"])] += int(line["quantity"])
        shipped = [self._fulfillment_lines(fulfillment["id"]) for fulfillment in candidates]
        for fulfillment, quantities in zip(candidates, shipped, strict=True):
            if quantities == wanted:
                return [fulfillment]
        if len(candidates) > 1 and sum(shipped, Counter()) == wanted:
            return candidates
        return []

    def _fulfillment_lines(self, fulfillment_id):
        """``Counter({line item legacy id: quantity})`` of one fulfillment."""
        quantities = Counter()
        after = None
        while True:
            data = self.graphql(queries.FULFILLMENT_LINES_QUERY, {"id": fulfillment_id, "after": after})
            connection = (data.get("fulfillment") or {}).get("fulfillmentLineItems") or {}
            for node in connection_nodes(connection):
                if node.get("quantity"):
                    quantities[from_gid((node.get("lineItem") or {}).get("id"))] += int(node["quantity"])
            page = connection.get("pageInfo") or {}
            if not page.get("hasNextPage"):
                return quantities
            after = page.get("endCursor")

    def _create_fulfillments(self, order, lines, tracking_number, tracking_url, carrier, notify_customer):
        open_orders = [
            fo
            for fo in connection_nodes(order.get("fulfillmentOrders"))
            if fo.get("status") in _OPEN_FULFILLMENT_ORDER
            and (
                "supportedActions" not in fo
                or any(a.get("action") == "CREATE_FULFILLMENT" for a in fo["supportedActions"] or [])
            )
        ]
        plan = {}  # fulfillment order id -> {fulfillment order line id: quantity}
        if lines:
            for wanted in lines:
                line_id = from_gid(wanted["line_item_id"])
                missing = int(wanted["quantity"])
                if missing <= 0:
                    continue
                for fo in open_orders:
                    for fo_line in connection_nodes(fo.get("lineItems")):
                        if from_gid((fo_line.get("lineItem") or {}).get("id")) != line_id:
                            continue
                        planned = plan.get(fo["id"], {})
                        free = fo_line["remainingQuantity"] - planned.get(fo_line["id"], 0)
                        take = min(free, missing)
                        if take > 0:
                            plan.setdefault(fo["id"], {})[fo_line["id"]] = (
                                planned.get(fo_line["id"], 0) + take
                            )
                            missing -= take
                        if not missing:
                            break
                    if not missing:
                        break
                if missing:
                    raise BusinessRuleError(
                        f"Shopify order {order.get('name')}: line {line_id} has {int(wanted['quantity']) - missing} "
                        f"unit(s) left to fulfil, {int(wanted['quantity'])} requested"
                    )
        else:
            plan = {
                fo["id"]: None
                for fo in open_orders
                if any(l["remainingQuantity"] for l in connection_nodes(fo.get("lineItems")))
            }
        if not plan:
            raise BusinessRuleError(f"Shopify order {order.get('name')}: nothing left to fulfil")

        by_location = {}
        for fo in open_orders:
            if fo["id"] not in plan:
                continue
            location = ((fo.get("assignedLocation") or {}).get("location") or {}).get("id")
            entry = {"fulfillmentOrderId": fo["id"]}
            if plan[fo["id"]] is not None:
                entry["fulfillmentOrderLineItems"] = [
                    {"id": line_id, "quantity": quantity} for line_id, quantity in plan[fo["id"]].items()
                ]
            by_location.setdefault(location, []).append(entry)
        tracking = {
            key: value
            for key, value in (("number", tracking_number), ("url", tracking_url), ("company", carrier))
            if value
        }
        created = []
        for entries in by_location.values():
            fulfillment = {"lineItemsByFulfillmentOrder": entries, "notifyCustomer": bool(notify_customer)}
            if tracking:
                fulfillment["trackingInfo"] = tracking
            data = self.graphql(queries.FULFILLMENT_CREATE_MUTATION, {"fulfillment": fulfillment})
            payload = self._check_user_errors(data.get("fulfillmentCreate"), "the fulfillment")
            created.append(payload["fulfillment"])
        return created

    # ------------------------------------------------------------------
    # webhooks
    # ------------------------------------------------------------------

    def webhook_subscriptions(self):
        """``[{id, topic, format, callback_url}]`` of this app on this shop."""
        result = []
        for node in self._paginate(queries.WEBHOOK_SUBSCRIPTIONS_QUERY, "webhookSubscriptions", {}, 100):
            result.append(self._subscription(node))
        return result

    @staticmethod
    def _subscription(node):
        endpoint = node.get("endpoint") or {}
        return {
            "id": node["id"],
            "topic": node["topic"],
            "format": node.get("format"),
            "callback_url": endpoint.get("callbackUrl"),
        }

    def create_webhook_subscription(self, topic, callback_url, format="JSON"):
        """Subscribe ``callback_url`` to ``topic`` (``orders/create`` or ``ORDERS_CREATE``)."""
        data = self.graphql(
            queries.WEBHOOK_SUBSCRIPTION_CREATE_MUTATION,
            {
                "topic": topic_enum(topic),
                "webhookSubscription": {"callbackUrl": callback_url, "format": format},
            },
        )
        payload = self._check_user_errors(data.get("webhookSubscriptionCreate"), f"the {topic} subscription")
        return self._subscription(payload["webhookSubscription"])

    def ensure_webhook_subscriptions(self, topics, callback_url):
        """Create the missing subscriptions of ``topics`` to ``callback_url``;
        returns the ones created."""
        existing = {(sub["topic"], sub["callback_url"]) for sub in self.webhook_subscriptions()}
        return [
            self.create_webhook_subscription(topic, callback_url)
            for topic in topics
            if (topic_enum(topic), callback_url) not in existing
        ]
