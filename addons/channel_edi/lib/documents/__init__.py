"""Typed business documents: a transaction set's segment tree <-> a plain dict.

::

    from odoo.addons.channel_edi.lib import documents

    document = documents.read(transaction, "X12")  # {"po_number": "S115921858", "lines": [...]}
    transaction = documents.build("855", document, "X12", "004010")  # tree.Transaction, ST..SE

A document is JSON-able (dicts, lists, strings, booleans, None): amounts and
quantities are decimal strings exactly as the standard gives them ("12.50"
stays "12.50"; implied-decimal N2 values such as TDS01 become "123.45").
Keys are only present when the file has the data, so that
``read(build(document)) == document`` for every set we build.

The registry
------------

Two plain dicts keyed by ``(standard, set_type)``, e.g. ``("X12", "850")``
or ``("EDIFACT", "ORDERS")``:

- :data:`READERS`: ``reader(transaction) -> dict``;
- :data:`BUILDERS`: ``builder(document, version, **options) -> tree.Transaction``.

Each family module (:mod:`.orders`, :mod:`.invoices`, :mod:`.acks`, and the
shipping and warehouse ones) fills them with the :func:`reader` and
:func:`builder` decorators; the family modules are imported at the bottom of
this file (see ``README.md`` in this folder to add one).
"""

from .common import DocumentError, check_shape

READERS = {}  # (standard, set_type) -> reader(transaction) -> dict
BUILDERS = {}  # (standard, set_type) -> builder(document, version, **options) -> Transaction

STANDARDS = ("X12", "EDIFACT")


def _register(table, standard, set_types, function):
    if standard not in STANDARDS:
        raise ValueError(f"Unknown EDI standard {standard!r} (expected one of {', '.join(STANDARDS)}).")
    for set_type in set_types:
        key = (standard, set_type)
        if key in table and table[key] is not function:
            raise ValueError(
                f"{standard} {set_type} is registered twice ({table[key].__module__}, {function.__module__})."
            )
        table[key] = function
    return function


def reader(standard, *set_types):
    """Register the decorated ``function(transaction) -> dict`` as the reader
    of ``set_types`` in ``standard``."""
    return lambda function: _register(READERS, standard, set_types, function)


def builder(standard, *set_types):
    """Register the decorated ``function(document, version, **options) ->
    tree.Transaction`` as the builder of ``set_types`` in ``standard``."""
    return lambda function: _register(BUILDERS, standard, set_types, function)


def supported(standard, set_type):
    """(can read, can build) for a set type."""
    return (standard, set_type) in READERS, (standard, set_type) in BUILDERS


def read(transaction, standard):
    """The typed document of ``transaction`` (a :class:`tree.Transaction`).

    An unsupported set type is a :class:`DocumentError` (a ValueError) naming
    it; a set whose mandatory data is missing or malformed is one too, naming
    the segment position and element.
    """
    function = READERS.get((standard, transaction.type))
    if function is None:
        raise DocumentError(
            f"No typed document for {standard} {transaction.type or '(no set type)'} "
            f"(known: {', '.join(sorted(t for s, t in READERS if s == standard))})."
        )
    return function(transaction)


def build(set_type, document, standard, version, **options):
    """The :class:`tree.Transaction` (ST..SE or UNH..UNT) of ``document``.

    ``version`` is the X12 version ("004010", "005010") or the EDIFACT
    message version ("D:96A:UN:EAN008", "D96A"). ``options`` (all optional):
    ``control_number`` (ST02/UNH01, default "0001") and, for EDIFACT,
    ``decimal`` ("." or ",": the interchange's decimal mark, UNA3). The
    document is checked first: a missing mandatory key is a
    :class:`DocumentError` naming its path (``lines[2].unit_price``).
    """
    function = BUILDERS.get((standard, set_type))
    if function is None:
        raise DocumentError(
            f"Cannot build {standard} {set_type} "
            f"(known: {', '.join(sorted(t for s, t in BUILDERS if s == standard))})."
        )
    if not isinstance(document, dict):
        raise DocumentError(f"(document): a {set_type} document is a dict, not {type(document).__name__}.")
    check_shape(document)
    return function(document, version, **options)


# The family modules register themselves on import. Add yours here (README.md).
from . import acks, invoices, orders, shipping, warehouse  # noqa: E402
