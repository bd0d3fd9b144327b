from decimal import Decimal

from odoo.tests import tagged

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import MappingError, ValidationFailed

from .common import IntegrationCase


def canonical_product(external_id="P1", **overrides):
    product = {
        "schema_version": 1,
        "external_id": external_id,
        "name": "Trail Shoe",
        "vendor": "Example Outdoor",
        "active": True,
        "variants": [
            {
                "external_id": f"{external_id}-42",
                "title": "42",
                "sku": f"{external_id}-SHOE-42",
                "barcode": None,
                "price": Decimal("89.90"),
                "weight": Decimal("350"),
                "weight_unit": "g",
                "inventory_item_id": "II-42",
            },
            {
                "external_id": f"{external_id}-43",
                "title": "43",
                "sku": f"{external_id}-SHOE-43",
                "price": Decimal("89.90"),
                "inventory_item_id": "II-43",
            },
        ],
    }
    product.update(overrides)
    return product


@tagged("post_install", "-at_install")
class TestProductImporter(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.importer = cls.env["integration.product.importer"]
        cls.Binding = cls.env["integration.binding"]

    def bindings(self, backend=None):
        return self.Binding.search(
            [("backend_id", "=", (backend or self.backend).id), ("res_model", "=", "product.product")]
        )

    def test_existing_products_are_bound_by_sku_then_barcode(self):
        data = canonical_product(
            variants=[
                {"external_id": "V1", "sku": "INT-GADGET", "inventory_item_id": "II-1"},
                {"external_id": "V2", "sku": None, "barcode": "1234567890128"},
                {"external_id": "V3", "sku": "NOWHERE"},
            ]
        )
        counts = self.importer._new_counts()
        products = self.importer._import_product(self.backend, data, counts)
        self.assertEqual(products, self.gadget | self.widget)
        self.assertEqual((counts["bound"], counts["created"], counts["unmatched"]), (2, 0, 1))
        self.assertEqual(self.Binding._get_record(self.backend, "product.product", "V1"), self.gadget)
        self.assertEqual(
            self.Binding._find(self.backend, "product.product", "V1").data, {"inventory_item_id": "II-1"}
        )
        self.assertEqual(self.Binding._get_record(self.backend, "product.product", "V2"), self.widget)

    def test_missing_products_are_created_when_the_backend_says_so(self):
        counts = self.importer._import_products(self.backend, [canonical_product()])
        self.assertEqual(counts["unmatched"], 2)
        self.assertFalse(self.bindings())
        self.backend.create_missing_products = True
        counts = self.importer._import_products(self.backend, [canonical_product()])
        self.assertEqual((counts["bound"], counts["created"]), (2, 2))
        shoe = self.Binding._get_record(self.backend, "product.product", "P1-42")
        self.assertEqual(shoe.name, "Trail Shoe (42)")
        self.assertEqual(shoe.default_code, "P1-SHOE-42")
        self.assertEqual(shoe.list_price, 89.90)
        self.assertAlmostEqual(shoe.weight, 0.35)
        self.assertEqual(shoe.detailed_type, "product")
        self.assertEqual(shoe.company_id, self.backend.company_id)

    def test_the_same_canonical_twice_gives_one_record(self):
        self.backend.create_missing_products = True
        first = self.importer._import_product(self.backend, canonical_product())
        counts = self.importer._new_counts()
        again = self.importer._import_product(self.backend, canonical_product(), counts)
        self.assertEqual(first, again)
        self.assertEqual(len(self.bindings()), 2)
        self.assertEqual(counts["created"], 0)
        self.assertEqual(self.env["product.product"].search_count([("default_code", "like", "P1-SHOE-%")]), 2)
        # also through its stored JSON (Decimals exact): same product
        stored = canonical.loads(canonical.dumps(canonical_product()))
        self.assertEqual(self.importer._import_product(self.backend, stored), first)

    def test_unknown_category_or_uom_is_a_mapping_error_naming_the_field(self):
        self.backend.create_missing_products = True
        with self.assertRaisesRegex(MappingError, r"^category: unknown product category 'Shoes / Trail'"):
            self.importer._import_product(self.backend, canonical_product(category="Shoes / Trail"))
        with self.assertRaisesRegex(MappingError, r"^uom: unknown unit of measure 'parsec'"):
            self.importer._import_product(self.backend, canonical_product(uom="parsec"))
        data = canonical_product()
        data["variants"][1]["uom"] = "furlong"
        with self.assertRaisesRegex(MappingError, r"^variants\[1\]\.uom: unknown unit of measure 'furlong'"):
            self.importer._import_product(self.backend, data)
        # known ones are used
        category = self.env["product.category"].create({"name": "Trail"})
        data = canonical_product("P2", category="Trail", uom="Units")
        product = self.importer._import_product(self.backend, data)[:1]
        self.assertEqual(product.categ_id, category)
        self.assertEqual(product.uom_id, self.env.ref("uom.product_uom_unit"))

    def test_a_payload_breaking_the_schema_is_refused_and_counted(self):
        bad = canonical_product("P3", variants=[])
        with self.assertRaisesRegex(ValidationFailed, "variants"):
            self.importer._import_product(self.backend, bad)
        counts = self.importer._import_products(self.backend, [bad, canonical_product("P4")])
        self.assertEqual(counts["invalid"], 1)
        self.assertIn("P3: Invalid canonical product", counts["problems"][0])

    def test_writes_in_the_backends_company_only(self):
        company_b = self.env["res.company"].create(
            {"name": "Company B (products)", "currency_id": self.usd.id}
        )
        backend_b = self.env["integration.backend"].create(
            {"name": "B feed", "company_id": company_b.id, "create_missing_products": True}
        )
        # company A's own product with the SKU is not company B's to bind
        private_a = self.env["product.product"].create(
            {"name": "A only", "default_code": "P5-SHOE-42", "company_id": self.company.id}
        )
        products = self.importer._import_product(backend_b, canonical_product("P5"))
        self.assertNotIn(private_a, products)
        self.assertEqual(products.company_id, company_b)
        self.assertTrue(all(b.company_id == company_b for b in self.bindings(backend_b)))
        self.assertFalse(self.bindings())
        # and back in company A, the same SKU binds A's product, not B's
        self.backend.create_missing_products = False
        products_a = self.importer._import_product(self.backend, canonical_product("P5"))
        self.assertEqual(products_a, private_a)
