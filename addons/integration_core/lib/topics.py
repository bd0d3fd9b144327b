"""The topic table: what a channel does, declared in one place.

A channel lists its topics once (``Topic`` rows in a ``TopicTable``). The
core reads that table to dispatch events, to give an event its direction,
to check flows, to show or hide actions (capability flags), and to route
Odoo business events (picking done, invoice posted...) to the channels that
listen to them. No ORM here: the table is plain data, checked when built.

Topic names follow one grammar, ``<object>.<action>`` in lower snake case:
``order.created``, ``stock.export``, ``payout.fetched``. A remote system's
own names for a topic (Shopify's ``orders/create`` webhook topic, an X12
transaction set ``850``) are listed in ``remote``.
"""

import re
from dataclasses import dataclass, field

from .exceptions import PermanentError

TOPIC_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")

DIRECTIONS = ("in", "out")
# How events of a topic arise: a remote pushes them (webhook, file drop), a
# scheduled flow creates them, an Odoo business event emits them, or a user
# starts them from a button.
FEEDS = ("webhook", "file", "schedule", "odoo_event", "manual")
PAYLOAD_FORMATS = ("json", "x12", "edifact", "xml", "csv", "bytes")

# The Odoo business events the core dispatches (see models/odoo_events.py).
ODOO_EVENTS = (
    "sale_order.confirmed",
    "sale_order.cancelled",
    "purchase_order.confirmed",
    "picking.done",
    "stock_move.done",
    "backorder.created",
    "invoice.posted",
    "product.price_changed",
    "pricelist.changed",
)


class TopicTableError(ValueError):
    """A topic table that contradicts itself: a programming error of the
    channel, raised when the table is built (at import / in tests)."""


class UnknownTopic(PermanentError):
    """An event of a topic its backend's table does not list: refused when
    the event would be created, failed when an old one is processed."""

    category = "validation"


def canonical_as_is(payload):
    """The mapper of a topic whose payload is canonical already (a generic
    backend's order.import): the kind is still validated."""
    return payload


@dataclass(frozen=True)
class Topic:
    """One kind of event a channel handles.

    name:           ``<object>.<action>`` (see TOPIC_NAME).
    direction:      ``in`` (into Odoo) or ``out`` (to the remote system).
    feed:           how its events arise (FEEDS).
    apply:          name of the method that processes an event of this topic,
                    called as ``env[model].<apply>(event, payload)`` where
                    payload is the canonical payload when the topic has a
                    ``kind`` (else the parsed payload); returns the Odoo
                    record it created or touched, or None.
    model:          the Odoo model holding ``apply`` (and ``listener``);
                    None means ``integration.backend`` (called on the backend).
    payload_format: how the raw payload is written (PAYLOAD_FORMATS).
    parser:         ``callable(bytes) -> payload`` for a raw body, when the
                    format's default parser is not enough.
    kind:           the canonical kind ``mapper`` produces (a JSON Schema name
                    such as ``order``); the core validates the mapper's output.
    mapper:         ``callable(payload) -> canonical dict``.
    remote:         the remote system's names for this topic (webhook topic
                    header values, transaction set codes...).
    odoo_event:     for feed ``odoo_event``: the business event (ODOO_EVENTS)
                    whose records the ``listener`` receives.
    listener:       for feed ``odoo_event``: method name on ``model`` called as
                    ``env[model].<listener>(backend, records)``; it emits the
                    events that concern this backend with ``backend._emit``.
    label:          a few words for users (flow catalog, trace view).
    """

    name: str
    direction: str
    feed: str
    apply: str
    model: str | None = None
    payload_format: str = "json"
    parser: object = None
    kind: str | None = None
    mapper: object = None
    remote: tuple = ()
    odoo_event: str | None = None
    listener: str | None = None
    label: str = ""

    def problems(self):
        """What is wrong with this row, in words (empty when it is sound)."""
        found = []
        if not TOPIC_NAME.match(self.name or ""):
            found.append(f"{self.name!r}: a topic name is <object>.<action> in lower snake case")
        if self.direction not in DIRECTIONS:
            found.append(f"{self.name}: direction {self.direction!r} is not one of {DIRECTIONS}")
        if self.feed not in FEEDS:
            found.append(f"{self.name}: feed {self.feed!r} is not one of {FEEDS}")
        if self.payload_format not in PAYLOAD_FORMATS:
            found.append(
                f"{self.name}: payload format {self.payload_format!r} is not one of {PAYLOAD_FORMATS}"
            )
        if not self.apply:
            found.append(f"{self.name}: no apply method")
        if (self.mapper is None) != (self.kind is None):
            found.append(f"{self.name}: a mapper and its canonical kind come together")
        if self.feed == "odoo_event":
            if self.odoo_event not in ODOO_EVENTS:
                found.append(f"{self.name}: Odoo event {self.odoo_event!r} is not one of {ODOO_EVENTS}")
            if not self.listener:
                found.append(f"{self.name}: a topic fed by an Odoo event needs a listener")
        elif self.odoo_event or self.listener:
            found.append(f"{self.name}: only topics fed by an Odoo event have odoo_event and listener")
        if isinstance(self.remote, str):
            found.append(f"{self.name}: remote is a tuple of names, not a string")
        return found


# TopicTable sums already built (see TopicTable.__add__), oldest first.
_SUMS = {}
MAX_SUMS = 256


@dataclass(frozen=True)
class TopicTable:
    """A channel's topics, checked once when built."""

    topics: tuple = field(default_factory=tuple)

    def __post_init__(self):
        object.__setattr__(self, "topics", tuple(self.topics))
        problems = [problem for topic in self.topics for problem in topic.problems()]
        names = [topic.name for topic in self.topics]
        problems += [f"{name}: declared twice" for name in sorted({n for n in names if names.count(n) > 1})]
        remotes = [(topic.direction, remote) for topic in self.topics for remote in topic.remote]
        problems += [
            f"remote name {remote!r} ({direction}) names two topics"
            for direction, remote in sorted({r for r in remotes if remotes.count(r) > 1})
        ]
        if problems:
            raise TopicTableError("; ".join(problems))

    def __iter__(self):
        return iter(self.topics)

    def __add__(self, other):
        """Both tables' topics in one table, checked again (a name declared
        in both is an error, not an override). Tables are immutable and
        mostly module constants, so a sum is built and checked once."""
        key = (id(self), id(other))
        known = _SUMS.get(key)
        if known is not None and known[0] is self and known[1] is other:
            return known[2]
        total = TopicTable(self.topics + tuple(other))
        _SUMS[key] = (self, other, total)  # keeps both alive: their ids stay theirs
        while len(_SUMS) > MAX_SUMS:
            _SUMS.pop(next(iter(_SUMS)))
        return total

    def __len__(self):
        return len(self.topics)

    def __contains__(self, name):
        return self.get(name) is not None

    def names(self):
        return [topic.name for topic in self.topics]

    def get(self, name):
        """The topic called ``name``, or None."""
        return next((topic for topic in self.topics if topic.name == name), None)

    def by_remote(self, remote_name, direction="in"):
        """The topic a remote system calls ``remote_name``, or None."""
        return next(
            (t for t in self.topics if t.direction == direction and remote_name in t.remote),
            None,
        )

    def fed_by(self, feed):
        return [topic for topic in self.topics if topic.feed == feed]

    def listening_to(self, odoo_event):
        """The topics whose listener takes the Odoo business event ``odoo_event``."""
        return [topic for topic in self.topics if topic.odoo_event == odoo_event]
