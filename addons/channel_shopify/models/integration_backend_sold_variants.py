from odoo import _, fields, models


class IntegrationBackend(models.Model):
    """Products sold through a store that no variant binding links to: the
    stock and price exports work on bindings, so these are never pushed."""

    _inherit = "integration.backend"

    shopify_unbound_sold_count = fields.Integer(
        string="Sold, not bound",
        compute="_compute_shopify_unbound_sold",
        help="Storable products on this store's orders that no Shopify variant is bound to: their "
        "stock is not exported. Orders bind the variants they name; for older orders, run the "
        "product import, which binds variants by SKU.",
    )

    def _shopify_unbound_sold_products(self):
        """Storable products on this store's orders with no variant binding."""
        self.ensure_one()
        self.env["sale.order.line"].flush_model(["order_id", "product_id"])
        self.env["integration.binding"].flush_model()
        self.env.cr.execute(
            """
            SELECT DISTINCT line.product_id
              FROM sale_order_line line
              JOIN integration_binding sale
                ON sale.res_model = 'sale.order' AND sale.res_id = line.order_id AND sale.backend_id = %(backend)s
              JOIN product_product product ON product.id = line.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
             WHERE template.type = 'product'
               AND NOT EXISTS (
                    SELECT 1 FROM integration_binding variant
                     WHERE variant.backend_id = %(backend)s
                       AND variant.res_model = 'product.product'
                       AND variant.res_id = line.product_id
               )
            """,
            {"backend": self.id},
        )
        return self.env["product.product"].browse([row[0] for row in self.env.cr.fetchall()])

    def _compute_shopify_unbound_sold(self):
        for backend in self:
            if backend.backend_type == "shopify" and backend.id:
                backend.shopify_unbound_sold_count = len(backend.sudo()._shopify_unbound_sold_products())
            else:
                backend.shopify_unbound_sold_count = 0

    def action_shopify_open_unbound_sold(self):
        self.ensure_one()
        products = self.sudo()._shopify_unbound_sold_products()
        return {
            "type": "ir.actions.act_window",
            "name": _("Sold on %s, no variant bound", self.name),
            "res_model": "product.product",
            "view_mode": "tree,form",
            "domain": [("id", "in", products.ids)],
            "context": {"create": False},
        }

    def action_shopify_bind_unbound_sold(self):
        """Run the product import, which binds every variant whose SKU or
        barcode names an Odoo product (with its inventory item)."""
        return self.action_import_products()
