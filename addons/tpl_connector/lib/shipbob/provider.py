"""ShipBob as a :class:`~..provider.Provider`: the client's calls and the
mapping's functions put together in canonical terms."""

from datetime import datetime, timezone

from odoo.addons.integration_core.lib.exceptions import RemoteRejected

from ..provider import Provider, cursor_start, iso
from . import mapping, webhooks

RECEIPT_FINAL_STATUSES = ("Completed", "Incomplete", "Cancelled")


class ShipBobProvider(Provider):
    webhook_topics = webhooks.TOPICS

    def __init__(self, client, *, location_id=None, shipping_method=None):
        self.client = client
        self.location_id = location_id or None
        self.shipping_method = shipping_method

    # --- orders ---------------------------------------------------------------------

    def release(self, order):
        payload = mapping.fulfilment_order_to_shipbob(
            order, shipping_method=self.shipping_method, location_id=self.location_id
        )
        creation = self.client.create_order(payload)
        return str(creation.order_id or ""), creation.created

    def cancel(self, reference, external_id):
        order_id = external_id
        if not order_id:
            found = self.client.find_order_by_reference(reference)
            if found is None:
                # never created at ShipBob: nothing can ship
                return {
                    "schema_version": 1,
                    "reference": reference,
                    "answer": "accepted",
                    "reason": "ShipBob has no order with this reference",
                }
            order_id = found.get("id")
        answer = self.client.cancel_order(order_id)
        order = None
        if answer.get("status") == "Failure":
            order = self.client.get_order(order_id)
            rest = mapping.waiting_shipment_ids(order)
            if rest:
                answer = self._cancel_rest(order_id, rest)
        return mapping.cancellation_answer(
            reference, answer, order=order, answered_at=iso(datetime.now(timezone.utc))
        )

    def _cancel_rest(self, order_id, shipment_ids):
        """An order shipped in part whose rest waits (a short kept as a
        backorder): ShipBob refuses to cancel the order, but cancels each
        shipment not picked yet. The answer in the shape of the order's
        cancel answer: Success when every waiting shipment is cancelled."""
        results = []
        for shipment_id in shipment_ids:
            try:
                self.client.cancel_shipment(order_id, shipment_id)
            except RemoteRejected as error:
                if error.status_code not in (400, 422):
                    raise
                reason = error.body if isinstance(error.body, str) else str(error)
                results.append(
                    {"shipment_id": shipment_id, "action": "Cancel", "is_success": False, "reason": reason}
                )
            else:
                results.append({"shipment_id": shipment_id, "action": "Cancel", "is_success": True})
        ok = all(result["is_success"] for result in results)
        return {
            "order_id": int(order_id),
            "status": "Success" if ok else "Failure",
            "canceled_shipment_results": results,
        }

    def shipments_since(self, since, now=None):
        """The next cursor is the latest ``last_update_at`` ShipBob gave (its
        clock, not ours: a skewed clock cannot make the catch-up skip)."""
        now = now or datetime.now(timezone.utc)
        found, seen, cursor = [], set(), since
        for order in self.client.iter_orders(updated_since=cursor_start(since, now)):
            cursor = max(filter(None, (cursor, order.get("last_update_at"))), default=cursor)
            for shipment in mapping.order_shipments_to_canonical(order):
                if shipment["external_id"] not in seen:
                    seen.add(shipment["external_id"])
                    found.append(shipment)
        return found, cursor

    # --- receiving and returns -------------------------------------------------------

    def announce(self, notice):
        existing = self.client.find_receiving_orders([notice["reference"]])
        if existing:
            return str(existing[0].get("id") or "")
        inventory_ids = self.client.find_inventory_ids([line["sku"] for line in notice["lines"]])
        payload = mapping.inbound_notice_to_wro(notice, inventory_ids, fulfillment_center_id=self.location_id)
        return str((self.client.create_receiving_order(payload) or {}).get("id") or "")

    def announce_return(self, notice):
        existing = list(self.client.iter_returns(reference_ids=[notice["reference"]]))
        if existing:
            return str(existing[0].get("id") or "")
        inventory_ids = self.client.find_inventory_ids([line["sku"] for line in notice["lines"]])
        payload = mapping.return_notice_to_shipbob(
            notice, inventory_ids, fulfillment_center_id=self.location_id
        )
        return str((self.client.create_return(payload) or {}).get("id") or "")

    def receipts_since(self, since, now=None, line_refs=None):
        """Completed WROs and returns since ``since``: WRO quantities are
        cumulative, so only a final WRO is a receipt."""
        now = now or datetime.now(timezone.utc)
        start = cursor_start(since, now)
        receipts, cursor = [], since
        for wro in self.client.iter_receiving_orders(
            statuses=list(RECEIPT_FINAL_STATUSES), completed_since=start
        ):
            cursor = max(filter(None, (cursor, wro.get("last_updated_date"))), default=cursor)
            boxes = self.client.get_receiving_boxes(wro.get("id"))
            refs = (line_refs or {}).get(wro.get("purchase_order_number")) or None
            receipts.append(mapping.wro_to_receipt(wro, boxes, line_refs=refs))
        for ret in self.client.iter_returns(statuses=["Completed"], completed_since=start):
            refs = (line_refs or {}).get(ret.get("reference_id")) or None
            receipts.append(self.return_receipt(ret, refs))
        return receipts, cursor

    def return_receipt(self, return_order, line_refs=None, skus=()):
        """A completed return as a receipt; ``skus`` (ours, announced) name
        the items ShipBob lists by inventory id only."""
        names = {}
        if skus:
            names = {str(ident): sku for sku, ident in self.client.find_inventory_ids(list(skus)).items()}
        return mapping.return_to_receipt(
            return_order, line_refs=line_refs, skus_by_inventory_id=names or None
        )

    # --- inventory ---------------------------------------------------------------------

    def snapshot(self, as_of, location_id=None, warehouse_code=None):
        location = location_id or self.location_id
        # per lot, each lot split by fulfilment centre: the mapping keeps this centre's
        items = self.client.iter_inventory_levels(by="lots")
        return mapping.inventory_levels_to_snapshot(
            items,
            as_of=as_of,
            external_id=f"shipbob:{location or 'all'}:{as_of}",
            location_id=location,
            complete=True,
            warehouse_code=warehouse_code,
        )

    # --- webhooks ---------------------------------------------------------------------

    @staticmethod
    def self_contained(topic, body):
        """Whether :meth:`webhook_payloads` can map ``body`` without calling
        ShipBob: ``order.shipped`` delivers the order with its shipments."""
        return isinstance(body, dict) and "shipments" in body

    def webhook_payloads(self, topic, body):
        """``order.shipped`` / ``order.shipment.*``: one canonical shipment
        per final shipment (the order fetched for a lone shipment, so that
        shorts and splits are known); ``return.completed``: a receipt."""
        ours = webhooks.our_topic(topic)
        if ours == "return.received":
            receipt = self.return_receipt(body)
            return [("receipt.confirmed", f"receipt:{receipt['external_id']}", receipt)]
        order = None
        if "shipments" not in body and body.get("order_id"):
            order = self.client.get_order(body["order_id"])
        return [
            ("shipment.confirmed", f"shipment:{shipment['external_id']}", shipment)
            for shipment in mapping.webhook_shipments(topic, body, order)
        ]
