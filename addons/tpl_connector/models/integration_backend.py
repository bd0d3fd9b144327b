"""A third-party warehouse is an integration backend of type ``tpl``.

One backend per 3PL warehouse: its events, flows, credentials, circuit
breaker, health and company are the core's. This file adds the 3PL
profile (its Odoo warehouse, transport, cut-off, policies and maps) and
declares the channel's topic table, which depends on the transport:

- REST (ShipBob first): release and cancel through the API, confirmations
  by signed webhooks plus a polling catch-up;
- X12 4010: the partner profile (identities, endpoints, delimiters) is
  channel_edi's, on this same backend; files arrive and leave through
  channel_edi's mailbox and importer, and each warehouse set (945, 944,
  846, 947) is a topic of this table.
"""

import logging
import secrets
from datetime import datetime

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.base.models.res_partner import _tz_get
from odoo.addons.integration_core.lib.exceptions import ValidationFailed
from odoo.addons.integration_core.lib.topics import Topic, TopicTable, canonical_as_is

from ..lib import cutoff
from ..lib.shipbob import webhooks as shipbob_webhooks
from ..lib.shipbob.client import RATE_PER_SECOND

_logger = logging.getLogger(__name__)

OUTBOUND = "tpl.outbound"
INBOUND = "tpl.inbound"
INVENTORY = "tpl.inventory"


def _outbound_rows():
    return [
        Topic("order.release", "out", "schedule", "_release_order", model=OUTBOUND, label="Orders released"),
        Topic(
            "order.cancel", "out", "manual", "_cancel_order", model=OUTBOUND, label="Cancellations requested"
        ),
        Topic(
            "inbound.notify",
            "out",
            "schedule",
            "_notify_inbound",
            model=OUTBOUND,
            label="Inbound notices out",
        ),
        Topic(
            "return.notify", "out", "schedule", "_notify_return", model=OUTBOUND, label="Return notices out"
        ),
    ]


REST_TOPICS = TopicTable(
    [
        *_outbound_rows(),
        Topic(
            "shipment.notified",
            "in",
            "webhook",
            "_split_webhook",
            model=INBOUND,
            remote=(
                "order.shipped",
                "order_shipped",
                "order.shipment.cancelled",
                "shipment_cancelled",
                "order.shipment.exception",
                "shipment_exception",
                "order.shipment.on_hold",
                "shipment_onhold",
            ),
            label="Shipment webhooks",
        ),
        Topic(
            "return.notified",
            "in",
            "webhook",
            "_split_webhook",
            model=INBOUND,
            remote=("return.completed",),
            label="Return webhooks",
        ),
        Topic(
            "shipment.confirmed",
            "in",
            "schedule",
            "_apply_shipment",
            model=INBOUND,
            kind="shipment",
            mapper=canonical_as_is,
            label="Shipment confirmations",
        ),
        Topic(
            "receipt.confirmed",
            "in",
            "schedule",
            "_apply_receipt",
            model=INBOUND,
            kind="receipt",
            mapper=canonical_as_is,
            label="Receipt confirmations",
        ),
        Topic(
            "shipment.catch_up",
            "in",
            "schedule",
            "_catch_up_shipments",
            model=INBOUND,
            label="Shipment catch-up (polling)",
        ),
        Topic(
            "receipt.catch_up",
            "in",
            "schedule",
            "_catch_up_receipts",
            model=INBOUND,
            label="Receipt catch-up (polling)",
        ),
        Topic(
            "inventory.snapshot",
            "in",
            "schedule",
            "_fetch_snapshot",
            model=INVENTORY,
            label="Inventory snapshots",
        ),
    ]
)

X12_TOPICS = TopicTable(
    [
        *_outbound_rows(),
        Topic(
            "interchange.received",
            "in",
            "file",
            "_apply_interchange",
            model="trading.partner.importer",
            payload_format="x12",
            label="Files received",
        ),
        Topic(
            "file.pickup",
            "in",
            "schedule",
            "_apply_pickup",
            model="trading.partner.transport",
            label="Mailbox pickup (SFTP)",
        ),
        Topic(
            "shipment.confirmed",
            "in",
            "file",
            "_apply_945",
            model=INBOUND,
            payload_format="x12",
            remote=("945",),
            label="Shipment confirmations (945)",
        ),
        Topic(
            "receipt.confirmed",
            "in",
            "file",
            "_apply_944",
            model=INBOUND,
            payload_format="x12",
            remote=("944",),
            label="Receipt confirmations (944)",
        ),
        Topic(
            "inventory.snapshot",
            "in",
            "file",
            "_apply_846",
            model=INVENTORY,
            payload_format="x12",
            remote=("846",),
            label="Inventory snapshots (846)",
        ),
        Topic(
            "inventory.adjusted",
            "in",
            "file",
            "_apply_947",
            model=INVENTORY,
            payload_format="x12",
            remote=("947",),
            label="Inventory adjustments (947)",
        ),
        Topic(
            "ack.received",
            "in",
            "file",
            "_apply_ack",
            model="trading.partner.importer",
            payload_format="x12",
            remote=("997", "999"),
            label="Acknowledgements in (997)",
        ),
        Topic(
            "ack.sent",
            "out",
            "manual",
            "_send_ack",
            model="trading.partner.exporter",
            label="Acknowledgements out",
        ),
    ]
)


class IntegrationBackend(models.Model):
    _inherit = "integration.backend"

    backend_type = fields.Selection(selection_add=[("tpl", "3PL warehouse")], ondelete={"tpl": "cascade"})

    tpl_transport = fields.Selection(
        [("rest", "REST API"), ("x12", "X12 4010 files")],
        string="3PL transport",
        default="rest",
        tracking=True,
        help="REST: the 3PL's API and webhooks. X12: 940/943 out, 945/944/846/947 in, through the "
        "EDI profile on this backend (identities, mailbox).",
    )
    tpl_provider = fields.Selection(
        [("shipbob", "ShipBob")],
        string="3PL API",
        default="shipbob",
        help="Which REST API the 3PL speaks: a client class and a mapping each.",
    )
    tpl_channel_id = fields.Char(
        string="3PL channel id",
        help="ShipBob: the channel id (GET /channel) sent with every call as shipbob_channel_id.",
    )
    tpl_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Odoo warehouse",
        check_company=True,
        tracking=True,
        help="The warehouse the 3PL runs: its deliveries are released to the 3PL, its receipts "
        "announced, its stock reconciled with the 3PL's.",
    )
    tpl_facility_code = fields.Char(
        string="3PL facility", help="The 3PL's id of its fulfilment centre (ShipBob location id, N1 WH)."
    )
    tpl_cutoff = fields.Float(
        string="Order cut-off",
        default=14.0,
        help="Deliveries are released before this hour (warehouse time).",
    )
    tpl_tz = fields.Selection(
        _tz_get, string="Warehouse time zone", default=lambda self: self.env.user.tz or "UTC"
    )
    tpl_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working days",
        check_company=True,
        help="The warehouse's working days and public holidays (global leaves). Empty: Monday to Friday.",
    )
    tpl_short_policy = fields.Selection(
        [("backorder", "Keep a backorder"), ("cancel", "Cancel the rest")],
        string="Short shipments",
        default="backorder",
        help="What happens to quantities a shipment confirmation does not ship, when its line "
        "says neither (945 W12 BP keeps a backorder, CP/IC cancels the rest).",
    )
    tpl_receipt_policy = fields.Selection(
        [("backorder", "Keep a backorder"), ("exception", "Raise an exception")],
        string="Receipt differences",
        default="backorder",
        help="A receipt short of its notice keeps a backorder for the rest, or waits for a user.",
    )
    tpl_product_map_ids = fields.One2many("tpl.product.map", "backend_id", string="Product maps")
    tpl_carrier_map_ids = fields.One2many("tpl.carrier.map", "backend_id", string="Carrier maps")
    tpl_delivery_count = fields.Integer(compute="_compute_tpl_delivery_count", string="3PL deliveries")

    def _compute_tpl_delivery_count(self):
        Picking = self.env["stock.picking"]
        for backend in self:
            backend.tpl_delivery_count = (
                Picking.search_count(
                    [("tpl_backend_id", "=", backend.id), ("picking_type_code", "=", "outgoing")]
                )
                if backend.id and backend.backend_type == "tpl"
                else 0
            )

    @api.constrains("tpl_warehouse_id", "backend_type")
    def _check_tpl_warehouse(self):
        for backend in self.filtered(lambda b: b.backend_type == "tpl" and b.tpl_warehouse_id):
            warehouse = backend.tpl_warehouse_id
            if warehouse.delivery_steps != "ship_only" or warehouse.reception_steps != "one_step":
                raise ValidationError(
                    _(
                        "Warehouse %(wh)s is run by a 3PL: it ships in one step and receives in one step "
                        "(pick, pack and ship happen at the 3PL).",
                        wh=warehouse.name,
                    )
                )
            other = self.search(
                [
                    ("id", "!=", backend.id),
                    ("backend_type", "=", "tpl"),
                    ("tpl_warehouse_id", "=", warehouse.id),
                ],
                limit=1,
            )
            if other:
                raise ValidationError(
                    _("Warehouse %(wh)s is already run by %(other)s.", wh=warehouse.name, other=other.name)
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("backend_type") == "tpl" and "rate_limit" not in vals:
                vals["rate_limit"] = RATE_PER_SECOND  # ShipBob: 150 requests a minute
        backends = super().create(vals_list)
        backends._tpl_link_warehouses()
        return backends

    def write(self, vals):
        old = {b.id: b.tpl_warehouse_id for b in self} if "tpl_warehouse_id" in vals else {}
        result = super().write(vals)
        if old:
            for warehouse in old.values():
                if warehouse and warehouse.tpl_backend_id in self:
                    warehouse.sudo().tpl_backend_id = False
            self._tpl_link_warehouses()
        return result

    def _tpl_link_warehouses(self):
        for backend in self.filtered(lambda b: b.backend_type == "tpl" and b.tpl_warehouse_id):
            backend.tpl_warehouse_id.sudo().tpl_backend_id = backend

    def action_tpl_create_warehouse(self):
        """Create the Odoo warehouse this 3PL runs (one step out, one step in)."""
        self.ensure_one()
        self._check_manager()
        if self.tpl_warehouse_id:
            raise UserError(_("%s already runs a warehouse.", self.name))
        code = "".join(c for c in (self.name or "3PL").upper() if c.isalnum())[:5] or "3PL"
        Warehouse = self.env["stock.warehouse"].sudo()
        suffix = 0
        while Warehouse.search_count([("code", "=", code), ("company_id", "=", self.company_id.id)]):
            suffix += 1
            code = f"{code[:4]}{suffix}"
        warehouse = Warehouse.create(
            {
                "name": self.name,
                "code": code,
                "company_id": self.company_id.id,
                "delivery_steps": "ship_only",
                "reception_steps": "one_step",
            }
        )
        self.tpl_warehouse_id = warehouse
        return True

    # ------------------------------------------------------------------------------
    # the channel's hooks (called by integration_core)
    # ------------------------------------------------------------------------------

    def _tpl_topics(self):
        return X12_TOPICS if self.tpl_transport == "x12" else REST_TOPICS

    def _tpl_webhook_fields(self):
        """Read with the backend by every delivery (see the core's _webhook_backend)."""
        return ["tpl_transport"]

    def _tpl_webhook_verify(self, headers, body):
        """ShipBob signs each delivery with the subscription's secret
        (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature)."""
        if self.tpl_transport != "rest":
            return False
        secret = self._get_secret("webhook_secret", required=False)
        return bool(secret) and shipbob_webhooks.verify(secret, headers, body)

    def _tpl_webhook_parse(self, headers, body):
        """The topic from x-webhook-topic (ShipBob's name: the table gives
        ours); the idempotency key from webhook-id, the same on every retry
        of one delivery."""
        info = shipbob_webhooks.parse_headers(headers)
        topic = self._topics().by_remote(info.topic or "", "in")
        if topic is None:
            raise ValidationFailed(
                _("ShipBob topic %s is not one this backend takes.", (info.topic or "")[:64])
            )
        payload = self._parse_json_body(body)
        return {
            "topic": topic.name,
            "idempotency_key": shipbob_webhooks.idempotency_key(info),
            "external_id": str(payload.get("id") or "") or False,
            "payload": dict(payload, _shipbob_topic=info.topic),
        }

    def _tpl_webhook_topic_hint(self, headers):
        info = shipbob_webhooks.parse_headers(headers)
        topic = self._topics().by_remote(info.topic or "", "in")
        return topic.name if topic else None

    def _tpl_job_channel(self):
        return "root.integration.tpl"

    def _tpl_default_flows(self):
        flows = [
            {
                "code": "order_release",
                "name": _("Release deliveries"),
                "topics": "order.release",
                "direction": "out",
                "trigger": "schedule",
                "policy": "batch",
                "interval_number": 15,
                "interval_type": "minutes",
            },
            {
                "code": "order_cancel",
                "name": _("Cancellations"),
                "topics": "order.cancel",
                "direction": "out",
                "trigger": "manual",
            },
            {
                "code": "inbound_notify",
                "name": _("Inbound and return notices"),
                "topics": "inbound.notify,return.notify",
                "direction": "out",
                "trigger": "schedule",
                "policy": "batch",
                "interval_number": 15,
                "interval_type": "minutes",
            },
            {
                "code": "shipment_confirmed",
                "name": _("Shipment confirmations"),
                "topics": "shipment.confirmed",
                "direction": "in",
                "trigger": "webhook",
            },
            {
                "code": "receipt_confirmed",
                "name": _("Receipt confirmations"),
                "topics": "receipt.confirmed",
                "direction": "in",
                "trigger": "webhook",
            },
            {
                "code": "inventory_snapshot",
                "name": _("Inventory snapshots"),
                "topics": "inventory.snapshot",
                "direction": "in",
                "trigger": "schedule" if self.tpl_transport != "x12" else "webhook",
                "policy": "batch" if self.tpl_transport != "x12" else "realtime",
                "interval_number": 1,
                "interval_type": "days",
            },
            {
                "code": "inventory_adjusted",
                "name": _("Inventory adjustments"),
                "topics": "inventory.adjusted",
                "direction": "in",
                "trigger": "webhook",
            },
        ]
        if self.tpl_transport == "x12":
            flows.append(
                {
                    "code": "files_in",
                    "name": _("Files received"),
                    "topics": "interchange.received,ack.received",
                    "direction": "in",
                    "trigger": "webhook",
                }
            )
            flows.append(
                {
                    "code": "mailbox_pickup",
                    "name": _("Mailbox pickup"),
                    "topics": "file.pickup",
                    "direction": "in",
                    "trigger": "schedule",
                    "policy": "batch",
                    "interval_number": 15,
                    "interval_type": "minutes",
                }
            )
        else:
            flows.append(
                {
                    "code": "webhooks_in",
                    "name": _("Webhooks received"),
                    "topics": "shipment.notified,return.notified",
                    "direction": "in",
                    "trigger": "webhook",
                }
            )
            flows.append(
                {
                    "code": "receipt_catch_up",
                    "name": _("Receipt catch-up"),
                    "topics": "receipt.catch_up",
                    "direction": "in",
                    "trigger": "schedule",
                    "policy": "batch",
                    "interval_number": 1,
                    "interval_type": "hours",
                }
            )
            flows.append(
                {
                    "code": "shipment_catch_up",
                    "name": _("Shipment catch-up"),
                    "topics": "shipment.catch_up",
                    "direction": "in",
                    "trigger": "schedule",
                    "policy": "batch",
                    "interval_number": 1,
                    "interval_type": "hours",
                }
            )
        handled = set(self._handled_topics())
        return [f for f in flows if set(f["topics"].split(",")) <= handled]

    def _tpl_run_flow(self, flow):
        """Batch flows of a 3PL: what each one enqueues."""
        if flow.code == "order_release":
            self.env[OUTBOUND]._release_due(self)
        elif flow.code == "inbound_notify":
            self.env[OUTBOUND]._notify_due(self)
        elif flow.code == "shipment_catch_up":
            self._enqueue_topic("shipment.catch_up", {"since": flow.cursor or ""})
        elif flow.code == "receipt_catch_up":
            self._enqueue_topic("receipt.catch_up", {"since": flow.cursor or ""})
        elif flow.code == "inventory_snapshot":
            self._enqueue_topic("inventory.snapshot", {})
        elif flow.code == "mailbox_pickup":
            self._enqueue_topic("file.pickup", {})

    # ------------------------------------------------------------------------------
    # release window
    # ------------------------------------------------------------------------------

    def _tpl_local_now(self, now=None):
        now = now or fields.Datetime.now()
        zone = pytz.timezone(self.tpl_tz or "UTC")
        return pytz.utc.localize(now).astimezone(zone).replace(tzinfo=None)

    def _tpl_working_days(self, local_now):
        """(weekdays, holidays) of the warehouse's calendar around ``local_now``."""
        calendar = self.tpl_calendar_id
        if not calendar:
            return (0, 1, 2, 3, 4), set()
        weekdays = {int(a.dayofweek) for a in calendar.attendance_ids}
        holidays = set()
        for leave in calendar.leave_ids.filtered(lambda leave: not leave.resource_id):
            day = leave.date_from.date()
            while day <= leave.date_to.date():
                holidays.add(day)
                day = day.fromordinal(day.toordinal() + 1)
        return weekdays, holidays

    def _tpl_window_open(self, now=None):
        """Whether deliveries released now are taken for today."""
        self.ensure_one()
        local = self._tpl_local_now(now)
        weekdays, holidays = self._tpl_working_days(local)
        return cutoff.window_open(local, self.tpl_cutoff, weekdays, holidays)

    def _tpl_next_window(self, now=None):
        self.ensure_one()
        local = self._tpl_local_now(now)
        weekdays, holidays = self._tpl_working_days(local)
        start = cutoff.next_window(local, self.tpl_cutoff, weekdays, holidays)
        if start is None:
            return None
        zone = pytz.timezone(self.tpl_tz or "UTC")
        return (
            zone.localize(datetime.combine(start.date(), start.time()))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )

    # ------------------------------------------------------------------------------
    # maps
    # ------------------------------------------------------------------------------

    def _tpl_product_maps(self):
        """{product id: map row} and {3PL SKU: map row} of this 3PL."""
        rows = self.tpl_product_map_ids
        return {r.product_id.id: r for r in rows}, {r.tpl_sku: r for r in rows}

    def action_open_tpl_deliveries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("tpl_connector.stock_picking_tpl_action")
        action["domain"] = [("tpl_backend_id", "=", self.id)]
        return action

    @api.depends("backend_type", "tpl_transport")
    def _compute_capabilities(self):
        super()._compute_capabilities()
        for backend in self.filtered(lambda b: b.backend_type == "tpl" and b.tpl_transport == "rest"):
            backend.uses_api_url = True

    @api.depends("backend_type", "tpl_transport")
    def _compute_uses_edi_profile(self):
        super()._compute_uses_edi_profile()
        for backend in self.filtered(lambda b: b.backend_type == "tpl"):
            backend.uses_edi_profile = backend.tpl_transport == "x12"

    # ------------------------------------------------------------------------------
    # demo data
    # ------------------------------------------------------------------------------

    @api.model
    def _demo_tpl_credentials(self, backend_xmlid):
        """Demo data: a random API token and webhook subscription secret
        (ShipBob's ``whsec_`` form) for the Demo 3PL, new for every
        database, since Odoo loads demo data unless told not to. Encrypted
        like any credential; skipped without an encryption key. The sandbox
        warehouse learns them from the database (scripts/demo_secrets.py)."""
        backend = self.env.ref(backend_xmlid, raise_if_not_found=False)
        if not backend:
            return
        try:
            backend._set_secret("api_token", f"pat_{secrets.token_hex(16)}")
            backend._set_secret("webhook_secret", shipbob_webhooks.new_secret())
        except UserError as exc:
            _logger.warning("Demo 3PL credentials not set: %s", exc)

    @api.model
    def _demo_tpl_flows(self, backend_xmlid):
        """Demo data: the Demo 3PL releases at every run of the flows' cron
        (not every quarter of an hour), so that a demo order ships soon."""
        backend = self.env.ref(backend_xmlid, raise_if_not_found=False)
        if not backend:
            return
        backend._ensure_default_flows()
        flows = self.env["integration.flow"].search(
            [("backend_id", "=", backend.id), ("code", "in", ("order_release", "shipment_catch_up"))]
        )
        flows.write({"interval_number": 1, "interval_type": "minutes"})
