import json
import logging
from collections import namedtuple

from odoo import _, api, fields, models

from odoo.addons.integration_core.lib.exceptions import (
    BusinessRuleError,
    PermanentError,
    RemoteRejected,
    RetryableError,
    StaleUpdate,
    StillRunning,
    ValidationFailed,
)

from ..lib import bulk, mapper, queries
from ..lib.gid import from_gid

_logger = logging.getLogger(__name__)

# The events that follow a bulk read until Shopify has the file, and what
# each read is: its query, how the file's lines nest again (child type ->
# connection), the connections every root node gets even when empty, the
# importer method that takes the root nodes, and what users run to start it.
PRODUCTS_BULK_POLL_TOPIC = "product.bulk_poll"
ORDERS_BULK_POLL_TOPIC = "order.bulk_poll"
BulkRead = namedtuple("BulkRead", "query children connections method action")
BULK_READS = {
    PRODUCTS_BULK_POLL_TOPIC: BulkRead(
        queries.PRODUCTS_BULK_QUERY,
        queries.PRODUCTS_BULK_CHILDREN,
        ["variants"],
        "_bulk_products_done",
        "the product import",
    ),
    ORDERS_BULK_POLL_TOPIC: BulkRead(
        queries.ORDERS_BULK_QUERY,
        queries.ORDERS_BULK_CHILDREN,
        ["shippingLines", "lineItems"],
        "_bulk_orders_done",
        "the order catch-up (Sync orders now)",
    ),
}
# Polls come back after 5 s at first, then after a tenth of the time waited
# so far, at most 30 s; after this many minutes the poll gives up.
BULK_POLL_MIN_SECONDS = 5
BULK_POLL_MAX_SECONDS = 30
BULK_DEADLINE_MINUTES = 120
# Another app process's bulk query occupies the shop: try again after this.
BULK_BUSY_RETRY_SECONDS = 120


class ShopifyImporter(models.AbstractModel):
    """What Shopify sends us, applied to Odoo. Each method is an event
    handler: (event, data) -> the record produced (or None)."""

    _name = "shopify.importer"
    _description = "Shopify Importer"

    # ------------------------------------------------------------------------------
    # orders
    # ------------------------------------------------------------------------------

    @api.model
    def _import_order(self, event, order):
        """Canonical order -> sale.order through integration_core's importer;
        a payment gateway mapped to 'confirm' confirms a pending order."""
        backend = event.backend_id
        sale = self.env["integration.order.importer"]._import_order(backend, order)
        if sale.state in ("draft", "sent") and not order.get("cancelled_at"):
            gateways = set(order.get("payment_gateways") or [])
            if backend.shopify_gateway_map_ids.filtered(lambda g: g.confirm_order and g.gateway in gateways):
                sale.action_confirm()
        if order.get("cancelled_at") and sale.state not in ("cancel",):
            self._cancel_sale(sale)
        return sale

    def _order_of(self, backend, external_id):
        sale = self.env["integration.binding"].sudo()._get_record(backend, "sale.order", external_id)
        if not sale:
            # out of order: the cancellation or refund came before the order
            raise RetryableError(
                _("Shopify order %s is not imported yet; waiting for it.", external_id), retry_after=60
            )
        return sale

    @api.model
    def _cancel_order(self, event, payload):
        """orders/cancelled: cancel the sales order when nothing shipped.

        The body must be a cancellation (``cancelled_at`` set), even when a
        user retries an event the webhook refused. A cancellation older than
        the version Odoo has is ignored as stale, like an order update: in
        Shopify a cancelled order stays cancelled, so every later version
        carries ``cancelled_at`` and its import cancels the order itself.
        """
        data = payload.get("order", payload)
        if not data.get("cancelled_at"):
            raise ValidationFailed(
                _("This orders/cancelled body has no cancelled_at: it is not a cancellation.")
            )
        backend = event.backend_id
        external_id = str(data["id"])
        Binding = self.env["integration.binding"].sudo()
        Binding._lock(backend, "sale.order", external_id)  # the order importer's lock
        binding = Binding._find(backend, "sale.order", external_id)
        sale = self._order_of(backend, external_id)
        importer = self.env["integration.order.importer"]
        try:
            updated_at = importer._parse_datetime(data.get("updated_at"))
        except (TypeError, ValueError) as exc:
            raise ValidationFailed(_("updated_at: %s is not a date-time.", data.get("updated_at"))) from exc
        if updated_at and binding.external_updated_at and updated_at < binding.external_updated_at:
            raise StaleUpdate(
                _(
                    "Cancellation of order %(name)s: this version (%(new)s) is older than the one imported "
                    "(%(old)s).",
                    name=sale.name,
                    new=updated_at,
                    old=binding.external_updated_at,
                )
            )
        self._cancel_sale(sale)
        if updated_at and (not binding.external_updated_at or updated_at > binding.external_updated_at):
            binding.external_updated_at = updated_at
        return sale

    def _cancel_sale(self, sale):
        if sale.state == "cancel":
            return sale
        shipped = sale.picking_ids.filtered(lambda p: p.state == "done" and p.picking_type_code == "outgoing")
        if shipped:
            raise BusinessRuleError(
                _(
                    "Order %(order)s was cancelled in Shopify but %(pickings)s already shipped: "
                    "handle the return in Odoo, then ignore this event.",
                    order=sale.name,
                    pickings=", ".join(shipped.mapped("name")),
                )
            )
        sale.with_context(disable_cancel_warning=True)._action_cancel()
        sale._message_log(body=_("Cancelled in Shopify."))
        return sale

    # ------------------------------------------------------------------------------
    # refunds
    # ------------------------------------------------------------------------------

    @api.model
    def _import_refund(self, event, payload):
        """refunds/create: a credit note for the refunded lines (through
        integration_core's credit note importer, from the refund mapped to a
        canonical credit note), and a return of the shipped goods when
        Shopify restocked them.

        No staleness rule by time here: a refund is created once and never
        changes, and a refund arriving after a newer version of its order is
        still a refund to book. What can come twice is the same refund: its
        binding (and the webhook's ``refund:<id>`` content key) makes that a
        no-op."""
        backend = event.backend_id
        refund = mapper.refund_to_canonical(payload)
        Binding = self.env["integration.binding"].sudo()
        Binding._lock(backend, "account.move", refund["external_id"])
        existing = Binding._get_record(backend, "account.move", refund["external_id"])
        if existing:
            return existing
        sale = self._order_of(backend, refund["order_external_id"])
        credit = mapper.refund_to_credit_note(refund, currency=sale.currency_id.name)
        credit_note = self.env["integration.credit_note.importer"]._import_credit_note(backend, credit)
        if refund["restock"]:
            self._return_goods(sale, refund)
        return credit_note

    def _sale_line(self, sale, refund_line):
        lines = sale.order_line
        return lines.filtered(lambda l: l.integration_external_id == refund_line["line_external_id"])[:1] or (
            lines.filtered(lambda l: l.product_id.default_code == refund_line["sku"])[:1]
            if refund_line.get("sku")
            else lines.browse()
        )

    def _return_goods(self, sale, refund):
        """A return of the refunded quantities from the done deliveries
        (left ready: the warehouse receives it)."""
        done = sale.picking_ids.filtered(lambda p: p.state == "done" and p.picking_type_code == "outgoing")
        if not done:
            return None
        to_return = {}
        for line in refund["lines"]:
            if line.get("restock_type") in (None, "return", "cancel", "legacy_restock"):
                sale_line = self._sale_line(sale, line)
                if sale_line:
                    # an int, or a Decimal when not whole: the ORM takes floats
                    to_return[sale_line.product_id] = to_return.get(sale_line.product_id, 0.0) + float(
                        line["quantity"]
                    )
        if not to_return:
            return None
        picking = done.sorted("id")[-1]
        wizard = (
            self.env["stock.return.picking"]
            .sudo()
            .with_context(active_id=picking.id, active_model="stock.picking")
            .create({"picking_id": picking.id})
        )
        wizard._compute_moves_locations()
        for return_line in wizard.product_return_moves:
            return_line.quantity = min(to_return.get(return_line.product_id, 0), return_line.quantity)
        wizard.product_return_moves.filtered(lambda r: not r.quantity).unlink()
        if not wizard.product_return_moves:
            return None
        new_picking_id, _type = wizard._create_returns()
        returned = self.env["stock.picking"].browse(new_picking_id)
        returned._message_log(body=_("Return of Shopify refund %s.", refund["external_id"]))
        return returned

    # ------------------------------------------------------------------------------
    # catch-up: pull what webhooks may have missed
    # ------------------------------------------------------------------------------

    @api.model
    def _catch_up_orders(self, event, _payload):
        """Pull orders updated since the backend's cursor; each becomes an
        'order.fetched' event (deduplicated by order id and update time).

        The first catch-up of a store (no cursor: possibly years of orders)
        reads them with a bulk query when ``shopify_use_bulk`` is set, and an
        ``order.bulk_poll`` event finishes it (:meth:`_bulk_orders_done`);
        later ones read the few recent orders page by page.
        """
        backend = event.backend_id
        if not backend.shopify_orders_cursor and backend.shopify_use_bulk:
            return self._start_bulk_read(event, ORDERS_BULK_POLL_TOPIC)
        with backend._shopify_client() as client:
            self._pull_orders(
                event,
                client.iter_orders(updated_since=backend.shopify_orders_cursor or None),
                resumable=True,
            )
        return None

    def _continue_catch_up(self, event, count, error):
        """A catch-up interrupted by a retryable error after it had read
        some pages keeps them: the cursor stands at the newest order read
        (pages come oldest update first), and a new catch-up event goes on
        from there after the error's delay. Throwing the pages away and
        retrying the whole read would, under a 20 % fault rate, almost never
        get through a dozen pages, and spend an attempt per try."""
        Event = self.env["integration.event"]
        follow, created = Event._receive(
            event.backend_id,
            topic="order.catch_up",
            payload={"continues": event.id},
            idempotency_key=f"order.catch_up:continues:{event.id}",
            trace_id=event.trace_id,
        )
        if created:
            follow._enqueue(eta=error.retry_after or 30)
        event.external_id = _(
            "%(count)s orders; interrupted (%(error)s), continued by event %(follow)s",
            count=count,
            error=error.message[:200],
            follow=follow.id,
        )

    def _pull_orders(self, event, order_nodes, cursor_if_none=None, resumable=False):
        """One 'order.fetched' event per GraphQL ``Order`` node (paged or bulk,
        same shape); moves the backend's cursor to the newest update seen
        (or to ``cursor_if_none`` when there was no order).

        ``resumable``: a retryable error after at least one order keeps what
        was read and continues in a new event (:meth:`_continue_catch_up`)."""
        backend = event.backend_id
        Event = self.env["integration.event"]
        parse = self.env["integration.order.importer"]._parse_datetime
        cursor = backend.shopify_orders_cursor
        newest = cursor
        count = seen = 0
        interrupted = None
        nodes = iter(order_nodes)
        while True:
            try:
                node = next(nodes, None)
            except RetryableError as exc:
                if not (resumable and seen):
                    raise
                interrupted = exc
                break
            if node is None:
                break
            seen += 1
            external_id = from_gid(node.get("legacyResourceId") or node["id"])
            updated = node.get("updatedAt")
            child, created = Event._receive(
                backend,
                topic="order.fetched",
                payload=node,
                idempotency_key=f"order:{external_id}:{updated}",
                external_id=external_id,
                trace_id=event.trace_id,
            )
            if created:
                child._enqueue()
                count += 1
            parsed = parse(updated)
            if parsed and (not newest or parsed > newest):
                newest = parsed
        if not newest and cursor_if_none:
            newest = parse(cursor_if_none)
        if newest != cursor:
            backend.shopify_orders_cursor = newest
        if interrupted:
            self._continue_catch_up(event, count, interrupted)
        else:
            event.external_id = _("%s orders", count)
        return count

    # ------------------------------------------------------------------------------
    # products
    # ------------------------------------------------------------------------------

    @api.model
    def _import_products(self, event, _payload):
        """Bind Shopify variants to Odoo products by binding, SKU or barcode;
        create missing products when the backend says so.

        With ``shopify_use_bulk`` (the default) this only starts a Shopify
        bulk query and leaves the rest to a ``product.bulk_poll`` event
        (:meth:`_bulk_products_done`); otherwise it reads the products page
        by page, here and now.
        """
        backend = event.backend_id
        if backend.shopify_use_bulk:
            return self._start_bulk_read(event, PRODUCTS_BULK_POLL_TOPIC)
        with backend._shopify_client() as client:
            counts = self._bind_products(backend, client.iter_products())
        self._log_product_import(event, counts)
        return None

    def _bulk_products_done(self, event, operation, products):
        self._log_product_import(event, self._bind_products(event.backend_id, products))

    def _bulk_orders_done(self, event, operation, orders):
        # no order at all: the next catch-up starts from when the query ran
        self._pull_orders(event, orders, cursor_if_none=operation.get("createdAt"))

    # ------------------------------------------------------------------------------
    # bulk queries: large reads that Shopify runs in the background
    # ------------------------------------------------------------------------------

    def _start_bulk_read(self, event, poll_topic):
        """Start the bulk query of ``poll_topic`` (see BULK_READS) and hand
        its id to a new poll event, then end normally.

        Why a second event: waiting means raising StillRunning, which rolls
        back the handler's savepoint, so nothing written while waiting
        survives, not even the operation id. Written here, by a handler that
        succeeds, the poll event (its payload holds the id and the start
        time) is committed with this one and can be retried as often as
        needed. Its idempotency key is the operation id: one poll event per
        operation, even when this handler runs twice.

        When Shopify refuses because a bulk query already runs on the shop
        and that query is this one (an earlier try started it, then failed
        before committing), it is followed instead of started again; another
        query is waited for (a retry that counts).
        """
        backend = event.backend_id
        read = BULK_READS[poll_topic]
        with backend._shopify_client() as client:
            try:
                operation = client.run_bulk_query(read.query)
            except RemoteRejected as exc:
                operation = self._our_running_bulk_operation(client, exc, read.query)
        poll = backend._enqueue_topic(
            poll_topic,
            {"operation_id": operation["id"], "started_at": fields.Datetime.to_string(fields.Datetime.now())},
            key=f"{poll_topic}:{operation['id']}",
            trace_id=event.trace_id,
        )
        event.external_id = _(
            "bulk operation %(operation)s, followed by event %(poll)s",
            operation=operation["id"],
            poll=poll.id,
        )
        return None

    def _our_running_bulk_operation(self, client, error, query):
        """The running bulk operation to follow after ``error`` (Shopify's
        refusal to start one for ``query``), or the error to raise."""
        codes = {e.get("code") for e in (error.details or {}).get("user_errors") or [] if isinstance(e, dict)}
        if "OPERATION_IN_PROGRESS" not in codes:
            raise error
        current = client.current_bulk_operation() or {}
        if current.get("status") in bulk.RUNNING_STATUSES and bulk.normalized_query(
            current.get("query")
        ) == bulk.normalized_query(query):
            return current
        raise RetryableError(
            _(
                "Another bulk query (%s) is running on the Shopify store; Shopify runs one at a time. "
                "Trying again later.",
                current.get("id") or "?",
            ),
            retry_after=BULK_BUSY_RETRY_SECONDS,
        )

    @api.model
    def _poll_bulk_read(self, event, payload):
        """``product.bulk_poll``, ``order.bulk_poll``: look at the bulk
        operation; while Shopify runs it, raise StillRunning (the event comes
        back after 5 to 30 s without spending an attempt); once COMPLETED,
        stream the JSONL file, nest the children under their parents and hand
        the root nodes (shaped as the paged query's) to the read's method.
        FAILED, CANCELED or EXPIRED operations, and operations still running
        after BULK_DEADLINE_MINUTES, fail the event with the cause (running
        the import again starts a new operation)."""
        backend = event.backend_id
        read = BULK_READS[event.topic]
        operation_id = payload.get("operation_id")
        if not operation_id:
            raise ValidationFailed(_("The payload has no operation_id."))
        with backend._shopify_client() as client:
            operation = client.bulk_operation(operation_id)
            if not operation:
                raise PermanentError(_("Shopify does not know bulk operation %s.", operation_id))
            status = operation.get("status")
            if status in bulk.RUNNING_STATUSES:
                error = self._bulk_wait_error(operation, payload, event)
                if not isinstance(error, StillRunning) and status != "CANCELING":
                    self._cancel_bulk_operation(client, operation)
                raise error
            if status in bulk.FAILED_STATUSES:
                raise RemoteRejected(
                    _(
                        "%(failure)s Run %(action)s again.",
                        failure=bulk.failure_message(operation),
                        action=read.action,
                    ),
                    details=json.dumps(operation, indent=2),
                )
            if status != bulk.COMPLETED:
                raise PermanentError(
                    _(
                        "Shopify bulk operation %(id)s has an unknown status %(status)s.",
                        id=operation_id,
                        status=status,
                    )
                )
            roots = []
            if operation.get("url"):  # no url: the query found nothing
                roots = bulk.reassemble(client.iter_bulk_jsonl(operation["url"]), read.children)
            nodes = (bulk.ensure_connections(root, read.connections) for root in roots)
            getattr(self, read.method)(event, operation, nodes)
        return None

    def _cancel_bulk_operation(self, client, operation):
        """Past the deadline: cancel the operation at Shopify, which would
        otherwise keep the store's other bulk queries waiting. Best effort:
        the event fails with its cause either way."""
        try:
            client.cancel_bulk_operation(operation["id"])
        except (RemoteRejected, RetryableError) as exc:
            _logger.warning("Could not cancel Shopify bulk operation %s: %s", operation.get("id"), exc)

    def _bulk_wait_error(self, operation, payload, event):
        """StillRunning, or a PermanentError once the deadline has passed."""
        started = fields.Datetime.to_datetime(payload.get("started_at")) or event.received_at
        waited = (fields.Datetime.now() - started).total_seconds() if started else 0.0
        if waited > BULK_DEADLINE_MINUTES * 60:
            return PermanentError(
                _(
                    "Shopify bulk operation %(id)s is still %(status)s after %(minutes)s minutes: giving up "
                    "and cancelling it (Shopify runs one bulk query per store at a time). Run %(action)s "
                    "again later.",
                    id=operation.get("id"),
                    action=BULK_READS[event.topic].action,
                    status=operation.get("status"),
                    minutes=int(waited // 60),
                )
            )
        delay = min(BULK_POLL_MAX_SECONDS, max(BULK_POLL_MIN_SECONDS, waited / 10))
        return StillRunning(
            _(
                "Shopify bulk operation %(id)s is %(status)s (%(count)s objects so far); looking again in %(delay)s s.",
                id=operation.get("id"),
                status=operation.get("status"),
                count=operation.get("objectCount") or 0,
                delay=round(delay),
            ),
            retry_after=delay,
        )

    # ------------------------------------------------------------------------------
    # binding products (paged or bulk)
    # ------------------------------------------------------------------------------

    def _bind_products(self, backend, product_nodes):
        """Map GraphQL ``Product`` nodes (paged or bulk, same shape) to
        canonical products and hand them to integration_core's product
        importer; returns ``{bound, created, unmatched, invalid, problems}``.
        A product the mapper or the schema refuses (no variant, a bad
        price...) is counted and named in the import's log; the others are
        still bound."""
        importer = self.env["integration.product.importer"]
        counts = importer._new_counts()
        for node in product_nodes:
            try:
                importer._import_product(backend, mapper.product_to_canonical(node), counts)
            except ValidationFailed as exc:
                importer._count_invalid(counts, node.get("id") if isinstance(node, dict) else None, exc)
        return counts

    def _log_product_import(self, event, counts):
        summary = _(
            "%(bound)s variants bound, %(created)s products created, %(unmatched)s unmatched, "
            "%(invalid)s refused",
            bound=counts["bound"],
            created=counts["created"],
            unmatched=counts["unmatched"],
            invalid=counts.get("invalid", 0),
        )
        event.external_id = summary
        problems = counts.get("problems") or []
        details = (" " + _("Refused: %s", "; ".join(problems))) if problems else ""
        event.backend_id._message_log(body=_("Product import: %s.", summary) + details)
