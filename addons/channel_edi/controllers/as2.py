"""AS2 endpoint: POST /integration/edi/as2

The partner is found by its AS2-From and our AS2-To (an endpoint of an
active EDI backend); the body is decrypted and its signature checked
against the partner's pinned certificate (lib/transports/as2.py). An
authentic message is stored as an ``interchange.received`` event before the
answer is sent (its Message-ID is its idempotency key: a resend is answered
with the same MDN and stored once), and the sync MDN is the HTTP answer.
A message that fails decryption or its signature gets a failure MDN and is
stored nowhere; an unknown partner gets 403; only a failing database
answers 5xx.
"""

import logging

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

_logger = logging.getLogger(__name__)

MAX_BYTES = 64 * 1024 * 1024  # an AS2 message larger than this is refused (413)
RETRY_AFTER = 600  # seconds a partner waits when our AS2 station is not configured


class EdiAs2Controller(http.Controller):
    @http.route(
        "/integration/edi/as2",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def edi_as2(self, **_kwargs):
        length = request.httprequest.content_length
        if length is None:
            return request.make_response(b"Content-Length required", status=411)
        if length > MAX_BYTES:
            return request.make_response(b"body too large", status=413)
        body = request.httprequest.get_data(cache=False)
        headers = dict(request.httprequest.headers.items())
        try:
            _backend, answer = request.env["trading.partner.transport"].sudo()._as2_receive(headers, body)
        except UserError as exc:
            # our side is not configured (no AS2 key or certificate): nothing
            # was read or stored; the partner's AS2 station sends it again later
            _logger.warning("AS2 message not taken: %s", exc)
            return request.make_response(
                b"AS2 station not ready", headers=[("Retry-After", str(RETRY_AFTER))], status=503
            )
        if answer.status >= 400:
            _logger.info("AS2 message refused (%s): %s", answer.status, answer.body[:200])
        return request.make_response(answer.body, headers=list(answer.headers.items()), status=answer.status)
