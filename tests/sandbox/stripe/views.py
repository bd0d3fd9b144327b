"""Stripe's shapes of stored objects, as the API shows them at a time:
balance transactions ``pending`` or ``available``, a charge's ``refunds``
list, a dispute's ``balance_transactions``; and ``expand[]`` (a field
holding an id replaced by the object, dotted paths, ``data.`` in lists)."""

from .store import StripeError

# object -> fields holding an id that ``expand[]`` may replace
EXPANDABLE = {
    "balance_transaction": {"source"},
    "charge": {"balance_transaction", "refunds"},
    "refund": {"charge", "balance_transaction"},
    "dispute": {"charge"},
    "payout": {"balance_transaction", "failure_balance_transaction"},
    "event": set(),
    "reserve_transaction": set(),
}
MAX_EXPAND_DEPTH = 4  # "You can expand recursively ... up to four levels"


def view(store, obj, at=None):
    """A copy of ``obj`` as the API answers it at Unix time ``at`` (default now).
    A charge's ``refunds`` are left out (Stripe stopped including them in API
    version 2022-11-15): ``expand[]=refunds`` gives them."""
    at = store.now() if at is None else at
    kind = obj["object"]
    out = plain_copy(obj)
    if kind == "balance_transaction":
        out["status"] = "available" if obj["available_on"] <= at else "pending"
    elif kind == "charge":
        out.pop("refunds", None)
    elif kind == "dispute":
        out["balance_transactions"] = [view(store, store.objects[t], at) for t in obj["balance_transactions"]]
    return out


def refund_list(store, charge_id):
    """A charge's ``refunds`` when expanded: a list object, newest first."""
    refunds = [view(store, store.objects[r]) for r in reversed(store.refunds_of.get(charge_id, []))]
    return {
        "object": "list",
        "data": refunds,
        "has_more": False,
        "total_count": len(refunds),
        "url": f"/v1/charges/{charge_id}/refunds",
    }


def plain_copy(value):
    """A deep copy of JSON-like data (dicts, lists, scalars), faster than copy.deepcopy."""
    if isinstance(value, dict):
        return {k: plain_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_copy(v) for v in value]
    return value


def expand(store, obj, paths):
    """Apply ``expand[]`` ``paths`` (already without ``data.``) to one viewed object."""
    for path in paths:
        _expand_path(store, obj, path.split("."), path)
    return obj


def _expand_path(store, obj, parts, whole):
    if len(whole.split(".")) > MAX_EXPAND_DEPTH:
        raise StripeError(
            400, f"You cannot expand more than {MAX_EXPAND_DEPTH} levels of a property.", param="expand"
        )
    field, rest = parts[0], parts[1:]
    if not isinstance(obj, dict) or field not in EXPANDABLE.get(obj.get("object"), set()):
        raise StripeError(400, f"This property cannot be expanded ({field}).", param="expand")
    value = obj.get(field)
    if obj.get("object") == "charge" and field == "refunds":
        value = obj["refunds"] = refund_list(store, obj["id"])
    elif isinstance(value, str):
        target = store.objects.get(value)
        if target is None:
            return  # an id the sandbox does not keep (e.g. a bank account): left as it is
        value = obj[field] = view(store, target)
    if rest and value is not None:
        _expand_path(store, value, rest, whole)
