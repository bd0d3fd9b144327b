"""GraphQL execution with Shopify's calculated query cost and throttling.

Scalars and enums cost 0, objects 1, connections 2 + ``first`` x the cost of
one node, mutations 10; a query may not request more than
:attr:`max_query_cost`; the bucket is charged the requested cost, then
refunded down to the actual cost. Every answer carries ``extensions.cost``.
"""

from graphql import GraphQLError, execute, get_named_type, is_leaf_type, parse, validate
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
)

from ..peer import LeakyBucket
from .common import MUTATION_COST, STANDARD_BUCKET_SIZE, STANDARD_RESTORE_RATE, is_connection

# Distinct query texts kept parsed and validated (see _checked_document).
DOCUMENT_CACHE_SIZE = 512


class CostBucket(LeakyBucket):
    """Shopify's query-cost bucket: ``size`` points, refilled at
    ``restore_rate``/s (standard plan: 2000, 100/s); :meth:`status` is the
    ``throttleStatus`` of ``extensions.cost``."""

    def __init__(self, size=STANDARD_BUCKET_SIZE, restore_rate=STANDARD_RESTORE_RATE, clock=None):
        super().__init__(size, restore_rate, clock)

    def status(self):
        return {
            "maximumAvailable": self.size,
            "currentlyAvailable": int(self.available()),
            "restoreRate": self.restore_rate,
        }


def connection_nodes(value, kind):
    """The nodes of a connection's answer, where the selection asked for
    them: ``kind`` is ``"nodes"`` or ``"edges"`` (``edges.node``)."""
    if kind == "nodes":
        return value.get("nodes") or []
    return [edge.get("node") for edge in value.get("edges") or []]


def operation_label(query):
    """The first root field of a document (e.g. ``orders``), for call stats."""
    if not isinstance(query, str):
        return None
    try:
        document = parse(query)
    except GraphQLError:
        return None
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            for selection in definition.selection_set.selections:
                if isinstance(selection, FieldNode):
                    return selection.name.value
    return None


class GraphQLMixin:
    """:meth:`execute` and the cost calculation (requested and actual)."""

    def execute(self, query, variables=None, operation_name=None):
        """Run one GraphQL request as Shopify would; returns the JSON body."""
        document, errors = self._checked_document(query)
        if errors:
            return {"errors": errors}
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if operation_name:
            operations = [o for o in operations if o.name and o.name.value == operation_name]
        if len(operations) != 1:
            return {"errors": [{"message": "An operation name is required when several operations are sent"}]}
        operation = operations[0]
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        coerced = get_variable_values(self.schema, operation.variable_definitions or [], variables or {})
        if isinstance(coerced, list):
            return {"errors": [error.formatted for error in coerced]}
        is_mutation = operation.operation.value == "mutation"
        root = self.schema.mutation_type if is_mutation else self.schema.query_type
        if is_mutation:
            requested = MUTATION_COST * len(self._collect(root, operation.selection_set, fragments))
        else:
            requested = self._requested_cost(root, operation.selection_set, fragments, coerced)
        if requested > self.max_query_cost:
            return {
                "errors": [
                    {
                        "message": (
                            f"Query cost is {requested}, which exceeds the single query max cost "
                            f"limit ({self.max_query_cost})."
                        ),
                        "extensions": {
                            "code": "MAX_COST_EXCEEDED",
                            "cost": requested,
                            "maxCost": self.max_query_cost,
                        },
                    }
                ],
                "extensions": {"cost": self._cost_extension(requested, None)},
            }
        if not self.bucket.take(requested):
            return {
                "errors": [
                    {
                        "message": "Throttled",
                        "extensions": {
                            "code": "THROTTLED",
                            "documentation": "https://shopify.dev/api/usage/rate-limits",
                        },
                    }
                ],
                "extensions": {"cost": self._cost_extension(requested, None)},
            }
        result = execute(
            self.schema, document, variable_values=variables or {}, operation_name=operation_name
        )
        if is_mutation:
            actual = requested
        else:
            actual = min(requested, self._actual_cost(root, operation.selection_set, fragments, result.data))
        self.bucket.refund(requested - actual)
        body = {"data": result.data}
        if result.errors:
            body["errors"] = [error.formatted for error in result.errors]
        body["extensions"] = {"cost": self._cost_extension(requested, actual)}
        return body

    def _checked_document(self, query):
        """(document, formatted errors) of a query text: parsed and validated
        against the schema once per distinct text (a client sends the same
        few documents over and over; validating dominated a call's time)."""
        cache = self.__dict__.setdefault("_document_cache", {})
        if query not in cache:
            try:
                document = parse(query)
            except GraphQLError as exc:
                return None, [exc.formatted]
            errors = [error.formatted for error in validate(self.schema, document)]
            if len(cache) >= DOCUMENT_CACHE_SIZE:
                cache.clear()
            cache[query] = (document, errors)
        return cache[query]

    def _cost_extension(self, requested, actual):
        return {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": self.bucket.status(),
        }

    def _collect(self, parent_type, selection_set, fragments, out=None):
        out = [] if out is None else out
        if selection_set is None:
            return out
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                out.append((selection, parent_type))
            elif isinstance(selection, InlineFragmentNode):
                owner = (
                    self.schema.get_type(selection.type_condition.name.value)
                    if selection.type_condition
                    else parent_type
                )
                self._collect(owner, selection.selection_set, fragments, out)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments[selection.name.value]
                owner = self.schema.get_type(fragment.type_condition.name.value)
                self._collect(owner, fragment.selection_set, fragments, out)
        return out

    def _field(self, node, owner):
        name = node.name.value
        if name.startswith("__"):
            return None, None
        field = getattr(owner, "fields", {}).get(name)
        if field is None:
            return None, None
        return field, get_named_type(field.type)

    def _node_selections(self, connection_type, selection_set, fragments):
        """Selection sets applied to each node of a connection (``nodes`` or ``edges.node``)."""
        node_type = get_named_type(connection_type.fields["nodes"].type)
        selections = []
        for node, owner in self._collect(connection_type, selection_set, fragments):
            if node.name.value == "nodes":
                selections.append(("nodes", node.selection_set))
            elif node.name.value == "edges":
                edge_type = get_named_type(owner.fields["edges"].type)
                for sub, _owner in self._collect(edge_type, node.selection_set, fragments):
                    if sub.name.value == "node":
                        selections.append(("edges", sub.selection_set))
        return node_type, selections

    def _requested_cost(self, parent_type, selection_set, fragments, variables):
        total = 0
        for node, owner in self._collect(parent_type, selection_set, fragments):
            field, named = self._field(node, owner)
            if field is None or is_leaf_type(named):
                continue
            if is_connection(named):
                args = get_argument_values(field, node, variables)
                size = args.get("first") if args.get("first") is not None else args.get("last") or 0
                node_type, selections = self._node_selections(named, node.selection_set, fragments)
                per_node = max(
                    (1 + self._requested_cost(node_type, sel, fragments, variables) for _, sel in selections),
                    default=0,
                )
                total += 2 + size * per_node
            else:
                total += 1 + self._requested_cost(named, node.selection_set, fragments, variables)
        return total

    def _actual_cost(self, parent_type, selection_set, fragments, data):
        if not isinstance(data, dict):
            return 0
        total = 0
        for node, owner in self._collect(parent_type, selection_set, fragments):
            field, named = self._field(node, owner)
            key = node.alias.value if node.alias else node.name.value
            if field is None or is_leaf_type(named) or key not in data:
                continue
            value = data[key]
            if is_connection(named):
                total += 2
                if not isinstance(value, dict):
                    continue
                node_type, selections = self._node_selections(named, node.selection_set, fragments)
                if not selections:
                    continue
                kind, sel = selections[0]
                items = connection_nodes(value, kind)
                total += sum(1 + self._actual_cost(node_type, sel, fragments, item) for item in items)
            elif isinstance(value, list):
                total += 1 + max(
                    (self._actual_cost(named, node.selection_set, fragments, item) for item in value),
                    default=0,
                )
            else:
                total += 1 + self._actual_cost(named, node.selection_set, fragments, value)
        return total
