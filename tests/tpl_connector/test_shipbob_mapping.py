"""ShipBob (API 2025-07) <-> canonical kinds: contract and behaviour.

The contract tests feed ShipBob's published examples (shipbob_examples,
written from its OpenAPI document) to the mappers and check every request
body we build against the fields that document defines. Every canonical
result is validated again here with canonical.validate.
"""

import copy
from decimal import Decimal

import pytest
import shipbob_examples as examples

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import MappingError, ValidationFailed
from odoo.addons.tpl_connector.lib.shipbob import mapping

# --- helpers -----------------------------------------------------------------------


def field_paths(value, prefix=""):
    """Every key path of a JSON value, lists as ``[]``: {"a": [{"b": 1}]} -> a, a[].b."""
    paths = set()
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            paths.add(path)
            paths |= field_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            paths |= field_paths(item, prefix + "[]")
    return paths


def values_at(value, path):
    """The values at a ``field_paths`` path."""
    current = [value]
    for part in path.replace("[]", ".[]").split("."):
        if not part:
            continue
        following = []
        for item in current:
            if part == "[]":
                following.extend(item if isinstance(item, list) else [])
            elif isinstance(item, dict) and part in item:
                following.append(item[part])
        current = following
    return current


def check_request(kind, payload):
    """``payload`` uses only documented fields, has every required one of
    the objects it sends, and enumerated fields hold documented values."""
    fields = examples.REQUEST_FIELDS[kind]
    sent = field_paths(payload)
    unknown = sorted(sent - set(fields))
    assert not unknown, f"fields ShipBob's {kind} does not define: {unknown}"
    for name, rule in fields.items():
        parent = name.rsplit(".", 1)[0] if "." in name else ""
        parent_sent = not parent or parent in sent or parent.rstrip("[]") in sent
        if rule["required"] and parent_sent and "[]" not in name.rsplit(".", 1)[-1]:
            containers = values_at(payload, parent) if parent else [payload]
            for container in containers:
                if isinstance(container, dict):
                    assert name.rsplit(".", 1)[-1] in container, f"{kind}: required {name} missing"
        for value in values_at(payload, name) if "enum" in rule else []:
            assert value in rule["enum"], f"{kind}: {name}={value!r} not in {rule['enum']}"


def fulfilment_order(**changes):
    order = {
        "schema_version": 1,
        "reference": "WH3PL/OUT/00012",
        "purpose": "original",
        "order_ref": "S00042",
        "customer_po": "PO-77",
        "warehouse_code": "10",
        "created_at": "2026-11-20T09:30:00Z",
        "ship_to": {
            "name": "Jane Roe",
            "company": "Roe Ltd",
            "street": "100 N Racine Ave",
            "street2": "Suite 100",
            "city": "Chicago",
            "state_code": "IL",
            "zip": "60607",
            "country_code": "US",
            "phone": "555-555-5555",
            "email": "jane@example.com",
        },
        "carrier": {"code": "Standard", "scac": None, "service": None},
        "notes": "leave at the door",
        "lines": [
            {
                "line_ref": "501",
                "sku": "LIGHT-ROAST",
                "name": "Light Roast",
                "quantity": Decimal("2"),
                "uom": "EA",
            },
            {"line_ref": "502", "sku": "MUG", "quantity": Decimal("1"), "unit_price": Decimal("9.90")},
        ],
    }
    order.update(changes)
    return order


def product(sku, quantity, lot=None, expiry=None, serials=None):
    item = {"id": 1, "quantity": quantity, "quantity_committed": quantity, "lot": lot}
    if expiry:
        item["expiration_date"] = expiry
    if serials is not None:
        item["serial_numbers"] = serials
    return {"id": 7, "reference_id": sku, "sku": sku, "name": sku, "inventory_items": [item]}


def shipment(shipment_id, status, *products, **extra):
    value = {
        "id": shipment_id,
        "order_id": 900,
        "reference_id": "WH3PL/OUT/00012",
        "status": status,
        "ship_option": "Standard",
        "actual_fulfillment_date": "2026-11-21T15:00:00Z",
        "measurements": {"total_weight_oz": 32, "length_in": 10, "width_in": 8, "depth_in": 4},
        "tracking": {
            "carrier": "USPS",
            "carrier_service": "Priority",
            "tracking_number": f"9400{shipment_id}",
            "tracking_url": f"https://example.com/t/9400{shipment_id}",
            "scac": "usps",
            "shipping_date": "2026-11-21T16:00:00Z",
            "bol": None,
        },
        "products": list(products),
    }
    value.update(extra)
    return value


def order(*shipments, products=None):
    return {
        "id": 900,
        "reference_id": "WH3PL/OUT/00012",
        "order_number": "S00042",
        "status": "Processing",
        "products": products
        or [
            {"id": 7, "reference_id": "A", "quantity": 5, "external_line_id": 501},
            {"id": 8, "reference_id": "B", "quantity": 2, "external_line_id": 502},
        ],
        "shipments": list(shipments),
    }


def line(result, sku):
    return next(item for item in result["lines"] if item["sku"] == sku)


# --- fulfilment order -> ShipBob order -----------------------------------------------


def test_fulfilment_order_becomes_a_documented_create_order_body():
    payload = mapping.fulfilment_order_to_shipbob(fulfilment_order())
    check_request("create_order", payload)
    assert payload["reference_id"] == "WH3PL/OUT/00012"
    assert payload["order_number"] == "S00042"
    assert payload["shipping_method"] == "Standard"
    assert payload["location_id"] == 10
    assert payload["recipient"]["address"] == {
        "address1": "100 N Racine Ave",
        "address2": "Suite 100",
        "company_name": "Roe Ltd",
        "city": "Chicago",
        "state": "IL",
        "zip_code": "60607",
        "country": "US",
    }
    first, second = payload["products"]
    assert first == {
        "reference_id": "LIGHT-ROAST",
        "name": "Light Roast",
        "quantity": 2,
        "external_line_id": 501,
        "quantity_unit_of_measure_code": "EA",
    }
    assert isinstance(first["quantity"], int)
    assert second["unit_price"] == Decimal("9.90")
    assert {"name": "customer_po", "value": "PO-77"} in payload["tags"]
    # Decimals go out digit for digit
    assert '"unit_price":9.90' in canonical.dumps(payload)


def test_shipping_method_default_and_non_numeric_line_refs():
    order_ = fulfilment_order(carrier=None, warehouse_code=None)
    order_["lines"][0]["line_ref"] = "move-501"
    payload = mapping.fulfilment_order_to_shipbob(order_, shipping_method="Ground")
    assert payload["shipping_method"] == "Ground"
    assert "location_id" not in payload
    assert "external_line_id" not in payload["products"][0]


@pytest.mark.parametrize(
    "change, path",
    [
        (lambda o: o["lines"][1].update(quantity=Decimal("1.5")), "lines[1].quantity"),
        (lambda o: o.update(purpose="replace"), "purpose"),
        (lambda o: o["ship_to"].update(street=None), "ship_to.street"),
        (lambda o: o["ship_to"].update(city=None), "ship_to.city"),
        (lambda o: o["lines"][0].update(uom="BOX"), "lines[0].uom"),
        (lambda o: o["lines"][0].update(lot="L1"), "lines[0].lot"),
        (lambda o: o.update(warehouse_code="Cicero"), "warehouse_code"),
    ],
)
def test_what_shipbob_cannot_take_is_a_mapping_error_naming_the_path(change, path):
    order_ = fulfilment_order()
    change(order_)
    with pytest.raises(MappingError) as caught:
        mapping.fulfilment_order_to_shipbob(order_)
    assert caught.value.message.startswith(f"{path}: ")


def test_invalid_canonical_order_is_refused_with_its_path():
    order_ = fulfilment_order()
    order_["lines"][0]["quantity"] = Decimal("-1")
    with pytest.raises(ValidationFailed) as caught:
        mapping.fulfilment_order_to_shipbob(order_)
    assert any(error.startswith("lines[0].quantity") for error in caught.value.errors)


# --- ShipBob's published order and shipment examples ----------------------------------


def test_published_order_example_has_no_final_shipment_yet():
    # the example's only shipment has status "None": not a confirmation
    assert mapping.order_shipments_to_canonical(copy.deepcopy(examples.ORDER)) == []


@pytest.mark.parametrize("status", ["Completed", "LabeledCreated", "Cancelled"])
@pytest.mark.parametrize("name", ["ORDER", "CREATED_ORDER"])
def test_published_order_examples_map_once_their_shipment_is_final(name, status):
    order_ = copy.deepcopy(getattr(examples, name))
    order_["shipments"][0]["status"] = status
    results = mapping.order_shipments_to_canonical(order_)
    assert len(results) == 1
    result = canonical.validate("shipment", results[0])
    assert result["external_id"] == "0"
    assert result["picking_ref"] == "string"
    assert result["final"] is True
    tshirt = line(result, "TShirtBlueM")
    assert tshirt["shipped"] == 0
    if status != "Cancelled":
        assert result["carrier"] == {
            "name": "USPS",
            "service": "Priority",
            "code": "Standard",
        }  # scac "string": no SCAC
        assert result["shipped_at"] == "2019-08-24T14:15:22Z"
        assert result["bol"] == "string"
        assert tshirt["serials"] == ["string"]
        # the example's parent carton has barcode "string": an LPN, with its content
        assert result["packages"][0]["lpn"] == "string"


def test_published_shipment_list_example_maps_each_final_shipment():
    shipments = copy.deepcopy(examples.ORDER_SHIPMENTS)
    for item in shipments:
        item["status"] = "Completed"
    results = [mapping.shipment_to_canonical(item, path=f"[{index}]") for index, item in enumerate(shipments)]
    assert [canonical.validate("shipment", result)["external_id"] for result in results] == ["0"]
    assert results[0]["lines"][0]["status"] is None  # no order at hand: only what shipped


# --- shipments: splits, shorts, cancellations, over-shipments -------------------------


def test_split_shipment_first_part_leaves_a_backorder():
    first = shipment(
        11,
        "Completed",
        product("A", 3),
        product("B", 2, serials=["SN1", "SN2"]),
    )
    first["products"][0]["inventory_items"] = [
        {"id": 1, "quantity": 2, "lot": "L1", "expiration_date": "2027-03-31T00:00:00-05:00"},
        {"id": 1, "quantity": 1, "lot": "L2"},
    ]
    second = shipment(12, "Exception", product("A", 2))
    result = mapping.shipment_to_canonical(first, order(first, second))
    canonical.validate("shipment", result)
    assert result["external_id"] == "11"
    assert result["picking_ref"] == "WH3PL/OUT/00012"
    assert result["order_ref"] == "S00042"
    assert result["final"] is False
    assert result["carrier"] == {"name": "USPS", "service": "Priority", "scac": "USPS", "code": "Standard"}
    a, b = line(result, "A"), line(result, "B")
    assert (a["line_ref"], a["ordered"], a["shipped"], a["difference"], a["status"]) == (
        "501",
        5,
        3,
        2,
        "backorder",
    )
    assert a["lots"] == [
        {"name": "L1", "quantity": 2, "expiry": "2027-03-31"},
        {"name": "L2", "quantity": 1},
    ]
    assert (b["shipped"], b["difference"], b["status"], b["serials"]) == (2, 0, "complete", ["SN1", "SN2"])
    package = result["packages"][0]
    assert package["tracking_number"] == "940011"
    assert package["weight"] == Decimal("0.907")  # 32 oz
    assert {"sku": "B", "quantity": 1, "serial": "SN1"} in package["lines"]
    assert {"sku": "A", "quantity": 2, "lot": "L1"} in package["lines"]
    # the open shipment is not a confirmation
    assert mapping.shipment_to_canonical(second, order(first, second)) is None


def test_two_confirmations_of_one_order_complete_it():
    first = shipment(11, "Completed", product("A", 3), product("B", 2))
    second = shipment(12, "Completed", product("A", 2))
    results = mapping.order_shipments_to_canonical(order(first, second))
    assert [result["external_id"] for result in results] == ["11", "12"]
    # seen from the first, the rest of A follows in the second, even though
    # both are confirmed by now (one order.shipped webhook carries both)
    assert [result["final"] for result in results] == [False, True]
    assert (line(results[0], "A")["status"], line(results[0], "A")["difference"]) == ("backorder", 2)
    assert line(results[0], "A")["shipped"] == 3
    assert line(results[1], "A")["shipped"] == 2
    assert line(results[1], "A")["status"] == "complete"
    assert line(results[1], "A")["difference"] == 0


def test_short_whose_rest_is_cancelled_is_a_cancelled_rest():
    first = shipment(11, "Completed", product("A", 3), product("B", 2))
    rest = shipment(12, "Cancelled", product("A", 2))
    first_result, rest_result = mapping.order_shipments_to_canonical(order(first, rest))
    assert (line(first_result, "A")["difference"], line(first_result, "A")["status"]) == (2, "cancelled")
    assert rest_result["final"] is True
    assert line(rest_result, "A") == {
        "line_ref": "501",
        "sku": "A",
        "ordered": 5,
        "shipped": 0,
        "difference": 2,
        "status": "cancelled",
        "lots": [],
        "serials": [],
    }
    assert rest_result["packages"] == [] and "carrier" not in rest_result


def test_a_webhook_shipment_newer_than_the_fetched_order_wins():
    stale = shipment(12, "Exception", product("A", 2))
    first = shipment(11, "Completed", product("A", 3), product("B", 2))
    now_cancelled = shipment(12, "Cancelled", product("A", 2))
    result = mapping.shipment_to_canonical(now_cancelled, order(first, stale))
    assert result["final"] is True
    assert line(result, "A")["status"] == "cancelled"


def test_line_never_put_in_a_shipment_is_reported_cancelled_by_the_last_confirmation():
    only = shipment(11, "Completed", product("A", 5))
    result = mapping.shipment_to_canonical(only, order(only))
    assert result["final"] is True
    assert line(result, "B") == {
        "line_ref": "502",
        "sku": "B",
        "ordered": 2,
        "shipped": 0,
        "difference": 2,
        "status": "cancelled",
    }


def test_unordered_sku_and_too_many_units_are_over_shipments():
    only = shipment(11, "Completed", product("A", 6), product("B", 2), product("SUBST", 1))
    result = mapping.shipment_to_canonical(only, order(only))
    assert (line(result, "A")["status"], line(result, "A")["difference"]) == ("over", -1)
    assert (line(result, "SUBST")["status"], line(result, "SUBST")["ordered"]) == ("over", 0)


def test_same_sku_on_two_order_lines_is_matched_by_sku():
    only = shipment(11, "Completed", product("A", 5))
    products = [
        {"reference_id": "A", "quantity": 2, "external_line_id": 501},
        {"reference_id": "A", "quantity": 3, "external_line_id": 503},
    ]
    result = mapping.shipment_to_canonical(only, order(only, products=products))
    assert line(result, "A")["ordered"] == 5 and "line_ref" not in line(result, "A")


def test_cartons_with_sscc_barcodes_become_packages():
    carton = {
        "id": 1,
        "barcode": "00012345678901234567",
        "type": "Box",
        "measurements": {"total_weight_oz": 16},
        "carton_details": [{"products": [product("A", 3)]}],
    }
    other = {"id": 2, "barcode": "PLT-77", "carton_details": [{"products": [product("B", 2, lot="L9")]}]}
    b2b = shipment(
        11,
        "Completed",
        product("A", 3),
        product("B", 2, lot="L9"),
        parent_cartons=[{"barcode": "PALLET-1", "cartons": [carton, other]}],
    )
    result = mapping.shipment_to_canonical(b2b)
    first, second = result["packages"]
    assert first["sscc"] == "012345678901234567"
    assert first["weight"] == Decimal("0.454")
    assert first["lines"] == [{"sku": "A", "quantity": 3}]
    assert second["lpn"] == "PLT-77" and second["lines"] == [{"sku": "B", "quantity": 2, "lot": "L9"}]


def test_bad_shipment_field_is_reported_with_its_path():
    broken = shipment(11, "Completed", product("A", 3))
    broken["products"][0]["inventory_items"][0]["quantity"] = "three"
    with pytest.raises(ValidationFailed) as caught:
        mapping.order_shipments_to_canonical(order(broken))
    assert caught.value.errors[0].startswith("shipments[0].products[0].inventory_items[0].quantity:")
    nameless = shipment(11, "Completed", {"inventory_items": []})
    with pytest.raises(ValidationFailed, match=r"products\[0\]: the product has neither"):
        mapping.shipment_to_canonical(nameless)
    with pytest.raises(ValidationFailed, match="expected a JSON object"):
        mapping.shipment_to_canonical(["not", "a", "shipment"])


def test_webhook_bodies_order_shipped_and_shipment_cancelled():
    first = shipment(11, "LabeledCreated", product("A", 5), product("B", 2))
    results = mapping.webhook_shipments("order.shipped", order(first))
    assert [result["external_id"] for result in results] == ["11"]
    cancelled = shipment(12, "Cancelled", product("A", 1))
    (result,) = mapping.webhook_shipments("order.shipment.cancelled", cancelled)
    assert line(result, "A")["status"] == "cancelled"
    assert mapping.webhook_shipments("order.shipment.on_hold", shipment(13, "OnHold", product("A", 1))) == []
    (with_order,) = mapping.webhook_shipments("order.shipment.cancelled", cancelled, order(first, cancelled))
    assert with_order["final"] is True and line(with_order, "A")["ordered"] == 5
    with pytest.raises(ValidationFailed, match="carries no shipment"):
        mapping.webhook_shipments("return.completed", cancelled)


# --- inbound notice -> WRO -> receipt -------------------------------------------------


def inbound_notice(**changes):
    notice = {
        "schema_version": 1,
        "reference": "WH3PL/IN/00007",
        "kind": "purchase",
        "origin": "P00031",
        "supplier": "Roaster Inc",
        "warehouse_code": "10",
        "expected_date": "2026-12-02",
        "tracking_number": "1Z999",
        "lines": [
            {"line_ref": "701", "sku": "100", "quantity": Decimal("100")},
            {
                "line_ref": "702",
                "sku": "101",
                "quantity": Decimal("60"),
                "lot": "B-7",
                "expiry": "2027-06-30",
            },
            {
                "line_ref": "703",
                "sku": "101",
                "quantity": Decimal("40"),
                "lot": "B-7",
                "expiry": "2027-06-30",
            },
        ],
    }
    notice.update(changes)
    return notice


def test_inbound_notice_becomes_a_documented_wro_body():
    payload = mapping.inbound_notice_to_wro(inbound_notice(), {"100": 8588331, "101": "8588349"})
    check_request("create_receiving_order", payload)
    assert payload["purchase_order_number"] == "WH3PL/IN/00007"
    assert payload["fulfillment_center"] == {"id": 10}
    assert payload["expected_arrival_date"] == "2026-12-02T00:00:00Z"
    (box,) = payload["boxes"]
    assert box["tracking_number"] == "1Z999"
    assert box["box_items"] == [
        {"inventory_id": 8588331, "quantity": 100},
        {"inventory_id": 8588349, "quantity": 100, "lot_number": "B-7", "lot_date": "2027-06-30T00:00:00Z"},
    ]


def test_inbound_notice_problems_name_their_path():
    with pytest.raises(MappingError, match=r"^lines\[1\]\.sku: ShipBob has no inventory item for SKU '101'"):
        mapping.inbound_notice_to_wro(inbound_notice(), {"100": 1})
    with pytest.raises(MappingError, match="^expected_date: "):
        mapping.inbound_notice_to_wro(inbound_notice(expected_date=None), {"100": 1, "101": 2})
    with pytest.raises(MappingError, match="^warehouse_code: "):
        mapping.inbound_notice_to_wro(inbound_notice(warehouse_code=None), {"100": 1, "101": 2})
    payload = mapping.inbound_notice_to_wro(
        inbound_notice(expected_date=None, tracking_number=None),
        {"100": 1, "101": 2},
        fulfillment_center_id=42,
        expected_arrival="2026-12-05T00:00:00Z",
    )
    assert payload["fulfillment_center"] == {"id": 42}
    assert payload["boxes"][0]["tracking_number"] == "WH3PL/IN/00007"


def test_published_wro_example_is_a_receipt_in_progress():
    receipt = mapping.wro_to_receipt(
        copy.deepcopy(examples.RECEIVING_ORDER), copy.deepcopy(examples.RECEIVING_BOXES)
    )
    canonical.validate("receipt", receipt)
    assert receipt["external_id"] == "0" and receipt["notice_ref"] == "string"
    assert receipt["final"] is False  # status Awaiting
    assert receipt["lines"] == [
        {"sku": "string", "lot": "string", "expiry": "2019-08-24", "expected": 0, "received": 0}
    ]


def test_sandbox_wros_completed_and_still_stowing():
    done = mapping.wro_to_receipt(
        copy.deepcopy(examples.SANDBOX_WRO_COMPLETED),
        copy.deepcopy(examples.SANDBOX_WRO_BOXES_COMPLETED),
        line_refs={"100": "701"},
    )
    assert done["final"] is True and done["notice_ref"] == "POTEST1" and done["kind"] == "purchase"
    assert [(item["sku"], item["received"], item.get("line_ref")) for item in done["lines"]] == [
        ("100", 100, "701"),
        ("101", 100, None),
        ("102", 100, None),
    ]
    busy = mapping.wro_to_receipt(copy.deepcopy(examples.SANDBOX_WRO_PROCESSING))
    assert busy["final"] is False
    assert [(item["sku"], item["expected"], item["received"]) for item in busy["lines"]] == [
        ("100", 100, 50),  # stowed counts as received
        ("101", 100, 0),
        ("102", 100, 0),
    ]


def test_wro_box_of_an_unknown_inventory_item_is_refused_with_its_path():
    boxes = copy.deepcopy(examples.SANDBOX_WRO_BOXES_COMPLETED)
    boxes[1]["box_items"][0]["inventory_id"] = 1
    with pytest.raises(ValidationFailed) as caught:
        mapping.wro_to_receipt(copy.deepcopy(examples.SANDBOX_WRO_COMPLETED), boxes)
    assert caught.value.errors[0].startswith("boxes[1].box_items[0].inventory_id:")


# --- inventory levels -> snapshot -----------------------------------------------------


def test_published_inventory_level_examples_are_snapshots():
    as_of = "2026-11-29T03:00:00Z"
    for name, location in (
        ("INVENTORY_LEVELS", None),
        ("INVENTORY_LEVELS_BY_LOCATION", 0),
        ("INVENTORY_LEVELS_BY_LOT", 0),
    ):
        items = copy.deepcopy(getattr(examples, name))["items"]
        snapshot = mapping.inventory_levels_to_snapshot(
            items, as_of=as_of, external_id="run-1", location_id=location
        )
        canonical.validate("inventory_snapshot", snapshot)
        assert snapshot["items"][0]["sku"] == "string", name
    lots = mapping.inventory_levels_to_snapshot(
        examples.INVENTORY_LEVELS_BY_LOT["items"], as_of=as_of, external_id="run-1", location_id=0
    )
    assert lots["items"][0]["lot"] == "string" and lots["items"][0]["expiry"] == "2019-08-24"


def test_snapshot_of_one_fulfilment_center_by_lot():
    items = [
        {
            "inventory_id": 1,
            "sku": "A",
            "lots": [
                {
                    "lot_number": "L1",
                    "lot_date": "2027-01-31T00:00:00Z",
                    "locations": [
                        {
                            "location_id": 10,
                            "on_hand_quantity": 7,
                            "fulfillable_quantity": 5,
                            "committed_quantity": 2,
                        },
                        {"location_id": 11, "on_hand_quantity": 100, "fulfillable_quantity": 100},
                    ],
                },
                {"lot_number": "L2", "locations": [{"location_id": 11, "on_hand_quantity": 3}]},
            ],
        },
        {"inventory_id": 2, "sku": "B", "locations": [{"location_id": 10, "on_hand_quantity": 4}]},
        {"inventory_id": 3, "sku": "C", "locations": [{"location_id": 11, "on_hand_quantity": 9}]},
    ]
    snapshot = mapping.inventory_levels_to_snapshot(
        items, as_of="2026-11-29T03:00:00+01:00", external_id="snap-9", location_id=10
    )
    assert snapshot["as_of"] == "2026-11-29T02:00:00Z"
    assert snapshot["warehouse_code"] == "10" and snapshot["complete"] is True
    assert snapshot["items"] == [
        {"sku": "A", "lot": "L1", "expiry": "2027-01-31", "on_hand": 7, "available": 5, "committed": 2},
        {"sku": "B", "on_hand": 4, "available": 0, "committed": 0},
    ]


def test_snapshot_with_a_negative_on_hand_is_refused_with_its_path():
    items = [{"sku": "A", "total_on_hand_quantity": -1}]
    with pytest.raises(ValidationFailed) as caught:
        mapping.inventory_levels_to_snapshot(items, as_of="2026-11-29T03:00:00Z", external_id="x")
    assert caught.value.errors[0].startswith("items[0].total_on_hand_quantity:")


# --- returns --------------------------------------------------------------------------


def return_notice():
    return {
        "schema_version": 1,
        "reference": "WH3PL/RET/00003",
        "original_reference": "WH3PL/OUT/00012",
        "original_external_id": "11",
        "rma": "RMA-5",
        "warehouse_code": "10",
        "tracking_number": "1Z-RET",
        "lines": [
            {"line_ref": "801", "sku": "A", "quantity": Decimal("2"), "action": "restock"},
            {"line_ref": "802", "sku": "B", "quantity": Decimal("1"), "lot": "L9", "action": None},
        ],
    }


def test_return_notice_becomes_a_documented_return_body():
    payload = mapping.return_notice_to_shipbob(return_notice(), {"A": 101, "B": 102})
    check_request("create_return", payload)
    assert payload == {
        "reference_id": "WH3PL/RET/00003",
        "fulfillment_center": {"id": 10},
        "inventory": [
            {"id": 101, "quantity": 2, "requested_action": "Restock"},
            {"id": 102, "quantity": 1, "requested_action": "Default", "lot_number": "L9"},
        ],
        "original_shipment_id": 11,
        "tracking_number": "1Z-RET",
    }
    with pytest.raises(MappingError, match=r"^lines\[0\]\.sku: "):
        mapping.return_notice_to_shipbob(return_notice(), {"B": 102})


def test_published_return_examples_are_return_receipts():
    receipt = mapping.return_to_receipt(copy.deepcopy(examples.RETURN_ORDER))
    canonical.validate("receipt", receipt)
    assert receipt["kind"] == "return" and receipt["notice_ref"] == "string"
    assert receipt["lines"][0]["lot"] == "string" and receipt["lines"][0]["expiry"] == "2019-08-24"
    # the create answer lists items without a SKU: the caller names them
    created = mapping.return_to_receipt(
        copy.deepcopy(examples.CREATED_RETURN), skus_by_inventory_id={"0": "A"}
    )
    assert created["lines"][0]["sku"] == "A"
    with pytest.raises(ValidationFailed, match=r"inventory\[0\]\.sku: missing"):
        mapping.return_to_receipt(copy.deepcopy(examples.CREATED_RETURN))


def test_completed_return_counts_damaged_units():
    completed = {
        "id": 55,
        "reference_id": "WH3PL/RET/00003",
        "status": "Completed",
        "completed_date": "2026-11-25T10:00:00Z",
        "inventory": [
            {
                "id": 101,
                "sku": "A",
                "quantity": 2,
                "action_taken": [
                    {"action": "Restock", "action_reason": "Good", "quantity_processed": 1},
                    {"action": "Dispose", "action_reason": "Damaged", "quantity_processed": 1},
                ],
            }
        ],
    }
    receipt = mapping.return_to_receipt(completed, line_refs={"A": "801"})
    assert receipt["final"] is True and receipt["received_at"] == "2026-11-25T10:00:00Z"
    assert receipt["lines"] == [
        {
            "line_ref": "801",
            "sku": "A",
            "expected": 2,
            "received": 2,
            "damaged": 1,
            "damage_reason": "Damaged",
        }
    ]


# --- cancellation answers -------------------------------------------------------------


def test_published_cancel_example_is_accepted():
    answer = mapping.cancellation_answer(
        "WH3PL/OUT/00012", copy.deepcopy(examples.CANCELLED_ORDER), answered_at="2026-11-29T03:00:00Z"
    )
    assert canonical.validate("cancellation_answer", answer) == {
        "schema_version": 1,
        "reference": "WH3PL/OUT/00012",
        "external_id": "0",
        "answer": "accepted",
        "answered_at": "2026-11-29T03:00:00Z",
    }


def test_partial_and_failed_cancellations():
    partial = {
        "order_id": 900,
        "status": "PartialSuccess",
        "canceled_shipment_results": [
            {
                "shipment_id": 11,
                "action": "Cancel",
                "is_success": False,
                "reason": "Shipment already shipped",
            },
            {"shipment_id": 12, "action": "Cancel", "is_success": True},
        ],
    }
    answer = mapping.cancellation_answer("R", partial)
    assert (answer["answer"], answer["reason"], answer["external_id"]) == (
        "too_late",
        "Shipment already shipped",
        "900",
    )
    failed = {"order_id": 900, "status": "Failure", "canceled_shipment_results": []}
    assert mapping.cancellation_answer("R", failed)["answer"] == "refused"
    shipped = order(shipment(11, "Completed", product("A", 5)))
    assert mapping.cancellation_answer("R", failed, order=shipped)["answer"] == "too_late"
    rejected = {"status": "Failure", "order_id": 900, "rejected": {"errors": ["Order cannot be cancelled"]}}
    answer = mapping.cancellation_answer("R", rejected)
    assert answer["answer"] == "refused" and "Order cannot be cancelled" in answer["reason"]
    with pytest.raises(ValidationFailed, match="status: expected Success"):
        mapping.cancellation_answer("R", {"status": "Maybe"})


def test_waiting_shipment_ids_are_the_rest_of_an_order_shipped_in_part():
    order = {
        "id": 9,
        "shipments": [
            {"id": 1, "status": "Completed"},
            {"id": 2, "status": "Exception"},
            {"id": 3, "status": "Cancelled"},
        ],
    }
    assert mapping.waiting_shipment_ids(order) == ["2"]
    nothing_shipped = {"id": 9, "shipments": [{"id": 1, "status": "Processing"}]}
    assert mapping.waiting_shipment_ids(nothing_shipped) == []
    assert mapping.waiting_shipment_ids({"id": 9, "shipments": [{"id": 1, "status": "Completed"}]}) == []
