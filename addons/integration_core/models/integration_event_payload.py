"""Payload formats and storage of integration events.

An event carries JSON, X12, EDIFACT, XML, CSV or opaque bytes
(``payload_format``). Small text payloads stay in the event row
(``payload_raw``); a payload over the size threshold (system parameter
``integration_core.payload_attachment_threshold``, bytes) or one that is not
text a database column can hold (non-UTF-8 bytes, NUL characters) goes into
an ``ir.attachment`` linked to the event through the manager-only field
``payload_file``: not public, readable only by who may read that field on
that event (integration managers of the event's company). The row keeps a
short preview and the size.

Everything that reads a raw payload (processing, the pretty and masked
views) goes through :meth:`_payload_bytes`, which works for both storages.
"""

import json
import logging

from odoo import _, api, fields, models

from ..lib import canonical, formats
from ..lib.exceptions import ValidationFailed
from ..lib.topics import PAYLOAD_FORMATS

_logger = logging.getLogger(__name__)

MANAGER = "integration_core.group_integration_manager"
THRESHOLD_PARAM = "integration_core.payload_attachment_threshold"
DEFAULT_THRESHOLD = 256 * 1024  # bytes
PREVIEW_CHARS = 2000  # characters of a payload in a file kept in the event row
FORMAT_LABELS = {
    "json": "JSON",
    "x12": "X12",
    "edifact": "EDIFACT",
    "xml": "XML",
    "csv": "CSV",
    "bytes": "Bytes (opaque)",
}


class IntegrationEvent(models.Model):
    _inherit = "integration.event"

    payload_format = fields.Selection(
        [(key, FORMAT_LABELS[key]) for key in PAYLOAD_FORMATS],
        default="json",
        required=True,
        readonly=True,
        help="How the raw payload is written; it decides how it is parsed, shown and masked.",
    )
    payload_size = fields.Integer(string="Payload size (bytes)", readonly=True)
    payload_in_file = fields.Boolean(
        string="Payload in a file",
        readonly=True,
        help="The raw payload is large or binary: it is kept in an attached file, the event keeps a preview.",
    )
    payload_file = fields.Binary(
        string="Raw payload file",
        attachment=True,
        readonly=True,
        copy=False,
        groups=MANAGER,
    )
    payload_filename = fields.Char(compute="_compute_payload_filename")
    payload_pretty = fields.Text(
        string="Payload", compute="_compute_payload_pretty", groups=MANAGER, help="The raw payload, readable."
    )
    payload_pretty_masked = fields.Text(
        string="Payload (masked)",
        compute="_compute_payload_pretty_masked",
        help="The raw payload, readable, with personal data hidden.",
    )

    # ------------------------------------------------------------------------------
    # storage
    # ------------------------------------------------------------------------------

    @api.model
    def _payload_threshold(self):
        value = self.env["ir.config_parameter"].sudo().get_param(THRESHOLD_PARAM)
        try:
            return max(int(value), 0) if value else DEFAULT_THRESHOLD
        except ValueError:
            _logger.warning(
                "%s is not a number of bytes: %r; using %s", THRESHOLD_PARAM, value, DEFAULT_THRESHOLD
            )
            return DEFAULT_THRESHOLD

    @api.model
    def _payload_json(self, payload):
        """JSON text of a payload: as json.dumps writes it, or, when it holds
        Decimals (a canonical payload emitted as it is), with them exact."""
        try:
            return json.dumps(payload)
        except TypeError:
            return canonical.dumps(payload)

    @api.model
    def _payload_prepare(self, payload, payload_format="json"):
        """The event row's payload values for ``payload`` (dict/list for
        JSON, str, or bytes), and the bytes to attach after the insert (None
        when the payload fits in the row)."""
        if payload_format not in FORMAT_LABELS:
            raise ValidationFailed(_("Unknown payload format %s.", payload_format))
        if isinstance(payload, bytes | bytearray | memoryview):
            data = bytes(payload)
            text = formats.decode_text(data)
        else:
            text = payload if isinstance(payload, str) else self._payload_json(payload)
            data = None
        values = {"payload_format": payload_format}
        size = len(data) if data is not None else len(text.encode("utf-8"))
        if text is not None and size <= self._payload_threshold() and "\x00" not in text:
            values.update(payload_raw=text, payload_size=size, payload_in_file=False)
            return values, None
        data = data if data is not None else text.encode("utf-8")
        values.update(payload_raw=self._payload_preview(data), payload_size=size, payload_in_file=True)
        return values, data

    @api.model
    def _payload_preview(self, data):
        text = formats.decode_text(data[: PREVIEW_CHARS * 4])
        if text is None:
            return _("(binary payload of %s bytes: see the attached file)", f"{len(data):,}")
        return "%s\n%s" % (
            text[:PREVIEW_CHARS],
            _("… (preview: the payload of %s bytes is in the attached file)", f"{len(data):,}"),
        )

    def _payload_attach(self, data):
        """Keep ``data`` as this event's raw payload file."""
        self.ensure_one()
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": self._payload_filename(),
                    "res_model": self._name,
                    "res_id": self.id,
                    "res_field": "payload_file",
                    "type": "binary",
                    "raw": data,
                    # not text/*: Odoo would index 50 MB of words in the attachment row
                    "mimetype": "application/octet-stream",
                    "public": False,
                }
            )
        )

    def _payload_attachment(self):
        self.ensure_one()
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("res_field", "=", "payload_file"),
                ],
                limit=1,
            )
        )

    def _payload_bytes(self):
        """The raw payload as bytes, wherever it is stored (b"" when none).
        Callers check their user's rights first: this reads as the system."""
        self.ensure_one()
        event = self.sudo()
        if event.payload_in_file:
            return event._payload_attachment().raw or b""
        return (event.payload_raw or "").encode("utf-8")

    def _payload_strip(self):
        """Drop the payloads (retention): the row's and the attached file."""
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("res_field", "=", "payload_file"),
                ]
            )
        )
        attachments.unlink()
        self.sudo().write(
            {
                "payload_raw": False,
                "payload_canonical": False,
                "payload_in_file": False,
                "payload_stripped": True,
            }
        )

    def _payload_filename(self):
        self.ensure_one()
        return f"event-{self.id}-payload.{formats.EXTENSIONS.get(self.payload_format or 'json', 'bin')}"

    # ------------------------------------------------------------------------------
    # reading
    # ------------------------------------------------------------------------------

    def _raw_data(self, exact=False):
        """The parsed raw payload: JSON as before, other formats (and
        payloads in a file) through lib/formats.py. ``exact``: JSON numbers
        with a fraction as Decimal (canonical.loads)."""
        if (self.payload_format or "json") == "json" and not self.payload_in_file:
            return super()._raw_data(exact=exact)
        data = self._payload_bytes()
        if not data:
            return {}
        if exact and (self.payload_format or "json") == "json":
            try:
                return canonical.loads(data.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise ValidationFailed(_("The raw payload is not valid JSON: %s", exc)) from exc
        return formats.parse(self.payload_format or "json", data)

    def _payload_pretty(self, masked):
        self.ensure_one()
        data = self._payload_bytes()
        if not data:
            return False
        payload_format = self.payload_format or "json"
        try:
            return formats.pretty(payload_format, data, masked=masked)
        except (ValidationFailed, RecursionError) as exc:
            label = FORMAT_LABELS[payload_format]
            if masked:  # the parse error may quote the payload
                return _("(not valid %s: shown to integration managers only)", label)
            message = getattr(exc, "message", None) or _("nested too deeply")
            return "%s\n\n%s" % (
                _("(not valid %(format)s: %(error)s)", format=label, error=message),
                data[: PREVIEW_CHARS * 4].decode("utf-8", "replace"),
            )

    @api.depends("payload_format", "payload_in_file")
    def _compute_payload_filename(self):
        for event in self:
            event.payload_filename = event._payload_filename() if event.id else False

    @api.depends("payload_raw", "payload_format", "payload_in_file")
    def _compute_payload_pretty(self):
        for event in self:
            event.payload_pretty = event._payload_pretty(masked=False)

    @api.depends("payload_raw", "payload_format", "payload_in_file")
    @api.depends_context("uid")
    def _compute_payload_pretty_masked(self):
        for event in self:
            event.payload_pretty_masked = event._payload_pretty(masked=True)

    @api.depends("payload_raw", "payload_format", "payload_in_file")
    @api.depends_context("uid")
    def _compute_payload_raw_masked(self):
        """JSON in the row as before; any other format, or a payload in a
        file, masked by its format."""
        plain = self.filtered(lambda e: (e.payload_format or "json") == "json" and not e.payload_in_file)
        super(IntegrationEvent, plain)._compute_payload_raw_masked()
        for event in self - plain:
            event.payload_raw_masked = event._payload_pretty(masked=True)
