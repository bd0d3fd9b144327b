"""The query root's resolvers: cursor pagination (``first``/``after``/
``last``/``before``, at most 250 a page), the ``query:`` search syntax and
sort keys."""

from datetime import datetime

from graphql import GraphQLError

from .common import (
    GID,
    MAX_PAGE_SIZE,
    SEARCH_TERM,
    decode_cursor,
    encode_cursor,
    legacy,
    parse_time,
    utc_text,
)


class QueriesMixin:
    """Resolvers of the query and mutation roots, installed on the schema."""

    def _install_resolvers(self):
        query = self.schema.query_type.fields
        query["shop"].resolve = lambda root, info: self._v_shop()
        query["order"].resolve = lambda root, info, id: self._v_order_by_gid(id)
        query["orders"].resolve = self._resolve_orders
        query["product"].resolve = lambda root, info, id: self._v_product_by_id(legacy(id, "Product"))
        query["products"].resolve = self._resolve_products
        query["location"].resolve = lambda root, info, id=None: self._v_location_by_id(
            legacy(id, "Location") if id else next(iter(self.locations), None)
        )
        query["locations"].resolve = self._resolve_locations
        query["inventoryItem"].resolve = lambda root, info, id: self._v_inventory_item_by_id(
            legacy(id, "InventoryItem")
        )
        query["fulfillmentOrder"].resolve = lambda root, info, id: self._v_fulfillment_order_by_id(
            legacy(id, "FulfillmentOrder")
        )
        query["fulfillment"].resolve = lambda root, info, id: self._v_fulfillment_by_id(
            legacy(id, "Fulfillment")
        )
        query["webhookSubscriptions"].resolve = self._resolve_webhook_subscriptions
        query["currentBulkOperation"].resolve = self._resolve_current_bulk_operation
        query["node"].resolve = lambda root, info, id: self._resolve_node(id)
        query["nodes"].resolve = self._resolve_nodes
        mutation = self.schema.mutation_type.fields
        mutation["inventorySetQuantities"].resolve = self._mutate_inventory_set_quantities
        mutation["fulfillmentCreate"].resolve = self._mutate_fulfillment_create
        mutation["webhookSubscriptionCreate"].resolve = self._mutate_webhook_subscription_create
        mutation["webhookSubscriptionDelete"].resolve = self._mutate_webhook_subscription_delete
        mutation["bulkOperationRunQuery"].resolve = self._mutate_bulk_operation_run_query
        mutation["bulkOperationCancel"].resolve = self._mutate_bulk_operation_cancel

    def _resolve_node(self, gid_value):
        """``node(id:)``: product variants and bulk operations (other types
        answer null here, as an unknown id does on Shopify)."""
        variant_id = legacy(gid_value, "ProductVariant")
        if variant_id is not None and str(gid_value).startswith(GID):
            variant = self._v_variant_by_id(variant_id)
            return dict(variant, __typename="ProductVariant") if variant else None
        return self._bulk_operation_node(gid_value)

    def _resolve_nodes(self, root, info, ids):
        """``nodes(ids:)``: one answer per id, in order, null for an unknown
        one; Shopify takes at most 250 ids a call."""
        if len(ids) > MAX_PAGE_SIZE:
            raise GraphQLError(f"The ids argument accepts at most {MAX_PAGE_SIZE} ids.")
        return [self._resolve_node(gid_value) for gid_value in ids]

    def _connection(self, entries, args, view):
        """Cursor pagination over ``[(sort_key_tuple, raw)]``."""
        first, last = args.get("first"), args.get("last")
        if first is None and last is None and self._bulk_unbounded:
            first = len(entries)  # a bulk query reads whole connections
        elif first is None and last is None:
            raise GraphQLError("you must provide one of first or last")
        for size in (first, last):
            if size is not None and not 0 <= size <= MAX_PAGE_SIZE and not self._bulk_unbounded:
                raise GraphQLError(f"The value of first/last must be between 0 and {MAX_PAGE_SIZE}.")
        reverse = bool(args.get("reverse"))
        seq = sorted(entries, key=lambda entry: entry[0], reverse=reverse)
        if args.get("after"):
            mark = decode_cursor(args["after"])
            seq = [e for e in seq if (e[0] < mark if reverse else e[0] > mark)]
        if args.get("before"):
            mark = decode_cursor(args["before"])
            seq = [e for e in seq if (e[0] > mark if reverse else e[0] < mark)]
        has_next = has_previous = False
        if first is not None:
            has_next = len(seq) > first
            seq = seq[:first]
        if last is not None:
            has_previous = len(seq) > last
            seq = seq[len(seq) - last :] if last else []
        has_previous = has_previous or bool(args.get("after"))
        has_next = has_next or bool(args.get("before"))
        edges = [{"cursor": encode_cursor(key), "node": view(raw)} for key, raw in seq]
        return {
            "edges": edges,
            "nodes": [edge["node"] for edge in edges],
            "pageInfo": {
                "hasNextPage": has_next,
                "hasPreviousPage": has_previous,
                "startCursor": edges[0]["cursor"] if edges else None,
                "endCursor": edges[-1]["cursor"] if edges else None,
            },
        }

    def _list_connection(self, items, args, view):
        """A connection over a list kept in natural order."""
        return self._connection([((index,), item) for index, item in enumerate(items)], args, view)

    @staticmethod
    def _search(query, getters):
        """Filter predicate for Shopify's search syntax (the subset in ``getters``)."""
        tests = []
        for negate, field, op, raw in SEARCH_TERM.findall(query or ""):
            getter = getters.get(field.lower())
            if getter is None:
                continue  # Shopify ignores unknown filters (with a search warning)
            value = raw.strip("'\"")
            tests.append((bool(negate), getter, op or "=", value))

        def matches(obj):
            for negate, getter, op, value in tests:
                actual = getter(obj)
                if isinstance(actual, datetime):
                    try:
                        expected = parse_time(value)
                    except ValueError:
                        return False
                elif isinstance(actual, int):
                    try:
                        expected = int(value)
                    except ValueError:
                        return False
                else:
                    actual, expected = str(actual or "").lower(), value.lower()
                if actual is None:
                    result = False
                else:
                    result = {
                        "=": actual == expected,
                        ">": actual > expected,
                        ">=": actual >= expected,
                        "<": actual < expected,
                        "<=": actual <= expected,
                    }[op]
                if result == negate:
                    return False
            return True

        return matches

    def _resolve_orders(self, root, info, sortKey="PROCESSED_AT", query=None, **args):
        matches = self._search(
            query,
            {
                "updated_at": lambda o: parse_time(o.get("updated_at")),
                "created_at": lambda o: parse_time(o.get("created_at")),
                "processed_at": lambda o: parse_time(o.get("processed_at") or o.get("created_at")),
                "id": lambda o: o["id"],
                "name": lambda o: o.get("name"),
                "financial_status": lambda o: o.get("financial_status"),
                "email": lambda o: o.get("email"),
            },
        )

        def key(order):
            if sortKey == "UPDATED_AT":
                return (utc_text(order.get("updated_at")) or "", order["id"])
            if sortKey in ("CREATED_AT", "PROCESSED_AT"):
                return (utc_text(order.get("processed_at") or order.get("created_at")) or "", order["id"])
            if sortKey == "ORDER_NUMBER":
                return (order.get("order_number") or 0, order["id"])
            return (order["id"],)

        entries = [(key(o), o) for o in self.orders.values() if matches(o)]
        return self._connection(entries, args, self._v_order)

    def _resolve_products(self, root, info, sortKey="ID", query=None, **args):
        matches = self._search(
            query,
            {
                "updated_at": lambda p: parse_time(p.get("updated_at")),
                "created_at": lambda p: parse_time(p.get("created_at")),
                "id": lambda p: p["id"],
                "title": lambda p: p.get("title"),
                "sku": lambda p: " ".join(v.get("sku") or "" for v in p["variants"]),
                "vendor": lambda p: p.get("vendor"),
            },
        )

        def key(product):
            if sortKey == "UPDATED_AT":
                return (utc_text(product.get("updated_at")) or "", product["id"])
            if sortKey == "TITLE":
                return (product.get("title") or "", product["id"])
            return (product["id"],)

        entries = [(key(p), p) for p in self.products.values() if matches(p)]
        return self._connection(entries, args, self._v_product)

    def _resolve_locations(self, root, info, sortKey="NAME", query=None, **args):
        args.pop("includeLegacy", None)
        args.pop("includeInactive", None)
        entries = [
            ((loc["name"], loc["id"]) if sortKey == "NAME" else (loc["id"],), loc)
            for loc in self.locations.values()
        ]
        return self._connection(entries, args, self._v_location)

    def _resolve_webhook_subscriptions(self, root, info, topics=None, format=None, callbackUrl=None, **args):
        entries = [
            ((sub["id"],), sub)
            for sub in self.webhook_subscriptions.values()
            if (not topics or sub["topic"] in topics)
            and (not format or sub["format"] == format)
            and (not callbackUrl or sub["callback_url"] == callbackUrl)
        ]
        return self._connection(entries, args, self._v_webhook_subscription)
