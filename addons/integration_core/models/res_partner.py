from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib import gs1


class ResPartner(models.Model):
    """The identifiers channels find partners by: a customer or ship-to's
    GS1 Global Location Number, a retailer's own number of one of its
    stores or distribution centres (EDI ship-to by GLN or store number), and
    the customer's normalised email (every order without a known customer
    id looks its customer up by it)."""

    _inherit = "res.partner"

    gln = fields.Char(
        string="GLN",
        index="btree_not_null",
        copy=False,
        help="GS1 Global Location Number (13 digits) of this company or address.",
    )
    store_number = fields.Char(
        index="btree_not_null",
        copy=False,
        help="The customer's own number of this address (a store or distribution centre), "
        "as its purchase orders give it.",
    )

    # mail's stored normalised email, indexed: the order importer's look-up
    # by email would otherwise read every partner, twice per new customer
    email_normalized = fields.Char(index="btree_not_null")

    @api.constrains("gln")
    def _check_gln(self):
        for partner in self.filtered("gln"):
            if len(partner.gln) != 13 or not gs1.is_valid(partner.gln):
                raise ValidationError(
                    _("%(gln)s is not a GLN: 13 digits whose last is the GS1 check digit.", gln=partner.gln)
                )
