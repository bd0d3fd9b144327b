#!/usr/bin/env python3
"""Fuzz the Shopify webhook endpoint of a served demo database (scripts/run).

    scripts/fuzz-webhooks [--forged 10000] [--mutated 1000] [--concurrency 20]

1. Sends ``--forged`` deliveries nobody should be able to get accepted, or
   garbage: wrong, missing, truncated or foreign HMACs, unknown and odd URL
   tokens, urlencoded, multipart, text and binary bodies (unsigned and
   signed), bodies over the backend's size limit, no Content-Length
   (chunked), missing headers, garbage bytes, JSON that is not an object,
   JSON nested deeper than a parser's stack, wrong HTTP methods.
2. Sends ``--mutated`` deliveries signed with the demo store's real client
   secret (read from the database, scripts/demo_secrets.py) of structurally
   mutated orders: wrong types, missing keys, huge values (1e308, 10**30,
   2**70, 100 k characters, 3000 lines), NaN-ish strings and JSON NaN,
   deep nesting, odd unicode (NUL, lone surrogates, bidi overrides), dates
   that are not dates, internal and unknown topics, a foreign shop domain,
   and a captured orders/create body re-sent as orders/cancelled with a new
   event id (Shopify's signature does not cover the headers).
3. Waits (bounded) until none of the events this run created is received,
   queued or processing, polling over XML-RPC as admin.
4. Prints the HTTP status histogram, the 5xx answers by kind, the status
   counts per kind (``!`` marks an answer a forged kind should never get),
   the events by state and error category (XML-RPC ``read_group``), and the
   ``internal`` errors with their most frequent messages.

Targets: no 5xx answer, no forged delivery accepted, no ``internal`` error.
Exits 0 when they are met, 1 when not, 2 when Odoo or the database cannot
be reached. Only loopback URLs are accepted. The demo shop's order a minute
is paused during the run (``/_sandbox/demo``). The accepted deliveries
leave sale orders, partners and products in the demo database: run it on
a database you can throw away (``scripts/run --reset`` afterwards).
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import sys
import threading
import time
import uuid
import xmlrpc.client
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_secrets import DemoSecretsError, demo_backend, is_loopback_url  # noqa: E402
from odoo_rpc import Odoo  # noqa: E402
from sandbox.shopify import DEMO_SHOP_DOMAIN, DemoShop  # noqa: E402

TIMEOUT = 30.0
PENDING_STATES = ["received", "queued", "processing"]
# the keys of events made from webhook deliveries (see channel_shopify's
# lib/webhook.py idempotency_key and integration.event._body_key); the
# scheduler's and exports' events have others
WEBHOOK_KEY_PREFIXES = ("event:", "webhook:", "body:", "sha256:")


# ----------------------------------------------------------------------------
# deliveries
# ----------------------------------------------------------------------------


class Delivery:
    __slots__ = ("kind", "group", "method", "token", "headers", "body", "expect")

    def __init__(self, kind, group, body, headers, token, method="POST", expect=None):
        self.kind, self.group, self.body, self.headers = kind, group, body, headers
        self.token, self.method, self.expect = token, method, expect


class Factory:
    """Builds the deliveries of one run: valid orders of the demo shop (a
    new id and customer each), then forged or mutated."""

    def __init__(self, rng, secret, token, run, max_bytes):
        self.rng, self.secret, self.token, self.run, self.max_bytes = rng, secret, token, run, max_bytes
        self.shop = DemoShop(client_secret=secret)
        self.count = 0
        self.captured = []  # (order dict) sent unmutated as orders/create

    # -- building blocks --------------------------------------------------------

    def order(self):
        self.count += 1
        spec = self.shop.random_order_spec(
            self.rng, email=f"fuzz-{self.run}-{self.count}@fuzz.example.com", financial_status="paid"
        )
        spec["name"] = f"#FZ{self.run}-{self.count:05d}"
        return self.shop.create_order(spec)

    def sign(self, body, secret=None):
        digest = hmac.new((secret or self.secret).encode(), body, hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    def headers(
        self, body, topic="orders/create", *, sign=True, content_type="application/json", domain=None
    ):
        self.count += 1
        headers = {
            "Content-Type": content_type,
            "User-Agent": "Shopify-Captain-Hook",
            "X-Shopify-Topic": topic,
            "X-Shopify-Shop-Domain": DEMO_SHOP_DOMAIN if domain is None else domain,
            "X-Shopify-API-Version": self.shop.api_version,
            "X-Shopify-Webhook-Id": f"{self.run}-w{self.count}",
            "X-Shopify-Event-Id": f"{self.run}-e{self.count}",
            "X-Shopify-Triggered-At": datetime.now(timezone.utc).isoformat(),
        }
        if sign:
            headers["X-Shopify-Hmac-Sha256"] = self.sign(body)
        return headers

    def signed(self, kind, group, body, topic="orders/create", **kwargs):
        if not isinstance(body, bytes):
            body = json.dumps(body, ensure_ascii=kwargs.pop("ensure_ascii", True)).encode("utf-8")
        return Delivery(kind, group, body, self.headers(body, topic, **kwargs), self.token)

    def order_body(self):
        return json.dumps(self.order()).encode("utf-8")

    # -- forged or garbage (expected answers: never 2xx, never 5xx) ------------------

    def forged_kinds(self):
        """(kind, weight, builder) of the forged/garbage deliveries."""
        r = self.rng

        def unsigned(kind, body, expect=(401,), **kwargs):
            headers = self.headers(body, sign=False, **kwargs)
            return Delivery(kind, "forged", body, headers, self.token, expect=set(expect))

        def with_hmac(kind, value, body=None):
            body = body or self.order_body()
            delivery = unsigned(kind, body)
            if value is not None:
                delivery.headers["X-Shopify-Hmac-Sha256"] = value
            return delivery

        def signed_garbage(kind, body, content_type="application/json", expect=(400,)):
            headers = self.headers(body, content_type=content_type)
            return Delivery(kind, "forged", body, headers, self.token, expect=set(expect))

        def hmac_wrong():
            return with_hmac("hmac-random", base64.b64encode(r.randbytes(32)).decode())

        def hmac_missing():
            return with_hmac("hmac-missing", None)

        def hmac_empty():
            return with_hmac("hmac-empty", "")

        def hmac_hex():
            body = self.order_body()
            return with_hmac(
                "hmac-hex-not-base64", hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest(), body
            )

        def hmac_other_secret():
            body = self.order_body()
            return with_hmac("hmac-other-secret", self.sign(body, secret="not-" + self.secret), body)

        def hmac_other_body():
            return with_hmac("hmac-of-another-body", self.sign(self.order_body()))

        def hmac_truncated():
            body = self.order_body()
            return with_hmac("hmac-truncated", self.sign(body)[:-4], body)

        def hmac_garbage():
            return with_hmac(
                "hmac-garbage-chars", r.choice(["%%%", "=" * 44, "A" * 5000, "é" * 10, "sha256=" + "0" * 64])
            )

        def token_unknown():
            delivery = with_hmac("token-unknown", None)
            body = delivery.body
            delivery.headers["X-Shopify-Hmac-Sha256"] = self.sign(body)  # signed, but to no store
            delivery.token = base64.urlsafe_b64encode(r.randbytes(24)).decode().rstrip("=")
            delivery.expect = {404}
            return delivery

        def token_odd():
            delivery = with_hmac("token-odd", None)
            delivery.headers["X-Shopify-Hmac-Sha256"] = self.sign(delivery.body)
            delivery.token = r.choice(
                ["%00", "..", "' OR '1'='1", "é✓", "A" * 3000, self.token + "x", self.token.upper(), " "]
            )
            delivery.expect = {404}
            return delivery

        def urlencoded(sign):
            body = (
                f"id={r.randrange(10**9)}&email=a%40b.c&line_items[0][sku]=FURN_7800&total_price=1".encode()
            )
            kind = "urlencoded-signed" if sign else "urlencoded"
            # forms are refused for their content type before anything reads them: 415
            if sign:
                return signed_garbage(kind, body, "application/x-www-form-urlencoded", expect=(415,))
            return unsigned(kind, body, content_type="application/x-www-form-urlencoded", expect=(415,))

        def multipart(sign):
            boundary = uuid.uuid4().hex
            order = self.order_body()
            body = (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="order"\r\n'
                    f"Content-Type: application/json\r\n\r\n"
                ).encode()
                + order
                + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                + r.randbytes(64)
                + f"\r\n--{boundary}--\r\n".encode()
            )
            content_type = f"multipart/form-data; boundary={boundary}"
            kind = "multipart-signed" if sign else "multipart"
            if sign:
                return signed_garbage(kind, body, content_type, expect=(415,))
            return unsigned(kind, body, content_type=content_type, expect=(415,))

        def text_plain_signed():
            # an authentic order with a content type Shopify never sends
            return signed_garbage(
                "text-plain-order-signed",
                self.order_body(),
                r.choice(["text/plain", "application/xml"]),
                expect=(200, 400, 415),
            )

        def oversize():
            body = b'{"id": 1, "note": "' + b"x" * (self.max_bytes + 1) + b'"}'
            return unsigned("oversize", body, expect=(413,))

        def chunked():
            body = self.order_body()
            delivery = Delivery(
                "no-content-length", "forged", body, self.headers(body), self.token, expect={411}
            )
            return delivery

        def missing_topic():
            body = self.order_body()
            delivery = signed_garbage("signed-no-topic", body)
            del delivery.headers["X-Shopify-Topic"]
            return delivery

        def no_headers():
            # no Content-Type either: refused before the signature is even looked at
            return Delivery("no-headers-at-all", "forged", self.order_body(), {}, self.token, expect={415})

        def garbage(sign):
            body = r.randbytes(r.randint(1, 4096))
            kind = "garbage-bytes-signed" if sign else "garbage-bytes"
            if sign:
                # as JSON: 400 (not JSON); as octet-stream: 415 (not a type Shopify sends)
                content_type = r.choice(["application/json", "application/octet-stream"])
                return signed_garbage(kind, body, content_type, expect=(400, 415))
            return unsigned(kind, body)

        def json_not_object():
            body = r.choice([b"[]", b'"order"', b"null", b"42", b"true", b'[{"id": 1}]'])
            return signed_garbage("json-not-an-object-signed", body)

        def json_broken():
            order = self.order_body()
            body = r.choice(
                [
                    order[: r.randint(1, len(order) - 1)],
                    b"\xef\xbb\xbf" + order,  # a UTF-8 byte order mark
                    order.replace(b'"', b"'"),
                    order + b"}",
                    b"",
                    order.decode().encode("utf-16"),
                    b'{"id": 1, "note": "\xe9t\xe9"}',  # latin-1, not UTF-8
                ]
            )
            return signed_garbage("json-broken-signed", body)

        def json_no_id():
            order = self.order()
            order.pop("id")
            return signed_garbage("json-order-without-id-signed", json.dumps(order).encode())

        def json_too_deep():
            depth = r.choice([5_000, 50_000, 200_000])
            body = b'{"id": 1, "x": ' + b"[" * depth + b"]" * depth + b"}"
            return signed_garbage(f"json-nested-{depth}-signed", body)

        def wrong_method():
            delivery = with_hmac("method-not-post", None)
            delivery.method = r.choice(["GET", "PUT", "DELETE", "PATCH"])
            delivery.expect = {404, 405}
            return delivery

        return [
            ("hmac-random", 6, hmac_wrong),
            ("hmac-missing", 5, hmac_missing),
            ("hmac-empty", 2, hmac_empty),
            ("hmac-hex-not-base64", 2, hmac_hex),
            ("hmac-other-secret", 4, hmac_other_secret),
            ("hmac-of-another-body", 4, hmac_other_body),
            ("hmac-truncated", 2, hmac_truncated),
            ("hmac-garbage-chars", 2, hmac_garbage),
            ("token-unknown", 4, token_unknown),
            ("token-odd", 2, token_odd),
            ("urlencoded", 3, lambda: urlencoded(False)),
            ("urlencoded-signed", 3, lambda: urlencoded(True)),
            ("multipart", 3, lambda: multipart(False)),
            ("multipart-signed", 3, lambda: multipart(True)),
            ("text-plain-order-signed", 1, text_plain_signed),
            ("oversize", 0.5, oversize),
            ("no-content-length", 2, chunked),
            ("signed-no-topic", 2, missing_topic),
            ("no-headers-at-all", 2, no_headers),
            ("garbage-bytes", 5, lambda: garbage(False)),
            ("garbage-bytes-signed", 4, lambda: garbage(True)),
            ("json-not-an-object-signed", 3, json_not_object),
            ("json-broken-signed", 4, json_broken),
            ("json-order-without-id-signed", 2, json_no_id),
            ("json-nested-signed", 1, json_too_deep),
            ("method-not-post", 1, wrong_method),
        ]

    def forged(self, count):
        kinds = self.forged_kinds()
        weights = [weight for _name, weight, _build in kinds]
        return [self.rng.choices(kinds, weights)[0][2]() for _ in range(count)]

    # -- signed, structurally mutated orders ----------------------------------------

    def mutations(self):
        """(kind, builder(order) -> Delivery) of the signed mutated orders."""
        r = self.rng
        line = lambda order: order["line_items"][0]  # noqa: E731

        def setter(path, value):
            def mutate(order):
                target = order
                for key in path[:-1]:
                    target = target[key]
                target[path[-1]] = value() if callable(value) else value
                return order

            return mutate

        def remover(path):
            def mutate(order):
                target = order
                for key in path[:-1]:
                    target = target[key]
                target.pop(path[-1], None)
                return order

            return mutate

        def nested(depth):
            def mutate(order):
                value = "bottom"
                for _ in range(depth):
                    value = {"a": value}
                order["note_attributes"] = [{"name": "deep", "value": value}]
                return order

            return mutate

        def many_lines(order):
            order["line_items"] = [dict(line(order), id=line(order)["id"] + i) for i in range(3000)]
            return order

        odd_unicode = [
            "\u202eredro\u202c",  # right-to-left override
            "Zero\u200bwidth\u200djoin",
            "\U0001f4a9\U0001f3f3\ufe0f\u200d\U0001f308",
            "e\u0301\u0301\u0301\u0301",
            "NUL\u0000inside",
            "\ud800lone surrogate",
            "\ufeffBOM",
            "\uffff\ufffe",
            "Ω≈ç√∫˜µ≤≥÷" * 50,
        ]
        bad_dates = [
            "yesterday",
            "2025-13-45T99:99:99Z",
            0,
            -1,
            "",
            None,
            1e20,
            "9999-12-31T23:59:59Z",
            "0000-00-00",
            "2025-02-30",
            "NaN",
            [2025, 1, 1],
            {"date": "2025-01-01"},
        ]
        nanish = [
            "NaN",
            "nan",
            "Infinity",
            "-Infinity",
            "inf",
            "1e309",
            "-0",
            "0x1A",
            "1,000.00",
            "",
            " ",
            "1e308",
            "١٢٣",
            "12.345.678",
        ]

        kinds = [
            ("type-id-string", setter(["id"], "abc")),
            ("type-id-float", setter(["id"], 1.5)),
            ("type-id-list", setter(["id"], [1, 2])),
            ("type-id-negative", setter(["id"], -7)),
            ("type-id-object", setter(["id"], {"id": 1})),
            ("type-line-items-object", setter(["line_items"], {"sku": "FURN_7800"})),
            ("type-line-items-string", setter(["line_items"], "FURN_7800 x 2")),
            ("type-line-item-null", setter(["line_items"], [None])),
            ("type-quantity-string", setter(["line_items", 0, "quantity"], "three")),
            ("type-quantity-negative", setter(["line_items", 0, "quantity"], -5)),
            ("type-quantity-fraction", setter(["line_items", 0, "quantity"], 1.5)),
            ("type-price-object", setter(["line_items", 0, "price"], {"amount": "1.00"})),
            ("type-total-bool", setter(["total_price"], True)),
            ("type-customer-string", setter(["customer"], "Olivia")),
            ("type-email-number", setter(["email"], 12345)),
            ("type-address-list", setter(["billing_address"], ["2140 Mission St"])),
            ("type-tax-lines-null", setter(["line_items", 0, "tax_lines"], None)),
            ("type-currency-number", setter(["currency"], 840)),
            ("type-sku-number", setter(["line_items", 0, "sku"], 7800)),
            ("type-shipping-lines-string", setter(["shipping_lines"], "Express")),
            ("missing-line-items", remover(["line_items"])),
            ("missing-currency", remover(["currency"])),
            ("missing-customer", remover(["customer"])),
            ("missing-billing-address", remover(["billing_address"])),
            ("missing-email", remover(["email"])),
            ("missing-total-price", remover(["total_price"])),
            ("missing-financial-status", remover(["financial_status"])),
            ("missing-created-at", remover(["created_at"])),
            ("missing-name", remover(["name"])),
            ("missing-line-sku", remover(["line_items", 0, "sku"])),
            ("missing-line-price", remover(["line_items", 0, "price"])),
            ("missing-line-quantity", remover(["line_items", 0, "quantity"])),
            ("empty-line-items", setter(["line_items"], [])),
            ("huge-quantity", setter(["line_items", 0, "quantity"], 10**30)),
            ("huge-price-1e308", setter(["line_items", 0, "price"], "1e308")),
            ("huge-total-1e308-number", setter(["total_price"], 1e308)),
            ("huge-id-2**70", setter(["id"], 2**70)),
            ("huge-name-100k", setter(["name"], lambda: "#" + "9" * 100_000)),
            ("huge-note-1m", setter(["note"], lambda: "x" * 1_000_000)),
            ("huge-3000-lines", many_lines),
            ("nanish-price", setter(["line_items", 0, "price"], lambda: r.choice(nanish))),
            ("nanish-total", setter(["total_price"], lambda: r.choice(nanish))),
            ("nanish-quantity", setter(["line_items", 0, "quantity"], lambda: r.choice(nanish))),
            ("nanish-tax-rate", setter(["line_items", 0, "tax_lines", 0, "rate"], lambda: r.choice(nanish))),
            ("json-nan-literal-price", setter(["line_items", 0, "price"], float("nan"))),
            ("json-infinity-total", setter(["total_price"], float("inf"))),
            ("deep-nesting-50", nested(50)),
            ("deep-nesting-900", nested(900)),
            ("unicode-name", setter(["customer", "first_name"], lambda: r.choice(odd_unicode))),
            ("unicode-sku", setter(["line_items", 0, "sku"], lambda: r.choice(odd_unicode))),
            (
                "unicode-email",
                setter(["email"], lambda: r.choice(["ö@ü.example", "a\u0000@b.c", "\ud800@x.y", "x@xn--"])),
            ),
            ("unicode-address", setter(["billing_address", "city"], lambda: r.choice(odd_unicode))),
            ("unicode-currency", setter(["currency"], lambda: r.choice(["€", "usd", "XXX", "\u0000"]))),
            ("date-created-at", setter(["created_at"], lambda: r.choice(bad_dates))),
            ("date-updated-at", setter(["updated_at"], lambda: r.choice(bad_dates))),
            ("date-processed-at", setter(["processed_at"], lambda: r.choice(bad_dates))),
            ("date-cancelled-at", setter(["cancelled_at"], lambda: r.choice(bad_dates[:6]))),
            (
                "status-unknown",
                setter(["financial_status"], lambda: r.choice(["stolen", "", None, 1, "PAID"])),
            ),
            ("foreign-shop-domain", None),
            ("topic-internal", None),
            ("topic-unknown", None),
            ("replay-as-cancelled", None),
        ]
        return kinds

    def mutated(self, count):
        kinds = self.mutations()
        deliveries = []
        captures = max(1, count // 20)
        for _ in range(captures):  # sent unmutated first, re-sent as orders/cancelled later
            order = self.order()
            self.captured.append(order)
            deliveries.append(self.signed("capture-original", "mutated", order))
        for index in range(count - captures):
            kind, mutate = kinds[index % len(kinds)]
            order = self.order()
            if kind == "foreign-shop-domain":
                deliveries.append(
                    self.signed(
                        kind,
                        "mutated",
                        order,
                        domain=self.rng.choice(["evil-shop.myshopify.com", "", "x" * 300]),
                    )
                )
            elif kind == "topic-internal":
                topic = self.rng.choice(
                    [
                        "order.catch_up",
                        "stock.export",
                        "fulfillment.export",
                        "order.fetched",
                        "product.import",
                        "order.bulk_poll",
                        "order.created",
                    ]
                )
                deliveries.append(self.signed(kind, "mutated", order, topic=topic))
            elif kind == "topic-unknown":
                topic = self.rng.choice(
                    [
                        "orders/delete",
                        "app/uninstalled",
                        "shop/redact",
                        "ORDERS/CREATE",
                        "orders/create ",
                        "x" * 500,
                    ]
                )
                deliveries.append(self.signed(kind, "mutated", order, topic=topic))
            elif kind == "replay-as-cancelled":
                captured = self.rng.choice(self.captured)
                deliveries.append(
                    self.signed(kind, "replay", json.dumps(captured).encode(), topic="orders/cancelled")
                )
            else:
                try:
                    body = json.dumps(mutate(order), allow_nan=True).encode("utf-8")
                except (LookupError, TypeError, ValueError, RecursionError):
                    continue  # the order has nothing to mutate there
                deliveries.append(self.signed(kind, "mutated", body))
        return deliveries


# ----------------------------------------------------------------------------
# sending
# ----------------------------------------------------------------------------


def send(session, base, delivery):
    url = f"{base}/integration/webhook/shopify/{quote(delivery.token, safe='')}"
    data = delivery.body
    if delivery.kind == "no-content-length":
        chunks = [data[i : i + 1024] for i in range(0, len(data), 1024)]
        data = iter(chunks)  # requests sends it chunked, without Content-Length
    try:
        response = session.request(delivery.method, url, data=data, headers=delivery.headers, timeout=TIMEOUT)
        return response.status_code
    except requests.RequestException as exc:
        return type(exc).__name__


def send_all(base, deliveries, concurrency, deadline):
    results = [None] * len(deliveries)
    cursor = iter(range(len(deliveries)))
    lock = threading.Lock()
    done = [0]

    def worker():
        with requests.Session() as session:
            session.trust_env = False  # loopback: no proxy
            while time.monotonic() < deadline:
                with lock:
                    index = next(cursor, None)
                if index is None:
                    return
                results[index] = send(session, base, deliveries[index])
                with lock:
                    done[0] += 1
                    if done[0] % 1000 == 0:
                        print(f"  {done[0]}/{len(deliveries)} sent", flush=True)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# ----------------------------------------------------------------------------
# Odoo
# ----------------------------------------------------------------------------


def scope(backend_id, first_id):
    """The events this run's deliveries created (not the scheduler's)."""
    keys = [("idempotency_key", "=like", f"{prefix}%") for prefix in WEBHOOK_KEY_PREFIXES]
    return [("backend_id", "=", backend_id), ("id", ">", first_id)] + ["|"] * (len(keys) - 1) + keys


def wait_for_events(odoo, domain, timeout):
    start = time.monotonic()
    shown = start
    while True:
        pending = odoo("integration.event", "search_count", domain + [("state", "in", PENDING_STATES)])
        elapsed = time.monotonic() - start
        if not pending:
            return 0, elapsed
        if elapsed >= timeout:
            return pending, elapsed
        if time.monotonic() - shown >= 15:
            shown = time.monotonic()
            print(f"  {pending} events still received/queued/processing after {elapsed:.0f} s", flush=True)
        time.sleep(3)


def sandbox_pause(url, paused):
    if not url or not is_loopback_url(url):
        return False
    try:
        response = requests.post(f"{url.rstrip('/')}/_sandbox/demo", json={"paused": paused}, timeout=5)
        return response.ok
    except requests.RequestException:
        return False


# ----------------------------------------------------------------------------
# report
# ----------------------------------------------------------------------------


def status_text(counter):
    return "  ".join(
        f"{status}:{count}" for status, count in sorted(counter.items(), key=lambda kv: str(kv[0]))
    )


def report_sending(deliveries, results):
    statuses = Counter(result for result in results if result is not None)
    by_kind = defaultdict(Counter)
    groups = {}
    for delivery, result in zip(deliveries, results, strict=True):
        if result is not None:
            by_kind[delivery.kind][result] += 1
            groups[delivery.kind] = delivery.group
    unsent = sum(1 for result in results if result is None)
    print()
    print(
        f"HTTP statuses of {len(results) - unsent} deliveries"
        + (f" ({unsent} not sent: time bound)" if unsent else "")
    )
    for status, count in sorted(statuses.items(), key=lambda kv: str(kv[0])):
        print(f"  {status!s:>22} {count:7d}")
    server_errors = {
        kind: c for kind, c in by_kind.items() if any(isinstance(s, int) and s >= 500 for s in c)
    }
    fivexx = sum(count for status, count in statuses.items() if isinstance(status, int) and status >= 500)
    print(f"5xx answers: {fivexx} (target 0)")
    for kind, counter in sorted(server_errors.items()):
        print(f"  {kind:34} {status_text(counter)}")
    expectations = {d.kind: d.expect for d in deliveries if d.expect}
    accepted_forged = 0
    for group, title in (
        ("forged", "Forged or garbage deliveries by kind (expected: no 2xx, no 5xx; '!' = another answer)"),
        ("mutated", "Signed mutated orders by kind"),
        ("replay", "Captured orders/create bodies re-sent as orders/cancelled (new event id)"),
    ):
        kinds = sorted(kind for kind, g in groups.items() if g == group)
        if not kinds:
            continue
        print(title)
        for kind in kinds:
            counter = by_kind[kind]
            expect = expectations.get(kind)
            odd = expect and any(status not in expect for status in counter)
            if group == "forged":
                accepted_forged += sum(
                    c
                    for s, c in counter.items()
                    if isinstance(s, int) and 200 <= s < 300 and kind != "text-plain-order-signed"
                )
            print(f"  {'!' if odd else ' '} {kind:34} {sum(counter.values()):6d}   {status_text(counter)}")
    print(f"forged deliveries answered 2xx: {accepted_forged} (target 0)")
    return fivexx, accepted_forged


def report_events(odoo, domain, waited, pending):
    groups = odoo(
        "integration.event",
        "read_group",
        domain,
        ["state", "error_category"],
        ["state", "error_category"],
        lazy=False,
    )
    total = sum(group["__count"] for group in groups)
    print()
    print(
        f"Events created by these deliveries: {total} (waited {waited:.0f} s for the queue; {pending} still pending)"
    )
    print(f"  {'state':10} {'error category':15} {'events':>7}")
    for group in sorted(groups, key=lambda g: (str(g["state"]), str(g["error_category"]))):
        print(f"  {group['state'] or '-':10} {group['error_category'] or '-':15} {group['__count']:7d}")
    internal_count = sum(
        g["__count"] for g in groups if g["error_category"] == "internal" and g["state"] in ("failed", "dead")
    )
    by_topic = odoo("integration.event", "read_group", domain, ["topic"], ["topic", "state"], lazy=False)
    print(
        "  by topic and state: "
        + "; ".join(
            f"{g['topic'][:40]} {g['state']} {g['__count']}"
            for g in sorted(by_topic, key=lambda g: (g["topic"], g["state"]))
        )
    )
    print(f"internal errors (failed or dead, category internal): {internal_count} (target 0)")
    if internal_count:
        rows = odoo(
            "integration.event",
            "search_read",
            domain + [("error_category", "=", "internal"), ("state", "in", ["failed", "dead"])],
            fields=["error_message", "topic"],
            limit=2000,
        )
        messages = Counter(
            (row["error_message"] or "").strip().splitlines()[0][:150]
            if row["error_message"]
            else "(no message)"
            for row in rows
        )
        print("  most frequent messages:")
        for message, count in messages.most_common(10):
            print(f"  {count:6d}  {message}")
    return internal_count


# ----------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--odoo-url", default=f"http://127.0.0.1:{os.environ.get('ODOO_HTTP_PORT') or 8069}")
    parser.add_argument("--database", default=os.environ.get("ODOO_DB") or "integration_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--forged", type=int, default=10_000, help="forged or garbage deliveries (N)")
    parser.add_argument("--mutated", type=int, default=1_000, help="signed mutated orders (M)")
    parser.add_argument("--concurrency", type=int, default=20, help="threads sending")
    parser.add_argument("--send-timeout", type=float, default=900.0, help="seconds allowed for sending")
    parser.add_argument("--wait", type=float, default=600.0, help="seconds to wait for the events' jobs")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)
    if not 0 <= args.forged <= 200_000 or not 0 <= args.mutated <= 50_000 or not 1 <= args.concurrency <= 64:
        parser.error("--forged must be 0..200000, --mutated 0..50000, --concurrency 1..64")
    base = args.odoo_url.rstrip("/")
    if not is_loopback_url(base):
        parser.error(f"--odoo-url must be on loopback (127.0.0.1/localhost), not {base}")

    try:
        demo = demo_backend(args.database)
    except DemoSecretsError as exc:
        print(f"cannot read the demo backend: {exc}", file=sys.stderr)
        return 2
    secret = demo.secrets.get("client_secret")
    if not secret or not demo.webhook_token:
        print("the demo backend has no client secret or webhook token", file=sys.stderr)
        return 2
    try:
        odoo = Odoo(base, args.database, args.login, args.password)
        max_bytes = odoo("integration.backend", "read", [demo.id], ["webhook_max_bytes"])[0][
            "webhook_max_bytes"
        ]
        before = odoo("integration.event", "search", [], limit=1, order="id desc")
    except (OSError, xmlrpc.client.Error) as exc:
        print(f"Odoo does not answer on {base} ({args.database}): {exc}", file=sys.stderr)
        return 2
    first_id = before[0] if before else 0
    run = datetime.now().strftime("%H%M%S")
    rng = random.Random(args.seed)
    print(f"fuzz-webhooks: {base}, database {args.database}, backend '{demo.name}' (id {demo.id}), run {run}")
    print(
        f"building {args.forged} forged/garbage and {args.mutated} signed mutated deliveries (seed {args.seed})",
        flush=True,
    )
    factory = Factory(rng, secret, demo.webhook_token, run, max_bytes or 2 * 1024 * 1024)
    forged = factory.forged(args.forged)
    mutated = factory.mutated(args.mutated)
    captures = [d for d in mutated if d.kind == "capture-original"]
    others = [d for d in mutated if d.kind != "capture-original"]
    mixed = forged + others
    rng.shuffle(mixed)
    paused = sandbox_pause(demo.url, True)
    print(f"demo shop's order a minute: {'paused' if paused else 'not reachable, not paused'}")
    start = time.monotonic()
    deadline = start + args.send_timeout
    try:
        print(
            f"sending from {args.concurrency} threads, {TIMEOUT:g} s timeout each, at most {args.send_timeout:g} s",
            flush=True,
        )
        results = send_all(base, captures, args.concurrency, deadline)
        time.sleep(1.0)  # the originals are in before their replays
        results += send_all(base, mixed, args.concurrency, deadline)
        deliveries = captures + mixed
        sent_seconds = time.monotonic() - start
        print(
            f"sent in {sent_seconds:.1f} s ({sum(r is not None for r in results) / max(sent_seconds, 1e-9):.0f} deliveries/s)"
        )
        fivexx, accepted_forged = report_sending(deliveries, results)
        domain = scope(demo.id, first_id)
        print()
        print("waiting for the jobs of the accepted deliveries (XML-RPC, every 3 s)", flush=True)
        pending, waited = wait_for_events(odoo, domain, args.wait)
        internal = report_events(odoo, domain, waited, pending)
    finally:
        if paused:
            sandbox_pause(demo.url, False)
    ok = not fivexx and not accepted_forged and not internal
    print()
    print(
        f"RESULT: 5xx {fivexx}, forged accepted {accepted_forged}, internal errors {internal}: {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
