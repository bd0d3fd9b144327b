from odoo import fields, models


class ShopifyPriceListMap(models.Model):
    """A Shopify price list fed from an Odoo pricelist: a market's (one
    store selling in several currencies through Shopify Markets) or a B2B
    company location catalog's (created by the company export). The price
    export sends the pricelist's price of every bound variant as the price
    list's fixed price, in the pricelist's currency."""

    _name = "shopify.price.list.map"
    _description = "Shopify Price List Mapping"
    _order = "backend_id, kind, name"
    _check_company_auto = True

    backend_id = fields.Many2one("integration.backend", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    name = fields.Char(required=True, help="The market or catalog it feeds, as Shopify names it.")
    kind = fields.Selection(
        [("market", "Market"), ("b2b", "B2B catalog")], required=True, default="market", string="Feeds"
    )
    price_list_gid = fields.Char(
        string="Shopify price list", required=True, help="The price list's id, gid://shopify/PriceList/<id>."
    )
    price_list_currency = fields.Char(
        string="Shopify currency", help="The price list's currency on Shopify (read with the markets)."
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Odoo pricelist",
        check_company=True,
        ondelete="restrict",
        help="The prices it is fed from. Empty: the market is imported but not fed yet.",
    )
    currency_id = fields.Many2one(related="pricelist_id.currency_id", string="Currency")
    partner_id = fields.Many2one(
        "res.partner", string="B2B company", check_company=True, help="The company whose catalog it is."
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "price_list_unique",
            "unique(backend_id, price_list_gid)",
            "A Shopify price list is fed from one Odoo pricelist.",
        ),
    ]
