"""A canonical shipment.v2 read into a plan, checked before anything is written.

The ORM layer (``models/integration_shipment_importer.py``) applies a
shipment confirmation to a delivery in three stages: this module reads the
payload into a :class:`ShipmentPlan` (no ORM), the importer then checks the
plan against the delivery's open moves and Odoo's lots, and only then
writes. Whatever is refused here is refused before a single write, with an
error naming the line or package (``lines[2]``, ``packages[0].lines[1]``).

A plan holds, per line of the shipment, the *pieces* that went out: a
quantity (in the line's unit) with at most one lot or serial and at most
one package. The lines' ``lots`` and ``serials`` give the pieces; the
packages' lines then say which piece went into which package, splitting
pieces where a package holds part of one. A package line may also be the
only place that names a lot (a 945 gives lots in its pack detail); such a
lot is taken over by the piece it packs. A shipment with exactly one
package that lists no lines has everything in that package.

Refused here (nothing is written):

- a substitution (status ``substituted`` or a ``substitute_sku``) and a line
  the warehouse itself reports as an over-shipment (status ``over``):
  :class:`BusinessRuleError`, for a user to resolve and replay;
- lots that do not add up to the shipped quantity, serials whose count is
  not the shipped quantity, a serial given twice, a package line that packs
  more than the lines hold or an SKU no line has, two packages with one
  SSCC/LPN: :class:`MappingError`.

Shorts: :func:`rest_action` says what becomes of the part of a line that
was not shipped: ``final`` shipments cancel it, a line's own status
(``backorder`` or ``cancelled``) comes next, the backend's short policy last.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from . import money
from .exceptions import BusinessRuleError, MappingError

BACKORDER = "backorder"
CANCEL = "cancel"
SHORT_POLICIES = (BACKORDER, CANCEL)
ZERO = Decimal(0)


@dataclass
class Piece:
    """A quantity of one line that went out together: at most one lot (or
    serial) and one package (its index in the shipment's ``packages``)."""

    quantity: Decimal
    lot: str | None = None
    serial: bool = False
    package: int | None = None


@dataclass
class LinePlan:
    """One line of the shipment, its quantities as Decimals."""

    index: int
    sku: str
    shipped: Decimal
    line_ref: str | None = None
    uom: str | None = None
    ordered: Decimal | None = None
    status: str | None = None
    expiries: dict = field(default_factory=dict)  # lot name -> "YYYY-MM-DD" the warehouse gives
    pieces: list = field(default_factory=list)

    @property
    def path(self):
        return f"lines[{self.index}]"

    def describe(self):
        """``lines[1] (SKU INT-WIDGET, line_ref 42)``: how errors name the line."""
        ref = f", line_ref {self.line_ref}" if self.line_ref else ""
        return f"{self.path} (SKU {self.sku}{ref})"


@dataclass
class PackagePlan:
    """One package: its name in Odoo is its SSCC, else its LPN (else none:
    Odoo's sequence names it)."""

    index: int
    sscc: str | None = None
    lpn: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None
    weight: Decimal | None = None
    holds_pieces: bool = False

    @property
    def name(self):
        return self.sscc or self.lpn or None


@dataclass
class ShipmentPlan:
    external_id: str
    lines: list
    packages: list
    final: bool = False
    order_ref: str | None = None
    picking_ref: str | None = None
    bol: str | None = None
    carrier: dict = field(default_factory=dict)

    @property
    def tracking_numbers(self):
        """The packages' tracking numbers, each once, in the payload's order."""
        seen = []
        for package in self.packages:
            if package.tracking_number and package.tracking_number not in seen:
                seen.append(package.tracking_number)
        return seen

    @property
    def shipped_anything(self):
        return any(line.shipped > 0 for line in self.lines)


def check_policy(policy):
    """``policy`` when it is a short policy; ValueError otherwise (a
    programming or configuration error, not a payload's)."""
    if policy not in SHORT_POLICIES:
        raise ValueError(f"A short policy is one of {', '.join(SHORT_POLICIES)}, not {policy!r}.")
    return policy


def rest_action(status, policy, final=False):
    """What becomes of a line's quantity that was not shipped: ``CANCEL``
    when the shipment is final or the line says ``cancelled``, ``BACKORDER``
    when the line says ``backorder``, else the short ``policy``."""
    if final or status == "cancelled":
        return CANCEL
    if status == "backorder":
        return BACKORDER
    return check_policy(policy)


# --- reading the payload ---------------------------------------------------------


def plan_shipment(shipment):
    """The :class:`ShipmentPlan` of a canonical shipment.v2 (already valid
    against its schema). Raises MappingError / BusinessRuleError naming the
    line or package at fault."""
    lines = [_plan_line(index, line) for index, line in enumerate(shipment.get("lines") or [])]
    packages = [_plan_package(index, package) for index, package in enumerate(shipment.get("packages") or [])]
    _check_package_names(packages)
    _check_serials_once(lines)
    _pack(lines, packages, shipment.get("packages") or [])
    return ShipmentPlan(
        external_id=shipment["external_id"],
        lines=lines,
        packages=packages,
        final=bool(shipment.get("final")),
        order_ref=shipment.get("order_ref") or None,
        picking_ref=shipment.get("picking_ref") or None,
        bol=shipment.get("bol") or None,
        carrier={key: value for key, value in (shipment.get("carrier") or {}).items() if value},
    )


def _plan_line(index, line):
    plan = LinePlan(
        index=index,
        sku=line["sku"],
        shipped=money.to_decimal(line["shipped"]),
        line_ref=(str(line["line_ref"]) if line.get("line_ref") not in (None, "") else None),
        uom=line.get("uom") or None,
        ordered=money.to_decimal(line.get("ordered")),
        status=line.get("status"),
    )
    _check_substitution(plan, line.get("substitute_sku"))
    if plan.status == "over":
        raise BusinessRuleError(
            template=(
                "%(line)s: the warehouse reports an over-shipment (%(shipped)s shipped, %(ordered)s "
                "ordered). Over-shipments are not applied: correct the order or the canonical "
                "payload, then replay."
            ),
            params=_quantities(plan),
            code="shipment.over_shipped",
        )
    lots, serials = line.get("lots") or [], line.get("serials") or []
    if lots and serials:
        raise MappingError(
            template="%(line)s: a line gives lots or serials, not both.",
            params={"line": plan.describe(), "sku": plan.sku},
            code="shipment.lots_and_serials",
        )
    if lots:
        plan.pieces = _lot_pieces(plan, lots)
    elif serials:
        plan.pieces = _serial_pieces(plan, serials)
    elif plan.shipped > 0:
        plan.pieces = [Piece(plan.shipped)]
    return plan


def _check_substitution(plan, substitute):
    if plan.status != "substituted" and not substitute:
        return
    raise BusinessRuleError(
        template=(
            "%(line)s: the warehouse substituted %(substitute)s for %(sku)s (%(shipped)s shipped, "
            "%(ordered)s ordered). Substitutions are not applied: change the order or the canonical "
            "payload, then replay."
        ),
        params=dict(_quantities(plan), substitute=substitute or "another item"),
        code="shipment.substituted",
    )


def _quantities(plan):
    return {
        "line": plan.describe(),
        "sku": plan.sku,
        "shipped": _text(plan.shipped),
        "ordered": _text(plan.ordered) if plan.ordered is not None else "?",
    }


def _text(quantity):
    """A quantity as people write it: 2, 1.5 (not 2.000 or 1.50)."""
    value = money.to_decimal(quantity)
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _lot_pieces(plan, lots):
    pieces, total = [], ZERO
    for lot in lots:
        quantity = money.to_decimal(lot["quantity"])
        total += quantity
        pieces.append(Piece(quantity, lot=lot["name"]))
        if lot.get("expiry"):
            plan.expiries[lot["name"]] = lot["expiry"]
    if total != plan.shipped:
        raise MappingError(
            template="%(line)s: its lots add up to %(lots)s but %(shipped)s were shipped.",
            params=dict(_quantities(plan), lots=_text(total)),
            code="shipment.lot_quantities",
        )
    return pieces


def _serial_pieces(plan, serials):
    if Decimal(len(serials)) != plan.shipped:
        raise MappingError(
            template="%(line)s: %(count)s serial(s) given but %(shipped)s shipped.",
            params=dict(_quantities(plan), count=len(serials)),
            code="shipment.serial_count",
        )
    return [Piece(Decimal(1), lot=serial, serial=True) for serial in serials]


def _check_serials_once(lines):
    seen = {}
    for line in lines:
        for piece in line.pieces:
            if not piece.serial:
                continue
            key = (line.sku, piece.lot)
            if key in seen:
                raise MappingError(
                    template="%(line)s: serial %(serial)s of %(sku)s is already given by %(other)s.",
                    params={
                        "line": line.describe(),
                        "serial": piece.lot,
                        "sku": line.sku,
                        "other": seen[key],
                    },
                    code="shipment.serial_twice",
                )
            seen[key] = line.path


def _plan_package(index, package):
    weight = package.get("weight")
    return PackagePlan(
        index=index,
        sscc=package.get("sscc") or None,
        lpn=package.get("lpn") or None,
        tracking_number=package.get("tracking_number") or None,
        tracking_url=package.get("tracking_url") or None,
        weight=money.to_decimal(weight) if weight is not None else None,
    )


def _check_package_names(packages):
    seen = {}
    for package in packages:
        if package.name is None:
            continue
        if package.name in seen:
            raise MappingError(
                template="packages[%(index)s]: %(name)s is also the SSCC/LPN of packages[%(other)s].",
                params={"index": package.index, "name": package.name, "other": seen[package.name]},
                code="shipment.package_twice",
            )
        seen[package.name] = package.index


# --- packing: which piece went into which package ------------------------------


def _pack(lines, packages, raw_packages):
    """Put the lines' pieces into the packages their lines name (splitting
    pieces); with one package that lists nothing, everything goes in it."""
    if len(packages) == 1 and not (raw_packages[0].get("lines") or []):
        for line in lines:
            for piece in line.pieces:
                piece.package = 0
        packages[0].holds_pieces = any(line.pieces for line in lines)
        return
    for package, raw in zip(packages, raw_packages, strict=True):
        for number, content in enumerate(raw.get("lines") or []):
            path = f"packages[{package.index}].lines[{number}]"
            _pack_content(lines, package, path, content)


def _pack_content(lines, package, path, content):
    sku = content["sku"]
    wanted = money.to_decimal(content["quantity"])
    lot, serial = content.get("lot") or None, content.get("serial") or None
    if lot and serial:
        raise MappingError(
            template="%(path)s: a package line gives a lot or a serial, not both.",
            params={"path": path, "sku": sku},
            code="shipment.lots_and_serials",
        )
    if serial and wanted != 1:
        raise MappingError(
            template="%(path)s: serial %(serial)s of %(sku)s packed %(quantity)s times (a serial is one unit).",
            params={"path": path, "sku": sku, "serial": serial, "quantity": _text(wanted)},
            code="shipment.serial_count",
        )
    same_sku = [line for line in lines if line.sku == sku]
    if not same_sku:
        raise MappingError(
            template="%(path)s: no line of the shipment has SKU %(sku)s.",
            params={"path": path, "sku": sku},
            code="shipment.package_sku_unknown",
        )
    name = lot or serial
    left = _take(same_sku, package.index, wanted, name, bool(serial))
    if left > 0:
        raise MappingError(
            template=(
                "%(path)s: %(quantity)s of %(sku)s%(lot)s packed, but the shipment's lines have only "
                "%(available)s of it left to pack."
            ),
            params={
                "path": path,
                "sku": sku,
                "lot": f" (lot/serial {name})" if name else "",
                "quantity": _text(wanted),
                "available": _text(wanted - left),
            },
            code="shipment.package_over_packed",
        )
    package.holds_pieces = True


def _take(lines, package_index, wanted, name, serial):
    """Move ``wanted`` of the unpacked pieces of ``lines`` into the package;
    a named lot takes pieces of that lot first, then pieces without a lot
    (which get its name). Returns what could not be found."""
    if name:
        passes = [lambda piece: piece.lot == name, lambda piece: piece.lot is None]
    else:
        passes = [lambda _piece: True]
    for matches in passes:
        for line in lines:
            position = 0
            while position < len(line.pieces) and wanted > 0:
                piece = line.pieces[position]
                if piece.package is None and matches(piece):
                    taken = min(piece.quantity, wanted)
                    if taken < piece.quantity:  # split: the packed part goes in a piece of its own
                        piece.quantity -= taken
                        line.pieces.insert(position, Piece(taken, piece.lot, piece.serial))
                        piece = line.pieces[position]
                    piece.package = package_index
                    if name and piece.lot is None:
                        piece.lot, piece.serial = name, serial
                    wanted -= taken
                position += 1
    return wanted
