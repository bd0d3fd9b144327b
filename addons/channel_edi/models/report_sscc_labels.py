"""GS1-128 carton labels: one label per SSCC allocated for a transfer.

Each label shows the ship-from and ship-to addresses, the customer's PO
number, the SSCC in the human readable grouping of GS1 logistic labels
("(00) 0 0614141 123456789 0": AI, extension digit, company prefix, serial
reference, check digit) and Code 128 barcodes of GS1-128 element strings:
the SSCC's ``(00)``, and the ship-to ``(420)`` postal code with ``(400)`` PO.

GS1-128 is Code 128 whose data starts with FNC1. Odoo's barcode renderer
(``ir.actions.report.barcode``, behind the ``/report/barcode`` route) hands
the value to reportlab's Code128, which encodes the characters ``\\xf1`` to
``\\xf4`` as FNC1 to FNC4: we give it ``\\xf1`` first and ``\\xf1`` as the
separator after a variable-length field, so the symbols are real GS1-128.
The images are embedded as data URIs (the same renderer, called in-process):
wkhtmltopdf then needs no HTTP round trip to the server, and the ``\\xf1`` never
travels through a URL. Odoo draws no human readable text for them
(``humanreadable`` would print the FNC1 as a character): the label prints the
element string itself, with its parentheses, as GS1 asks.
"""

import base64

from odoo import api, models

from ..lib import sscc as sscc_lib

FNC1 = "\xf1"


def gs1_128_value(fields):
    """The Code 128 value of a GS1-128 symbol of ``fields`` (AI pairs)."""
    return FNC1 + sscc_lib.barcode_data(fields).replace(sscc_lib.GROUP_SEPARATOR, FNC1)


def grouped_sscc(code, prefix):
    """'(00) 0 0614141 123456789 0' for SSCC 006141411234567890 under prefix 0614141."""
    parts = sscc_lib.parse_sscc(code, prefix_length=len(prefix)) if prefix else None
    if not parts or parts.company_prefix is None or not code.startswith(parts.extension + prefix):
        return f"(00) {code}"
    return f"(00) {parts.extension} {parts.company_prefix} {parts.serial_reference} {parts.check_digit}"


class ReportSsccLabels(models.AbstractModel):
    _name = "report.channel_edi.report_sscc_labels"
    _description = "SSCC carton labels (GS1-128)"

    @api.model
    def _barcode_src(self, value, width=600, height=120):
        png = self.env["ir.actions.report"].barcode(
            "Code128", value, width=width, height=height, humanreadable=0
        )
        return "data:image/png;base64," + base64.b64encode(png).decode()

    @api.model
    def _labels(self, picking):
        sale = picking.sale_id
        ship_from = picking.picking_type_id.warehouse_id.partner_id or picking.company_id.partner_id
        ship_to = (sale.partner_shipping_id if sale else picking.partner_id) or picking.partner_id
        po_number = (sale.client_order_ref or sale.name) if sale else picking.origin or ""
        prefix = picking.company_id.gs1_company_prefix or ""
        records = picking.edi_sscc_ids.sorted("id")
        labels = []
        for index, record in enumerate(records, 1):
            second = []
            if ship_to.zip:
                second.append(("420", ship_to.zip.replace(" ", "").upper()))
            if po_number:
                second.append(("400", po_number))
            try:
                second_value = gs1_128_value(second) if second else None
                second_text = sscc_lib.element_string(second) if second else ""
            except sscc_lib.InvalidKey:
                second_value, second_text = None, ""
            labels.append(
                {
                    "picking": picking,
                    "sscc": record.sscc,
                    "level": record.level,
                    "sscc_text": grouped_sscc(record.sscc, prefix),
                    "sscc_barcode": self._barcode_src(gs1_128_value([("00", record.sscc)])),
                    "second_text": second_text,
                    "second_barcode": self._barcode_src(second_value, height=90) if second_value else None,
                    "ship_from": ship_from,
                    "ship_to": ship_to,
                    "po_number": po_number,
                    "carrier": picking.carrier_id.name or "",
                    "tracking": picking.carrier_tracking_ref or "",
                    "number": index,
                    "count": len(records),
                }
            )
        return labels

    @api.model
    def _get_report_values(self, docids, data=None):
        pickings = self.env["stock.picking"].browse(docids)
        labels = [label for picking in pickings for label in self._labels(picking)]
        return {"doc_ids": docids, "doc_model": "stock.picking", "docs": pickings, "labels": labels}
