"""Shopify bulk query results (JSONL) put back into the paginated shape.

shopify.dev, "Perform bulk operations with the GraphQL Admin API": the
result of ``bulkOperationRunQuery`` is a JSONL file, one object per line.
Nested connections are not nested: each node of ``variants`` under a
product is a line of its own, with ``__parentId`` holding the parent's id.
Shopify writes parents before their children, but we do not rely on it.

:func:`reassemble` nests the children again, under the connection's name
and as ``{"nodes": [...]}``, so a product from a bulk file has the shape of
a product from ``PRODUCTS_QUERY`` and the mappers need not care where it
came from. No ORM here.
"""

import re

from odoo.addons.integration_core.lib.exceptions import PermanentError

from .gid import gid_kind

# BulkOperation.status values (BulkOperationStatus)
RUNNING_STATUSES = ("CREATED", "RUNNING", "CANCELING")
FAILED_STATUSES = ("FAILED", "CANCELED", "EXPIRED")
COMPLETED = "COMPLETED"

# What each status and error code means, for the messages users read.
_STATUS_TEXT = {
    "FAILED": "failed",
    "CANCELED": "was canceled",
    "EXPIRED": "expired (its result file is kept 7 days)",
}
_ERROR_TEXT = {
    "ACCESS_DENIED": "the app's access scopes do not allow reading what the query asks for",
    "INTERNAL_SERVER_ERROR": "Shopify had internal errors running it (often temporary)",
    "TIMEOUT": "the query took too long at Shopify",
}


def connection_name(type_name):
    """``"LineItem"`` -> ``"lineItems"``: the usual name of a connection of that type."""
    return type_name[:1].lower() + type_name[1:] + "s"


def reassemble(lines, children=None):
    """The root objects of a bulk result, their children nested again.

    ``lines``: the parsed JSONL objects, in any order (an iterator is fine).
    ``children``: node type -> connection name, e.g. ``{"ProductVariant":
    "variants"}`` (the type is read from the child's GID); unmapped types get
    :func:`connection_name`. A child goes under its parent as
    ``parent[name]["nodes"]`` and loses its ``__parentId``; grandchildren
    work the same way. Roots keep their order in the file, children too.

    Every object is held until the end (a child may come after everything
    else), so the memory used grows with the file. Raises
    :class:`PermanentError` for a child whose parent is not in the file.
    """
    children = children or {}
    roots = []
    by_id = {}
    pending = []  # (child, parent id), attached once every line is read
    for line in lines:
        obj = dict(line)
        parent_id = obj.pop("__parentId", None)
        if obj.get("id"):
            by_id[obj["id"]] = obj
        if parent_id:
            pending.append((obj, parent_id))
        else:
            roots.append(obj)
    for obj, parent_id in pending:
        parent = by_id.get(parent_id)
        if parent is None:
            raise PermanentError(
                f"The Shopify bulk result is inconsistent: {obj.get('id') or obj} refers to parent "
                f"{parent_id}, which is not in the file."
            )
        kind = gid_kind(obj.get("id")) or ""
        name = children.get(kind) or connection_name(kind or "node")
        connection = parent.get(name)
        if not isinstance(connection, dict):
            connection = parent[name] = {"nodes": []}
        connection.setdefault("nodes", []).append(obj)
    return roots


def ensure_connections(node, names):
    """Give ``node`` an empty ``{"nodes": []}`` for each of ``names`` it lacks
    (a bulk file has no line for a product without variants)."""
    for name in names:
        if not isinstance(node.get(name), dict):
            node[name] = {"nodes": []}
    return node


def normalized_query(text):
    """A query's text with its whitespace squeezed, to compare two queries."""
    return re.sub(r"\s+", " ", text or "").strip()


def failure_message(operation):
    """Plain words for an operation that ended FAILED, CANCELED or EXPIRED."""
    status = operation.get("status")
    code = operation.get("errorCode")
    text = f"Shopify bulk operation {operation.get('id')} {_STATUS_TEXT.get(status, status.lower())}"
    if code:
        text += f" ({code}: {_ERROR_TEXT.get(code, 'see Shopify')})"
    if operation.get("partialDataUrl"):
        text += "; Shopify kept partial data, which is not imported"
    return text + "."
