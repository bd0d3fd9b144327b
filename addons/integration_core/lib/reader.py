"""Reading untrusted payloads: each value checked as it is read, and a
:class:`ValidationFailed` that names the field's path when it is not what
the field needs.

A webhook body, an API answer or a file is whatever the other side sent. A
mapper that calls ``.get`` on a string or ``float()`` on ``1e308`` fails
with an ``AttributeError`` or an ``OverflowError``, which the event queue
can only report as an internal error. Mappers read through a
:class:`Reader` instead::

    order = Reader.root(payload)                 # ValidationFailed unless an object
    for line in order.objects("line_items"):     # line_items: expected a list, got str
        line.quantity("quantity")                # line_items[2].quantity: expected a number, got 'abc'

One problem stops the reading (the first one met is reported).

The rules, the same for every channel:

- absent and ``null`` are the same thing: the reader gives None, ``[]``
  for a list, an empty (falsy) :class:`Reader` for an object. For text,
  numbers, ids and timestamps an empty string counts as absent too;
- numbers come back as :class:`~decimal.Decimal` (never through a binary
  float), from JSON numbers, Decimals or decimal strings (``"89.90"``). They must be
  finite and within bounds that nothing downstream can overflow: money
  below :data:`MONEY_LIMIT` in absolute value, quantities from 0 to below
  :data:`QUANTITY_LIMIT`; a non-zero value closer to zero than
  :data:`RESOLUTION` is refused too (it would become 0.0 as a float).
  Booleans are not numbers;
- text is any Unicode string, except that it may not contain NUL or lone
  surrogates (PostgreSQL cannot store them); other types are refused;
- ids are strings or non-negative integers (many APIs send numeric ids),
  always returned as stripped strings;
- timestamps are ISO 8601 strings; they come back in UTC as
  ``2024-05-14T17:21:39Z`` (no offset means UTC).

No ORM here: channels' plain mappers and their tests import it directly.
"""

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from .exceptions import ValidationFailed

MONEY_LIMIT = Decimal("1e12")  # amounts: abs(value) < 10^12
QUANTITY_LIMIT = Decimal("1e9")  # quantities: 0 <= value < 10^9
RATE_LIMIT = Decimal("1000")  # tax rates as fractions (0.06 is 6 %)
RESOLUTION = Decimal("1e-20")  # smaller non-zero magnitudes are refused
ID_LIMIT = 2**64  # integer ids: 0 <= value < 2^64
SHOWN = 40  # characters of an offending value quoted in a message


# --- errors and paths --------------------------------------------------------------


def invalid(path, message):
    """The ValidationFailed for one problem at ``path`` (``(root)`` when empty)."""
    return ValidationFailed(errors=[f"{path or '(root)'}: {message}"])


def at(path, key):
    """The path of ``key`` (a name or a list index) inside ``path``:
    ``at("line_items", 2)`` -> ``"line_items[2]"``, ``at("", "id")`` -> ``"id"``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _type(value):
    return "null" if value is None else type(value).__name__


def show(value):
    """The offending value, quoted and cut short; only the type of a list or
    an object (whose repr may be huge or nested beyond the recursion limit)."""
    if not isinstance(value, (str, int, float, Decimal)) and value is not None:
        return _type(value)
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return "a very large integer"
    text = repr(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 3] + "..."


# --- values ------------------------------------------------------------------------


def obj(value, path):
    """A JSON object (dict), or None when absent."""
    if value is None or isinstance(value, dict):
        return value
    raise invalid(path, f"expected an object, got {_type(value)}")


def array(value, path):
    """A JSON array (list); ``[]`` when absent."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    raise invalid(path, f"expected a list, got {_type(value)}")


def string(value, path):
    """A string as it is (not stripped), or None when absent."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(path, f"expected a string, got {_type(value)}")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise invalid(path, "the text contains a lone surrogate (not valid Unicode)") from None
    elif "\x00" in value:
        raise invalid(path, "the text contains a NUL character")
    return value


def text(value, path):
    """A string, stripped; None when absent or blank."""
    value = string(value, path)
    if value is None:
        return None
    return value.strip() or None


def ident(value, path):
    """An id as a stripped string (from a string or a non-negative integer);
    None when absent or blank."""
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value < ID_LIMIT:
            return str(value)
        raise invalid(path, f"expected an id, got {show(value)}")
    if value is None or isinstance(value, str):
        return text(value, path)
    raise invalid(path, f"expected an id (a string or an integer), got {_type(value)}")


def number(value, path, *, limit, minimum=None):
    """A finite Decimal with ``abs(value) < limit`` (and ``>= minimum`` when
    given), from a JSON number or a decimal string; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise invalid(path, f"expected a number, got {_type(value)}")
    try:
        # a payload read with parse_float=Decimal (canonical.loads) gives Decimals
        result = Decimal(value) if isinstance(value, (int, str, Decimal)) else Decimal(repr(value))
    except (InvalidOperation, ValueError):
        raise invalid(path, f"expected a number, got {show(value)}") from None
    if not result.is_finite():
        raise invalid(path, f"expected a finite number, got {show(value)}")
    if result.copy_abs() >= limit:
        raise invalid(path, f"{show(value)} is out of range (the limit is {limit:,f} in absolute value)")
    if result and result.copy_abs() < RESOLUTION:
        raise invalid(path, f"{show(value)} is too close to zero (below {RESOLUTION})")
    if minimum is not None and result < minimum:
        raise invalid(path, f"expected a number of at least {minimum}, got {show(value)}")
    return result


def money(value, path):
    """An amount: a Decimal with ``abs(value) < MONEY_LIMIT``, or None."""
    return number(value, path, limit=MONEY_LIMIT)


def quantity(value, path):
    """A quantity: a Decimal from 0 to below ``QUANTITY_LIMIT``, or None."""
    return number(value, path, limit=QUANTITY_LIMIT, minimum=0)


def boolean(value, path, default=False):
    """``true`` or ``false``; ``default`` when absent."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    raise invalid(path, f"expected true or false, got {show(value)}")


def timestamp(value, path):
    """An ISO 8601 date-time as UTC text (``2024-05-14T17:21:39Z``, no
    fraction of a second); None when absent. Without an offset it is UTC."""
    value = text(value, path)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        moment = moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):  # not ISO 8601, or out of range once in UTC
        raise invalid(path, f"expected an ISO 8601 date-time, got {show(value)}") from None
    # isoformat() pads the year to 4 digits, where strftime("%Y") may not
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


# --- objects -----------------------------------------------------------------------


class Reader:
    """A JSON object being read, and its path in the payload.

    Each typed method reads one key with the function of the same name
    above. A Reader is falsy when its object is empty or was absent.
    """

    __slots__ = ("data", "path")

    def __init__(self, data=None, path=""):
        self.data = data if data is not None else {}
        self.path = path

    @classmethod
    def root(cls, value, path=""):
        """The Reader of a whole payload, which must be an object."""
        if not isinstance(value, dict):
            raise invalid(path, f"expected a JSON object, got {_type(value)}")
        return cls(value, path)

    def __bool__(self):
        return bool(self.data)

    def __contains__(self, key):
        return key in self.data

    def __repr__(self):
        return f"Reader({self.path or '(root)'})"

    def at(self, key):
        """The path of ``key`` in this object."""
        return at(self.path, key)

    def get(self, key, default=None):
        """The raw value of ``key``, unchecked."""
        return self.data.get(key, default)

    def object(self, key):
        """The object under ``key`` as a Reader (empty when absent)."""
        return Reader(obj(self.data.get(key), self.at(key)), self.at(key))

    def list(self, key):
        """The raw items of the list under ``key`` (``[]`` when absent)."""
        return array(self.data.get(key), self.at(key))

    def objects(self, key):
        """The objects of the list under ``key``, as Readers."""
        path = self.at(key)
        return [Reader.root(item, at(path, index)) for index, item in enumerate(self.list(key))]

    def strings(self, key):
        """The strings of the list under ``key`` as they are, nulls and empty
        strings left out."""
        path = self.at(key)
        items = (string(item, at(path, index)) for index, item in enumerate(self.list(key)))
        return [item for item in items if item]

    def string(self, key):
        return string(self.data.get(key), self.at(key))

    def text(self, key):
        return text(self.data.get(key), self.at(key))

    def ident(self, key):
        return ident(self.data.get(key), self.at(key))

    def number(self, key, *, limit, minimum=None):
        return number(self.data.get(key), self.at(key), limit=limit, minimum=minimum)

    def money(self, key):
        return money(self.data.get(key), self.at(key))

    def quantity(self, key):
        return quantity(self.data.get(key), self.at(key))

    def boolean(self, key, default=False):
        return boolean(self.data.get(key), self.at(key), default)

    def timestamp(self, key):
        return timestamp(self.data.get(key), self.at(key))
