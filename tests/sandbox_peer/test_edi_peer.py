"""The EDI sandbox trading partner (tests/sandbox/edi): its files, its
answers in each mode, its faults, and its transports (AS2 with our AS2
module and with the system's ``openssl cms``; SFTP with our SFTP client).
No sleeping: the partner's clock is a ManualClock."""

import base64
import json
import re
import shutil
import subprocess
import urllib.request
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sandbox.edi import EdiSandbox, documents, gs1, libs
from sandbox.edi.x12 import Envelope, Identity, Syntax, write_interchange
from sandbox.peer import ManualClock, Peer

NOW = datetime(2026, 11, 28, 12, 0)
US = Identity("ZZ", "ODOOEDI")


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def sandbox(clock):
    """A sandbox without SFTP or HTTP: files go to lists."""
    sb = EdiSandbox(sftp=False, clock=clock, wait=clock.wait, now=lambda: NOW)
    sb.outgoing = {"customer": [], "supplier": []}
    for name, partner in sb.partners.items():
        partner.deliver = lambda n, d, name=name: sb.outgoing[name].append((n, d))
    return sb


def read(data):
    edifile = libs.x12().read(data)
    return edifile


def sets_of(data):
    edifile = read(data)
    return [t for i in edifile.interchanges for t in i.transactions()]


def our_file(set_type, bodies, receiver="SANDBOXSUPPLY", isa13="000000101", gs06="101", st02="0001"):
    """A file of ours (as Odoo would send it), for the partner to read."""
    envelope = Envelope(sender=US, receiver=Identity("ZZ", receiver), isa13=isa13, gs06=gs06, when=NOW)
    transactions = [(set_type, f"{int(st02) + i:04d}", body) for i, body in enumerate(bodies)]
    return write_interchange(envelope, transactions)


def order(sb, lines=2, po="PO4500001"):
    return sb.make_order(lines=lines, po_number=po)


def answers(sb, partner="supplier"):
    """{set id: typed document} of what the partner sent (last of each)."""
    out = {}
    for _, data in sb.outgoing[partner]:
        for transaction in sets_of(data):
            out[transaction.type] = documents.read_set(transaction)
    return out


# --- files ---------------------------------------------------------------------------


def test_997_bytes_as_written_by_hand(sandbox):
    sandbox.supplier.receive(our_file("850", [documents.build_850(order(sandbox))]), "po.x12")
    name, data = sandbox.outgoing["supplier"][0]
    assert name == "SANDBOXSUPPLY_997_000000001.x12"
    assert data == (
        b"ISA*00*          *00*          *ZZ*SANDBOXSUPPLY  *ZZ*ODOOEDI        *261128*1200*U*00401*000000001*0*P*>~\n"
        b"GS*FA*SANDBOXSUPPLY*ODOOEDI*20261128*1200*1*X*004010~\n"
        b"ST*997*0001~\n"
        b"AK1*PO*101~\n"
        b"AK2*850*0001~\n"
        b"AK5*A~\n"
        b"AK9*A*1*1*1~\n"
        b"SE*6*0001~\n"
        b"GE*1*1~\n"
        b"IEA*1*000000001~\n"
    )


def test_850_bytes_as_written_by_hand(sandbox):
    po = {
        "po_number": "PO77",
        "order_date": "2026-11-28",
        "ship_to": {"name": "STORE 0042", "identifiers": {"92": "0042"}},
        "lines": [
            {
                "line": "1",
                "quantity": "10",
                "uom": "EA",
                "unit_price": "1.5",
                "product_ids": {"VN": "A-1", "EN": "0614141000005", "IN": "77"},
            }
        ],
    }
    sandbox.customer.send_850(po)
    assert sandbox.outgoing["customer"][0][1].decode() == (
        "ISA*00*          *00*          *ZZ*SANDBOXRETAIL  *ZZ*ODOOEDI        *261128*1200*U*00401*000000001*0*P*>~\n"
        "GS*PO*SANDBOXRETAIL*ODOOEDI*20261128*1200*1*X*004010~\n"
        "ST*850*0001~\n"
        "BEG*00*SA*PO77**20261128~\n"
        "N1*ST*STORE 0042*92*0042~\n"
        "PO1*1*10*EA*1.50*PE*EN*0614141000005*IN*77*VN*A-1~\n"
        "CTT*1*10~\n"
        "SE*6*0001~\n"
        "GE*1*1~\n"
        "IEA*1*000000001~\n"
    )


def test_customer_850_reads_clean_with_the_codec(sandbox):
    orders = sandbox.send_orders(2)
    name, data = sandbox.outgoing["customer"][0]
    edifile = read(data)
    assert edifile.errors == []
    interchange = edifile.interchanges[0]
    assert (str(interchange.sender), interchange.control_number) == ("ZZ:SANDBOXRETAIL", "000000001")
    docs = [documents.read_set(t) for t in interchange.transactions()]
    assert [d["po_number"] for d in docs] == [o["po_number"] for o in orders]
    first, second = docs
    assert first["ship_to"]["identifiers"] == {"92": "0042"}  # a store number
    assert second["ship_to"]["identifiers"] == {"UL": "0614141000104"}  # a DC's GLN
    assert gs1.is_valid("0614141000104")
    line = first["lines"][0]
    assert line["product_ids"] == {"UP": "061414100014", "IN": "100001", "VN": "FURN_7800"}
    assert gs1.is_valid(line["product_ids"]["UP"])
    assert (line["quantity"], line["uom"], line["unit_price"]) == ("12", "EA", "450.00")
    assert [s for s, _ in sandbox.customer.awaiting_ack] == ["1", "1"]


def test_5010_and_other_separators(clock):
    from sandbox.edi.sandbox import default_profiles

    syntax = Syntax(element="|", component=":", segment="\n", repetition="^", suffix="")
    sb = EdiSandbox(
        sftp=False, clock=clock, now=lambda: NOW, profiles=default_profiles(dialect="005010", syntax=syntax)
    )
    got = []
    sb.customer.deliver = lambda n, d: got.append(d)
    sb.send_orders(1)
    assert got[0].startswith(b"ISA|00|")
    assert b"|^|00501|000000001|0|P|:\n" in got[0]
    edifile = read(got[0])
    assert edifile.errors == []
    assert edifile.interchanges[0].groups[0].version == "005010"
    assert next(edifile.interchanges[0].transactions()).segments[0].get(3) == "005010"


# --- the supplier's answers ---------------------------------------------------------------


def test_supplier_accepts_ships_and_invoices(sandbox):
    sandbox.supplier.receive(our_file("850", [documents.build_850(order(sandbox))]), "po.x12")
    assert [n.split("_")[1] for n, _ in sandbox.outgoing["supplier"]] == ["997", "855", "856", "810"]
    docs = answers(sandbox)
    assert docs["855"]["ack_type"] == "AD"
    assert [line["status"] for line in docs["855"]["lines"]] == ["IA", "IA"]
    asn = docs["856"]
    assert asn["orders"] == ["PO4500001"] and asn["structure"] == "0001"
    assert len(asn["ssccs"]) == 2 and all(gs1.is_valid(s) and len(s) == 18 for s in asn["ssccs"])
    items = [n for p in asn["hierarchy"][0]["children"][0]["children"] for n in p["children"]]
    assert [(i["quantity"], i["lot"]) for i in items] == [("12", "LOT5000011"), ("24", "LOT5000012")]
    invoice = docs["810"]
    assert invoice["po_number"] == "PO4500001"
    assert invoice["total_raw"] == "829200" and invoice["total"] == "8292.00"  # 12 * 450.00 + 24 * 120.50
    # every file of the partner is envelope-clean
    for _, data in sandbox.outgoing["supplier"]:
        assert read(data).errors == []


def test_supplier_partial_splits_one_line(sandbox):
    sandbox.supplier.behaviour.update({"ack": "partial", "partial_line": 2})
    sandbox.supplier.receive(our_file("850", [documents.build_850(order(sandbox))]), "po.x12")
    docs = answers(sandbox)
    assert docs["855"]["ack_type"] == "AC"
    line1, line2 = docs["855"]["lines"]
    assert [a["status"] for a in line1["acks"]] == ["IA"]
    assert [(a["status"], a["quantity"], a["date"]) for a in line2["acks"]] == [
        ("IA", "12", "2026-11-30"),
        ("IB", "12", "2026-12-14"),
    ]
    shipped = [n.get("quantity") for n in _walk(docs["856"]["hierarchy"]) if n["level"] == "I"]
    assert shipped == ["12", "12"]
    assert [line["quantity"] for line in docs["810"]["lines"]] == ["12", "12"]


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.get("children", []))


def test_supplier_rejects(sandbox):
    sandbox.supplier.behaviour.update({"ack": "reject"})
    sandbox.supplier.receive(our_file("850", [documents.build_850(order(sandbox))]), "po.x12")
    assert [n.split("_")[1] for n, _ in sandbox.outgoing["supplier"]] == ["997", "855"]
    docs = answers(sandbox)
    assert docs["855"]["ack_type"] == "RJ" and docs["855"]["lines"] == []


def test_supplier_price_change_and_invoice_modes(sandbox):
    sandbox.supplier.behaviour.update({"price_change": 1, "invoice": "over_quantity"})
    sandbox.supplier.receive(our_file("850", [documents.build_850(order(sandbox))]), "po.x12")
    docs = answers(sandbox)
    line1 = docs["855"]["lines"][0]
    assert (line1["status"], line1["unit_price"]) == ("IP", "450.50")
    assert [(x["quantity"], x["unit_price"]) for x in docs["810"]["lines"]] == [
        ("13", "450.50"),
        ("24", "120.50"),
    ]
    sandbox.outgoing["supplier"].clear()
    sandbox.supplier.behaviour.update({"price_change": 0, "invoice": "over_price"})
    sandbox.supplier.receive(
        our_file("850", [documents.build_850(order(sandbox, po="PO4500002"))], isa13="000000102"), "po2.x12"
    )
    invoice = answers(sandbox)["810"]
    assert invoice["lines"][0]["unit_price"] == "495.00"  # 450.00 + 10 %
    assert Decimal(invoice["total"]) == Decimal("12") * Decimal("495.00") + Decimal("24") * Decimal("120.50")


def test_each_order_answered_once_and_duplicates_recorded(sandbox):
    data = our_file("850", [documents.build_850(order(sandbox))])
    sandbox.supplier.receive(data, "po.x12")
    record = sandbox.supplier.receive(data, "po-again.x12")
    assert record["duplicate"] is True
    kinds = [n.split("_")[1] for n, _ in sandbox.outgoing["supplier"]]
    assert kinds == ["997", "855", "856", "810", "997"]  # acknowledged again, not answered again


# --- the customer's records and 997s ----------------------------------------------------


def test_customer_records_our_documents_and_checks_them(sandbox):
    bodies = [
        [
            ["BAK", "00", "AD", "PO1", "20261128"],
            ["PO1", "1", "5", "EA", "2.00", "PE", "UP", "061414100014"],
            ["ACK", "IA", "5", "EA"],
        ],
        [["BAK", "00", "XX", "", "20261128"]],  # a bad code and an empty mandatory element
    ]
    sandbox.customer.receive(our_file("855", bodies, receiver="SANDBOXRETAIL"), "855.x12")
    assert [d["po_number"] for d in sandbox.customer.documents_of("855")] == ["PO1", ""]
    ack = documents.read_set(sets_of(sandbox.outgoing["customer"][0][1])[0])
    group = ack["groups"][0]
    assert [(s["control_number"], s["code"]) for s in group["sets"]] == [("0001", "A"), ("0002", "R")]
    assert (group["code"], group["accepted"]) == ("P", "1")
    text = sandbox.outgoing["customer"][0][1].decode()
    assert "AK3*BAK*2**8~\nAK4*2**7*XX~\nAK3*BAK*2**8~\nAK4*3**1~\nAK5*R*5~" in text


def test_customer_860_and_our_answers_by_po(sandbox):
    orders = sandbox.send_orders(1)
    po = orders[0]["po_number"]
    change = {
        "po_number": po,
        "order_date": orders[0]["order_date"],
        "lines": [
            {
                "line": "1",
                "change": "QI",
                "quantity": "18",
                "uom": "EA",
                "unit_price": "450.00",
                "product_ids": {"VN": "FURN_7800"},
            },
            {"line": "2", "change": "DI", "quantity": "0", "product_ids": {"VN": "FURN_0269"}},
        ],
    }
    sandbox.customer.send_860(change)
    transaction = sets_of(sandbox.outgoing["customer"][1][1])[0]
    assert [s.tag for s in transaction.segments] == ["ST", "BCH", "POC", "POC", "CTT", "SE"]
    assert [transaction.segments[2].get(n) for n in range(1, 6)] == ["1", "QI", "18", "18", "EA"]
    typed = libs.documents().read(transaction, "X12")
    assert typed["po_number"] == po and [line["change"] for line in typed["lines"]] == ["QI", "DI"]
    assert typed["lines"][0]["quantity"] == "18"
    # our answers to that order, recorded by PO number
    ack = [
        ["BAK", "00", "AD", po, "20261128"],
        ["PO1", "1", "18", "EA", "450.00", "PE", "VN", "FURN_7800"],
        ["ACK", "IA", "18", "EA"],
    ]
    invoice = [
        ["BIG", "20261130", "INV1", "20261128", po],
        ["IT1", "1", "18", "EA", "450.00", "PE", "VN", "FURN_7800"],
        ["TDS", "810000"],
    ]
    sandbox.customer.receive(our_file("855", [ack], receiver="SANDBOXRETAIL"), "855.x12")
    sandbox.customer.receive(
        our_file("810", [invoice], receiver="SANDBOXRETAIL", isa13="000000102"), "810.x12"
    )
    by_po = sandbox.customer.documents_for(po)
    assert sorted(by_po) == ["810", "855"]
    assert by_po["810"][0]["total"] == "8100.00" and by_po["810"][0]["typed"]["total"] == "8100.00"


def test_our_997_reconciles_the_partners_850(sandbox):
    sandbox.send_orders(1)
    sent = sandbox.customer.outbox[0]
    ack = documents.build_997(
        {
            "functional_id": "PO",
            "group_control": sent.gs06,
            "sets": [{"type": "850", "control_number": sent.sets[0][1], "code": "A"}],
        }
    )
    sandbox.customer.receive(our_file("997", [ack], receiver="SANDBOXRETAIL"), "997.x12")
    assert sent.ack["code"] == "A" and sandbox.customer.awaiting_ack == {}
    assert len(sandbox.outgoing["customer"]) == 1  # a 997 is never acknowledged


def test_envelope_errors_become_ak5_codes(sandbox):
    data = our_file("855", [[["BAK", "00", "AD", "PO1", "20261128"]]], receiver="SANDBOXRETAIL")
    data = data.replace(b"SE*3*0001", b"SE*4*0001")
    sandbox.customer.receive(data, "855.x12")
    assert b"AK5*R*4~" in sandbox.outgoing["customer"][0][1]


# --- faults ---------------------------------------------------------------------------------


def test_late_ack_waits_for_the_clock(sandbox, clock):
    sandbox.customer.faults.inject({"fault": "late_ack", "seconds": 3600})
    sandbox.customer.receive(
        our_file("855", [[["BAK", "00", "AD", "PO1", "20261128"]]], receiver="SANDBOXRETAIL"), "a.x12"
    )
    assert sandbox.outgoing["customer"] == [] and len(sandbox.customer.pending()) == 1
    clock.advance(3599)
    assert sandbox.tick() == []
    clock.advance(1)
    assert [f.name for f in sandbox.tick()] == ["SANDBOXRETAIL_997_000000001.x12"]
    assert len(sandbox.outgoing["customer"]) == 1


@pytest.mark.parametrize(
    ("target", "code", "element"),
    [
        ("SE02", "control_number_mismatch", "SE02"),
        ("IEA02", "control_number_mismatch", "IEA02"),
        ("SE01", "segment_count", "SE01"),
    ],
)
def test_bad_control_numbers(sandbox, target, code, element):
    sandbox.customer.faults.inject({"fault": "bad_control_number", "target": target, "set": "850"})
    sandbox.send_orders(1)
    errors = read(sandbox.outgoing["customer"][0][1]).errors
    assert [(e.code, e.element) for e in errors] == [(code, element)]


def test_invalid_segments(sandbox):
    sandbox.customer.faults.inject({"fault": "invalid_segment", "target": "BEG03"})
    sandbox.customer.faults.inject({"fault": "invalid_segment", "target": "BEG01", "value": "ZZ"})
    sandbox.send_orders(1)
    sandbox.send_orders(1)
    first = sets_of(sandbox.outgoing["customer"][0][1])[0].segments[1]
    second = sets_of(sandbox.outgoing["customer"][1][1])[0].segments[1]
    assert (first.tag, first.get(3)) == ("BEG", "")
    assert (second.tag, second.get(1), second.get(3)) == ("BEG", "ZZ", "SBX000002")
    sandbox.customer.faults.inject({"fault": "invalid_segment", "target": "CTT", "drop": True})
    sandbox.send_orders(1)
    assert "CTT" not in [s.tag for s in sets_of(sandbox.outgoing["customer"][2][1])[0].segments]


def test_duplicate_interchange(sandbox):
    sandbox.customer.faults.inject({"fault": "duplicate_interchange"})
    sandbox.send_orders(1)
    (name1, data1), (name2, data2) = sandbox.outgoing["customer"]
    assert name1 != name2 and data1 == data2
    assert read(data2).interchanges[0].control_number == "000000001"


def test_reject_and_no_ack(sandbox):
    body = [["BAK", "00", "AD", "PO1", "20261128"]]
    sandbox.customer.faults.inject({"fault": "reject_ack", "code": "5"})
    sandbox.customer.faults.inject({"fault": "no_ack"})
    sandbox.customer.receive(our_file("855", [body], receiver="SANDBOXRETAIL"), "a.x12")
    sandbox.customer.receive(our_file("855", [body], receiver="SANDBOXRETAIL", isa13="000000102"), "b.x12")
    sandbox.customer.receive(our_file("855", [body], receiver="SANDBOXRETAIL", isa13="000000103"), "c.x12")
    texts = [d.decode() for _, d in sandbox.outgoing["customer"]]
    assert "AK5*R*5~\nAK9*R*1*1*0~" in texts[0]
    assert len(texts) == 2 and "AK5*A~" in texts[1]  # b.x12 was never acknowledged


def test_faults_over_the_control_api(clock):
    sb = EdiSandbox(sftp=False, clock=clock, wait=clock.wait, now=lambda: NOW)
    got = []
    sb.customer.deliver = lambda n, d: got.append(d)
    with sb:
        post = _poster(sb.base_url)
        assert post("/_sandbox/faults", {"edi": [{"fault": "late", "seconds": 60, "set": "850"}]})[0] == 200
        assert post("/_sandbox/faults", {"edi": [{"fault": "nonsense"}]})[0] == 422
        status, body = post("/_sandbox/edi/orders", {"count": 2})
        assert status == 200 and body["orders"] == ["SBX000001", "SBX000002"]
        assert got == []
        clock.advance(60)
        assert post("/_sandbox/edi/tick", {})[1]["delivered"] == ["SANDBOXRETAIL_850_000000001.x12"]
        assert post("/_sandbox/edi/behaviour", {"partner": "supplier", "ack": "maybe"})[0] == 422
        with urllib.request.urlopen(sb.base_url + "/_sandbox/edi/config", timeout=5) as answer:
            config = json.load(answer)
        with urllib.request.urlopen(sb.base_url + "/_sandbox/state", timeout=5) as answer:
            state = json.load(answer)
        with urllib.request.urlopen(sb.base_url + "/", timeout=5) as answer:
            html = answer.read().decode()
    assert "SANDBOXRETAIL_850_000000001.x12" in html and "awaiting" in html
    assert [f["name"] for f in state["partners"]["customer"]["sent"]] == ["SANDBOXRETAIL_850_000000001.x12"]
    assert state["partners"]["supplier"]["behaviour"]["ack"] == "accept"
    assert config["partners"]["customer"]["isa_id"] == "SANDBOXRETAIL"
    assert config["partners"]["supplier"]["as2_certificate"].startswith("-----BEGIN CERTIFICATE-----")


def _poster(base):
    def post(path, data):
        request = urllib.request.Request(
            base + path, json.dumps(data).encode(), {"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return answer.status, json.load(answer)
        except urllib.error.HTTPError as exc:
            return exc.code, json.load(exc)

    return post


# --- AS2 ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def our_keys():
    smime = libs.smime()
    return smime.generate_self_signed("ODOOEDI", days=30, key_size=2048)


@pytest.fixture
def as2_sandbox(clock, our_keys):
    sb = EdiSandbox(sftp=False, clock=clock, wait=clock.wait, now=lambda: NOW, our_certificate=our_keys[0])
    sb.outgoing = {"customer": [], "supplier": []}
    for name, partner in sb.partners.items():
        partner.deliver = lambda n, d, name=name: sb.outgoing[name].append((n, d))
    with sb:
        yield sb


def _us_to(sb, our_keys, name="supplier"):
    as2 = libs.as2()
    me = as2.LocalIdentity("ODOOEDI", our_keys[0], our_keys[1])
    station = sb.stations[name]
    them = as2.Partner(station.as2_id, certificate=station.certificate, url=f"{sb.base_url}/as2")
    return as2, me, them


def test_as2_we_send_the_partner_answers_a_signed_mdn(as2_sandbox, our_keys):
    as2, me, them = _us_to(as2_sandbox, our_keys)
    payload = our_file("850", [documents.build_850(order(as2_sandbox))])
    delivery = as2.send(them.url, as2.build_message(payload, me, them, filename="po.x12"), timeout=10)
    assert delivery.result.status == "processed" and delivery.mdn.signed
    assert as2_sandbox.supplier.documents_of("850")[0]["po_number"] == "PO4500001"
    assert [n.split("_")[1] for n, _ in as2_sandbox.outgoing["supplier"]] == ["997", "855", "856", "810"]


def test_as2_mdn_faults(as2_sandbox, our_keys):
    as2, me, them = _us_to(as2_sandbox, our_keys)
    payload = our_file("850", [documents.build_850(order(as2_sandbox))])
    as2_sandbox.supplier.faults.inject({"fault": "as2_no_mdn"})
    with pytest.raises(as2.MdnError):
        as2.send(them.url, as2.build_message(payload, me, them), timeout=10)
    as2_sandbox.supplier.faults.inject({"fault": "as2_failed_mdn", "modifier": "decryption-failed"})
    delivery = as2.send(them.url, as2.build_message(payload, me, them), timeout=10)
    assert delivery.result.status == "failed" and "decryption-failed" in delivery.result.reason
    # a message signed by someone else: the partner answers authentication-failed
    smime = libs.smime()
    stranger = as2.LocalIdentity("ODOOEDI", *smime.generate_self_signed("ODOOEDI", days=1, key_size=1024))
    delivery = as2.send(them.url, as2.build_message(payload, stranger, them), timeout=10)
    assert delivery.result.status == "failed" and "authentication-failed" in delivery.result.reason


@pytest.mark.parametrize("fault", ["as2_bad_signature", "as2_wrong_certificate"])
def test_as2_mdn_signature_faults(as2_sandbox, our_keys, fault):
    as2, me, them = _us_to(as2_sandbox, our_keys)
    as2_sandbox.supplier.faults.inject({"fault": fault, "on": "mdn"})
    payload = our_file("850", [documents.build_850(order(as2_sandbox))])
    with pytest.raises(as2.MdnError, match="signature"):
        as2.send(them.url, as2.build_message(payload, me, them), timeout=10)
    delivery = as2.send(them.url, as2.build_message(payload, me, them), timeout=10)
    assert delivery.result.status == "processed"  # one MDN only


class _MdnCatcher(Peer):
    """Our async MDN URL for the test: keeps what is POSTed."""

    name = "our-mdn"
    methods = ("POST",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.posts = []

    def route(self, handler, method, path, raw):
        self.posts.append((handler.headers, raw))
        return handler.reply_raw(200, b"", "text/plain")


def test_as2_async_mdn_is_posted_on_tick(as2_sandbox, our_keys):
    as2, me, them = _us_to(as2_sandbox, our_keys)
    with _MdnCatcher() as catcher:
        them.mdn_mode, them.async_mdn_url = as2.MDN_ASYNC, f"{catcher.base_url}/mdn"
        message = as2.build_message(our_file("850", [documents.build_850(order(as2_sandbox))]), me, them)
        delivery = as2.send(them.url, message, timeout=10)
        assert (delivery.status_code, delivery.mdn, catcher.posts) == (200, None, [])
        as2_sandbox.tick()
        ((headers, body),) = catcher.posts
    mdn = as2.parse_mdn(headers, body, them)
    assert message.reconcile(mdn).status == "processed" and mdn.signed


class _OurEndpoint(Peer):
    """Our side of AS2 for the test: as2.handle, as the Odoo controller does."""

    name = "our-as2"
    methods = ("POST",)

    def __init__(self, me, partners, **kwargs):
        super().__init__(**kwargs)
        self.me, self.partners, self.messages = me, partners, []

    def route(self, handler, method, path, raw):
        as2 = libs.as2()
        message, answer = as2.handle(handler.headers, raw, self.me, self.partners)
        self.messages.append(message)
        headers = dict(answer.headers)
        return handler.reply_raw(
            answer.status, answer.body, headers.pop("Content-Type", "text/plain"), headers
        )


def test_as2_partner_sends_to_us_and_faults(as2_sandbox, our_keys):
    as2, me, _ = _us_to(as2_sandbox, our_keys)
    station = as2_sandbox.stations["customer"]
    with _OurEndpoint(me, [as2.Partner(station.as2_id, certificate=station.certificate)]) as ours:
        station.set_us("ODOOEDI", our_keys[0], f"{ours.base_url}/integration/edi/as2")
        as2_sandbox.send_orders(1, via="as2")
        as2_sandbox.customer.faults.inject({"fault": "as2_bad_signature"})
        as2_sandbox.send_orders(1, via="as2")
        as2_sandbox.customer.faults.inject({"fault": "as2_wrong_certificate"})
        as2_sandbox.send_orders(1, via="as2")
        assert as2_sandbox.outgoing["customer"] == []  # all three went over AS2
    first, second, third = ours.messages
    assert first.ok and first.signed and first.encrypted and first.payload.startswith(b"ISA*00*")
    assert [d["result"] for d in station.deliveries] == ["processed", "failed", "failed"]
    assert second.error.modifier == third.error.modifier == "authentication-failed"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl CLI is not installed")
def test_openssl_cms_reads_the_partners_message(as2_sandbox, our_keys, tmp_path):
    smime = libs.smime()
    station = as2_sandbox.stations["customer"]
    station.set_us("ODOOEDI", our_keys[0], "http://127.0.0.1:9/unused")
    payload = b"ISA*00*          *00*          *ZZ*SANDBOXRETAIL  *ZZ*ODOOEDI        *261128*1200*U*00401*000000001*0*P*>~\n"
    message = station.build(payload, "po.x12")
    (tmp_path / "msg.der").write_bytes(message.body)
    (tmp_path / "us.pem").write_bytes(our_keys[0].pem)
    (tmp_path / "us.key").write_bytes(smime.private_key_pem(our_keys[1]))
    (tmp_path / "partner.pem").write_bytes(station.certificate.pem)

    def run(*args):
        return subprocess.run(["openssl", "cms", *args], cwd=tmp_path, capture_output=True, timeout=20)

    decrypted = run(
        "-decrypt",
        "-in",
        "msg.der",
        "-inform",
        "DER",
        "-recip",
        "us.pem",
        "-inkey",
        "us.key",
        "-out",
        "signed.eml",
    )
    assert decrypted.returncode == 0, decrypted.stderr
    # the detached signature over the signed entity exactly as sent (binary:
    # OpenSSL's own S/MIME parser would turn the file's LF line ends into CRLF)
    entity = (tmp_path / "signed.eml").read_bytes()
    boundary = re.search(rb'boundary="([^"]+)"', entity).group(1)
    parts = entity.split(b"--" + boundary)
    (tmp_path / "content.mime").write_bytes(parts[1][2:-2])
    signature = parts[2].split(b"\r\n\r\n", 1)[1]
    (tmp_path / "sig.der").write_bytes(base64.b64decode(b"".join(signature.split())))
    verified = run(
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        "sig.der",
        "-content",
        "content.mime",
        "-CAfile",
        "partner.pem",
        "-purpose",
        "any",
        "-out",
        "verified.mime",
    )
    assert verified.returncode == 0, verified.stderr
    assert b"Verification successful" in verified.stderr
    assert payload in (tmp_path / "content.mime").read_bytes()


# --- SFTP ---------------------------------------------------------------------------------------


def _sftp_client(sb, partner="supplier"):
    sftp = libs._module("transports.sftp")
    config = sb.config()
    entry = config["partners"][partner]
    settings = sftp.SftpSettings(
        host=config["sftp"]["host"],
        port=config["sftp"]["port"],
        username=entry["sftp_user"],
        password=entry["sftp_password"],
        host_key=config["sftp"]["host_key"],
    )
    return sftp, sftp.SftpClient.connect(settings)


def test_sftp_round_trip_and_a_dropped_upload(clock):
    sb = EdiSandbox(clock=clock, wait=clock.wait, now=lambda: NOW)
    with sb:
        sftp, client = _sftp_client(sb)
        with client:
            client.upload("outbound", "PO_1.x12", our_file("850", [documents.build_850(order(sb))]))
            received = []
            result = client.pickup("inbound", received.append)
            names = sorted(r.name for r in received)
            assert [n.split("_")[1] for n in names] == ["810", "855", "856", "997"]
            assert sb.sftp.listing("odoo-supplier", "inbound") == {}  # acknowledged = deleted
            assert result is not None
        sb.sftp.faults.inject("write", drop_after=50)
        sftp2, client2 = _sftp_client(sb)
        with client2, pytest.raises(Exception):  # noqa: B017 - the client classifies it; the partner must not read it
            client2.upload(
                "outbound",
                "PO_2.x12",
                our_file("850", [documents.build_850(order(sb, po="PO4500002"))], isa13="000000102"),
            )
        assert [r["name"] for r in sb.supplier.received] == ["PO_1.x12"]
        assert sb.supplier.documents_of("850")[0]["po_number"] == "PO4500001"


# --- the demo -------------------------------------------------------------------------------------


def test_demo_setup_and_partners(tmp_path):
    import sys

    from sandbox.edi.demo import continue_numbering, demo_sandbox, load_config

    scripts = str(Path(__file__).resolve().parents[2] / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    from demo_secrets import edi_demo_config

    made = edi_demo_config(directory=tmp_path, sftp_port=2299)
    assert edi_demo_config(create=False, directory=tmp_path)["partners"] == made["partners"]  # made once
    assert (tmp_path / "config.json").stat().st_mode & 0o077 == 0
    assert made["catalog"]["products"][0]["vendor_part"] == "FURN_7800"
    sb = demo_sandbox(load_config(tmp_path / "config.json"), port=0, sftp_port=0)
    continue_numbering(sb, now=1735689600 + 1000)
    with sb:
        assert sb.sftp.host_key.public_line.split()[:2] == made["sftp"]["host_key"].split()[:2]
        assert (
            sb.stations["supplier"].certificate.pem.decode()
            == made["partners"]["supplier"]["as2_certificate"]
        )
        sftp = libs._module("transports.sftp")
        entry = made["partners"]["customer"]
        settings = sftp.SftpSettings(
            host="127.0.0.1",
            port=sb.sftp.port,
            username=entry["sftp_user"],
            password=entry["sftp_password"],
            host_key=made["sftp"]["host_key"],
        )
        orders = sb.send_orders(1)
        with sftp.SftpClient.connect(settings) as client:
            got = []
            client.pickup("inbound", got.append)
    assert orders[0]["po_number"] == "SBX001000"
    assert [g.name for g in got] == ["SANDBOXRETAIL_850_000001001.x12"]
    for product in made["catalog"]["products"]:
        assert gs1.is_valid(product["gtin"])


# --- contract: our readers on the partner's files -------------------------------------------------


def test_our_typed_documents_read_the_partners_files(sandbox):
    """channel_edi's documents module reads what the partner writes from the
    standard's layout: the same orders, statuses, totals and SSCCs."""
    ours = libs.documents()
    sandbox.send_orders(2)
    sandbox.supplier.behaviour.update({"ack": "partial"})
    sandbox.supplier.receive(our_file("850", [documents.build_850(order(sandbox))]), "po.x12")
    typed = {}
    for _, data in sandbox.outgoing["customer"] + sandbox.outgoing["supplier"]:
        for transaction in sets_of(data):
            reader = ours.READERS.get(("X12", transaction.type))
            if reader is None and transaction.type == "856":  # until the 856 is registered
                reader = getattr(libs._module("documents.shipping"), "read_856", None)
            typed.setdefault(transaction.type, []).append(reader(transaction) if reader else None)
    store, dc = typed["850"]
    assert (store["po_number"], store["ship_to"]["identifiers"]) == ("SBX000001", {"92": "0042"})
    assert dc["ship_to"]["identifiers"] == {"UL": "0614141000104"}
    assert store["lines"][0]["product_ids"] == {"UP": "061414100014", "IN": "100001", "VN": "FURN_7800"}
    assert typed["997"][0]["groups"][0]["transactions"][0]["status"] == "A"
    ack = typed["855"][0]
    assert ack["ack_type"] == "AC"
    assert [(a["status"], a["quantity"]) for a in ack["lines"][0]["acks"]] == [("IA", "6"), ("IB", "6")]
    assert typed["810"][0]["total"] == "5592.00"  # 6 * 450.00 + 24 * 120.50 (TDS 559200)
    if typed["856"][0] is not None:
        ssccs = [n.get("sscc") for n in _walk(typed["856"][0]["hierarchy"]) if n.get("sscc")]
        assert ssccs == ["006141410000000012", "006141410000000029"]
        assert [libs._module("sscc").validate_sscc(s) for s in ssccs] == ssccs


def test_partner_keeps_our_typed_documents(sandbox):
    body = [
        ["BAK", "00", "AD", "PO1", "20261128"],
        ["PO1", "1", "5", "EA", "2.00", "PE", "UP", "061414100014"],
    ]
    sandbox.customer.receive(our_file("855", [body], receiver="SANDBOXRETAIL"), "855.x12")
    doc = sandbox.customer.documents_of("855")[0]
    assert doc["typed"]["po_number"] == "PO1" and doc["typed_error"] is None
    assert doc["typed"]["lines"][0]["unit_price"] == "2.00"


def test_demo_secrets_cli_for_the_edi_peer(tmp_path, monkeypatch, capsys):
    import sys

    scripts = str(Path(__file__).resolve().parents[2] / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    import demo_secrets

    monkeypatch.setattr(demo_secrets, "EDI_DIR", tmp_path / "edi")
    monkeypatch.setenv("EDI_SANDBOX_SFTP_PORT", "2299")
    assert (
        demo_secrets.main(["--peer", "edi", "--format", "shell", "--sandbox-url", "http://127.0.0.1:18073"])
        == 0
    )
    out = capsys.readouterr().out
    assert f"export EDI_DEMO_CONFIG={tmp_path / 'edi' / 'config.json'}" in out
    assert "export EDI_SANDBOX_SFTP_PORT=2299" in out
    config = json.loads((tmp_path / "edi" / "config.json").read_text())
    assert (config["http_port"], config["as2"]["url"]) == (18073, "http://127.0.0.1:18073/as2")
    assert demo_secrets.main(["--peer", "edi", "--sandbox-url", "http://example.com:1/"]) == 1
