"""Mutations: ``inventorySetQuantities``, ``fulfillmentCreate``
(fulfillment-order based, 2024-10+), ``webhookSubscriptionCreate`` and
``webhookSubscriptionDelete``, with Shopify's userErrors."""

import copy
import re

from graphql import GraphQLError

from .common import INVENTORY_NAMES, INVENTORY_REASONS, MAX_INPUT_ARRAY, gid, legacy, utc_text


class MutationsMixin:
    """Resolvers of the mutations (bulk ones are in :mod:`.bulk`)."""

    def _mutate_inventory_set_quantities(self, root, info, input):
        quantities = input.get("quantities") or []
        if len(quantities) > MAX_INPUT_ARRAY:
            raise GraphQLError(
                f"The input array size of {len(quantities)} is greater than the maximum allowed of {MAX_INPUT_ARRAY}.",
                extensions={"code": "MAX_INPUT_SIZE_EXCEEDED"},
            )
        errors = []
        name, reason = input.get("name"), input.get("reason")
        if name not in INVENTORY_NAMES:
            errors.append(
                {
                    "code": "INVALID_NAME",
                    "field": ["input", "name"],
                    "message": "The quantity name must be either 'available' or 'on_hand'.",
                }
            )
        if reason not in INVENTORY_REASONS:
            errors.append(
                {
                    "code": "INVALID_REASON",
                    "field": ["input", "reason"],
                    "message": "The specified reason is invalid.",
                }
            )
        resolved = []
        for index, quantity in enumerate(quantities):
            field = ["input", "quantities", str(index)]
            item_id = legacy(quantity["inventoryItemId"], "InventoryItem")
            location_id = legacy(quantity["locationId"], "Location")
            if item_id not in self.inventory_items:
                errors.append(
                    {
                        "code": "INVALID_INVENTORY_ITEM",
                        "field": field + ["inventoryItemId"],
                        "message": "The specified inventory item could not be found.",
                    }
                )
                continue
            if location_id not in self.locations:
                errors.append(
                    {
                        "code": "INVALID_LOCATION",
                        "field": field + ["locationId"],
                        "message": "The specified location could not be found.",
                    }
                )
                continue
            if quantity["quantity"] < 0 and name == "on_hand":
                errors.append(
                    {
                        "code": "INVALID_QUANTITY_NEGATIVE",
                        "field": field + ["quantity"],
                        "message": "The quantity can't be negative.",
                    }
                )
                continue
            if quantity["quantity"] > 1_000_000_000:
                errors.append(
                    {
                        "code": "INVALID_QUANTITY_TOO_HIGH",
                        "field": field + ["quantity"],
                        "message": "The quantity can't be higher than 1,000,000,000.",
                    }
                )
                continue
            level = self.levels.get((item_id, location_id))
            if level is None:
                errors.append(
                    {
                        "code": "ITEM_NOT_STOCKED_AT_LOCATION",
                        "field": field + ["locationId"],
                        "message": "The inventory item is not stocked at the location.",
                    }
                )
                continue
            if not input.get("ignoreCompareQuantity"):
                if quantity.get("compareQuantity") is None:
                    errors.append(
                        {
                            "code": "COMPARE_QUANTITY_REQUIRED",
                            "field": field + ["compareQuantity"],
                            "message": "The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity.",
                        }
                    )
                    continue
                if quantity["compareQuantity"] != level.get(name, 0):
                    errors.append(
                        {
                            "code": "COMPARE_QUANTITY_STALE",
                            "field": field + ["compareQuantity"],
                            "message": "The compareQuantity value does not match persisted value.",
                        }
                    )
                    continue
            resolved.append((item_id, location_id, quantity["quantity"], level))
        if errors:
            return {"inventoryAdjustmentGroup": None, "userErrors": errors}
        changes = []
        stamp = utc_text(self.now())
        for item_id, location_id, value, level in resolved:
            delta = value - level.get(name, 0)
            level[name] = value
            if name == "available":
                level["on_hand"] = level.get("on_hand", 0) + delta
            level["updated_at"] = stamp
            changes.append(
                {
                    "name": name,
                    "delta": delta,
                    "quantityAfterChange": value,
                    "item_id": item_id,
                    "location_id": location_id,
                }
            )
        group_id = self._next_id()
        group = {
            "id": group_id,
            "created_at": stamp,
            "reason": reason,
            "reference_document_uri": input.get("referenceDocumentUri"),
            "changes": changes,
        }
        self.adjustment_groups.append(group)
        return {"inventoryAdjustmentGroup": self._v_adjustment_group(group), "userErrors": []}

    def _mutate_fulfillment_create(self, root, info, fulfillment, message=None):
        requested = fulfillment.get("lineItemsByFulfillmentOrder") or []
        if not requested:
            return {
                "fulfillment": None,
                "userErrors": [
                    {
                        "field": ["fulfillment", "lineItemsByFulfillmentOrder"],
                        "message": "Line items by fulfillment order can't be blank.",
                    }
                ],
            }
        orders, locations, plan = set(), set(), []
        for index, entry in enumerate(requested):
            field = ["fulfillment", "lineItemsByFulfillmentOrder", str(index)]
            fo = self.fulfillment_orders.get(legacy(entry["fulfillmentOrderId"], "FulfillmentOrder"))
            if fo is None:
                return {
                    "fulfillment": None,
                    "userErrors": [
                        {
                            "field": field + ["fulfillmentOrderId"],
                            "message": "Fulfillment order does not exist.",
                        }
                    ],
                }
            if fo["status"] not in ("OPEN", "IN_PROGRESS"):
                return {
                    "fulfillment": None,
                    "userErrors": [
                        {
                            "field": field,
                            "message": f"Fulfillment order {fo['id']} has an unfulfillable status= {fo['status'].lower()}.",
                        }
                    ],
                }
            orders.add(fo["order_id"])
            locations.add(fo["location_id"])
            wanted = entry.get("fulfillmentOrderLineItems")
            if not wanted:
                plan.extend(
                    (fo, line, line["remaining_quantity"])
                    for line in fo["line_items"]
                    if line["remaining_quantity"]
                )
                continue
            for sub_index, item in enumerate(wanted):
                line = next(
                    (
                        l
                        for l in fo["line_items"]
                        if l["id"] == legacy(item["id"], "FulfillmentOrderLineItem")
                    ),
                    None,
                )
                if line is None:
                    return {
                        "fulfillment": None,
                        "userErrors": [
                            {
                                "field": field + ["fulfillmentOrderLineItems", str(sub_index), "id"],
                                "message": "Fulfillment order line item does not exist.",
                            }
                        ],
                    }
                if item["quantity"] <= 0 or item["quantity"] > line["remaining_quantity"]:
                    return {
                        "fulfillment": None,
                        "userErrors": [
                            {
                                "field": field + ["fulfillmentOrderLineItems", str(sub_index), "quantity"],
                                "message": f"Invalid quantity {item['quantity']}: {line['remaining_quantity']} remaining to fulfill.",
                            }
                        ],
                    }
                plan.append((fo, line, item["quantity"]))
        if len(orders) > 1:
            return {
                "fulfillment": None,
                "userErrors": [
                    {
                        "field": ["fulfillment"],
                        "message": "All fulfillment orders must belong to the same order.",
                    }
                ],
            }
        if len(locations) > 1:
            return {
                "fulfillment": None,
                "userErrors": [
                    {
                        "field": ["fulfillment"],
                        "message": "All fulfillment orders must be assigned to the same location.",
                    }
                ],
            }
        if not plan:
            return {
                "fulfillment": None,
                "userErrors": [{"field": ["fulfillment"], "message": "Nothing left to fulfill."}],
            }
        order = self.orders[orders.pop()]
        tracking = fulfillment.get("trackingInfo") or {}
        numbers = tracking.get("numbers") or ([tracking["number"]] if tracking.get("number") else [])
        urls = tracking.get("urls") or ([tracking["url"]] if tracking.get("url") else [])
        fulfillment_id = self._next_id()
        order_lines = {line["id"]: line for line in order.get("line_items") or []}
        fulfilled_lines = []
        for _fo, line, quantity in plan:
            line["remaining_quantity"] -= quantity
            order_line = order_lines.get(line["line_item_id"], {})
            order_line["fulfillable_quantity"] = max(
                0, order_line.get("fulfillable_quantity", quantity) - quantity
            )
            order_line["fulfillment_status"] = (
                "fulfilled" if not order_line["fulfillable_quantity"] else "partial"
            )
            fulfilled_lines.append({**copy.deepcopy(order_line), "quantity": quantity})
        for fo in {id(fo): fo for fo, _line, _qty in plan}.values():
            fo["status"] = (
                "CLOSED" if not any(l["remaining_quantity"] for l in fo["line_items"]) else "IN_PROGRESS"
            )
            fo["updated_at"] = utc_text(self.now())
        stamp = self._rest_time(self.now())
        record = {
            "id": fulfillment_id,
            "admin_graphql_api_id": gid("Fulfillment", fulfillment_id),
            "order_id": order["id"],
            "name": f"{order['name']}.{len(order.get('fulfillments') or []) + 1}",
            "status": "success",
            "service": "manual",
            "location_id": locations.pop(),
            "tracking_company": tracking.get("company"),
            "tracking_number": numbers[0] if numbers else None,
            "tracking_numbers": numbers,
            "tracking_url": urls[0] if urls else None,
            "tracking_urls": urls,
            "notify_customer": bool(fulfillment.get("notifyCustomer")),
            "message": message,
            "created_at": stamp,
            "updated_at": stamp,
            "line_items": fulfilled_lines,
        }
        self.fulfillments[fulfillment_id] = record
        order.setdefault("fulfillments", []).append(record)
        open_quantity = sum(line.get("fulfillable_quantity", 0) for line in order.get("line_items") or [])
        order["fulfillment_status"] = "fulfilled" if not open_quantity else "partial"
        order["updated_at"] = stamp
        return {"fulfillment": self._v_fulfillment(record), "userErrors": []}

    def _mutate_webhook_subscription_create(self, root, info, topic, webhookSubscription):
        url = webhookSubscription.get("callbackUrl")
        if not url:
            return {
                "webhookSubscription": None,
                "userErrors": [
                    {"field": ["webhookSubscription", "callbackUrl"], "message": "Address can't be blank"}
                ],
            }
        if not re.match(r"^https?://", url):
            return {
                "webhookSubscription": None,
                "userErrors": [
                    {
                        "field": ["webhookSubscription", "callbackUrl"],
                        "message": "Address protocol http:// is not supported",
                    }
                ],
            }
        for sub in self.webhook_subscriptions.values():
            if sub["topic"] == topic and sub["callback_url"] == url:
                return {
                    "webhookSubscription": None,
                    "userErrors": [
                        {
                            "field": ["webhookSubscription", "callbackUrl"],
                            "message": "Address for this topic has already been taken",
                        }
                    ],
                }
        sub_id = self._next_id()
        stamp = utc_text(self.now())
        sub = {
            "id": sub_id,
            "topic": topic,
            "format": webhookSubscription.get("format") or "JSON",
            "callback_url": url,
            "include_fields": webhookSubscription.get("includeFields") or [],
            "created_at": stamp,
            "updated_at": stamp,
        }
        self.webhook_subscriptions[sub_id] = sub
        return {"webhookSubscription": self._v_webhook_subscription(sub), "userErrors": []}

    def _mutate_webhook_subscription_delete(self, root, info, id):
        sub_id = legacy(id, "WebhookSubscription")
        if self.webhook_subscriptions.pop(sub_id, None) is None:
            return {
                "deletedWebhookSubscriptionId": None,
                "userErrors": [{"field": ["id"], "message": "Webhook subscription does not exist"}],
            }
        return {"deletedWebhookSubscriptionId": id, "userErrors": []}
