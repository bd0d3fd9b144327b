"""What partners send us: files split into documents, and each document
applied to Odoo. Every method here is the ``apply`` of a topic of the EDI
table (models/integration_backend.py), called by the core with the event.

A file (``interchange.received``) is read, matched to its partner, checked
for duplicates, validated and acknowledged (997/999/CONTRL), and split into
one child event per transaction set. A child is validated again when it runs
(a replay after the partner's guide was fixed sees the fix), mapped to its
typed business document and applied: a purchase order becomes a sale order
through the core's order importer, an 855 updates our purchase order, an 856
prepares the receipt, an 810 becomes a vendor bill held or passed by the
3-way match, a 997 closes the acknowledgement of what we sent.
"""

import json
import logging

from odoo import _, api, models

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import (
    BusinessRuleError,
    MappingError,
    RetryableError,
    StaleUpdate,
    ValidationFailed,
)

from ..lib import codec, documents, envelope, validation
from ..lib import edifact as edifact_codec
from ..lib import x12 as x12_codec
from ..lib.documents import acks
from ..lib.documents import canonical as edi_canonical

_logger = logging.getLogger(__name__)

MAX_ERRORS_SHOWN = 20


# What a document is called by: its PO, shipment or invoice number.
REFERENCE_KEYS = (
    "invoice_number",
    "shipment_id",
    "po_number",
    "order_number",
    "adjustment_number",
    "reference",
)
# 997/999 AK5/AK9 and IK5 codes, CONTRL actions -> the state of what they acknowledge
ACK_STATES = {
    "A": "accepted",
    "E": "accepted_errors",
    "P": "accepted_errors",
    "M": "rejected",
    "R": "rejected",
    "W": "rejected",
    "X": "rejected",
    "7": "accepted",
    "4": "rejected",
}


class OrderNotYetReceived(RetryableError):
    """An order change for an order whose 850 has not been applied yet."""

    category = "mapping"


def reference_of(typed):
    return next((str(typed[key]) for key in REFERENCE_KEYS if typed.get(key)), False)


def _within(issue, transaction):
    """Whether ``issue`` is about a segment of ``transaction``."""
    segments = transaction.segments
    return bool(segments) and segments[0].position <= issue.position <= segments[-1].position


def issue_text(issue):
    """'segment 7 (PO1), PO104: must be numeric' for users."""
    where = f"segment {issue.position}" if issue.position else "file"
    if issue.segment:
        where += f" ({issue.segment})"
    if issue.element:
        where += f", {issue.element}"
    return f"{where}: {issue.message}"


class TradingPartnerImporter(models.AbstractModel):
    _name = "trading.partner.importer"
    _description = "EDI inbound documents"

    # ------------------------------------------------------------------------------
    # files
    # ------------------------------------------------------------------------------

    @api.model
    def _read_file(self, event, strict=True):
        """The event's bytes read by the codec; ValidationFailed when they are
        not EDI, or (``strict``) when their envelopes are broken."""
        data = event._payload_bytes() or b""
        try:
            edifile = codec.read(data)
        except codec.NotEdi as exc:
            raise ValidationFailed(_("Not an EDI file: %s", exc), code="edi.not_edi") from exc
        if not edifile.interchanges:
            raise ValidationFailed(_("The file holds no interchange."), code="edi.empty")
        if strict and edifile.errors:
            raise ValidationFailed(
                _("The file's envelope is broken: %s", "; ".join(issue_text(i) for i in edifile.errors[:5])),
                errors=[issue_text(i) for i in edifile.errors],
                code="edi.envelope",
            )
        return edifile

    @api.model
    def _apply_interchange(self, event, payload):
        """Split a received file into one event per transaction set.

        A set seen before (same partner, interchange, group and set control
        numbers) is skipped; a file of nothing but such sets is ignored as a
        duplicate. A set whose own envelope is broken (SE01 count, SE02) is
        kept as a failed event naming the problem: replaying it accepts it
        as read. Every group is acknowledged, errors included.
        """
        backend = event.backend_id
        edifile = self._read_file(event, strict=False)
        for interchange in edifile.interchanges:
            self._check_parties(backend, interchange)
        Document = self.env["trading.partner.document"].sudo()
        table = backend._topics()
        results = {}
        created = duplicates = 0
        for interchange in edifile.interchanges:
            for group in interchange.groups:
                for transaction in group.transactions:
                    issues = self._validate(backend, transaction, interchange.standard, group.version)
                    results[id(transaction)] = issues
                    keys = {
                        "backend_id": backend.id,
                        "direction": "in",
                        "set_type": transaction.type,
                        "interchange_control": interchange.control_number,
                        "group_control": group.control_number,
                        "set_control": transaction.control_number,
                    }
                    if Document.search([(k, "=", v) for k, v in keys.items()], limit=1):
                        duplicates += 1
                        continue
                    topic = table.by_remote(transaction.type, "in")
                    if topic is None:
                        raise ValidationFailed(
                            _(
                                "Partner %(partner)s sent a %(set)s, which this channel does not take in.",
                                partner=backend.name,
                                set=transaction.type,
                            ),
                            code="edi.set_unknown",
                        )
                    child = backend._enqueue_topic(
                        topic.name,
                        self._single(interchange, group, transaction),
                        key=f"edi:{envelope.identity_keys(interchange, transaction)}",
                        parent=event,
                    )
                    broken = [e for e in edifile.errors if _within(e, transaction)]
                    if broken:
                        child.sudo()._mark_failed(
                            ValidationFailed(
                                _("Its envelope is broken: %s", "; ".join(issue_text(i) for i in broken)),
                                errors=[issue_text(i) for i in broken],
                                code="edi.envelope",
                            )
                        )
                    Document.create(
                        dict(
                            keys,
                            standard=interchange.standard,
                            functional_id=group.functional_id,
                            usage=interchange.usage,
                            event_id=child.id,
                            interchange_event_id=event.id,
                            error_count=len([i for i in issues if i.severity == "error"]) + len(broken),
                        )
                    )
                    created += 1
        if backend.edi_send_ack and created:
            self._acknowledge(backend, event, edifile, results)
        if not created and duplicates:
            raise StaleUpdate(
                _("Duplicate: all %s document(s) of this file were received before.", duplicates)
            )
        return None

    @api.model
    def _check_parties(self, backend, interchange):
        """A file of another sender (or to another receiver) is not this partner's."""
        theirs = backend.edi_identity_ids.filtered(lambda i: i.side == "theirs" and i.level == "interchange")
        ours = backend.edi_identity_ids.filtered(lambda i: i.side == "ours" and i.level == "interchange")
        if theirs and interchange.sender.id not in theirs.mapped("identifier"):
            raise ValidationFailed(
                _(
                    "The file comes from %(sender)s, which is not an identity of partner %(partner)s.",
                    sender=str(interchange.sender),
                    partner=backend.name,
                ),
                code="edi.sender_unknown",
            )
        if ours and interchange.receiver.id not in ours.mapped("identifier"):
            raise ValidationFailed(
                _("The file is addressed to %(receiver)s, not to us.", receiver=str(interchange.receiver)),
                code="edi.receiver_unknown",
            )

    @api.model
    def _single(self, interchange, group, transaction):
        """The bytes of a one-set copy of the file: the child event's payload
        (the same envelope and control numbers, its counts recomputed)."""
        from copy import copy

        one_group = copy(group)
        one_group.transactions = [transaction]
        one = copy(interchange)
        one.groups = [one_group]
        writer = x12_codec if interchange.standard == "X12" else edifact_codec
        return writer.write(one)

    @api.model
    def _validate(self, backend, transaction, standard, version):
        return validation.validate(
            transaction, standard, transaction.version or version, overrides=backend._edi_overrides()
        )

    @api.model
    def _acknowledge(self, backend, event, edifile, results):
        """Emit the 997/999 of each X12 group and the CONTRL of each EDIFACT
        interchange; acknowledgements themselves get none."""
        kind = "999" if backend.edi_dialect.startswith("005") else "997"
        for ack in acks.acknowledge(edifile, results, kind=kind if edifile.standard == "X12" else None):
            interchange, group = ack["interchange"], ack["group"]
            backend._emit(
                "ack.sent",
                {
                    "ack": ack["document"],
                    "set_type": ack["set_type"],
                    "interchange_control": interchange.control_number,
                    "group_control": group.control_number if group else "",
                },
                key=f"ack:{envelope.identity_keys(interchange)}:{group.control_number if group else ''}",
                parent=event,
            )

    # ------------------------------------------------------------------------------
    # one document
    # ------------------------------------------------------------------------------

    @api.model
    def _document(self, event):
        """(interchange, transaction, typed document, log row) of a child
        event; ValidationFailed naming the segment and element of each error."""
        backend = event.backend_id
        if not backend._edi_document_flow_on(event.topic):
            raise BusinessRuleError(
                _(
                    "The %(topic)s flow of %(partner)s is off: turn it on, then replay.",
                    topic=event.topic,
                    partner=backend.name,
                )
            )
        edifile = self._read_file(event)
        interchange = edifile.interchanges[0]
        transaction = next(interchange.transactions())
        group = interchange.groups[0] if interchange.groups else None
        version = (group.version if group else "") or backend.edi_dialect
        issues = [
            i
            for i in self._validate(backend, transaction, interchange.standard, version)
            if i.severity == "error"
        ]
        if issues:
            texts = [issue_text(i) for i in issues]
            raise ValidationFailed(
                _(
                    "%(set)s %(control)s does not follow %(partner)s's guide: %(errors)s",
                    set=transaction.type,
                    control=transaction.control_number,
                    partner=backend.name,
                    errors="; ".join(texts[:MAX_ERRORS_SHOWN]),
                ),
                errors=texts,
                code="edi.invalid",
            )
        typed = documents.read(transaction, interchange.standard)
        row = self.env["trading.partner.document"].sudo().search([("event_id", "=", event.id)], limit=1)
        if row:
            row.write(
                {
                    "document_json": json.dumps(typed, indent=2, sort_keys=True, default=str),
                    "reference": reference_of(typed),
                }
            )
        return interchange, transaction, typed, row

    @api.model
    def _canonical(self, event, kind, build):
        """The event's canonical payload: the stored one (a user may have
        fixed it), else ``build()``'s, stored; validated against ``kind``."""
        if event.payload_canonical:
            data = canonical.loads(event.payload_canonical)
        else:
            data = build()
            event.sudo().payload_canonical = canonical.dumps(data, indent=2, sort_keys=True)
        return canonical.validate(kind, data)

    @api.model
    def _apply_order(self, event, payload):
        backend = event.backend_id
        interchange, _transaction, typed, row = self._document(event)
        order = self._canonical(event, "order", lambda: self._order_canonical(backend, interchange, typed))
        sale = self.env["integration.order.importer"]._import_order(backend, order)
        if row:
            row.write({"res_model": sale._name, "res_id": sale.id})
        if backend._edi_document_flow_on("po_ack.sent"):
            backend._emit(
                "po_ack.sent", {"sale_id": sale.id}, key=f"855:{sale.id}:1", record=sale, parent=event
            )
        return sale

    @api.model
    def _order_canonical(self, backend, interchange, typed):
        """The core's canonical order of a customer's 850/ORDERS: the
        customer is the profile's partner (bound to the file's buyer
        identity), the ship-to carries its GLN and store number (the core's
        importer finds the delivery address by them), the requested
        delivery date becomes the commitment date."""
        standard = interchange.standard
        order = edi_canonical.to_order(
            typed, standard, currency=backend.company_id.currency_id.name, partner_key=f"edi{backend.id}"
        )
        partner = backend.edi_partner_id
        if partner:
            Binding = self.env["integration.binding"].sudo()
            external_id = order["customer"].get("external_id") or f"edi:{interchange.sender}"
            Binding._lock(backend, "res.partner", external_id)
            if not Binding._find(backend, "res.partner", external_id):
                Binding._bind(backend, partner, external_id)
            order["customer"] = {"external_id": external_id, "name": partner.name}
        ship_to = edi_canonical.identifiers(typed.get("ship_to"), standard)
        if order.get("shipping_address") is not None or ship_to:
            address = order.get("shipping_address") or {"name": (typed.get("ship_to") or {}).get("name")}
            if ship_to.get("gln"):
                address["gln"] = ship_to["gln"]
            if ship_to.get("store_number"):
                address["store_number"] = ship_to["store_number"]
            order["shipping_address"] = address
        requested = (typed.get("dates") or {}).get("delivery_requested")
        if requested:
            order["requested_date"] = requested[:10]
        return order

    @api.model
    def _sale_of(self, backend, po_number):
        sale = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("client_order_ref", "=", po_number),
                    ("company_id", "=", backend.company_id.id),
                    ("partner_id", "child_of", backend.edi_partner_id.commercial_partner_id.id),
                ],
                limit=1,
            )
        )
        if not sale:
            raise MappingError(
                template=_("No sale order of %(partner)s has PO number %(po)s."),
                params={"partner": backend.name, "po": po_number},
                code="edi.order_unknown",
            )
        return sale

    @api.model
    def _purchase_of(self, backend, po_number):
        purchase = (
            self.env["purchase.order"]
            .sudo()
            .search([("name", "=", po_number), ("company_id", "=", backend.company_id.id)], limit=1)
        )
        if not purchase or (
            backend.edi_partner_id
            and purchase.partner_id.commercial_partner_id != backend.edi_partner_id.commercial_partner_id
        ):
            raise MappingError(
                template=_("No purchase order %(po)s of %(partner)s."),
                params={"partner": backend.name, "po": po_number},
                code="edi.purchase_unknown",
            )
        return purchase

    @api.model
    def _apply_order_change(self, event, payload):
        """An 860 may overtake its 850 (two files picked up in the same run,
        processed by two workers): an order not there yet is waited for,
        with the backend's backoff, until the attempts are spent."""
        backend = event.backend_id
        _interchange, _transaction, typed, row = self._document(event)
        try:
            sale = self._sale_of(backend, typed["po_number"])
        except MappingError as exc:
            raise OrderNotYetReceived(
                _(
                    "No sale order of %(partner)s has PO number %(po)s yet: its 850 may still come; retrying.",
                    partner=backend.name,
                    po=typed["po_number"],
                ),
                code="edi.order_not_yet",
            ) from exc
        return self.env["trading.partner.order.change"]._apply(backend, sale, typed, row)

    @api.model
    def _apply_po_ack(self, event, payload):
        backend = event.backend_id
        _interchange, _transaction, typed, row = self._document(event)
        purchase = self._purchase_of(backend, typed["po_number"])
        self.env["trading.partner.po.ack"]._apply(backend, purchase, typed)
        if row:
            row.write({"res_model": purchase._name, "res_id": purchase.id})
        return purchase

    @api.model
    def _apply_asn(self, event, payload):
        backend = event.backend_id
        _interchange, _transaction, typed, row = self._document(event)
        pickings = self.env["trading.partner.asn"]._apply(backend, typed)
        if row and len(pickings) == 1:
            row.write({"res_model": pickings._name, "res_id": pickings.id})
        return pickings[:1] or None

    @api.model
    def _apply_invoice(self, event, payload):
        backend = event.backend_id
        _interchange, _transaction, typed, row = self._document(event)
        bill = self.env["trading.partner.bill"]._apply(backend, typed)
        if row:
            row.write({"res_model": bill._name, "res_id": bill.id})
        return bill

    @api.model
    def _apply_ack(self, event, payload):
        """Close the acknowledgements of what we sent: AK1 (GS06) and AK2
        (ST02) of a 997/999, UCM (UNH01) of a CONTRL, name our documents."""
        backend = event.backend_id
        _interchange, _transaction, typed, row = self._document(event)
        Document = self.env["trading.partner.document"].sudo()
        sent_by_us = [("backend_id", "=", backend.id), ("direction", "=", "out")]
        touched = Document.browse()
        reference = typed.get("interchange") or {}
        for group in typed.get("groups") or []:
            if group.get("control_number"):
                group_control = str(group["control_number"])
                sent = Document.search(
                    sent_by_us + [("group_control", "in", [group_control, group_control.lstrip("0")])]
                )
            else:  # EDIFACT without UNG: the interchange
                sent = Document.search(
                    sent_by_us + [("interchange_control", "=", reference.get("control_number"))]
                )
            sets = group.get("transactions") or []
            for one in sets:
                code = one.get("status") or one.get("action")
                match = sent.filtered(
                    lambda d, one=one: d.set_control.lstrip("0") == str(one.get("control_number")).lstrip("0")
                )
                match._apply_ack(ACK_STATES.get(code, "accepted_errors"), code)
                touched |= match
            if not sets:
                code = group.get("status") or reference.get("action")
                sent._apply_ack(ACK_STATES.get(code, "accepted_errors"), code)
                touched |= sent
        if not touched:
            raise BusinessRuleError(
                _("This acknowledgement names no document we sent to %(partner)s.", partner=backend.name)
            )
        if row:
            row.write({"res_model": False, "res_id": False})
        return None
