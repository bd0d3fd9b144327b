"""Signed webhooks: what a peer sends to Odoo's webhook endpoints.

Every system signs differently, but nearly all of them the same way: an
HMAC of the raw body (sometimes of a timestamp and the body) with a shared
secret, written into a header as base64 or hex, sometimes behind a prefix.
:class:`WebhookSigner` is that, configured; :class:`WebhookDeliverer` posts
a signed body over loopback and says what came back, never raising.

Shopify::

    WebhookSigner(secret, header="X-Shopify-Hmac-Sha256")  # base64(HMAC-SHA256(body))

GitHub-style (``sha256=<hex>``)::

    WebhookSigner(secret, header="X-Hub-Signature-256", encoding="hex", prefix="sha256=")

Stripe-style (a timestamp signed with the body, ``t=...,v1=<hex>``)::

    signer = WebhookSigner(secret, header="Stripe-Signature", encoding="hex",
                           message="{timestamp}.{body}")
    headers = {"Stripe-Signature": f"t={ts},v1={signer.sign(body, timestamp=ts)}"}
"""

import base64
import hashlib
import hmac
import urllib.error
import urllib.request

ENCODINGS = ("base64", "hex")


class WebhookSigner:
    """HMAC over a webhook body.

    ``secret`` (str or bytes), ``header`` (where the signature goes),
    ``algorithm`` (a :mod:`hashlib` name: ``sha256``, ``sha1``, ``sha512``),
    ``encoding`` (``base64`` or ``hex``), ``prefix`` (written before the
    encoded digest, e.g. ``sha256=``) and ``message``: what is signed, a
    format with ``{body}`` and optionally ``{timestamp}`` (default: the
    body alone).
    """

    def __init__(self, secret, *, header, algorithm="sha256", encoding="base64", prefix="", message="{body}"):
        if encoding not in ENCODINGS:
            raise ValueError(f"encoding is one of {', '.join(ENCODINGS)}, not {encoding!r}")
        hashlib.new(algorithm)  # an unknown algorithm fails here, not at the first delivery
        self.secret = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
        self.header = header
        self.algorithm = algorithm
        self.encoding = encoding
        self.prefix = prefix
        self.message = message

    def _signed_bytes(self, body, timestamp):
        if self.message == "{body}":
            return body
        head, _, tail = self.message.partition("{body}")
        return head.format(timestamp=timestamp).encode() + body + tail.format(timestamp=timestamp).encode()

    def sign(self, body, timestamp=None):
        """The header value for ``body`` (bytes; str is UTF-8 encoded)."""
        body = body.encode("utf-8") if isinstance(body, str) else body
        digest = hmac.new(self.secret, self._signed_bytes(body, timestamp), self.algorithm).digest()
        encoded = base64.b64encode(digest).decode() if self.encoding == "base64" else digest.hex()
        return self.prefix + encoded

    def headers(self, body, timestamp=None):
        """``{header: signature}``, to merge into a request's headers."""
        return {self.header: self.sign(body, timestamp)}

    def verify(self, body, signature, timestamp=None):
        """Whether ``signature`` is the one for ``body`` (constant time): for a
        peer that receives webhooks from Odoo."""
        return hmac.compare_digest(self.sign(body, timestamp), signature or "")


class WebhookDeliverer:
    """POSTs webhooks over HTTP, without proxies (the peers talk to Odoo on
    loopback), and reports what happened instead of raising."""

    def __init__(self, *, timeout=5.0):
        self.timeout = timeout
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def post(self, url, body, headers, timeout=None):
        """One delivery: ``{"status": 200, "error": None}``; an HTTP error
        gives its status and reason, a connection failure ``status`` None."""
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with self._opener.open(request, timeout=self.timeout if timeout is None else timeout) as response:
                return {"status": response.status, "error": None}
        except urllib.error.HTTPError as exc:
            return {"status": exc.code, "error": str(exc.reason)}
        except (urllib.error.URLError, OSError) as exc:
            return {"status": None, "error": str(getattr(exc, "reason", exc))}

    def deliver(self, url, body, headers, *, times=1, timeout=None):
        """The very same request ``times`` times (a sender's retry of one
        delivery: same body, same ids); one ``{"status", "error",
        "headers"}`` per try, in order."""
        results = []
        for _attempt in range(times):
            result = self.post(url, body, headers, timeout)
            result["headers"] = dict(headers)
            results.append(result)
        return results


def delivered(result):
    """Whether a delivery result is a 2xx answer."""
    return bool(result["status"]) and 200 <= result["status"] < 300
