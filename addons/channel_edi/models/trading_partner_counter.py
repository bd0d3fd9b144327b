from odoo import api, fields, models

KINDS = [
    ("interchange", "Interchange (ISA13 / UNB05)"),
    ("group", "Group (GS06)"),
    ("set", "Set (ST02 / UNH01)"),
]
WIDTHS = {"interchange": 9, "group": 9, "set": 4}
MAXIMUM = 999999999


class TradingPartnerCounter(models.Model):
    """Control-number sequences, one per partner, kind and environment.

    Drawn with one UPDATE ... RETURNING: concurrent jobs never get the same
    number, and a rolled-back job gives its number back (no gap is ever
    sent: the number is only used by the file that transaction writes).
    """

    _name = "trading.partner.counter"
    _description = "EDI control-number sequence"
    _order = "backend_id, kind, environment"

    backend_id = fields.Many2one("integration.backend", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    kind = fields.Selection(KINDS, required=True)
    environment = fields.Selection([("sandbox", "Test"), ("production", "Production")], required=True)
    last_value = fields.Integer(string="Last number used", default=0)

    _sql_constraints = [
        ("counter_unique", "unique(backend_id, kind, environment)", "One sequence per kind and environment."),
        (
            "counter_range",
            "check(last_value >= 0 and last_value <= 999999999)",
            "Control numbers have 9 digits.",
        ),
    ]

    @api.model
    def _next(self, backend, kind):
        """The next control number of ``kind`` for ``backend``, zero-padded
        as written (9 digits for ISA13 and GS06 is what we write for ISA13;
        GS06 and ST02 are written without padding beyond their minimum)."""
        environment = backend.environment
        cr = self.env.cr
        cr.execute(
            """
            INSERT INTO trading_partner_counter (backend_id, company_id, kind, environment, last_value,
                                                 create_uid, create_date, write_uid, write_date)
            VALUES (%(backend)s, %(company)s, %(kind)s, %(env)s, 1, %(uid)s, now() at time zone 'UTC',
                    %(uid)s, now() at time zone 'UTC')
            ON CONFLICT (backend_id, kind, environment) DO UPDATE
               SET last_value = CASE WHEN trading_partner_counter.last_value >= %(max)s THEN 1
                                     ELSE trading_partner_counter.last_value + 1 END,
                   write_date = now() at time zone 'UTC'
            RETURNING last_value
            """,
            {
                "backend": backend.id,
                "company": backend.company_id.id,
                "kind": kind,
                "env": environment,
                "uid": self.env.uid,
                "max": MAXIMUM,
            },
        )
        value = cr.fetchone()[0]
        self.invalidate_model(["last_value"])
        return str(value).zfill(WIDTHS[kind])
