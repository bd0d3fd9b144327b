from odoo import fields, models


class TplReasonMap(models.Model):
    """What a 3PL's adjustment reason (947 W19-01 or a REST reason) means
    in Odoo: apply the change, ignore it (the 3PL's own bookkeeping), or
    have a stock manager approve it. An adjustment naming an unmapped code
    fails naming it: a user maps it and replays the event."""

    _name = "tpl.reason.map"
    _inherit = "tpl.backend.mixin"
    _description = "3PL adjustment reason"
    _order = "backend_id, code"

    code = fields.Char(required=True, help="The 3PL's reason code (947 W19-01: 01 damaged, 05 lost...).")
    name = fields.Char(string="Meaning", required=True)
    action = fields.Selection(
        [("apply", "Apply"), ("approve", "Wait for approval"), ("ignore", "Ignore")],
        required=True,
        default="apply",
    )

    _sql_constraints = [
        ("code_unique", "unique(backend_id, code)", "A 3PL reason code is mapped once per 3PL."),
    ]
