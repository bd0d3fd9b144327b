"""Set-up of the supply-chain tests (855/856/810 in, 856 out, 860 in).

``SupplyCase`` adds to ``EdiCase`` (tests/common.py: the company with its GS1
prefix, the retailer and the supplier with their EDI backends, products
with GTINs): a lot-tracked product, users of each role, confirmed purchase
orders of the supplier and the 850 we "sent" for them, receipts done in
full or in part, sale orders of the retailer delivered in packages, and
typed documents as the document readers return them.
"""

from datetime import timedelta

from odoo import Command, fields

from ..lib import sscc as sscc_lib
from .common import EdiCase


def sscc_of(serial, prefix="0614141"):
    """A valid SSCC of the supplier's cartons."""
    return sscc_lib.next_sscc("0", prefix, serial)


class SupplyCase(EdiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, mail_notrack=True))
        cls.lotted = cls.env["product.product"].create(
            {"name": "Lotted syrup", "default_code": "INT-SYRUP", "type": "product", "tracking": "lot"}
        )
        cls.supplier_backend.user_id = cls.env.ref("base.user_admin")
        cls.buyer = cls._user("edi_buyer", ["purchase.group_purchase_user"])
        cls.purchase_manager = cls._user("edi_purchase_manager", ["purchase.group_purchase_manager"])
        cls.accountant = cls._user("edi_accountant", ["account.group_account_invoice"])
        cls.finance_manager = cls._user("edi_finance_manager", ["account.group_account_manager"])

    @classmethod
    def _user(cls, login, groups, company=None):
        company = company or cls.company
        return (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": login.replace("_", " ").title(),
                    "login": login,
                    "email": f"{login}@example.com",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [Command.set([cls.env.ref(g).id for g in ["base.group_user", *groups]])],
                }
            )
        )

    # --- purchases (we buy) ---------------------------------------------------------

    def purchase(self, lines=None, date_planned="2030-01-05 10:00:00"):
        """A confirmed purchase order of the supplier: ``lines`` are (product, qty, price)."""
        lines = lines or [(self.widget, 10, 5.0)]
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": self.supplier.id,
                "company_id": self.company.id,
                "user_id": self.buyer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_qty": qty,
                            "price_unit": price,
                            "date_planned": date_planned,
                        }
                    )
                    for product, qty, price in lines
                ],
            }
        )
        purchase.button_confirm()
        return purchase

    def sent_850(self, purchase, hours_ago=0.0, due_in_hours=48.0):
        """The log row of the 850 we sent for ``purchase`` ``hours_ago``: the
        one its confirmation sent (the backend has no endpoint: the file is
        kept on it), dated back, else one made here."""
        sent = fields.Datetime.now() - timedelta(hours=hours_ago)
        self.run_jobs()  # the confirmation's order.sent
        Document = self.env["trading.partner.document"]
        row = Document.search(
            [
                ("backend_id", "=", self.supplier_backend.id),
                ("direction", "=", "out"),
                ("set_type", "=", "850"),
                ("res_model", "=", "purchase.order"),
                ("res_id", "=", purchase.id),
            ],
            order="id desc",
            limit=1,
        )
        if row:
            row.write({"date": sent, "po_ack_due_at": sent + timedelta(hours=due_in_hours)})
            return row
        return Document.create(
            {
                "backend_id": self.supplier_backend.id,
                "direction": "out",
                "set_type": "850",
                "reference": purchase.name,
                "interchange_control": f"9{purchase.id:08d}",
                "group_control": str(purchase.id),
                "set_control": "0001",
                "res_model": "purchase.order",
                "res_id": purchase.id,
                "date": sent,
                "po_ack_state": "pending",
                "po_ack_due_at": sent + timedelta(hours=due_in_hours),
            }
        )

    def receive(self, purchase, quantities=None):
        """Receive ``quantities`` ({product: qty}; all by default) of the
        purchase's open receipt; the rest stays on a backorder."""
        picking = purchase.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))[:1]
        for move in picking.move_ids:
            qty = (quantities or {}).get(move.product_id, move.product_uom_qty)
            move.quantity = qty
            move.picked = True
        picking.with_context(skip_backorder=True).button_validate()
        return picking

    def typed_855(self, purchase, lines, ack_type="AC"):
        return {
            "purpose": "00",
            "ack_type": ack_type,
            "po_number": purchase.name,
            "order_date": "2030-01-01",
            "lines": lines,
        }

    def apply_855(self, purchase, lines, ack_type="AC"):
        return self.env["trading.partner.po.ack"]._apply(
            self.supplier_backend, purchase, self.typed_855(purchase, lines, ack_type)
        )

    # --- sales (we supply) -----------------------------------------------------------

    def sale(self, lines=None, po_number="PO-5501", confirm=True):
        lines = lines or [(self.widget, 10, 12.5)]
        sale = self.env["sale.order"].create(
            {
                "partner_id": self.retailer.id,
                "client_order_ref": po_number,
                "company_id": self.company.id,
                "warehouse_id": self.warehouse.id,
                "order_line": [
                    Command.create({"product_id": p.id, "product_uom_qty": q, "price_unit": price})
                    for p, q, price in lines
                ],
            }
        )
        if confirm:
            sale.action_confirm()
        return sale

    def stock(self, product, quantity=100.0):
        self.env["stock.quant"]._update_available_quantity(product, self.warehouse.lot_stock_id, quantity)

    def deliver_in_packages(self, sale, split=(6, 4)):
        """Deliver the sale's first line in packages of ``split`` units
        (no package when ``split`` is empty)."""
        picking = sale.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))[:1]
        picking.action_assign()
        line = picking.move_line_ids[:1]
        if split:
            Package = self.env["stock.quant.package"]
            packages = [Package.create({"name": f"PACK-{sale.id}-{i}"}) for i in range(len(split))]
            line.write({"quantity": split[0], "result_package_id": packages[0].id, "picked": True})
            for qty, package in zip(split[1:], packages[1:], strict=True):
                line.copy({"quantity": qty, "result_package_id": package.id, "picked": True})
        picking.move_ids.picked = True
        picking.with_context(skip_backorder=True).button_validate()
        self.assertEqual(picking.state, "done")
        return picking
