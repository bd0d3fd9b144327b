"""The sandbox 3PL (tests/sandbox/tpl) over loopback: ShipBob's REST face
(auth, duplicate 422, pagination, throttling, signed and dropped webhooks),
the warehouse's behaviours (shorts, splits, substitutions, late cancel,
WRO, drift) and its X12 files read back by channel_edi's reader and
validation engine. No sleeping: the clock is a ManualClock."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from sandbox.edi import libs
from sandbox.edi.x12 import Envelope, Identity, write_interchange
from sandbox.peer import ManualClock
from sandbox.tpl import DEFAULT_CHANNEL_ID, DEFAULT_TOKEN, TplSandbox, verify

AUTH = {"Authorization": f"Bearer {DEFAULT_TOKEN}", "shipbob_channel_id": str(DEFAULT_CHANNEL_ID)}
HOUR = 3600


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def tpl(clock):
    sandbox = TplSandbox(clock=clock, wait=clock.wait)
    sandbox.warehouse.stock("FURN_7800", 20, lot="L-2027", expiry="2027-03-31", name="Desk Combination")
    sandbox.warehouse.stock("FURN_0269", 20, name="Office Chair Black")
    sandbox.warehouse.stock("FURN_0269-ALT", 5, name="Office Chair Graphite")
    with sandbox:
        yield sandbox


@pytest.fixture
def receiver():
    """A webhook endpoint on loopback recording what it receives."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


def url(tpl, path, version="2026-07"):
    return f"{tpl.base_url}/{version}{path}"


def order_body(reference, lines=(("FURN_7800", 2), ("FURN_0269", 3))):
    return {
        "reference_id": reference,
        "order_number": reference,
        "shipping_method": "Standard",
        "type": "DTC",
        "recipient": {
            "name": "Olivia Bennett",
            "address": {"address1": "2140 Mission St", "city": "SF", "country": "US"},
        },
        "products": [
            {"reference_id": sku, "name": sku, "quantity": qty, "external_line_id": 100 + i}
            for i, (sku, qty) in enumerate(lines)
        ],
    }


def create(tpl, reference, **kwargs):
    answer = requests.post(url(tpl, "/order"), json=order_body(reference, **kwargs), headers=AUTH, timeout=5)
    assert answer.status_code == 201, answer.text
    return answer.json()


# --- REST -------------------------------------------------------------------------------


def test_bearer_token_and_channel_header(tpl):
    assert requests.get(url(tpl, "/order"), timeout=5).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert requests.get(url(tpl, "/order"), headers=wrong, timeout=5).status_code == 401
    no_channel = {"Authorization": AUTH["Authorization"]}
    answer = requests.post(url(tpl, "/order"), json=order_body("A1"), headers=no_channel, timeout=5)
    assert answer.status_code == 400 and "shipbob_channel_id" in answer.json()
    other = dict(AUTH, shipbob_channel_id="1")
    assert (
        requests.post(url(tpl, "/order"), json=order_body("A1"), headers=other, timeout=5).status_code == 403
    )
    assert requests.get(url(tpl, "/order", "1.0"), headers=AUTH, timeout=5).status_code == 404


def test_duplicate_reference_answers_422_with_shipbobs_shape(tpl):
    first = create(tpl, "WH3PL/OUT/00012")
    assert first["reference_id"] == "WH3PL/OUT/00012" and first["status"] == "Processing"
    assert first["products"][0]["external_line_id"] == 100
    again = requests.post(url(tpl, "/order"), json=order_body("WH3PL/OUT/00012"), headers=AUTH, timeout=5)
    assert again.status_code == 422
    assert again.json() == {"": ["Cannot insert order with existing ReferenceId"]}
    bad = order_body("X")
    del bad["recipient"]
    answer = requests.post(url(tpl, "/order"), json=bad, headers=AUTH, timeout=5)
    assert answer.status_code == 400 and "recipient" in answer.json()


def test_orders_pages_and_filters(tpl):
    for n in range(5):
        create(tpl, f"REF-{n}", lines=(("FURN_0269", 1),))
    answer = requests.get(url(tpl, "/order"), params={"Page": 2, "Limit": 2}, headers=AUTH, timeout=5)
    assert [o["reference_id"] for o in answer.json()] == ["REF-2", "REF-3"]
    assert answer.headers["Total-Count"] == "5" and answer.headers["Total-Pages"] == "3"
    assert answer.headers["Page-Number"] == "2" and "Page=3" in answer.headers["Next-Page"]
    only = requests.get(url(tpl, "/order"), params={"ReferenceIds": "REF-1,REF-4"}, headers=AUTH, timeout=5)
    assert [o["reference_id"] for o in only.json()] == ["REF-1", "REF-4"]
    too_big = requests.get(url(tpl, "/order"), params={"Limit": 251}, headers=AUTH, timeout=5)
    assert too_big.status_code == 400


def test_rate_limit_150_per_minute_with_x_retry_after(tpl, clock):
    tpl.bucket_for(DEFAULT_TOKEN).drain()
    answer = requests.get(url(tpl, "/order"), headers=AUTH, timeout=5)
    assert answer.status_code == 429
    assert answer.headers["x-retry-after"] == "1" and answer.headers["x-remaining-calls"] == "0"
    assert answer.json()["message"] == "Rate limit is exceeded. Try again in 1 seconds."
    clock.advance(60)  # a minute restores the 150
    answer = requests.get(url(tpl, "/order"), headers=AUTH, timeout=5)
    assert answer.status_code == 200 and answer.headers["x-remaining-calls"] == "149"
    tpl.inject_faults([{"status": 429, "retry_after": 7}])
    answer = requests.get(url(tpl, "/order"), headers=AUTH, timeout=5)
    assert answer.status_code == 429 and answer.headers["x-retry-after"] == "7"


def test_webhooks_signed_as_documented_and_dropped_ones_caught_by_polling(tpl, receiver):
    hook_url, received = receiver
    sub = requests.post(
        url(tpl, "/webhook"), json={"topics": ["order.shipped"], "url": hook_url}, headers=AUTH, timeout=5
    ).json()
    assert sub["secret"].startswith("whsec_")
    listed = requests.get(url(tpl, "/webhook"), headers=AUTH, timeout=5).json()["items"]
    assert listed[0]["id"] == sub["id"] and "secret" not in listed[0]
    create(tpl, "SHIP-1", lines=(("FURN_0269", 1),))
    create(tpl, "SHIP-2", lines=(("FURN_0269", 1),))
    tpl.configure_faults({"webhooks": {"drop_next": 1}})
    tpl.advance(2 * HOUR)
    assert len(received) == 1
    delivery = received[0]
    assert delivery["headers"]["x-webhook-topic"] == "order.shipped"
    assert delivery["headers"]["webhook-signature"].startswith("v1,")
    assert verify(sub["secret"], delivery["headers"], delivery["body"])
    assert not verify(sub["secret"], delivery["headers"], delivery["body"] + b" ")
    shipped = json.loads(delivery["body"])
    assert shipped["shipments"][0]["tracking"]["scac"]
    dropped = [d for d in tpl.webhook_deliveries if d["dropped"]]
    assert len(dropped) == 1
    # polling catches up: every order with tracking, the dropped one too
    polled = requests.get(url(tpl, "/order"), params={"HasTracking": "true"}, headers=AUTH, timeout=5).json()
    assert {o["reference_id"] for o in polled} == {"SHIP-1", "SHIP-2"}
    assert requests.delete(url(tpl, f"/webhook/{sub['id']}"), headers=AUTH, timeout=5).status_code == 204


# --- behaviours --------------------------------------------------------------------------


def shipments(tpl, order_id):
    return requests.get(url(tpl, f"/order/{order_id}/shipment"), headers=AUTH, timeout=5).json()


def test_short_backorder_split_substitution(tpl):
    tpl.warehouse.set_behaviour("SHORT", short={"sku": "FURN_0269", "quantity": 1, "rest": "backorder"})
    tpl.warehouse.set_behaviour("SPLIT", split=2)
    tpl.warehouse.set_behaviour("SUBST", substitute={"sku": "FURN_0269", "with": "FURN_0269-ALT"})
    short, split, subst = create(tpl, "SHORT"), create(tpl, "SPLIT"), create(tpl, "SUBST")
    tpl.advance(2 * HOUR)
    done = shipments(tpl, short["id"])
    assert [s["status"] for s in done] == ["Completed", "Exception"]
    chairs = next(p for p in done[0]["products"] if p["sku"] == "FURN_0269")
    assert chairs["inventory_items"][0]["quantity"] == 2
    assert tpl.warehouse.orders[short["id"]]["status"] == "PartiallyFulfilled"
    assert done[1]["status_details"][0]["name"] == "OutOfStock"
    assert [s["status"] for s in shipments(tpl, split["id"])] == ["Completed", "Completed"]
    desk = next(p for s in shipments(tpl, split["id"]) for p in s["products"] if p["sku"] == "FURN_7800")
    assert desk["inventory_items"][0]["lot"] == "L-2027"
    assert desk["inventory_items"][0]["expiration_date"] == "2027-03-31T00:00:00Z"
    skus = {p["sku"] for p in shipments(tpl, subst["id"])[0]["products"]}
    assert skus == {"FURN_7800", "FURN_0269-ALT"}
    tpl.advance(24 * HOUR)  # the backordered chair ships the next day, in the Exception shipment
    assert [s["status"] for s in shipments(tpl, short["id"])] == ["Completed", "Completed"]
    assert tpl.warehouse.orders[short["id"]]["status"] == "Fulfilled"


def test_order_has_its_shipment_from_the_start(tpl):
    order = create(tpl, "FRESH")
    assert [(s["status"], s["tracking"]) for s in order["shipments"]] == [("Processing", None)]
    tpl.advance(2 * HOUR)
    shipment = shipments(tpl, order["id"])[0]
    assert shipment["id"] == order["shipments"][0]["id"] and shipment["status"] == "Completed"
    assert shipment["parent_cartons"][0]["barcode"].startswith("00614141")
    single = requests.get(url(tpl, f"/shipment/{shipment['id']}"), headers=AUTH, timeout=5).json()
    assert single["tracking"]["tracking_number"] == shipment["tracking"]["tracking_number"]


def test_short_with_the_rest_cancelled(tpl):
    tpl.warehouse.set_behaviour("CUT", short={"sku": "FURN_7800", "quantity": 2, "rest": "cancel"})
    order = create(tpl, "CUT")
    tpl.advance(2 * HOUR)
    assert [s["status"] for s in shipments(tpl, order["id"])] == ["Completed", "Cancelled"]
    assert tpl.warehouse.orders[order["id"]]["status"] == "Fulfilled"


def test_cancel_before_pick_accepted_after_pick_refused(tpl):
    early = create(tpl, "EARLY")
    answer = requests.post(url(tpl, f"/order/{early['id']}:cancel"), headers=AUTH, timeout=5).json()
    assert answer["order"]["status"] == "Cancelled" and answer["canceled_shipment_results"][0]["is_success"]
    late = create(tpl, "LATE")
    tpl.advance(HOUR + 1)  # picked, not shipped
    answer = requests.post(url(tpl, f"/order/{late['id']}:cancel"), headers=AUTH, timeout=5).json()
    assert answer["order"]["status"] == "Processing"
    assert answer["canceled_shipment_results"][0]["is_success"] is False
    tpl.advance(HOUR)
    assert tpl.warehouse.orders[late["id"]]["status"] == "Fulfilled"


def test_the_waiting_rest_of_a_short_is_cancelled_by_its_shipment(tpl):
    """ShipBob refuses to cancel an order picked, but cancels a shipment
    not picked: the rest of a short waiting for stock."""
    tpl.warehouse.set_behaviour("REST", short={"sku": "FURN_0269", "quantity": 1, "rest": "backorder"})
    order = create(tpl, "REST")
    tpl.advance(2 * HOUR)
    shipped, waiting = shipments(tpl, order["id"])
    assert (shipped["status"], waiting["status"]) == ("Completed", "Exception")
    refused = requests.post(url(tpl, f"/order/{order['id']}:cancel"), headers=AUTH, timeout=5).json()
    assert refused["status"] == "Failure"
    path = f"/order/{order['id']}/shipment/{shipped['id']}:cancel"
    answer = requests.post(url(tpl, path), headers=AUTH, timeout=5)
    assert answer.status_code == 400 and "Completed" in answer.json()["shipmentId"][0]
    path = f"/order/{order['id']}/shipment/{waiting['id']}:cancel"
    answer = requests.post(url(tpl, path), headers=AUTH, timeout=5)
    assert answer.status_code == 200 and answer.json()["status"] == "Cancelled"
    tpl.advance(24 * HOUR)  # nothing more ships
    assert [s["status"] for s in shipments(tpl, order["id"])] == ["Completed", "Cancelled"]
    assert tpl.warehouse.orders[order["id"]]["status"] == "Fulfilled"
    chair = next(line for line in tpl.warehouse.orders[order["id"]]["lines"] if line["sku"] == "FURN_0269")
    assert (chair["shipped"], chair["cancelled"], chair["backordered"]) == (2, 1, 0)


def test_receiving_order_with_differences_and_damage(tpl):
    item = tpl.warehouse.items["FURN_7800"]
    tpl.warehouse.set_behaviour("PO-77", short={"FURN_7800": 2}, damaged={"FURN_7800": 1})
    body = {
        "purchase_order_number": "PO-77",
        "fulfillment_center": {"id": 7},
        "package_type": "Package",
        "box_packaging_type": "EverythingInOneBox",
        "expected_arrival_date": "2026-12-01T00:00:00Z",
        "boxes": [
            {
                "tracking_number": "1Z1",
                "box_items": [
                    {
                        "inventory_id": item["inventory_id"],
                        "quantity": 10,
                        "lot_number": "L-2028",
                        "lot_date": "2028-01-31T00:00:00Z",
                    }
                ],
            }
        ],
    }
    wro = requests.post(url(tpl, "/receiving"), json=body, headers=AUTH, timeout=5)
    assert wro.status_code == 201 and wro.json()["status"] == "Awaiting"
    bad = requests.post(url(tpl, "/receiving"), json={"boxes": []}, headers=AUTH, timeout=5)
    assert bad.status_code == 422  # 2026-07: create-WRO validation errors answer 422
    assert (
        requests.post(url(tpl, "/receiving", "2026-01"), json={}, headers=AUTH, timeout=5).status_code == 400
    )
    tpl.advance(24 * HOUR)
    done = requests.get(url(tpl, f"/receiving/{wro.json()['id']}"), headers=AUTH, timeout=5).json()
    line = done["inventory_quantities"][0]
    assert (
        done["status"],
        line["expected_quantity"],
        line["received_quantity"],
        line["stowed_quantity"],
    ) == (
        "Completed",
        10,
        8,
        7,
    )
    assert tpl.warehouse.items["FURN_7800"]["lots"]["L-2028"] == {"expiry": "2028-01-31", "on_hand": 7}


def test_inventory_levels_pages_and_drift(tpl):
    first = requests.get(url(tpl, "/inventory-level"), params={"PageSize": 2}, headers=AUTH, timeout=5).json()
    assert len(first["items"]) == 2 and first["next"] and first["prev"] is None
    second = requests.get(f"{tpl.base_url}{first['next']}", headers=AUTH, timeout=5).json()
    assert [i["sku"] for i in second["items"]] == ["FURN_0269-ALT"] and second["next"] is None
    create(tpl, "COMMIT", lines=(("FURN_0269", 4),))
    chair = next(i for i in first["items"] + second["items"] if i["sku"] == "FURN_0269")
    assert chair["total_on_hand_quantity"] == 20
    levels = requests.get(url(tpl, "/inventory-level"), headers=AUTH, timeout=5).json()["items"]
    chair = next(i for i in levels if i["sku"] == "FURN_0269")
    assert (chair["total_committed_quantity"], chair["total_fulfillable_quantity"]) == (4, 16)
    adjustments = tpl.warehouse.drift(5)
    assert len(adjustments) == 5
    assert all(a["adjustment"]["reason_code"] in ("01", "05", "07") for a in adjustments)
    lots = requests.get(url(tpl, "/inventory-level/lots"), headers=AUTH, timeout=5).json()["items"]
    desk = next(i for i in lots if i["sku"] == "FURN_7800")
    assert desk["lots"][0]["lot_number"] == "L-2027"
    assert desk["lots"][0]["on_hand_quantity"] == tpl.warehouse.on_hand("FURN_7800")


def test_returns_and_control_api(tpl):
    item = tpl.warehouse.items["FURN_0269"]
    body = {
        "reference_id": "RMA-1",
        "fulfillment_center": {"id": 7},
        "inventory": [{"id": item["inventory_id"], "quantity": 1, "requested_action": "Restock"}],
    }
    ret = requests.post(url(tpl, "/return"), json=body, headers=AUTH, timeout=5)
    assert ret.status_code == 201 and ret.json()["status"] == "Awaiting Arrival"
    answer = requests.post(f"{tpl.base_url}/_sandbox/advance", json={"seconds": 86400}, timeout=5).json()
    assert {"kind": "return.completed", "return_id": ret.json()["id"]} in answer["events"]
    assert tpl.warehouse.on_hand("FURN_0269") == 21
    paused = requests.post(f"{tpl.base_url}/_sandbox/pause", json={"paused": True}, timeout=5).json()
    assert paused == {"paused": True}
    state = requests.get(f"{tpl.base_url}/_sandbox/state", timeout=5).json()
    assert state["warehouse"]["returns"] == {"RMA-1": "Completed"}


# --- X12 -------------------------------------------------------------------------------------

US = Identity("ZZ", "ODOOEDI")
THEM = Identity("ZZ", "SANDBOX3PL")


def our_file(set_type, body, isa13):
    envelope = Envelope(sender=US, receiver=THEM, isa13=isa13, gs06=str(int(isa13)))
    return write_interchange(envelope, [(set_type, "0001", body)])


def read_back(face):
    """{set id: [(typed document, validation errors)]} of what the warehouse wrote."""
    from odoo.addons.channel_edi.lib import validation

    out = {}
    for _name, data in face.sent:
        edifile = libs.x12().read(data)
        assert not edifile.errors
        for transaction in (t for i in edifile.interchanges for t in i.transactions()):
            issues = validation.errors(validation.validate(transaction, "X12", "004010"))
            document = libs.documents().read(transaction, "X12")
            out.setdefault(transaction.type, []).append((document, issues))
    return out


def test_x12_940_to_945_997_846_947_and_943_to_944(tpl):
    face = tpl.attach_x12()
    tpl.warehouse.set_behaviour("WH/OUT/7", short={"sku": "FURN_0269", "quantity": 1}, split=2)
    order_940 = [
        ["W05", "N", "WH/OUT/7", "PO7"],
        ["LX", "1"],
        ["W01", "2", "EA", "", "VN", "FURN_7800"],
        ["LX", "2"],
        ["W01", "3", "EA", "", "VN", "FURN_0269"],
    ]
    face.receive(our_file("940", order_940, "000000001"), "order.x12")
    tpl.advance(2 * HOUR)
    tpl.warehouse.drift(1, sku="FURN_7800", quantity=-1, reason="05")
    face.snapshot()
    tpl.warehouse.set_behaviour("WH/IN/3", short={"FURN_7800": 1})
    inbound_943 = [
        ["W06", "N", "WH/IN/3"],
        ["W27", "M", "UPSN"],
        ["W04", "5", "EA", "", "VN", "FURN_7800"],
        ["W03", "5"],
    ]
    face.receive(our_file("943", inbound_943, "000000002"), "inbound.x12")
    tpl.advance(24 * HOUR)
    sets = read_back(face)
    assert all(not issues for docs in sets.values() for _doc, issues in docs), sets
    assert [doc["groups"][0]["status"] for doc, _ in sets["997"]] == ["A", "A"]
    by_shipment = sorted(sets["945"], key=lambda d: d[0]["shipment_id"])
    assert len(by_shipment) == 3  # the split in two, then the backordered chair a day later
    backorder = by_shipment[2][0]["lines"]
    assert [(line["status"], line["quantity_shipped"]) for line in backorder] == [("CC", "1")]
    lines = [line for doc, _ in by_shipment[:2] for line in doc["lines"]]
    chair = next(line for line in lines if line["product_ids"] == {"VN": "FURN_0269"})
    assert (
        chair["status"],
        chair["quantity_ordered"],
        chair["quantity_shipped"],
        chair["quantity_difference"],
    ) == (
        "BP",
        "3",
        "2",
        "1",
    )
    assert all(line["pack"]["sscc"] for line in lines)
    assert by_shipment[0][0]["carrier"]["scac"] and by_shipment[0][0]["references"]["BM"].startswith("BOL")
    snapshot = sets["846"][0][0]
    desk = next(line for line in snapshot["lines"] if line["product_ids"].get("VN") == "FURN_7800")
    assert desk["quantities"]["17"] == "17"  # 20 - 2 shipped - 1 lost
    adjustment = sets["947"][0][0]["lines"][0]
    assert (adjustment["reason"], adjustment["quantity"]) == ("05", "-1")
    receipt = sets["944"][0][0]
    assert receipt["reporting_code"] == "F" and receipt["lines"][0]["quantity_received"] == "4"


def test_x12_944_damage_in_w13_and_returns_with_w17_c(tpl):
    face = tpl.attach_x12()
    tpl.warehouse.set_behaviour("WH/IN/9", damaged={"FURN_7800": 1})
    inbound_943 = [
        ["W06", "N", "WH/IN/9"],
        ["W27", "M", "UPSN"],
        ["W04", "3", "EA", "", "VN", "FURN_7800"],
        ["W03", "3"],
    ]
    face.receive(our_file("943", inbound_943, "000000003"), "inbound.x12")
    tpl.warehouse.create_return("RMA-9", [{"sku": "FURN_0269", "quantity": 1, "action": "Restock"}])
    tpl.advance(24 * HOUR)
    receipts = [doc for doc, _issues in read_back(face)["944"]]
    damaged = next(r for r in receipts if r["reporting_code"] == "F")
    w13 = damaged["lines"][0]["other_segments"][0]
    assert (w13["tag"], w13["elements"][:3]) == ("W13", ["1", "EA", "01"])  # W13-03 01: damaged
    assert damaged["lines"][0]["quantity_received"] == "3"  # damaged units are counted as received
    returned = next(r for r in receipts if r["reporting_code"] == "C")
    assert returned["depositor_order_number"] == "RMA-9"


def test_x12_over_the_sftp_mailbox(clock):
    paramiko = pytest.importorskip("paramiko")
    from sandbox.sftp import SftpSandbox

    tpl = TplSandbox(clock=clock, wait=clock.wait)
    tpl.warehouse.stock("FURN_8888", 5)
    with SftpSandbox() as server:
        tpl.attach_x12(sftp=server)
        transport = paramiko.Transport((server.host, server.port))
        transport.connect(username="odoo-3pl", password="3pl-sandbox")
        sftp = paramiko.SFTPClient.from_transport(transport)
        order = [["W05", "N", "WH/OUT/9"], ["LX", "1"], ["W01", "1", "EA", "", "VN", "FURN_8888"]]
        with sftp.open("outbound/order.x12.part", "wb") as handle:
            handle.write(our_file("940", order, "000000009"))
        sftp.posix_rename("outbound/order.x12.part", "outbound/order.x12")
        tpl.advance(2 * HOUR)
        names = sorted(sftp.listdir("inbound"))
        transport.close()
    assert sorted(n.split("_")[1] for n in names) == ["945", "997"]


# --- faults, retries, control API, demo ---------------------------------------------------------


def test_injected_faults_answer_as_shipbob(tpl):
    tpl.inject_faults([{"status": 503}, {"drop": True}])
    answer = requests.get(url(tpl, "/order"), headers=AUTH, timeout=5)
    assert answer.status_code == 503 and "message" in answer.json()
    with pytest.raises(requests.ConnectionError):
        requests.get(url(tpl, "/order"), headers=AUTH, timeout=5)
    assert requests.get(url(tpl, "/order"), headers=AUTH, timeout=5).status_code == 200
    control = requests.post(f"{tpl.base_url}/_sandbox/faults", json={"outage": {"seconds": 60}}, timeout=5)
    assert control.status_code == 200
    assert requests.get(url(tpl, "/order"), headers=AUTH, timeout=5).status_code == 503
    assert requests.get(f"{tpl.base_url}/_sandbox/state", timeout=5).json()["faulted"] == {
        "503": 1,
        "drop": 1,
        "outage": 1,
    }


def test_failed_delivery_retried_with_the_same_webhook_id(tpl, clock):
    dead = "http://127.0.0.1:9/hook"  # nothing listens: the delivery fails
    tpl.subscribe(dead, ["order.shipped"])
    create(tpl, "RETRY", lines=(("FURN_0269", 1),))
    tpl.advance(2 * HOUR)
    first = tpl.webhook_deliveries[-1]
    assert first["status"] is None and first["attempt"] == 1
    tpl.advance(5)
    second = tpl.webhook_deliveries[-1]
    assert (second["attempt"], second["webhook_id"]) == (2, first["webhook_id"])
    assert second["headers"]["webhook-timestamp"] != first["headers"]["webhook-timestamp"]


def test_control_api_over_http(tpl, receiver):
    hook_url, received = receiver
    tpl.subscribe(hook_url, ["order.shipment.delivered", "order.shipment.exception"])
    control = f"{tpl.base_url}/_sandbox"
    stocked = requests.post(
        f"{control}/stock", json={"sku": "E-COM07", "quantity": 3, "name": "Large Cabinet"}, timeout=5
    )
    assert stocked.json()["on_hand"] == 3
    behaviour = {"reference": "HELD", "exception": True}
    assert requests.post(f"{control}/behaviour", json=behaviour, timeout=5).json() == {"ok": True}
    held = create(tpl, "HELD", lines=(("E-COM07", 1),))
    assert held["shipments"][0]["status"] == "Exception"
    order = create(tpl, "DELIVER", lines=(("E-COM07", 1),))
    requests.post(f"{control}/advance", json={"seconds": 2 * HOUR}, timeout=5)
    assert tpl.warehouse.orders[held["id"]]["status"] == "Exception"  # held: never picked
    shipment_id = shipments(tpl, order["id"])[0]["id"]
    requests.post(f"{control}/deliver", json={"shipment_id": shipment_id}, timeout=5)
    topics = [r["headers"]["x-webhook-topic"] for r in received]
    assert topics == ["order.shipment.exception", "order.shipment.delivered"]
    assert shipments(tpl, order["id"])[0]["delivery_date"]
    drift = requests.post(
        f"{control}/drift", json={"sku": "E-COM07", "quantity": 2, "reason": "07"}, timeout=5
    )
    assert drift.json()["adjustments"][0]["quantity"] == 2
    assert requests.post(f"{control}/stock", json={"sku": "E-COM07"}, timeout=5).status_code == 422
    warehouse = requests.get(f"{control}/warehouse", timeout=5).json()
    assert warehouse["orders"]["DELIVER"]["status"] == "Fulfilled"
    requests.post(f"{control}/reset", timeout=5)
    assert tpl.warehouse.orders == {} and tpl.subscriptions == {}


def test_x12_faults_late_945_and_no_ack(tpl):
    face = tpl.attach_x12()
    delivered = []
    face.deliver = lambda name, data: delivered.append(name)
    faults = {"x12": [{"fault": "no_ack"}, {"fault": "late", "seconds": 7200, "set": "945"}]}
    assert requests.post(f"{tpl.base_url}/_sandbox/faults", json=faults, timeout=5).status_code == 200
    order = [["W05", "N", "WH/OUT/LATE"], ["LX", "1"], ["W01", "1", "EA", "", "VN", "FURN_0269"]]
    face.receive(our_file("940", order, "000000011"), "late.x12")
    tpl.advance(2 * HOUR)
    assert delivered == []  # no 997, the 945 held back
    tpl.advance(2 * HOUR)
    assert [name.split("_")[1] for name in delivered] == ["945"]
    cancel = [["W05", "F", "WH/OUT/LATE"], ["LX", "1"], ["W01", "1", "EA", "", "VN", "FURN_0269"]]
    face.receive(our_file("940", cancel, "000000012"), "cancel.x12")
    assert tpl.warehouse.find_order("WH/OUT/LATE")["status"] == "Fulfilled"  # too late to cancel
    assert face.received[-1]["errors"] == []


def test_demo_warehouse_ships_demo_products():
    from sandbox.tpl.demo import DEMO_STOCK, demo_sandbox

    clock = ManualClock()
    sandbox = demo_sandbox("demo-token", port=0, clock=clock, wait=clock.wait, seed=3)
    with sandbox:
        assert sandbox.warehouse.name == "Demo 3PL"
        assert {sku for sku, _name, _lots in DEMO_STOCK} <= set(sandbox.warehouse.items)
        headers = dict(AUTH, Authorization="Bearer demo-token")
        body = order_body("WH3PL/OUT/00001", lines=(("FURN_8888", 2),))
        assert requests.post(url(sandbox, "/order"), json=body, headers=headers, timeout=5).status_code == 201
        sandbox.advance(600)
        order = sandbox.warehouse.find_order("WH3PL/OUT/00001")
        assert order["status"] == "Fulfilled"
        assert order["shipments"][0]["items"][0]["lot"] == "LMP-A1"
        requests.post(f"{sandbox.base_url}/_sandbox/reset", timeout=5)
        assert sandbox.warehouse.orders == {} and sandbox.warehouse.on_hand("FURN_8888") == 80  # restocked
