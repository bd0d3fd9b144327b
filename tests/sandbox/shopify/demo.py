"""The demo shop that ``scripts/run`` starts next to the demo database:
Odoo's demo furniture at location 1, in USD with a 15 % sales tax, an
order every minute delivered to the demo backend (:func:`serve_demo`)."""

import argparse
import os
import random
import secrets
import signal
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone
from decimal import Decimal

from ..peer import delivered
from .payments import seed_payout_history
from .sandbox import ShopifySandbox

DEMO_WHOLESALE_COMPANY = "Wholesale Desks Inc."
DEMO_B2B_EVERY = 10  # every tenth demo order is the wholesale company's
DEMO_PORT = 8071
# The demo backend's webhook token and secrets are random per database (demo
# data never publishes them): scripts/run reads them from the database
# (scripts/demo_secrets.py) into these environment variables for --demo.
DEMO_ENV_WEBHOOK_TOKEN = "SHOPIFY_DEMO_WEBHOOK_TOKEN"
DEMO_ENV_ACCESS_TOKEN = "SHOPIFY_DEMO_ACCESS_TOKEN"
DEMO_ENV_CLIENT_SECRET = "SHOPIFY_DEMO_CLIENT_SECRET"
DEMO_SHOP_DOMAIN = "demo-office-furniture.myshopify.com"
DEMO_LOCATION_ID = 1  # mapped to Odoo's main warehouse in the demo data
DEMO_TAX_RATE = Decimal("0.15")  # the sales tax of Odoo's generic chart of accounts
# Odoo 17 demo products (product/data/product_demo.xml) by internal reference,
# with their sales price: the shop sells what the demo database stocks.
DEMO_PRODUCTS = (
    ("FURN_7800", "Desk Combination", "450.00", 1),
    ("FURN_0269", "Office Chair Black", "120.50", 4),
    ("FURN_8888", "Office Lamp", "40.00", 3),
    ("E-COM06", "Corner Desk Right Sit", "147.00", 2),
    ("E-COM07", "Large Cabinet", "320.00", 1),
)  # (sku, title, price, most units one customer orders)
DEMO_CUSTOMERS = (
    ("Olivia", "Bennett", "olivia.bennett@example.com", "2140 Mission St", "San Francisco", "CA", "94110"),
    ("Liam", "Carter", "liam.carter@example.com", "88 Pine St", "Seattle", "WA", "98101"),
    ("Emma", "Nguyen", "emma.nguyen@example.com", "415 Congress Ave", "Austin", "TX", "78701"),
    ("Noah", "Patel", "noah.patel@example.com", "1200 N Halsted St", "Chicago", "IL", "60642"),
    ("Ava", "Rossi", "ava.rossi@example.com", "77 Water St", "New York", "NY", "10005"),
    ("Lucas", "Kim", "lucas.kim@example.com", "500 SW Broadway", "Portland", "OR", "97205"),
    ("Mia", "Schmidt", "mia.schmidt@example.com", "1600 Glenarm Pl", "Denver", "CO", "80202"),
    ("Ethan", "Brooks", "ethan.brooks@example.com", "250 Peachtree St NW", "Atlanta", "GA", "30303"),
    ("Sophia", "Garcia", "sophia.garcia@example.com", "3000 Biscayne Blvd", "Miami", "FL", "33137"),
    ("James", "Walker", "james.walker@example.com", "19 Boylston St", "Boston", "MA", "02116"),
)
DEMO_PAYOUT_DAYS = 7  # days of Shopify Payments history (orders, refunds, payouts) the demo shop starts with
DEMO_NOTES = ("Please deliver after 2 pm.", "Gift: no prices on the packing slip.", "Call before delivery.")
_DEMO_EPOCH = datetime(2025, 1, 1, tzinfo=timezone.utc).timestamp()


class DemoShop(ShopifySandbox):
    """The demo store: Odoo's demo furniture as variants at location 1, in
    USD with a 15 % sales tax, so that its orders import into the demo
    database as they are.

    Ids and order numbers continue from the clock: a demo shop restarted
    next to the same database never reuses an order id (Odoo would take the
    new order for an update of the old one) or an order name.

    The access token and client secret are those of the demo backend
    (``access_token=``, ``client_secret=``); without them, random ones.
    :attr:`paused` (``POST /_sandbox/demo {"paused": true}``) tells
    :func:`serve_demo` to stop creating orders, e.g. while a script measures.

    ``payout_days`` (default 0; :func:`serve_demo` gives
    :data:`DEMO_PAYOUT_DAYS`): the shop starts with that many days of
    Shopify Payments trading and its payouts
    (:func:`.payments.seed_payout_history`: ids and names fixed for the day,
    so a restart the same day repeats them rather than adding copies). The
    benchmarks' demo shops start empty as before.
    """

    def __init__(self, **kwargs):
        self.payout_days = kwargs.pop("payout_days", 0)
        now = time.time()
        kwargs.setdefault("access_token", f"shpat_{secrets.token_hex(16)}")
        kwargs.setdefault("client_secret", secrets.token_urlsafe(32))
        kwargs.setdefault("shop_domain", DEMO_SHOP_DOMAIN)
        kwargs.setdefault("currency", "USD")
        kwargs.setdefault("timezone_name", "America/Los_Angeles")
        kwargs.setdefault("first_id", int(now * 1000) * 100)
        kwargs.setdefault("first_order_number", 1001 + int(now - _DEMO_EPOCH) // 10)
        self.paused = threading.Event()
        super().__init__(**kwargs)

    def control_routes(self):
        routes = super().control_routes()
        routes[("GET", "/_sandbox/demo")] = lambda handler, data: self._control_demo(handler, {})
        routes[("POST", "/_sandbox/demo")] = self._control_demo
        return routes

    def _control_demo(self, handler, data):
        """``{"paused": true}`` stops the demo orders, ``false`` resumes them."""
        if "paused" in data:
            (self.paused.set if data["paused"] else self.paused.clear)()
            _log("demo orders paused" if data["paused"] else "demo orders resumed")
        return handler.reply(200, {"paused": self.paused.is_set()})

    def seed_default(self):
        """Location 1 and the five demo products, 50 of each in stock."""
        self.default_tax_rate = DEMO_TAX_RATE
        self.default_tax_title = "Sales Tax"
        self.shop.update(
            name="Demo Office Furniture",
            email="shop@demo-office-furniture.example.com",
            iana_timezone=self.timezone_name,
        )
        self.add_location(
            "Main Warehouse",
            country_code="US",
            city="San Francisco",
            address1="250 Executive Park Blvd",
            zip_code="94134",
            location_id=DEMO_LOCATION_ID,
        )
        for sku, title, price, _most in DEMO_PRODUCTS:
            self.add_product(
                title, [{"sku": sku, "price": price, "stock": 50}], vendor="Demo Office Furniture"
            )
        self.seed_wholesale()
        if self.payout_days:
            seed_payout_history(self, self.payout_days)

    def seed_wholesale(self):
        """One B2B customer: a wholesale company with its buyer, one location
        on net 30 terms and a catalog whose price list is 20 % below retail;
        and a Canadian market selling in CAD (its own price list)."""
        self.add_market("United States", "USD", primary=True)
        self.add_market("Canada", "CAD")
        company = self.add_company(
            DEMO_WHOLESALE_COMPANY,
            note="Wholesale customer of the demo shop",
            contact={
                "firstName": "Grace",
                "lastName": "Hopper",
                "email": "purchasing@wholesale-desks.example.com",
            },
            location={
                "name": "Oakland depot",
                "shippingAddress": {
                    "address1": "1 Broadway",
                    "city": "Oakland",
                    "zip": "94607",
                    "zoneCode": "CA",
                    "countryCode": "US",
                },
                "billingSameAsShipping": True,
                "buyerExperienceConfiguration": {
                    "paymentTermsTemplateId": "gid://shopify/PaymentTermsTemplate/5"
                },
            },
        )
        price_list = self.add_price_list(
            f"{DEMO_WHOLESALE_COMPANY} prices", "USD", ("PERCENTAGE_DECREASE", 20.0)
        )
        catalog = self._add_catalog(
            f"{DEMO_WHOLESALE_COMPANY} catalog",
            price_list["id"],
            company_location_ids=company["location_ids"],
        )
        price_list["catalog_id"] = catalog["id"]
        for location_id in company["location_ids"]:
            self.company_locations[location_id]["catalog_ids"].append(catalog["id"])

    def wholesale_order_spec(self, rng, spec):
        """``spec`` as an order of the wholesale company's buyer: its
        location (addresses, net 30 terms), a PO number, the catalog's
        prices (20 % below retail), more of each product."""
        company = next(c for c in self.companies.values() if c["name"] == DEMO_WHOLESALE_COMPANY)
        prices = {sku: Decimal(price) for sku, _title, price, _most in DEMO_PRODUCTS}
        lines = [
            {
                "sku": line["sku"],
                "quantity": line["quantity"] * 5,
                "price": str((prices[line["sku"]] * Decimal("0.8")).quantize(Decimal("0.01"))),
            }
            for line in spec["lines"]
        ]
        return {
            "company_location_id": company["location_ids"][0],
            "po_number": f"PO-{rng.randrange(10000, 99999)}",
            "lines": lines,
            "shipping": {"title": "Freight", "price": "0.00"},
        }

    def random_order_spec(self, rng, *, email=None, financial_status=None, name=None):
        """A plausible web order (see :meth:`create_order` for the keys): one
        to three products, free shipping from $500, mostly paid by card, now
        and then a bank transfer still pending, a discount code or a note.
        ``email`` makes the customer unique (benchmarks), ``rng`` is a
        :class:`random.Random`."""
        first, last, known_email, street, city, state, zip_code = rng.choice(DEMO_CUSTOMERS)
        address = {
            "first_name": first,
            "last_name": last,
            "address1": street,
            "city": city,
            "province_code": state,
            "zip": zip_code,
            "country": "United States",
            "country_code": "US",
            "phone": f"+1 555 01{rng.randrange(10, 100)}",
        }
        lines = [
            {"sku": sku, "quantity": rng.randint(1, most)}
            for sku, _title, _price, most in rng.sample(DEMO_PRODUCTS, rng.choice((1, 1, 2, 2, 3)))
        ]
        prices = {sku: Decimal(price) for sku, _title, price, _most in DEMO_PRODUCTS}
        subtotal = sum(prices[line["sku"]] * line["quantity"] for line in lines)
        status = financial_status or ("pending" if rng.random() < 0.1 else "paid")
        spec = {
            "customer": {"first_name": first, "last_name": last, "email": email or known_email},
            "billing_address": address,
            "lines": lines,
            "shipping": {"title": "Free shipping", "price": "0.00"}
            if subtotal >= 500
            else rng.choice(
                ({"title": "Standard", "price": "15.00"}, {"title": "Express", "price": "30.00"})
            ),
            "financial_status": status,
            "gateway": "shopify_payments" if status == "paid" else "Bank transfer",
        }
        if name:
            spec["name"] = name
        if rng.random() < 0.15:
            spec["discount_code"] = {"code": "WELCOME10", "percentage": 10}
        if rng.random() < 0.2:
            spec["note"] = rng.choice(DEMO_NOTES)
        if rng.random() < 0.2:
            spec["tags"] = rng.choice(("returning customer", "office, bulk"))
        return spec


def _log(message):
    print(f"[{datetime.now().strftime('%H:%M:%S')}] shopify demo: {message}", flush=True)


def _odoo_answers(url, timeout=5.0):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{url}/web/login", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _describe(order):
    lines = ", ".join(f"{line['quantity']} x {line['sku']}" for line in order["line_items"])
    return (
        f"order {order['name']} (id {order['id']}, {order['email']}): {lines}; "
        f"{order['total_price']} {order['currency']}, {order['financial_status']}"
    )


def serve_demo(argv=None, environ=None):
    """The demo shop for ``scripts/run``: serves the Admin API on port 8071,
    waits until Odoo answers, then creates an order every ``--interval``
    seconds and delivers its signed ``orders/create`` webhook to the demo
    backend. A delivery that fails is retried on the next rounds (up to 5
    attempts, with the same event id, as Shopify retries); Odoo's order
    catch-up also pulls what it missed. Stops cleanly on SIGTERM/SIGINT.

    The demo backend's webhook token, access token and client secret come
    from the environment (``SHOPIFY_DEMO_WEBHOOK_TOKEN``,
    ``SHOPIFY_DEMO_ACCESS_TOKEN``, ``SHOPIFY_DEMO_CLIENT_SECRET``), which
    scripts/run fills from the database; there are no default values."""
    parser = argparse.ArgumentParser(description="Run the demo Shopify shop next to the demo database.")
    parser.add_argument("--demo", action="store_true", help="demo mode (this one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEMO_PORT)
    parser.add_argument("--odoo-url", default="http://127.0.0.1:8069")
    parser.add_argument("--database", help="the demo database (for the log; Odoo serves only that one)")
    parser.add_argument("--interval", type=float, default=60.0, help="seconds between two new orders")
    parser.add_argument("--wait", type=float, default=300.0, help="seconds to wait for Odoo to answer")
    parser.add_argument("--seed", type=int, help="random seed of the orders (default: random)")
    parser.add_argument(
        "--payout-days",
        type=int,
        default=DEMO_PAYOUT_DAYS,
        help="days of Shopify Payments history (orders, payouts) to start with; 0 for none",
    )
    args = parser.parse_args(argv)
    environ = os.environ if environ is None else environ
    names = (DEMO_ENV_WEBHOOK_TOKEN, DEMO_ENV_ACCESS_TOKEN, DEMO_ENV_CLIENT_SECRET)
    missing = [name for name in names if not environ.get(name)]
    if missing:
        _log(
            f"{', '.join(missing)} not set: the demo shop needs the demo backend's webhook token and "
            "secrets, which are random per database; scripts/run sets them from the database "
            '(eval "$(scripts/demo_secrets.py --database DB --format shell)")'
        )
        return 2
    odoo_url = args.odoo_url.rstrip("/")
    webhook_url = f"{odoo_url}/integration/webhook/shopify/{environ[DEMO_ENV_WEBHOOK_TOKEN]}"
    rng = random.Random(args.seed)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda number, frame: stop.set())
    shop = DemoShop(
        host=args.host,
        port=args.port,
        webhook_url=webhook_url,
        access_token=environ[DEMO_ENV_ACCESS_TOKEN],
        client_secret=environ[DEMO_ENV_CLIENT_SECRET],
        payout_days=args.payout_days,
    )
    try:
        url = shop.start()
    except OSError as exc:
        _log(f"cannot listen on {args.host}:{args.port}: {exc}")
        return 1
    _log(f"serving {url} (Admin API {shop.graphql_url}, the demo backend's access token)")
    _log(f"products: {', '.join(sku for sku, *_rest in DEMO_PRODUCTS)} at location {DEMO_LOCATION_ID}")
    _log(
        f"webhooks to {odoo_url}/integration/webhook/shopify/<the demo backend's token>, signed with its client secret"
    )
    try:
        _log(f"waiting for Odoo on {odoo_url} (database {args.database or '?'}, up to {args.wait:.0f} s)")
        deadline = time.monotonic() + args.wait
        while not stop.is_set() and not _odoo_answers(odoo_url):
            if time.monotonic() >= deadline:
                _log("Odoo does not answer yet: creating orders anyway, deliveries are retried")
                break
            stop.wait(2.0)
        else:
            if not stop.is_set():
                _log(f"Odoo answers: a new order every {args.interval:g} s")
        retries = []  # [(order, event_id, attempts)]
        created = 0
        while not stop.is_set():
            if shop.paused.is_set():
                stop.wait(1.0)
                continue
            pending, retries = retries, []
            for order, event_id, attempts in pending:
                retries.extend(_demo_deliver(shop, order, event_id, attempts + 1))
            created += 1
            spec = shop.random_order_spec(rng)
            if created % DEMO_B2B_EVERY == 0:
                spec = shop.wholesale_order_spec(rng, spec)
            order = shop.create_order(spec)
            _log(f"created {_describe(order)}")
            for payout in shop.run_payouts(datetime.now(timezone.utc)):  # the daily payout, when due
                _log(
                    f"payout {payout['legacyResourceId']}: {payout['net']['amount']} {payout['net']['currencyCode']}"
                )
            retries.extend(_demo_deliver(shop, order, str(uuid.uuid4()), 1))
            stop.wait(args.interval)
    finally:
        shop.stop()
        _log("stopped")
    return 0


def _demo_deliver(shop, order, event_id, attempt, max_attempts=5):
    """Deliver orders/create for ``order``; returns what to retry."""
    result = shop.send_webhook("orders/create", order, event_id=event_id)[0]
    label = f"orders/create {order['name']} (attempt {attempt})"
    if delivered(result):
        _log(f"{label} delivered: HTTP {result['status']}")
        return []
    _log(f"{label} failed: {result['status'] or result['error']}")
    if attempt >= max_attempts:
        _log(f"giving up on {order['name']}: Odoo's order catch-up will pull it from the shop")
        return []
    return [(order, event_id, attempt)]
