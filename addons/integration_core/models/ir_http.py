import json

from werkzeug.exceptions import UnsupportedMediaType

from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        """Webhook routes (``integration_webhook=True``): refuse a content
        type the backend type does not take *before* anything reads the
        body. Odoo's http dispatcher parses urlencoded and multipart bodies
        (up to its 128 MiB limit) into the route's parameters as soon as it
        dispatches, long before the controller could check a token or a
        size: an unauthenticated caller could make every worker parse large
        forms. JSON (or the channel's declared types) is left unread here."""
        if rule.endpoint.routing.get("integration_webhook"):
            cls._integration_check_content_type(args.get("backend_type"))
        return super()._pre_dispatch(rule, args)

    @classmethod
    def _integration_check_content_type(cls, backend_type):
        accepted = request.env["integration.backend"].sudo()._webhook_content_types(backend_type)
        mimetype = request.httprequest.mimetype
        if mimetype not in accepted:
            body = json.dumps(
                {"status": f"unsupported content type {mimetype or '(none)'}: send {', '.join(accepted)}"}
            )
            response = request.make_response(body, headers=[("Content-Type", "application/json")], status=415)
            raise UnsupportedMediaType(response=response)
