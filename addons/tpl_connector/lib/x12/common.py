"""What the X12 mappers of tpl_connector share: errors that name where,
quantities as :class:`~decimal.Decimal`, references read back from a typed
document, and the choice of a line's SKU among its product ids.

The typed documents are channel_edi's (``documents/warehouse.py``): a line's
N9 references are ``references`` ({qualifier: value}) and, when a qualifier
repeats, raw ``other_segments`` entries ``{"tag": "N9", "elements": [...]}``.
"""

from decimal import Decimal, InvalidOperation

from odoo.addons.channel_edi.lib.documents.canonical_shipping import date_time
from odoo.addons.integration_core.lib.exceptions import MappingError

__all__ = ["MappingError", "date_time", "fail", "quantity", "quantity_text", "references", "sku_of"]

# X12 235 qualifiers, in the order a line's SKU is looked for: the depositor's
# item number we send as VN in the 940/943 first, then the warehouse's own
# numbers, then the trade item numbers
SKU_QUALIFIERS = ("VN", "SK", "VP", "BP", "MG", "IN", "PI", "UP", "UK", "EN", "UA")


def fail(place, problem):
    """A :class:`MappingError` "``place``: ``problem``"; ``place`` is a key
    path of the document or payload (``lines[2].quantity_shipped``), which
    :func:`..x12.map_transaction` turns into the segment it came from."""
    return MappingError(
        template="%(place)s: %(problem)s",
        params={"place": place, "problem": problem},
        code="x12.mapping",
    )


def quantity(found, place, *, required=True):
    """A document's decimal string (or a payload's number) as a Decimal;
    None when absent and not ``required``. Floats are refused: quantities
    never go through binary floats."""
    if found in (None, ""):
        if required:
            raise fail(place, "missing (mandatory)")
        return None
    if isinstance(found, bool | float) or not isinstance(found, str | int | Decimal):
        raise fail(place, f"{found!r} is not a decimal quantity")
    try:
        amount = Decimal(str(found).strip())
    except InvalidOperation:
        raise fail(place, f"{found!r} is not a decimal quantity") from None
    if not amount.is_finite():
        raise fail(place, f"{found!r} is not a finite quantity")
    return amount


def quantity_text(found, place):
    """A payload quantity as the decimal text an X12 R element takes:
    ``Decimal("12.500")`` -> "12.5", ``3`` -> "3"."""
    amount = quantity(found, place)
    text = format(amount, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def references(part, qualifier):
    """Every N9 value of ``qualifier`` in a document part (a line, the
    heading): the one in ``references`` and the repeats kept raw."""
    out = []
    found = (part.get("references") or {}).get(qualifier)
    if found:
        out.append(found)
    for raw in part.get("other_segments") or []:
        elements = raw.get("elements") or []
        if raw.get("tag") == "N9" and len(elements) >= 2 and elements[0] == qualifier and elements[1]:
            out.append(elements[1] if isinstance(elements[1], str) else str(elements[1]))
    return out


def sku_of(line, place, qualifiers=SKU_QUALIFIERS, *, ids_key="product_ids", upc_key="upc"):
    """The SKU of a document line: its first product id in ``qualifiers``
    order, else any product id, else its U.P.C. case code."""
    ids = line.get(ids_key) or {}
    for qualifier in qualifiers:
        if ids.get(qualifier):
            return ids[qualifier]
    for ident in ids.values():
        if ident:
            return ident
    if line.get(upc_key):
        return line[upc_key]
    raise fail(place, "no product id (qualifier and id) nor U.P.C. to name the item")


def party_code(document, role="WH"):
    """The identifier of a party (N1 ``role``): the warehouse's code."""
    party = (document.get("parties") or {}).get(role) or {}
    return next((v for v in (party.get("identifiers") or {}).values() if v), None) or party.get("name")
