"""Bulk operations (shopify.dev, "Perform bulk operations with the GraphQL
Admin API", 2025-01): ``bulkOperationRunQuery``, ``bulkOperationCancel``,
the polls (``currentBulkOperation``, ``node(id:)``) that advance an
operation, and the JSONL file served at ``GET /bulk/<id>.jsonl``."""

import json

from graphql import GraphQLError, execute, is_leaf_type, parse, validate
from graphql.language import FragmentDefinitionNode, OperationDefinitionNode

from .common import BULK_ACTIVE, BULK_ERROR_CODES, gid, is_connection, legacy, utc_text
from .graphql import connection_nodes


class BulkMixin:
    """One query operation at a time: CREATED -> RUNNING for
    :attr:`bulk_running_polls` polls -> COMPLETED (or FAILED, CANCELED)."""

    def fail_next_bulk_operation(self, error_code="INTERNAL_SERVER_ERROR"):
        """The next bulk operation started ends ``FAILED`` with ``error_code``
        (``ACCESS_DENIED``, ``INTERNAL_SERVER_ERROR`` or ``TIMEOUT``) where it
        would have completed, without a partial file."""
        if error_code not in BULK_ERROR_CODES:
            raise ValueError(f"not a BulkOperationErrorCode: {error_code}")
        with self._lock:
            self._bulk_fail_next = error_code

    def _handle_bulk_download(self, handler, operation_id):
        """The JSONL result of a completed bulk operation (no token needed:
        at Shopify this is a signed storage URL)."""
        with self._lock:
            self.bulk_downloads.append({"id": operation_id, "headers": dict(handler.headers)})
            data = self.bulk_files.get(operation_id)
            down = self.faults.outage_status()
        if down:
            return handler.reply(down, {"errors": "Service Unavailable"})
        if data is None:
            return handler.reply(404, {"errors": "Not Found"})
        return handler.reply_raw(200, data, "application/jsonl")

    def _mutate_bulk_operation_run_query(self, root, info, query):
        def refused(message, code="INVALID", field=("query",)):
            return {
                "bulkOperation": None,
                "userErrors": [{"code": code, "field": list(field) if field else None, "message": message}],
            }

        running = [op for op in self.bulk_operations.values() if op["status"] in BULK_ACTIVE]
        if running:
            return refused(
                "A bulk query operation for this app and shop is already in progress: "
                f"{gid('BulkOperation', running[-1]['id'])}.",
                code="OPERATION_IN_PROGRESS",
                field=None,
            )
        try:
            document = parse(query)
        except GraphQLError as exc:
            return refused(f"Invalid bulk query: {exc.message}")
        errors = validate(self.schema, document)
        if errors:
            return refused(f"Invalid bulk query: {errors[0].message}")
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) != 1 or operations[0].operation.value != "query":
            return refused("Bulk queries must consist of exactly one query operation.")
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        without_id = []
        connections = self._bulk_inspect(
            self.schema.query_type, operations[0].selection_set, fragments, without_id
        )
        if not connections:
            return refused("Bulk queries must contain at least one connection.")
        if without_id:
            return refused(
                "The parent 'node' field for a nested connection must select the 'id' field without an "
                f"alias and must be of 'ID' return type. Connection fields without 'id': {', '.join(without_id)}."
            )
        operation_id = self._next_id()
        op = {
            "id": operation_id,
            "status": "CREATED",
            "query": query,
            "created_at": utc_text(self.now()),
            "completed_at": None,
            "error_code": None,
            "object_count": 0,
            "root_object_count": 0,
            "file_size": None,
            "url": None,
            "polls": 0,
            "running_polls": self.bulk_running_polls,
            "fail": self._bulk_fail_next,
        }
        self._bulk_fail_next = None
        self.bulk_operations[operation_id] = op
        return {"bulkOperation": self._v_bulk_operation(op), "userErrors": []}

    def _mutate_bulk_operation_cancel(self, root, info, id):  # noqa: A002 - Shopify's name
        """``bulkOperationCancel``: a running operation goes CANCELING, and
        CANCELED at the next poll; a finished one cannot be canceled."""
        op = self.bulk_operations.get(legacy(id, "BulkOperation"))
        if op is None:
            return {
                "bulkOperation": None,
                "userErrors": [{"field": ["id"], "message": "Bulk operation does not exist"}],
            }
        if op["status"] not in ("CREATED", "RUNNING"):
            return {
                "bulkOperation": self._v_bulk_operation(op),
                "userErrors": [
                    {
                        "field": None,
                        "message": f"A bulk operation cannot be canceled when it is {op['status'].lower()}",
                    }
                ],
            }
        op["status"] = "CANCELING"
        return {"bulkOperation": self._v_bulk_operation(op), "userErrors": []}

    def _bulk_inspect(self, parent_type, selection_set, fragments, without_id, in_node=False):
        """Number of connections in a bulk query; the nested ones whose parent
        node does not select ``id`` are added to ``without_id``."""
        count = 0
        fields = self._collect(parent_type, selection_set, fragments)
        selects_id = any(node.name.value == "id" and node.alias is None for node, _owner in fields)
        for node, owner in fields:
            field, named = self._field(node, owner)
            if field is None or is_leaf_type(named):
                continue
            if is_connection(named):
                count += 1
                if in_node and not selects_id:
                    without_id.append(node.name.value)
                node_type, selections = self._node_selections(named, node.selection_set, fragments)
                for _kind, sel in selections[:1]:
                    count += self._bulk_inspect(node_type, sel, fragments, without_id, in_node=True)
            else:
                count += self._bulk_inspect(named, node.selection_set, fragments, without_id, in_node)
        return count

    def _resolve_current_bulk_operation(self, root, info, type="QUERY"):  # noqa: A002 - Shopify's name
        if type != "QUERY" or not self.bulk_operations:
            return None
        op = self.bulk_operations[max(self.bulk_operations)]
        self._bulk_advance(op)
        return self._v_bulk_operation(op)

    def _bulk_operation_node(self, gid_value):
        """A bulk operation asked for by ``node(id:)`` (one poll), or None."""
        op = self.bulk_operations.get(legacy(gid_value, "BulkOperation"))
        if op is None:
            return None
        self._bulk_advance(op)
        return self._v_bulk_operation(op)

    def _bulk_advance(self, op):
        """One poll: CREATED -> RUNNING for ``running_polls`` polls -> COMPLETED
        (or FAILED); CANCELING -> CANCELED."""
        if op["status"] == "CANCELING":
            op.update(status="CANCELED", completed_at=utc_text(self.now()))
            return
        if op["status"] not in ("CREATED", "RUNNING"):
            return
        op["polls"] += 1
        if op["polls"] <= op["running_polls"]:
            op["status"] = "RUNNING"
            return
        if op["fail"]:
            op.update(status="FAILED", error_code=op["fail"])
            return
        lines = self._bulk_lines(op["query"])
        data = b"".join(json.dumps(line, separators=(",", ":")).encode() + b"\n" for line in lines)
        op.update(
            status="COMPLETED",
            completed_at=utc_text(self.now()),
            object_count=len(lines),
            root_object_count=sum(1 for line in lines if "__parentId" not in line),
        )
        if lines:  # Shopify gives no file (url null) when the query found nothing
            self.bulk_files[op["id"]] = data
            op.update(file_size=len(data), url=f"{self.base_url}/bulk/{op['id']}.jsonl")

    def _bulk_lines(self, query):
        """Run a bulk query over the shop's data; its JSONL objects, flattened."""
        document = parse(query)
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        self._bulk_unbounded = True
        try:
            result = execute(self.schema, document)
        finally:
            self._bulk_unbounded = False
        if result.errors:
            raise GraphQLError(f"bulk query failed: {result.errors[0].message}")
        lines = []
        self._bulk_flatten(
            self.schema.query_type, operation.selection_set, fragments, result.data, None, lines
        )
        return lines

    def _bulk_flatten(self, parent_type, selection_set, fragments, value, parent_id, out, line=None):
        """Walk ``value`` along the selection: each connection node becomes a
        line (with ``__parentId`` when nested), written before its children."""
        children = []
        for node, owner in self._collect(parent_type, selection_set, fragments):
            field, named = self._field(node, owner)
            key = node.alias.value if node.alias else node.name.value
            if not isinstance(value, dict) or key not in value:
                continue
            if field is not None and is_connection(named):
                children.append((named, node, value[key]))
            elif line is not None:
                line[key] = value[key]
        if line is not None and parent_id:
            line["__parentId"] = parent_id
        owner_id = line.get("id") if line is not None else parent_id
        for named, node, connection in children:
            node_type, selections = self._node_selections(named, node.selection_set, fragments)
            if not selections or not isinstance(connection, dict):
                continue
            kind, sel = selections[0]
            for item in connection_nodes(connection, kind):
                child = {}
                out.append(child)
                self._bulk_flatten(node_type, sel, fragments, item, owner_id, out, child)

    def _v_bulk_operation(self, op):
        return {
            "__typename": "BulkOperation",
            "id": gid("BulkOperation", op["id"]),
            "status": op["status"],
            "type": "QUERY",
            "errorCode": op["error_code"],
            "createdAt": op["created_at"],
            "completedAt": op["completed_at"],
            "objectCount": str(op["object_count"]),
            "rootObjectCount": str(op["root_object_count"]),
            "fileSize": str(op["file_size"]) if op["file_size"] is not None else None,
            "url": op["url"],
            "partialDataUrl": None,
            "query": op["query"],
        }
