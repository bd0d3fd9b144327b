from odoo import fields, models, tools


class TradingPartnerScorecard(models.Model):
    """Each partner's performance, one fact per row, for pivot and graph by
    partner and month. A measure is empty on the rows it does not concern,
    and its average over a month is the month's figure:

    - 997 latency and 855 latency (hours) of the documents we sent;
    - fill rate (%): delivered over ordered, per line of the partner's orders;
    - on-time ship (%): deliveries done by the promised date;
    - on-time delivery (%): a supplier's receipts done by their deadline;
    - ASN timeliness (%): our ship notice sent within the partner's lead time
      of shipping, a supplier's received before its goods;
    - invoice-match exceptions: holds the 3-way match put on the partner's bills;
    - chargebacks: amounts a customer deducted.
    """

    _name = "trading.partner.scorecard"
    _description = "EDI partner scorecard"
    _auto = False
    _order = "date desc"

    backend_id = fields.Many2one("integration.backend", string="Trading partner", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Datetime(readonly=True)
    fact = fields.Selection(
        [
            ("ack", "Acknowledgement"),
            ("fill", "Order line"),
            ("ship", "Delivery"),
            ("receipt", "Receipt"),
            ("asn", "Ship notice"),
            ("invoice", "Invoice hold"),
            ("chargeback", "Chargeback"),
        ],
        readonly=True,
    )
    ack_latency_hours = fields.Float(string="997 latency (h)", group_operator="avg", readonly=True)
    po_ack_latency_hours = fields.Float(string="855 latency (h)", group_operator="avg", readonly=True)
    fill_rate = fields.Float(string="Fill rate (%)", group_operator="avg", readonly=True)
    on_time_ship = fields.Float(string="On-time ship (%)", group_operator="avg", readonly=True)
    on_time_delivery = fields.Float(string="On-time delivery (%)", group_operator="avg", readonly=True)
    asn_timely = fields.Float(string="ASN on time (%)", group_operator="avg", readonly=True)
    invoice_exceptions = fields.Integer(
        string="Invoice-match exceptions", group_operator="sum", readonly=True
    )
    chargeback_amount = fields.Float(string="Chargebacks", group_operator="sum", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
            WITH edi AS (
                SELECT id, company_id, edi_partner_id, COALESCE(edi_asn_lead_hours, 0) AS lead
                  FROM integration_backend WHERE backend_type = 'edi'
            ), sold AS (
                SELECT DISTINCT b.backend_id, b.res_id AS sale_id
                  FROM integration_binding b JOIN edi ON edi.id = b.backend_id
                 WHERE b.res_model = 'sale.order'
            ), facts AS (
                SELECT d.backend_id, d.company_id, d.date, 'ack' AS fact,
                       d.ack_latency_hours AS ack_latency_hours, d.po_ack_latency_hours AS po_ack_latency_hours,
                       NULL::float AS fill_rate, NULL::float AS on_time_ship, NULL::float AS on_time_delivery,
                       NULL::float AS asn_timely, 0 AS invoice_exceptions, 0::float AS chargeback_amount
                  FROM trading_partner_document d
                 WHERE d.direction = 'out' AND (d.ack_at IS NOT NULL OR d.po_ack_at IS NOT NULL)
                UNION ALL
                SELECT s.backend_id, so.company_id, so.date_order, 'fill', NULL, NULL,
                       LEAST(100.0, 100.0 * sol.qty_delivered / sol.product_uom_qty), NULL, NULL, NULL, 0, 0
                  FROM sold s JOIN sale_order so ON so.id = s.sale_id
                  JOIN sale_order_line sol ON sol.order_id = so.id
                 WHERE so.state = 'sale' AND sol.product_uom_qty > 0 AND sol.display_type IS NULL
                UNION ALL
                SELECT s.backend_id, p.company_id, p.date_done, 'ship', NULL, NULL, NULL,
                       CASE WHEN p.date_done <= COALESCE(so.commitment_date, p.date_deadline, p.scheduled_date)
                            THEN 100.0 ELSE 0.0 END, NULL, NULL, 0, 0
                  FROM sold s JOIN sale_order so ON so.id = s.sale_id
                  JOIN stock_picking p ON p.sale_id = so.id
                  JOIN stock_picking_type t ON t.id = p.picking_type_id
                 WHERE p.state = 'done' AND t.code = 'outgoing'
                UNION ALL
                SELECT edi.id, p.company_id, p.date_done, 'receipt', NULL, NULL, NULL, NULL,
                       CASE WHEN p.date_done <= COALESCE(p.date_deadline, p.scheduled_date) THEN 100.0 ELSE 0.0 END,
                       NULL, 0, 0
                  FROM stock_picking p
                  JOIN stock_picking_type t ON t.id = p.picking_type_id
                  JOIN res_partner rp ON rp.id = p.partner_id
                  JOIN edi ON edi.edi_partner_id = COALESCE(rp.commercial_partner_id, rp.id)
                           AND edi.company_id = p.company_id
                 WHERE p.state = 'done' AND t.code = 'incoming'
                UNION ALL
                SELECT d.backend_id, d.company_id, d.date, 'asn', NULL, NULL, NULL, NULL, NULL,
                       CASE WHEN d.direction = 'out'
                            THEN CASE WHEN d.date <= p.date_done + make_interval(hours => edi.lead)
                                      THEN 100.0 ELSE 0.0 END
                            ELSE CASE WHEN p.date_done IS NULL OR d.date <= p.date_done THEN 100.0 ELSE 0.0 END
                       END, 0, 0
                  FROM trading_partner_document d
                  JOIN edi ON edi.id = d.backend_id
                  LEFT JOIN stock_picking p ON d.res_model = 'stock.picking' AND p.id = d.res_id
                 WHERE d.set_type IN ('856', 'DESADV')
                UNION ALL
                SELECT m.edi_backend_id, h.company_id, h.create_date, 'invoice', NULL, NULL, NULL, NULL,
                       NULL, NULL, 1, 0
                  FROM trading_partner_bill_hold h
                  JOIN account_move m ON m.id = h.move_id
                 WHERE m.edi_backend_id IS NOT NULL
                UNION ALL
                SELECT c.backend_id, c.company_id, c.date::timestamp, 'chargeback', NULL, NULL, NULL, NULL,
                       NULL, NULL, 0, c.amount
                  FROM trading_partner_chargeback c
            )
            SELECT row_number() OVER (ORDER BY date, backend_id) AS id, facts.* FROM facts
            )
            """
        )
