"""The 3PL peer, assembled: a :class:`~.warehouse.Warehouse` behind
ShipBob's REST face (:mod:`.rest`, :mod:`.views`, :mod:`.webhooks`) and,
optionally, an X12 file drop (:mod:`.x12face`), on the shared peer base.

Control API (besides the base's ``GET /_sandbox/state``, ``POST
/_sandbox/faults``, ``POST /_sandbox/reset``):

- ``POST /_sandbox/advance`` ``{"seconds": 3600}``: move the clock (a
  :class:`ManualClock`) and do what is due; answers the events;
- ``POST /_sandbox/behaviour`` ``{"reference": "WH/OUT/00012", "short":
  {"sku": "A", "quantity": 1, "rest": "cancel"}}`` or ``{"shares": {"split":
  0.1}, "seed": 1}``;
- ``POST /_sandbox/stock`` ``{"sku": "A", "quantity": 10, "lot": "L1", "expiry": "2027-01-31"}``;
- ``POST /_sandbox/drift`` ``{"count": 3}`` (or ``sku``/``quantity``/``reason``);
- ``POST /_sandbox/deliver`` ``{"shipment_id": 1234, "exception": false}``;
- ``POST /_sandbox/returns`` ``{"reference": "RMA1", "lines": [{"sku", "quantity"}]}``;
- ``POST /_sandbox/pause`` ``{"paused": true}``;
- ``GET /_sandbox/warehouse``: the warehouse's whole state;
- ``POST /_sandbox/faults`` also takes ``{"webhooks": {"drop_rate": 0.5,
  "seed": 1}}`` / ``{"webhooks": {"drop_next": 1}}`` (deliveries never sent)
  and ``{"x12": [{"fault": "late", "seconds": 7200, "set": "945"}, ...]}``
  (see :mod:`.x12face`).
"""

import threading
import time

from ..peer import LeakyBucket, Peer, fault_label
from .common import (
    DEFAULT_API_VERSION,
    DEFAULT_CHANNEL_ID,
    DEFAULT_CHANNEL_NAME,
    DEFAULT_TOKEN,
    RATE_LIMIT,
)
from .rest import RestMixin
from .views import ViewsMixin
from .warehouse import Warehouse, WarehouseError
from .webhooks import WebhooksMixin


class TplSandbox(RestMixin, WebhooksMixin, ViewsMixin, Peer):
    """A local ShipBob-like 3PL. ``with TplSandbox(clock=clock, wait=clock.wait) as tpl:``.

    ``token`` (or ``tokens``): the accepted Bearer tokens; ``channel_id``;
    ``api_version`` (default 2026-07; 2025-07 and 2026-01 paths are served
    too); ``warehouse``: a :class:`Warehouse` (default: one on the same
    clock, ``**warehouse_options`` passed on); ``rate_limit`` requests per
    minute per token; ``clock``/``wait`` as for every peer; ``epoch``: the
    Unix time at the clock's first reading (webhook timestamps)."""

    name = "tpl-sandbox"
    server_version = "TplSandbox/1.0"
    methods = ("GET", "POST", "DELETE")
    default_retry_after = 25  # ShipBob's documented example

    def __init__(
        self,
        *,
        token=DEFAULT_TOKEN,
        tokens=None,
        channel_id=DEFAULT_CHANNEL_ID,
        channel_name=DEFAULT_CHANNEL_NAME,
        api_version=DEFAULT_API_VERSION,
        warehouse=None,
        rate_limit=RATE_LIMIT,
        host="127.0.0.1",
        port=0,
        clock=None,
        wait=None,
        epoch=None,
        **warehouse_options,
    ):
        super().__init__(host=host, port=port, clock=clock, wait=wait)
        self.tokens = set(tokens or [token])
        self.channel = {
            "id": channel_id,
            "name": channel_name,
            "application_name": "SMA",
            "scopes": ["orders_read", "orders_write", "receiving_read", "receiving_write", "inventory_read"]
            + ["returns_read", "returns_write", "webhooks_read", "webhooks_write", "channels_read"],
        }
        self.api_version = api_version
        self.rate_limit = rate_limit
        self.clock = self.faults.clock
        self._epoch = (epoch if epoch is not None else time.time()) - self.clock()
        self._local = threading.local()
        self.warehouse = warehouse or Warehouse(clock=self.clock, **warehouse_options)
        self.warehouse.listeners.append(self.on_warehouse_event)
        self.x12 = None  # an X12Face, see attach_x12
        self.after_reset = None  # called after reset() (the demo restocks)
        self.reset(warehouse=False)

    def attach_x12(self, deliver=None, sftp=None, **options):
        """Also trade as an X12 partner (:class:`~.x12face.X12Face`): files go
        to ``deliver(name, data)`` or through an SFTP mailbox of ``sftp``
        (a :class:`sandbox.sftp.SftpSandbox`); returns the face."""
        from .x12face import X12Face

        if self.x12 is not None:  # one face at a time
            self.warehouse.listeners.remove(self.x12.on_event)
        self.x12 = X12Face(self.warehouse, deliver=deliver, **options)
        if sftp is not None:
            self.x12.attach_mailbox(sftp)
        return self.x12

    def unix_time(self):
        return self._epoch + self.clock()

    def reset(self, warehouse=True):
        """Forget calls, faults, buckets, subscriptions (and the warehouse)."""
        with self._lock:
            super().reset()
            self.calls = []
            self.buckets = {}
            self.reset_webhooks()
            if warehouse:
                self.warehouse.reset()
                if self.after_reset is not None:
                    self.after_reset()

    def bucket_for(self, token):
        with self._lock:
            if token not in self.buckets:
                self.buckets[token] = LeakyBucket(self.rate_limit, self.rate_limit / 60.0, self.clock)
            return self.buckets[token]

    # -- time ---------------------------------------------------------------------------------

    def advance(self, seconds=0.0):
        """Move the clock, let the warehouse work, send its webhooks and X12
        files; returns the warehouse events."""
        events = self.warehouse.advance(seconds)
        self.flush_webhooks()
        if self.x12 is not None:
            self.x12.flush()
        return events

    # -- faults ---------------------------------------------------------------------------------

    def configure_faults(self, data):
        if data.get("webhooks"):
            self.configure_webhook_faults(data["webhooks"])
        if data.get("x12"):
            if self.x12 is None:
                raise ValueError("this sandbox trades no X12 (attach_x12 first)")
            self.x12.inject(*data["x12"])

    # -- control API ------------------------------------------------------------------------------

    def control_routes(self):
        routes = super().control_routes()
        routes.update(
            {
                ("POST", "/_sandbox/advance"): self._control_advance,
                ("POST", "/_sandbox/behaviour"): self._control_behaviour,
                ("POST", "/_sandbox/stock"): self._control_stock,
                ("POST", "/_sandbox/drift"): self._control_drift,
                ("POST", "/_sandbox/deliver"): self._control_deliver,
                ("POST", "/_sandbox/returns"): self._control_returns,
                ("POST", "/_sandbox/pause"): self._control_pause,
                ("GET", "/_sandbox/warehouse"): lambda h, d: h.reply(200, self.warehouse.state()),
            }
        )
        return routes

    def _control(self, handler, action):
        try:
            answer = action()
        except (WarehouseError, KeyError, TypeError, ValueError) as exc:
            return handler.reply(422, {"error": str(exc)})
        self.flush_webhooks()
        if self.x12 is not None:
            self.x12.flush()
        return handler.reply(200, answer)

    def _control_advance(self, handler, data):
        return self._control(
            handler, lambda: {"events": _plain(self.warehouse.advance(float(data.get("seconds", 0))))}
        )

    def _control_behaviour(self, handler, data):
        def apply():
            data_ = dict(data)
            if data_.get("shares") is not None:
                self.warehouse.set_shares(seed=data_.get("seed"), **data_["shares"])
            reference = data_.pop("reference", None)
            data_.pop("shares", None)
            data_.pop("seed", None)
            if reference:
                self.warehouse.set_behaviour(reference, **data_)
            return {"ok": True}

        return self._control(handler, apply)

    def _control_stock(self, handler, data):
        def apply():
            item = self.warehouse.stock(
                data["sku"],
                int(data["quantity"]),
                lot=data.get("lot", ""),
                expiry=data.get("expiry"),
                name=data.get("name"),
            )
            return {
                "sku": item["sku"],
                "inventory_id": item["inventory_id"],
                "on_hand": self.warehouse.on_hand(item["sku"]),
            }

        return self._control(handler, apply)

    def _control_drift(self, handler, data):
        return self._control(
            handler,
            lambda: {
                "adjustments": [
                    e["adjustment"]
                    for e in self.warehouse.drift(
                        int(data.get("count", 1)),
                        sku=data.get("sku"),
                        quantity=data.get("quantity"),
                        reason=data.get("reason"),
                    )
                ]
            },
        )

    def _control_deliver(self, handler, data):
        return self._control(
            handler,
            lambda: {
                "events": _plain(self.warehouse.deliver(data["shipment_id"], bool(data.get("exception"))))
            },
        )

    def _control_returns(self, handler, data):
        def apply():
            ret, _ = self.warehouse.create_return(data["reference"], data["lines"], data=data)
            return self.return_view(ret)

        return self._control(handler, apply)

    def _control_pause(self, handler, data):
        def apply():
            self.warehouse.paused = bool(data.get("paused", True))
            return {"paused": self.warehouse.paused}

        return self._control(handler, apply)

    # -- state -------------------------------------------------------------------------------------

    def state(self):
        out = super().state()
        with self._lock:
            out.update(
                {
                    "calls": len(self.calls),
                    "throttled": sum(1 for c in self.calls if c.get("throttled")),
                    "faulted": {},
                    "subscriptions": len(self.subscriptions),
                    "webhooks": {
                        "sent": sum(1 for d in self.webhook_deliveries if not d["dropped"]),
                        "dropped": sum(1 for d in self.webhook_deliveries if d["dropped"]),
                    },
                    "warehouse": self.warehouse.state(),
                }
            )
            for call in self.calls:
                if call.get("fault"):
                    label = fault_label(call["fault"])
                    out["faulted"][label] = out["faulted"].get(label, 0) + 1
        if self.x12 is not None:
            out["x12"] = self.x12.state()
        return out


def _plain(events):
    return [dict(e) for e in events]
