"""What a 3PL says it holds against what Odoo holds: variances, classified.

Plain Python (no ORM): the Odoo layer reads its quantities in one query,
translates the 3PL's SKUs with :func:`translate`, and calls :func:`reconcile`.

Both sides are dicts keyed by ``(product, lot)``: ``product`` is whatever
the caller uses (an Odoo product id), ``lot`` a lot name or ``None`` for
untracked stock. Quantities are ``Decimal`` in the product's own unit.

One pass over the union of the keys, no sorting or searching: 50,000 SKUs
reconcile in a fraction of a second.

Classification of a variance (the backend's tolerances):

- ``matched``: no difference;
- ``auto``: within every tolerance that is set (absolute quantity and/or
  percent of Odoo's quantity): applied without a user;
- ``approve``: beyond a tolerance, or no tolerance set at all, or a
  decrease that would cut into stock reserved by deliveries already
  released to the 3PL (``protected``): a manager approves or rejects it.

A *complete* snapshot says the 3PL holds nothing of what it does not list:
Odoo's unlisted keys are compared with 0. A *partial* snapshot only speaks
of the products it lists: for those, every lot Odoo holds is compared (an
unlisted lot of a listed product is held at 0); other products are ignored.
"""

from decimal import Decimal

from odoo.addons.integration_core.lib.exceptions import MappingError

MATCHED = "matched"
AUTO = "auto"
APPROVE = "approve"

ZERO = Decimal(0)
HUNDRED = Decimal(100)
MAX_NAMED = 10  # unknown SKUs named in one error


class Tolerance:
    """A backend's tolerance: ``absolute`` quantity and/or ``percent`` of
    Odoo's quantity (``None`` or 0: not set). A difference is within the
    tolerance when it is within every limit that is set; with none set,
    every difference needs approval."""

    __slots__ = ("absolute", "percent")

    def __init__(self, absolute=None, percent=None):
        self.absolute = _decimal(absolute) if absolute else None
        self.percent = _decimal(percent) if percent else None

    def within(self, odoo_qty, difference):
        if self.absolute is None and self.percent is None:
            return False
        size = abs(difference)
        if self.absolute is not None and size > self.absolute:
            return False
        if self.percent is not None:
            if not odoo_qty:
                return False  # anything is an infinite percent of nothing
            if size * HUNDRED > self.percent * abs(odoo_qty):
                return False
        return True


class Variance:
    """One (product, lot): Odoo's quantity, the 3PL's, the difference (3PL
    minus Odoo: what applying it adds to Odoo), its value when a unit cost
    is known, the classification and, when it waits, why."""

    __slots__ = (
        "product",
        "lot",
        "odoo_qty",
        "tpl_qty",
        "difference",
        "value",
        "status",
        "reason",
        "reason_code",
    )

    def __init__(self, product, lot, odoo_qty, tpl_qty, difference, value, status, reason=None):
        self.product = product
        self.lot = lot
        self.odoo_qty = odoo_qty
        self.tpl_qty = tpl_qty
        self.difference = difference
        self.value = value
        self.status = status
        self.reason = reason
        self.reason_code = None  # an adjustment's: the 3PL's reason

    @property
    def key(self):
        return (self.product, self.lot)

    def __repr__(self):
        return (
            f"Variance({self.product!r}, {self.lot!r}, odoo={self.odoo_qty}, tpl={self.tpl_qty}, "
            f"diff={self.difference}, {self.status})"
        )


def _decimal(value):
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def translate(items, resolve, quantity_key="on_hand"):
    """The snapshot's ``items`` as ``{(product, lot): quantity}`` in our terms.

    ``resolve(sku)`` returns ``(product, units_per_3pl_unit, tracked)`` or
    ``None`` for an unknown SKU. The lot is kept for tracked products only;
    several items of the same key add up. Unknown SKUs raise one
    MappingError naming each (``items[3].sku: ABC``), so a user maps them
    and replays the snapshot."""
    theirs = {}
    unknown = []
    cache = {}
    for index, item in enumerate(items):
        sku = item["sku"]
        found = cache.get(sku)
        if found is None:
            found = cache[sku] = resolve(sku) or False
        if not found:
            unknown.append(f"items[{index}].sku: {sku}")
            continue
        product, per, tracked = found
        quantity = _decimal(item.get(quantity_key))
        if per != 1:
            quantity *= _decimal(per)
        key = (product, (item.get("lot") or None) if tracked else None)
        theirs[key] = theirs.get(key, ZERO) + quantity
    if unknown:
        more = f" (and {len(unknown) - MAX_NAMED} more)" if len(unknown) > MAX_NAMED else ""
        raise MappingError(
            "Unknown 3PL SKUs, neither mapped nor a product reference: "
            + "; ".join(unknown[:MAX_NAMED])
            + more,
            details={"unknown": unknown},
        )
    return theirs


def reconcile(theirs, ours, complete, tolerance, costs=None, protected=None, keep_matched=True, stats=None):
    """Variances of ``theirs`` (the 3PL's ``{key: qty}``) against ``ours``.

    ``costs``: ``{product: unit cost}`` (value = difference x cost).
    ``protected``: ``{key: (reserved qty, reason text)}``, what deliveries
    released to the 3PL hold: a decrease leaving less than that waits for
    approval with the reason. Returns the list of :class:`Variance`
    (matched ones too unless ``keep_matched`` is false: no object is made
    for them, the fast path of a big snapshot); ``stats``, a dict, receives
    ``compared`` and ``matched`` counts."""
    costs = costs or {}
    protected = protected or {}
    if complete:
        keys = ours.keys() | theirs.keys()
    else:
        listed = {product for product, _lot in theirs}
        keys = theirs.keys() | {key for key in ours if key[0] in listed}
    variances = []
    append = variances.append
    within = tolerance.within
    matched = 0
    for key in keys:
        odoo_qty = ours.get(key, ZERO)
        tpl_qty = theirs.get(key, ZERO)
        cost = costs.get(key[0])
        if tpl_qty == odoo_qty:
            matched += 1
            if keep_matched:
                value = ZERO if cost is not None else None
                append(Variance(key[0], key[1], odoo_qty, tpl_qty, ZERO, value, MATCHED))
            continue
        difference = tpl_qty - odoo_qty
        status = AUTO if within(odoo_qty, difference) else APPROVE
        reason = None
        if difference < 0 and key in protected:
            reserved, why = protected[key]
            if tpl_qty < reserved:
                status = APPROVE
                reason = why
        value = difference * cost if cost is not None else None
        append(Variance(key[0], key[1], odoo_qty, tpl_qty, difference, value, status, reason))
    if stats is not None:
        stats["compared"] = len(keys)
        stats["matched"] = matched
    return variances


def collapse_lots(quantities, products):
    """``quantities`` with the lots of ``products`` summed under lot ``None``:
    for a 3PL that counts a lot-tracked product without its lots (a
    per-location inventory level), Odoo's side is compared in total."""
    if not products:
        return quantities
    collapsed = {}
    for (product, lot), quantity in quantities.items():
        key = (product, None) if product in products else (product, lot)
        collapsed[key] = collapsed.get(key, ZERO) + quantity
    return collapsed


def counts(variances):
    """``{status: number}`` of a list of variances."""
    result = {MATCHED: 0, AUTO: 0, APPROVE: 0}
    for variance in variances:
        result[variance.status] += 1
    return result


def cuts_reservation(odoo_qty, change, reserved):
    """Whether adding ``change`` (negative: removing) to ``odoo_qty`` leaves
    less than ``reserved`` (what released deliveries hold)."""
    return change < 0 and _decimal(odoo_qty) + _decimal(change) < _decimal(reserved)
