"""Webhook endpoint shared by every channel.

POST /integration/webhook/<backend type>/<backend webhook token>

A content type the backend type does not take (a form, say) is refused with
415 before anything reads the body (models/ir_http.py); the backend is looked
up from the URL; the body size is capped before it is read; the channel verifies the signature (401 and nothing stored when it
fails) and parses the body (400 and a failed event kept when an authentic
body is malformed); the event is stored and enqueued, and the answer is sent
at once: processing happens in a queue_job job. A duplicate delivery (same
idempotency key, or same content key when the channel gives one) answers 200
without creating anything. Once the signature is verified nothing is lost:
anything unexpected keeps the body as a failed event and answers 400; only a
failing database answers 5xx.
"""

import json
import logging

from odoo import http
from odoo.http import request

_logger = logging.getLogger(__name__)


# Seconds a sender is asked to wait when a delivery's signature cannot be
# checked (the backend's secret cannot be read now).
VERIFY_RETRY_AFTER = 60


class IntegrationWebhookController(http.Controller):
    @http.route(
        "/integration/webhook/<string:backend_type>/<string:token>",
        type="http",
        auth="none",  # the public user is set below, without auth="public"'s query
        methods=["POST"],
        csrf=False,
        save_session=False,
        integration_webhook=True,  # content type checked before the body is read (ir.http)
    )
    def integration_webhook(self, backend_type, token, **_kwargs):
        if not request.db:  # no database chosen for this request: no backend can be found
            return self._answer(404, "unknown webhook")
        # As the public user, as auth="public" would be, without looking that
        # user up on every delivery (env.ref checks the record exists).
        request.update_env(user=request.env["ir.model.data"]._xmlid_to_res_id("base.public_user"))
        backend = request.env["integration.backend"].sudo()._webhook_backend(backend_type, token)
        if not backend:
            return self._answer(404, "unknown webhook")
        length = request.httprequest.content_length
        if length is None:
            return self._answer(411, "Content-Length required")
        if length > backend.webhook_max_bytes:
            return self._answer(413, "body too large")
        body = request.httprequest.get_data(cache=False)
        headers = request.httprequest.headers
        status, message = backend._webhook_receive(headers, body)
        if status >= 400:
            _logger.info("Webhook for backend %s refused (%s): %s", backend.id, status, message)
        return self._answer(status, message)

    def _answer(self, status, message):
        headers = [("Content-Type", "application/json")]
        if status == 503:
            headers.append(("Retry-After", str(VERIFY_RETRY_AFTER)))
        return request.make_response(json.dumps({"status": message}), headers=headers, status=status)
