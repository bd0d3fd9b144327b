"""ShipBob's shapes of the warehouse's records (OpenAPI 2026-01 schemas,
unchanged in 2026-07 for these): ``Orders.OrderViewModel``,
``Orders.ShipmentViewModel``, ``Orders.CanceledOrderViewModel``,
``Receiving.V2.WarehouseReceivingOrderViewModel``,
``Inventory.InventoryQuantityResponse`` (and its lots),
``Returns.PublicReturnDto``."""

SHIPMENT_STATUS_DETAILS = {  # Orders.StatusDetailViewModel, what the shipment waits for
    "Exception": {"id": 1, "name": "OutOfStock", "description": "No inventory available to ship"},
    "Cancelled": {"id": 2, "name": "Cancelled", "description": "Shipment cancelled"},
}


class ViewsMixin:
    """Turns warehouse dicts into ShipBob JSON (needs :attr:`warehouse`, :attr:`channel`)."""

    def order_view(self, order):
        data = order["data"]
        return {
            "id": order["id"],
            "created_date": order["created"],
            "purchase_date": data.get("purchase_date"),
            "reference_id": order["reference_id"],
            "order_number": data.get("order_number") or order["reference_id"],
            "status": order["status"],
            "type": data.get("type", "DTC"),
            "channel": {"id": order["channel_id"] or self.channel["id"], "name": self.channel["name"]},
            "shipping_method": data.get("shipping_method"),
            "recipient": data.get("recipient"),
            "products": [
                {
                    "id": line["inventory_id"],
                    "reference_id": line["sku"],
                    "sku": line["sku"],
                    "quantity": line["quantity"],
                    "external_line_id": _int_or_none(line["line_ref"]),
                    "quantity_unit_of_measure_code": "EA",
                    "unit_price": None,
                    "gtin": None,
                    "upc": None,
                }
                for line in order["lines"]
            ],
            "tags": data.get("tags") or [],
            "shipments": [self.shipment_view(order, s) for s in order["shipments"]],
            "gift_message": data.get("gift_message"),
            "financials": data.get("financials") or {"total_price": None},
        }

    def shipment_view(self, order, shipment):
        location = self.warehouse.location
        products = {}
        for item in shipment["items"]:
            product = products.setdefault(
                item["sku"],
                {
                    "id": item["inventory_id"],
                    "reference_id": item["sku"],
                    "sku": item["sku"],
                    "name": item["name"],
                    "inventory_items": [],
                },
            )
            product["inventory_items"].append(
                {
                    "id": item["inventory_id"],
                    "name": item["name"],
                    "lot": item["lot"],
                    "expiration_date": f"{item['expiry']}T00:00:00Z" if item["expiry"] else None,
                    "quantity": item["quantity"],
                    "quantity_committed": item["quantity"],
                    "serial_numbers": [],
                    "is_dangerous_goods": False,
                }
            )
        if not shipment["items"]:
            # a shipment that holds what could not ship (an Exception waiting
            # for stock, a Cancelled rest) still lists its products
            for entry in shipment["unshipped"]:
                item = self.warehouse.items.get(entry["sku"]) or {}
                product = products.setdefault(
                    entry["sku"],
                    {
                        "id": item.get("inventory_id"),
                        "reference_id": entry["sku"],
                        "sku": entry["sku"],
                        "name": item.get("name") or entry["sku"],
                        "inventory_items": [],
                    },
                )
                product["inventory_items"].append(
                    {
                        "id": item.get("inventory_id"),
                        "name": item.get("name") or entry["sku"],
                        "lot": None,
                        "expiration_date": None,
                        "quantity": entry["quantity"],
                        "quantity_committed": 0,
                        "serial_numbers": [],
                        "is_dangerous_goods": False,
                    }
                )
        detail = SHIPMENT_STATUS_DETAILS.get(shipment["status"])
        tracking = None
        if shipment["tracking_number"]:
            tracking = {
                "carrier": shipment["carrier"],
                "carrier_service": shipment["service"],
                "tracking_number": shipment["tracking_number"],
                "tracking_url": f"https://track.example/{shipment['tracking_number']}",
                "scac": shipment["scac"],
                "bol": shipment["bol"],
                "pro_number": None,
                "shipping_date": shipment["shipped"],
            }
        return {
            "id": shipment["id"],
            "order_id": order["id"],
            "reference_id": order["reference_id"],
            "recipient": _shipment_recipient(order["data"].get("recipient")),
            "created_date": shipment["created"],
            "last_update_at": order["updated"],
            "last_tracking_update_at": shipment["shipped"],
            "status": shipment["status"],
            "status_details": [
                dict(
                    detail,
                    inventory_id=None,
                    exception_fulfillment_center_id=None,
                    extra_information={
                        "validation_messages": [f"{u['sku']}: {u['quantity']}" for u in shipment["unshipped"]]
                    },
                )
            ]
            if detail
            else [],
            "location": {"id": location["id"], "name": location["name"]},
            "invoice_amount": None,
            "invoice_currency_code": "USD",
            "insurance_value": None,
            "ship_option": order["data"].get("shipping_method"),
            "tracking": tracking,
            "products": list(products.values()),
            "parent_cartons": [
                {"type": "Box", "barcode": shipment["sscc"], "cartons": [], "measurements": None}
            ]
            if shipment["sscc"]
            else [],
            "is_tracking_uploaded": False,
            "actual_fulfillment_date": shipment["shipped"],
            "estimated_fulfillment_date": None,
            "estimated_fulfillment_date_status": "FulfilledOnTime"
            if shipment["shipped"]
            else "PendingOnTime",
            "delivery_date": shipment["delivered"],
            "require_signature": False,
            "gift_message": None,
            "package_material_type": "Box",
            "measurements": None,
        }

    def receipt_view(self, receipt):
        location = self.warehouse.location
        return {
            "id": receipt["id"],
            "purchase_order_number": receipt["reference"],
            "status": receipt["status"],
            "package_type": receipt["data"].get("package_type", "Package"),
            "box_packaging_type": receipt["data"].get("box_packaging_type", "EverythingInOneBox"),
            "expected_arrival_date": receipt["data"].get("expected_arrival_date"),
            "insert_date": receipt["created"],
            "last_updated_date": receipt["updated"],
            "box_labels_uri": f"{self.base_url}/{self.request_version}/receiving/{receipt['id']}/labels",
            "external_sync_timestamp": None,
            "fulfillment_center": {"id": location["id"], "name": location["name"], "timezone": "UTC"},
            "inventory_quantities": [
                {
                    "inventory_id": line["inventory_id"],
                    "sku": line["sku"],
                    "expected_quantity": line["expected"],
                    "received_quantity": line["received"],
                    "stowed_quantity": line["stowed"],
                }
                for line in receipt["lines"]
            ],
            "status_history": [
                {"id": i, "status": h["status"], "timestamp": h["timestamp"]}
                for i, h in enumerate(receipt["history"], 1)
            ],
        }

    def receipt_box_view(self, receipt):
        """The one box of an EverythingInOneBox WRO (``Receiving.BoxViewModel``)."""
        return {
            "box_id": receipt["id"],
            "box_number": 1,
            "box_status": receipt["status"],
            "tracking_number": receipt["data"].get("tracking_number"),
            "arrived_date": receipt["updated"] if receipt["status"] != "Awaiting" else None,
            "box_items": [
                {
                    "inventory_id": line["inventory_id"],
                    "quantity": line["expected"],
                    "received_quantity": line["received"],
                    "stowed_quantity": line["stowed"],
                    "lot_number": line["lot"] or None,
                    "lot_date": f"{line['expiry']}T00:00:00Z" if line.get("expiry") else None,
                }
                for line in receipt["lines"]
            ],
        }

    def inventory_level_view(self, item):
        levels = self.warehouse.levels(item["sku"])
        return {
            "inventory_id": item["inventory_id"],
            "sku": item["sku"],
            "name": item["name"],
            "total_on_hand_quantity": levels["on_hand"],
            "total_committed_quantity": levels["committed"],
            "total_fulfillable_quantity": levels["fulfillable"],
            "total_sellable_quantity": levels["fulfillable"] + levels["awaiting"],
            "total_awaiting_quantity": levels["awaiting"],
            "total_backordered_quantity": levels["backordered"],
            "total_exception_quantity": levels["exception"],
            "total_internal_transfer_quantity": 0,
        }

    def inventory_lots_view(self, item):
        location = self.warehouse.location
        lots = []
        for lot, entry in sorted(item["lots"].items()):
            quantities = {
                "on_hand_quantity": entry["on_hand"],
                "fulfillable_quantity": entry["on_hand"],
                "committed_quantity": 0,
                "awaiting_quantity": 0,
                "internal_transfer_quantity": 0,
            }
            lots.append(
                dict(
                    quantities,
                    lot_number=lot or None,
                    lot_date=f"{entry['expiry']}T00:00:00Z" if entry["expiry"] else None,
                    locations=[dict(quantities, location_id=location["id"], name=location["name"])],
                )
            )
        return {"inventory_id": item["inventory_id"], "sku": item["sku"], "name": item["name"], "lots": lots}

    def return_view(self, ret):
        location = self.warehouse.location
        return {
            "id": ret["id"],
            "reference_id": ret["reference"],
            "status": ret["status"],
            "return_type": "Regular",
            "insert_date": ret["created"],
            "completed_date": ret["completed"],
            "original_shipment_id": ret["original_shipment_id"],
            "tracking_number": ret["tracking_number"],
            "channel": {"id": self.channel["id"], "name": self.channel["name"]},
            "fulfillment_center": {"id": location["id"], "name": location["name"]},
            "inventory": [
                {
                    "id": line["inventory_id"],
                    "sku": line["sku"],
                    "name": self.warehouse.items[line["sku"]]["name"],
                    "quantity": line["quantity"],
                    "lot_information": {"number": line["lot"] or None, "expiration": None},
                    "action_requested": {"action": line["action"], "action_type": "OverriddenByMerchant"},
                    "action_taken": [
                        {
                            "action": line["action"],
                            "action_reason": "As requested",
                            "quantity_processed": line["processed"],
                        }
                    ]
                    if line["processed"]
                    else [],
                }
                for line in ret["lines"]
            ],
            "status_history": [dict(h) for h in ret["history"]],
        }


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _shipment_recipient(recipient):
    if not recipient:
        return None
    return {
        "name": recipient.get("name"),
        "full_name": recipient.get("name"),
        "address": recipient.get("address"),
        "email": recipient.get("email"),
        "phone_number": recipient.get("phone_number"),
    }
