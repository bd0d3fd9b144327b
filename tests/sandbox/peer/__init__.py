"""The shared base of the sandbox peers (see tests/sandbox/README.md).

- :mod:`.server`: :class:`Peer` (threaded loopback HTTP server with
  start/stop, the control API ``/_sandbox/...``, fault answering) and its
  :class:`PeerHandler`;
- :mod:`.faults`: :class:`FaultPlan`, faults on demand (statuses, delays,
  dropped connections, malformed bodies; a plan, a random share, an outage);
- :mod:`.bucket`: :class:`LeakyBucket`, the throttle;
- :mod:`.webhooks`: :class:`WebhookSigner` (HMAC over the body, header
  name, algorithm, encoding and prefix configurable) and
  :class:`WebhookDeliverer`;
- :mod:`.clock`: :class:`ManualClock`, time that tests move by hand.
"""

from .bucket import LeakyBucket
from .clock import ManualClock
from .faults import DEFAULT_RANDOM_FAULTS, FaultPlan, fault_label
from .server import CONTROL_PREFIX, Peer, PeerHandler, PeerServer
from .webhooks import WebhookDeliverer, WebhookSigner, delivered

__all__ = [
    "CONTROL_PREFIX",
    "DEFAULT_RANDOM_FAULTS",
    "FaultPlan",
    "LeakyBucket",
    "ManualClock",
    "Peer",
    "PeerHandler",
    "PeerServer",
    "WebhookDeliverer",
    "WebhookSigner",
    "delivered",
    "fault_label",
]
