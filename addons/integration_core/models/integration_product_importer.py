from odoo import _, api, models

from ..lib import canonical, money
from ..lib.exceptions import MappingError, ValidationFailed

# weight units of product.v1 -> kilograms (Odoo's product weight is in kg)
KILOGRAMS = {"g": "0.001", "kg": "1", "lb": "0.45359237", "oz": "0.028349523125"}


class IntegrationProductImporter(models.AbstractModel):
    """Turns a canonical product (schemas/product.v1.json) into bound Odoo
    products; every channel reuses it.

    Each variant is found by its binding, then by SKU (internal reference),
    then by barcode, among the products the backend's company may use; a
    variant found nowhere is created when the backend says so
    (``create_missing_products``, and the variant has a SKU), in the
    backend's company. Odoo stays the master of product data: a product
    found is bound, not rewritten. Idempotent: the variant's binding,
    taken under an advisory lock, decides.
    """

    _name = "integration.product.importer"
    _description = "Integration Product Importer"

    @api.model
    def _import_from_event(self, event, product):
        """Event handler (event, canonical product) -> the bound variants."""
        counts = self._new_counts()
        return self._import_product(event.backend_id, product, counts)

    @api.model
    def _new_counts(self):
        """What a product import reports: variants ``bound`` (newly),
        products ``created``, variants ``unmatched``, products ``invalid``
        (refused by the mapper or the schema), and the first ``problems``."""
        return {"bound": 0, "created": 0, "unmatched": 0, "invalid": 0, "problems": []}

    @api.model
    def _count_invalid(self, counts, ident, error):
        counts["invalid"] += 1
        if len(counts["problems"]) < 5:
            counts["problems"].append(f"{ident or '?'}: {error.message}")

    @api.model
    def _import_products(self, backend, products, counts=None):
        """Import many canonical products; one refused by the schema is
        counted (``invalid``) and the others still imported. Returns the counts."""
        counts = counts if counts is not None else self._new_counts()
        for product in products:
            try:
                self._import_product(backend, product, counts)
            except ValidationFailed as exc:
                ident = product.get("external_id") if isinstance(product, dict) else None
                self._count_invalid(counts, ident, exc)
        return counts

    @api.model
    def _import_product(self, backend, product, counts=None):
        """One canonical product -> its variants as product.product records
        (bound to the backend); returns them. ValidationFailed when the
        payload breaks product.v1; MappingError naming the field when its
        category or unit of measure is unknown in Odoo."""
        counts = counts if counts is not None else self._new_counts()
        canonical.validate("product", product)
        Binding = self.env["integration.binding"].sudo()
        result = self.env["product.product"]
        for index, variant in enumerate(product["variants"]):
            data = {"inventory_item_id": variant.get("inventory_item_id")}
            Binding._lock(backend, "product.product", variant["external_id"])
            binding = Binding._find(backend, "product.product", variant["external_id"])
            record = binding._record() if binding else None
            if record:
                binding.data = dict(binding.data or {}, **data)
                result |= record
                continue
            record = self._match(backend, variant)
            if not record and backend.create_missing_products and variant.get("sku"):
                record = self._create(backend, product, variant, index)
                counts["created"] += 1
            if not record:
                counts["unmatched"] += 1
                continue
            Binding._bind(backend, record, variant["external_id"], data=data, binding=binding)
            counts["bound"] += 1
            result |= record
        return result

    # ------------------------------------------------------------------------------
    # matching and creation
    # ------------------------------------------------------------------------------

    def _match(self, backend, variant):
        """An existing variant by SKU, then barcode, shared or of the
        backend's company (never another company's)."""
        Product = self.env["product.product"].sudo().with_context(active_test=False)
        company_domain = ["|", ("company_id", "=", False), ("company_id", "=", backend.company_id.id)]
        for field, value in (("default_code", variant.get("sku")), ("barcode", variant.get("barcode"))):
            if value:
                found = Product.search([(field, "=", value)] + company_domain, limit=1)
                if found:
                    return found
        return Product

    def _create(self, backend, product, variant, index):
        title = variant.get("title")
        values = {
            "name": product["name"] + (f" ({title})" if title and title != "Default Title" else ""),
            "default_code": variant["sku"],
            "barcode": variant.get("barcode") or False,
            "list_price": money.to_float(variant.get("price")),
            "type": "product",
            "company_id": backend.company_id.id,
            "active": bool(product.get("active", True) and variant.get("active", True)),
            "description_sale": product.get("description") or False,
        }
        if variant.get("weight") is not None:
            unit = variant.get("weight_unit") or "kg"
            values["weight"] = money.to_float(
                money.to_decimal(variant["weight"]) * money.to_decimal(KILOGRAMS[unit])
            )
        if product.get("category"):
            values["categ_id"] = self._category(product["category"], "category").id
        uom_path = f"variants[{index}].uom" if variant.get("uom") else "uom"
        uom_name = variant.get("uom") or product.get("uom")
        if uom_name:
            uom = self._uom(uom_name, uom_path)
            values.update(uom_id=uom.id, uom_po_id=uom.id)
        return (
            self.env["product.product"]
            .sudo()
            .with_company(backend.company_id)
            .with_context(tracking_disable=True)
            .create(values)
        )

    def _category(self, name, path):
        """A product category by its full name (``All / Saleable``) or, when
        that is unique, its own name."""
        Category = self.env["product.category"].sudo()
        category = Category.search([("complete_name", "=", name)], limit=1)
        if not category:
            category = Category.search([("name", "=", name)])
            category = category if len(category) == 1 else Category
        if not category:
            raise MappingError(
                _(
                    "%(path)s: unknown product category '%(name)s'. Create it in Odoo (Inventory / "
                    "Configuration / Product Categories) or fix the payload, then replay.",
                    path=path,
                    name=name,
                )
            )
        return category

    def _uom(self, name, path):
        """A unit of measure by its name (``Units``, ``kg``)."""
        uom = self.env["uom.uom"].sudo().search([("name", "=ilike", name)], limit=1)
        if not uom:
            raise MappingError(
                _(
                    "%(path)s: unknown unit of measure '%(name)s'. Create it in Odoo or fix the "
                    "payload, then replay.",
                    path=path,
                    name=name,
                )
            )
        return uom
