"""Shared set-up of channel_edi's Odoo tests.

``EdiCase`` (an integration_core ``IntegrationCase``): a company with a GS1
prefix, a retailer customer partner (GLN) and a supplier partner, each with
its EDI backend (X12 004010, test identities, no endpoint: files are kept on
their documents), and products with GTINs. ``x12(...)`` writes an
interchange around transaction set bodies, the way a partner would.
"""

from odoo.addons.integration_core.tests.common import IntegrationCase

OURS = "OURCOMPANY"
RETAILER = "RETAILCO"
SUPPLIER = "SUPPLYCO"


def x12(
    sender,
    receiver,
    sets,
    control="000000101",
    group="101",
    functional_id="PO",
    version="004010",
    date="20240501",
):
    """An X12 interchange (bytes) from ``sender`` to ``receiver`` of the
    transaction sets ``sets``: each a list of segment strings without ST/SE
    (``["BEG*00*SA*PO1**20240501", ...]``) and its set type, as (type, body)."""
    isa_version = "00501" if version.startswith("005") else "00401"
    repetition = "^" if isa_version >= "00402" else "U"
    out = [
        f"ISA*00*          *00*          *ZZ*{sender:<15}*ZZ*{receiver:<15}*{date[2:]}*1200*{repetition}*{isa_version}*{control}*0*T*>",
        f"GS*{functional_id}*{sender}*{receiver}*{date}*1200*{group}*X*{version}",
    ]
    for number, (set_type, body) in enumerate(sets, start=1):
        control_number = f"{number:04d}"
        segments = [f"ST*{set_type}*{control_number}", *body]
        segments.append(f"SE*{len(segments) + 1}*{control_number}")
        out.extend(segments)
    out.append(f"GE*{len(sets)}*{group}")
    out.append(f"IEA*1*{control}")
    return ("~\n".join(out) + "~\n").encode()


def purchase_order_850(po_number="PO-7788", lines=None, ship_to_gln="0614141000012", store="0042"):
    """The body of a retailer's 850 (without ST/SE)."""
    lines = lines or [("1", "5", "12.50", "EN", "1234567890128"), ("2", "3", "30", "VN", "INT-GADGET")]
    body = [
        f"BEG*00*SA*{po_number}**20240501",
        "DTM*002*20240510",
        f"N1*ST*Store {store}*UL*{ship_to_gln}",
        "N3*7 Market Street",
        "N4*Springfield*IL*62701*US",
    ]
    for line, quantity, price, qualifier, code in lines:
        body.append(f"PO1*{line}*{quantity}*EA*{price}**{qualifier}*{code}")
    body.append(f"CTT*{len(lines)}")
    return body


class EdiCase(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.gs1_company_prefix = "0614141"
        Partner = cls.env["res.partner"]
        cls.retailer = Partner.create({"name": "Retail Co", "is_company": True, "gln": "5012345678900"})
        cls.supplier = Partner.create({"name": "Supply Co", "is_company": True})
        cls.customer_backend = cls._edi_backend("Retail Co EDI", cls.retailer, "customer", RETAILER)
        cls.supplier_backend = cls._edi_backend("Supply Co EDI", cls.supplier, "supplier", SUPPLIER)

    @classmethod
    def _edi_backend(cls, name, partner, role, their_id, dialect="004010"):
        return cls.env["integration.backend"].create(
            {
                "name": name,
                "backend_type": "edi",
                "company_id": cls.company.id,
                "warehouse_id": cls.warehouse.id,
                "pricelist_id": cls.pricelist_usd.id,
                "edi_partner_id": partner.id,
                "edi_role": role,
                "edi_dialect": dialect,
                "order_confirm_policy": "always",
                "max_attempts": 2,
                "edi_identity_ids": [
                    (0, 0, {"side": "ours", "level": "interchange", "qualifier": "ZZ", "identifier": OURS}),
                    (
                        0,
                        0,
                        {"side": "theirs", "level": "interchange", "qualifier": "ZZ", "identifier": their_id},
                    ),
                ],
            }
        )

    def receive_file(self, backend, data, source="test"):
        """A file as the mailbox pickup or the AS2 endpoint stores it; its
        event and the children it splits into are processed."""
        event, created = self.env["trading.partner.transport"]._receive_file(backend, data, source)
        self.run_jobs()
        event.invalidate_recordset()
        return event, created

    def deliver(self, sale):
        """Ship the whole of ``sale`` (stock added first); its delivery."""
        picking = sale.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        for product in sale.order_line.product_id:
            self.env["stock.quant"]._update_available_quantity(product, self.warehouse.lot_stock_id, 20)
        picking.action_assign()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        return picking

    def accepting_997(self, sent, sender=RETAILER, control="000000202"):
        """The partner's 997 accepting the document ``sent`` (a log row)."""
        return x12(
            sender,
            OURS,
            [
                (
                    "997",
                    [
                        f"AK1*{sent.functional_id}*{sent.group_control}",
                        f"AK2*{sent.set_type}*{sent.set_control}",
                        "AK5*A",
                        "AK9*A*1*1*1",
                    ],
                )
            ],
            control=control,
            group=str(int(control)),
            functional_id="FA",
        )

    def documents(self, backend, **domain):
        return self.env["trading.partner.document"].search(
            [("backend_id", "=", backend.id)] + [(k, "=", v) for k, v in domain.items()], order="id"
        )
