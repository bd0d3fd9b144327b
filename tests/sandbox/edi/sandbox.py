"""The EDI sandbox: trading partners reachable over AS2 and SFTP.

:class:`EdiSandbox` is a :class:`~sandbox.peer.Peer` (the AS2 endpoint and
the control API over loopback HTTP) holding:

- its partners (:class:`~.partner.TradingPartner`), by default a retailer
  (``customer``, ISA ``ZZ:SANDBOXRETAIL``) and a supplier (``supplier``,
  ``ZZ:SANDBOXSUPPLY``);
- an SFTP server (:class:`sandbox.sftp.SftpSandbox`, with ``sftp=True``) as
  their VAN mailboxes (:mod:`.mailbox`): one login per partner;
- an AS2 station per partner (:mod:`.as2_station`): ``POST /as2`` receives
  our messages (AS2-To picks the partner) and answers sync MDNs;
- ``GET /``: the partners' screen (:mod:`.views`), what they sent and received.

Control API, besides the base's (``GET /_sandbox/state``, ``POST
/_sandbox/faults``, ``POST /_sandbox/reset``):

- ``POST /_sandbox/faults`` also takes ``{"edi": [fault, ...]}`` (see
  :mod:`.faults`; ``"partner"`` names the partner, default the customer)
  and ``{"sftp": [{"op": "write", "drop_after": 100}, ...]}``;
- ``POST /_sandbox/edi/orders``: the customer sends 850s:
  ``{"count": 2}`` (from its catalog) or ``{"orders": [{...}]}``, with
  ``"via": "as2"`` to POST them to our AS2 endpoint this time;
- ``POST /_sandbox/edi/changes``: the customer sends an 860 ``{"change": {...}}``;
- ``POST /_sandbox/edi/behaviour``: ``{"partner": "supplier", "ack": "partial", ...}``;
- ``POST /_sandbox/edi/tick``: deliver what is due (late files, queued AS2 payloads);
- ``GET /_sandbox/edi/config``: what our Odoo side must be configured with.
"""

from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from ..peer import Peer
from . import catalog, views
from .as2_station import As2Station
from .partner import CUSTOMER, SUPPLIER, Profile, TradingPartner
from .x12 import Identity, Syntax

OUR_IDENTITY = Identity("ZZ", "ODOOEDI")


def default_profiles(our_identity=OUR_IDENTITY, dialect="004010", syntax=None):
    """The retailer and the supplier of the sandbox."""
    return [
        Profile(
            name="customer",
            role=CUSTOMER,
            identity=Identity("ZZ", "SANDBOXRETAIL"),
            our_identity=our_identity,
            dialect=dialect,
            syntax=syntax or Syntax(),
            as2_id="SANDBOXRETAIL",
        ),
        Profile(
            name="supplier",
            role=SUPPLIER,
            identity=Identity("ZZ", "SANDBOXSUPPLY"),
            our_identity=our_identity,
            dialect=dialect,
            syntax=syntax or Syntax(),
            as2_id="SANDBOXSUPPLY",
            gs1_prefix="0614141",
        ),
    ]


class EdiSandbox(Peer):
    """``profiles`` (default :func:`default_profiles`); ``sftp``: also run the
    SFTP mailboxes (``sftp_port``, ``sftp_users``: ``{partner name: (login,
    password)}``, ``host_key``: an asyncssh private key to keep the same
    host key between runs); ``our_as2_id``/``our_certificate``/``our_as2_url``:
    our AS2 side; ``clock``/``wait`` as for every peer; ``now``: the
    calendar time written in files (default :meth:`datetime.now`);
    ``as2_inline``: process an AS2 payload before answering its MDN."""

    name = "edi"
    server_version = "SandboxEDI/1.0"
    methods = ("GET", "POST")

    def __init__(
        self,
        *,
        profiles=None,
        sftp=True,
        sftp_port=0,
        sftp_users=None,
        host_key=None,
        our_as2_id="ODOOEDI",
        our_certificate=None,
        our_as2_url="",
        as2_keys=None,
        now=None,
        as2_inline=True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.now = now or datetime.now
        self.partners = {}
        self.stations = {}
        for profile in profiles or default_profiles():
            partner = TradingPartner(profile, clock=self.faults.clock, now=self.now)
            self.partners[profile.name] = partner
            certificate, key = (as2_keys or {}).get(profile.name, (None, None))
            self.stations[profile.name] = As2Station(
                partner,
                profile.as2_id or profile.identity.id,
                certificate=certificate,
                private_key=key,
                our_as2_id=our_as2_id,
                our_certificate=our_certificate,
                our_url=our_as2_url,
                inline=as2_inline,
            )
            if profile.transport == "as2":
                partner.deliver = self._as2_deliverer(profile.name)
        self.sftp = None
        self.mailboxes = None
        if sftp:
            from ..sftp import SftpSandbox
            from .mailbox import Mailboxes

            self.sftp = SftpSandbox(port=sftp_port)
            if host_key is not None:
                from ..sftp.keys import key_pair

                self.sftp.host_keys = [key_pair(host_key)]
            self.mailboxes = Mailboxes(self.sftp)
            users = sftp_users or {}
            for name, partner in self.partners.items():
                login, password = users.get(name, (f"odoo-{name}", f"{name}-sandbox"))
                if partner.profile.transport == "sftp":
                    self.mailboxes.add(partner, login, password=password)
                else:
                    self.sftp.add_user(login, password=password)
        self.catalog = catalog.Catalog()

    def _as2_deliverer(self, name):
        return lambda filename, data: self.stations[name].send(data, filename)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self):
        url = super().start()
        if self.sftp is not None:
            self.sftp.start()
        return url

    def stop(self):
        super().stop()
        if self.sftp is not None:
            self.sftp.close()

    def reset(self):
        super().reset()
        for partner in self.partners.values():
            partner.reset()
        if self.sftp is not None:
            self.sftp.reset()
            self.sftp.observe(self.mailboxes._on_event)

    @property
    def customer(self):
        return self.partners["customer"]

    @property
    def supplier(self):
        return self.partners["supplier"]

    def tick(self):
        """Deliver late files that are now due and process queued AS2 payloads."""
        for station in self.stations.values():
            station.process_pending()
        delivered = []
        for partner in self.partners.values():
            delivered += partner.tick()
        return delivered

    # -- the customer's orders ----------------------------------------------------------------

    def make_order(self, lines=2, ship_to="store", po_number=None):
        """A purchase order of the customer's from the catalog (see :mod:`.catalog`)."""
        today = self.now().date() if isinstance(self.now(), datetime) else date.today()
        return self.catalog.order(
            po_number or self.catalog.next_po(),
            today,
            lines=lines,
            ship_to=ship_to,
            delivery=today + timedelta(days=7),
        )

    def send_orders(self, count=1, lines=2, via=None):
        """The customer sends ``count`` 850s in one interchange (``via``
        ``"as2"``: to our AS2 endpoint this time, whatever its transport);
        returns the orders."""
        orders = [self.make_order(lines=lines, ship_to="dc" if i % 2 else "store") for i in range(count)]
        self.customer.send_850(*orders, deliver=self.via("customer", via))
        return orders

    def via(self, name, transport):
        """The deliver function of ``transport`` (``"as2"``) for partner
        ``name``; None: the partner's own."""
        if transport in (None, "", self.partners[name].profile.transport):
            return None
        if transport == "as2":
            return self._as2_deliverer(name)
        if transport == "sftp" and self.mailboxes is not None:
            user = next(u for u, p in self.mailboxes.partners.items() if p is self.partners[name])
            return lambda filename, data: self.sftp.deliver(
                user, filename, data, folder=self.mailboxes.pickup
            )
        raise ValueError(f"partner {name} cannot send over {transport!r}")

    # -- HTTP -----------------------------------------------------------------------------------

    def route(self, handler, method, path, raw):
        if method == "GET" and path == "/":
            return handler.reply_raw(200, views.page(self), "text/html; charset=utf-8")
        if method == "GET" and path == "/as2":
            return handler.reply(200, {"peer": "edi", "as2": "/as2", "partners": sorted(self.partners)})
        if path.rstrip("/") != "/as2" or method != "POST":
            return handler.reply(404, {"errors": "Not Found"})
        if self.answer_fault(handler, self.faults.next()):
            return None
        headers = handler.headers  # an email.message.Message: case-insensitive, as AS2 needs
        as2_to = (headers.get("AS2-To") or "").strip().strip('"')
        station = next((s for s in self.stations.values() if s.as2_id == as2_to), None)
        if station is None:
            return handler.reply_raw(404, f"unknown AS2-To {as2_to!r}".encode(), "text/plain")
        status, answer_headers, body = station.receive(headers, raw)
        content_type = answer_headers.pop("Content-Type", "text/plain")
        return handler.reply_raw(status, body, content_type, answer_headers)

    def fault_body(self, status):
        return {"errors": f"AS2 endpoint answered {status}"}

    def configure_faults(self, data):
        for fault in data.get("edi") or []:
            fault = dict(fault)
            name = fault.pop("partner", "customer")
            if name not in self.partners:
                raise ValueError(f"unknown partner {name!r}; one of {', '.join(self.partners)}")
            self.partners[name].faults.inject(fault)
        for fault in data.get("sftp") or []:
            if self.sftp is None:
                raise ValueError("this sandbox runs no SFTP server")
            fault = dict(fault)
            self.sftp.faults.inject(fault.pop("op"), fault.pop("count", 1), **fault)

    def control_routes(self):
        routes = super().control_routes()
        routes.update(
            {
                ("POST", "/_sandbox/edi/orders"): self._control_orders,
                ("POST", "/_sandbox/edi/changes"): self._control_changes,
                ("POST", "/_sandbox/edi/behaviour"): self._control_behaviour,
                ("POST", "/_sandbox/edi/tick"): lambda h, d: h.reply(
                    200, {"delivered": [f.name for f in self.tick()]}
                ),
                ("GET", "/_sandbox/edi/config"): lambda h, d: h.reply(200, self.config()),
            }
        )
        return routes

    def _control_orders(self, handler, data):
        try:
            if data.get("orders"):
                orders = data["orders"]
                self.customer.send_850(*orders, deliver=self.via("customer", data.get("via")))
            else:
                orders = self.send_orders(
                    int(data.get("count", 1)), int(data.get("lines", 2)), data.get("via")
                )
        except (KeyError, TypeError, ValueError) as exc:
            return handler.reply(422, {"error": str(exc)})
        return handler.reply(200, {"orders": [o["po_number"] for o in orders]})

    def _control_changes(self, handler, data):
        try:
            self.customer.send_860(data["change"], deliver=self.via("customer", data.get("via")))
        except (KeyError, TypeError, ValueError) as exc:
            return handler.reply(422, {"error": str(exc)})
        return handler.reply(200, {"ok": True})

    def _control_behaviour(self, handler, data):
        data = dict(data)
        name = data.pop("partner", "supplier")
        try:
            self.partners[name].behaviour.update(data)
        except (KeyError, TypeError, ValueError) as exc:
            return handler.reply(422, {"error": str(exc)})
        return handler.reply(200, {"ok": True})

    # -- what Odoo must know -----------------------------------------------------------------

    def config(self):
        """Everything our side needs to trade with the sandbox (no private keys)."""
        out = {"as2_url": f"{self.base_url}/as2", "partners": {}}
        if self.sftp is not None:
            out["sftp"] = {
                "host": self.sftp.host,
                "port": self.sftp.port,
                "host_key": self.sftp.host_key.public_line,
                "fingerprint": self.sftp.host_key.fingerprint,
                "pickup_folder": self.mailboxes.pickup,
                "upload_folder": self.mailboxes.dropoff,
            }
        logins = {
            partner: user for user, partner in (self.mailboxes.partners.items() if self.mailboxes else [])
        }
        for name, partner in self.partners.items():
            profile = partner.profile
            station = self.stations[name]
            entry = {
                "role": profile.role,
                "isa_qualifier": profile.identity.qualifier,
                "isa_id": profile.identity.id,
                "gs_id": profile.identity.application_id,
                "our_isa_qualifier": profile.our_identity.qualifier,
                "our_isa_id": profile.our_identity.id,
                "dialect": profile.dialect,
                "usage": profile.usage,
                "delimiters": {
                    "element": profile.syntax.element,
                    "component": profile.syntax.component,
                    "segment": profile.syntax.segment,
                    "repetition": profile.syntax.repetition,
                },
                "transport": profile.transport,
                "as2_id": station.as2_id,
                "as2_certificate": station.certificate.pem.decode("ascii"),
            }
            if partner in logins and self.sftp is not None:
                entry["sftp_user"] = logins[partner]
                entry["sftp_password"] = self.sftp.users[logins[partner]].password
            out["partners"][name] = entry
        return out

    def state(self):
        out = super().state()
        out["partners"] = {name: partner.state() for name, partner in self.partners.items()}
        out["as2"] = {
            name: {"received": s.messages, "sent": s.deliveries} for name, s in self.stations.items()
        }
        if self.sftp is not None:
            out["sftp"] = {"port": self.sftp.port, "taken": self.mailboxes.taken}
        return out


def host_of(url):
    return urlsplit(url).hostname
