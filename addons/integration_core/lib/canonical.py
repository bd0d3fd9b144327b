"""Canonical business objects: versioned JSON Schemas and their validation.

Every channel maps its own payloads to these shapes, and the shared
importers of integration_core only ever read them. The schemas live in
``integration_core/schemas/<kind>.v<version>.json`` (JSON Schema draft
2020-12); each payload says which version it follows in ``schema_version``.

::

    order = canonical.validate("order", payload)  # or raises ValidationFailed
    problems = canonical.iter_errors("order", payload)  # ["lines[0].quantity: ...", ...]

Problems are reported as ``"path: message"`` strings, e.g.
``"lines[0].quantity: 0 is less than or equal to the minimum of 0"``, the
path being ``(root)`` for the payload itself. ``date-time`` values must be
RFC 3339 (``2024-05-01T10:00:00-04:00``, an offset or ``Z`` required) and
``date`` values ``YYYY-MM-DD``; both are checked here, without the optional
packages jsonschema would otherwise need.

Numbers must be finite: Python's ``json`` module reads ``NaN`` and
``Infinity``, which are not JSON, and NaN would slip through every
``minimum``/``maximum``; here they are not of type ``number``. The schemas
bound money (absolute value at most 10^12) and quantities (at most 10^9),
so that a payload which never met a mapper (a generic backend's canonical
payload, a user's fix) cannot carry ``1e308`` into Odoo either.

Kinds per addon
---------------

The schemas are a registry that any addon adds to: integration_core
registers its own folder (the core kinds of :data:`KINDS`), and a channel
registers its ``schemas/`` folder from its plain package, so that it works
the same in plain tests and in Odoo::

    # addons/channel_edi/lib/__init__.py
    from pathlib import Path
    from odoo.addons.integration_core.lib.canonical import register_schema_dir
    register_schema_dir(Path(__file__).resolve().parent.parent / "schemas")  # asn.v1.json, ...

Files are named ``<kind>.v<version>.json``. Registering the same schema
again (tests may import an addon twice) is a no-op; a kind and version
registered twice with different content is a :class:`SchemaConflict`.

Money is Decimal
----------------

Canonical payloads are read with :func:`loads` (JSON numbers with a
fraction become :class:`~decimal.Decimal`, never binary floats) and written
with :func:`dumps` (Decimals become JSON numbers, digit for digit), so a
stored payload reads back exactly as it was mapped. Validation takes
Decimals as numbers; :mod:`.money` compares amounts with a currency's
rounding.
"""

import functools
import json
import math
import re
import threading
from collections import namedtuple
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker, validators

from .exceptions import ValidationFailed

# the core kinds (integration_core's own folder); kinds() lists every registered kind
KINDS = ("customer", "product", "stock_level", "order", "shipment", "invoice", "payment")
SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"
MESSAGE_LIMIT = 200  # characters of one problem's message (values are quoted in them)

# --- formats -----------------------------------------------------------------------

FORMAT_CHECKER = FormatChecker(formats=())  # only the formats registered below

_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@FORMAT_CHECKER.checks("date-time", raises=ValueError)
def is_date_time(value):
    """RFC 3339 date and time with an offset, e.g. 2024-05-01T10:00:00-04:00
    or 2024-05-01T14:00:00Z. Non-strings pass (``type`` checks those)."""
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        raise ValueError("expected YYYY-MM-DDTHH:MM:SS with a UTC offset or Z")
    datetime.fromisoformat(value.upper().replace("Z", "+00:00"))  # ValueError for 2024-13-01 and the like
    return True


@FORMAT_CHECKER.checks("date", raises=ValueError)
def is_date(value):
    """A calendar date, YYYY-MM-DD. Non-strings pass."""
    if not isinstance(value, str):
        return True
    if not _DATE.match(value):
        raise ValueError("expected YYYY-MM-DD")
    date.fromisoformat(value)
    return True


def naive_utc(value):
    """A canonical ``date-time`` (RFC 3339, an offset or Z) as Odoo stores
    it: a naive UTC datetime to the second; None for an empty value."""
    if not value:
        return None
    moment = datetime.fromisoformat(str(value).upper().replace("Z", "+00:00"))
    if moment.tzinfo:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.replace(microsecond=0)


# --- types -------------------------------------------------------------------------


def is_finite_number(checker, instance):
    """The ``number`` type without NaN and +/-Infinity (floats and Decimals)."""
    if isinstance(instance, float) and not math.isfinite(instance):
        return False
    if isinstance(instance, Decimal) and not instance.is_finite():
        return False
    return Draft202012Validator.TYPE_CHECKER.is_type(instance, "number")


Validator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("number", is_finite_number),
)


# --- the registry of schemas -------------------------------------------------------


class SchemaConflict(ValueError):
    """A kind and version registered twice with different content."""


SchemaEntry = namedtuple("SchemaEntry", "schema source")
_SCHEMA_FILE = re.compile(r"^(?P<kind>[a-z][a-z0-9_]*)\.v(?P<version>[1-9][0-9]*)\.json$")
_KIND = re.compile(r"^[a-z][a-z0-9_]*$")
_registry = {}  # (kind, version) -> SchemaEntry
_registry_lock = threading.Lock()


def register_schema(kind, version, schema, source="(code)"):
    """Register ``schema`` (a dict, JSON Schema draft 2020-12) as ``kind``
    at ``version``; returns the registered schema. The same content again:
    nothing happens; other content: :class:`SchemaConflict`. A broken schema
    raises jsonschema's SchemaError, an ``$id`` naming another kind or
    version a ValueError."""
    if not isinstance(kind, str) or not _KIND.match(kind):
        raise ValueError(f"A canonical kind is lower snake case, not {kind!r} ({source}).")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"A schema version is a positive integer, not {version!r} ({source}).")
    if not isinstance(schema, dict):
        raise ValueError(f"The schema of {kind} v{version} must be a JSON object ({source}).")
    Draft202012Validator.check_schema(schema)
    schema_id = schema.get("$id")
    if schema_id is not None and not str(schema_id).endswith(f":{kind}:{version}"):
        raise ValueError(f"{source}: its $id {schema_id!r} does not name {kind} version {version}.")
    with _registry_lock:
        existing = _registry.get((kind, version))
        if existing is not None:
            if existing.schema == schema:
                return existing.schema
            raise SchemaConflict(
                f"The canonical kind {kind} v{version} is registered twice with different content: "
                f"{existing.source} and {source}."
            )
        _registry[(kind, version)] = SchemaEntry(schema, str(source))
    return schema


def register_schema_dir(path):
    """Register every ``<kind>.v<version>.json`` of the folder ``path``
    (an addon's ``schemas/``); returns the (kind, version) pairs, sorted.
    Any other ``.json`` file there is an error: a misnamed schema is not
    silently left out."""
    folder = Path(path)
    if not folder.is_dir():
        raise ValueError(f"No schema folder at {folder}.")
    registered = []
    for file in sorted(folder.glob("*.json")):
        match = _SCHEMA_FILE.match(file.name)
        if not match:
            raise ValueError(f"{file}: schema files are named <kind>.v<version>.json (e.g. asn.v1.json).")
        kind, version = match["kind"], int(match["version"])
        register_schema(kind, version, json.loads(file.read_text(encoding="utf-8")), source=str(file))
        registered.append((kind, version))
    return registered


def kinds():
    """Every registered kind, sorted (the core ones and the addons' ones)."""
    with _registry_lock:
        return tuple(sorted({kind for kind, _version in _registry}))


def versions(kind):
    """The registered versions of ``kind``, sorted."""
    _check_kind(kind)
    with _registry_lock:
        return tuple(sorted(version for each, version in _registry if each == kind))


def load_schema(kind, version=1):
    """The schema of ``kind`` (a registered kind) at ``version``, as a dict.

    Shared: do not modify it. Raises ValueError for an unknown kind or
    version.
    """
    _check_kind(kind)
    entry = _registry.get((kind, version))
    if entry is None:
        raise ValueError(
            f"There is no version {version} of the canonical {kind} schema ({kind}.v{version}.json)."
        )
    return entry.schema


@functools.lru_cache(maxsize=512)
def _validator(kind, version):
    # registered schemas never change, so a validator built once stays right
    return Validator(load_schema(kind, version), format_checker=FORMAT_CHECKER)


def _check_kind(kind):
    if kind not in kinds():
        raise ValueError(f"Unknown canonical kind {kind!r}; known kinds: {', '.join(kinds())}")


# --- JSON with exact money ---------------------------------------------------------


def _refuse_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def loads(text):
    """A canonical payload from JSON text: numbers with a fraction or an
    exponent become Decimals (``19.99`` stays 19.99, not 19.989999...),
    integers stay ints; NaN and Infinity (which Python's json reads) are a
    ValueError."""
    return json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)


def dumps(value, indent=None, sort_keys=False):
    """JSON text of a canonical payload, Decimals written as JSON numbers
    digit for digit (``Decimal("19.90")`` -> ``19.90``), floats as Python
    prints them (the shortest text that reads back the same). Non-finite
    numbers are a ValueError. ``indent`` and ``sort_keys`` as for json.dumps."""
    parts = []
    _encode(value, parts, indent, sort_keys, 0)
    return "".join(parts)


_encode_string = json.encoder.encode_basestring_ascii  # json.dumps's own (C) string encoder


def _encode(value, parts, indent, sort_keys, level):
    kind = type(value)
    if kind is str:
        parts.append(_encode_string(value))
    elif value is None or kind is bool:
        parts.append("null" if value is None else "true" if value else "false")
    elif kind is int:
        parts.append(int.__repr__(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a finite number")
        parts.append(str(value))  # 19.90, -0, 1E+2, 5E-7: all JSON numbers
    elif isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        items = [(_key(key), item) for key, item in value.items()]
        if sort_keys:
            items.sort(key=lambda pair: pair[0])
        parts.append("{")
        for index, (key, item) in enumerate(items):
            parts.append(("," if index else "") + _newline(indent, level + 1))
            parts.append(_encode_string(key) + (": " if indent is not None else ":"))
            _encode(item, parts, indent, sort_keys, level + 1)
        parts.append(_newline(indent, level) + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            parts.append("[]")
            return
        parts.append("[")
        for index, item in enumerate(value):
            parts.append(("," if index else "") + _newline(indent, level + 1))
            _encode(item, parts, indent, sort_keys, level + 1)
        parts.append(_newline(indent, level) + "]")
    else:
        parts.append(json.dumps(value, allow_nan=False))


def _key(key):
    """Object keys as json.dumps writes them (ints, floats, booleans and
    None become strings)."""
    if isinstance(key, str):
        return key
    if isinstance(key, Decimal):
        return str(key)
    return next(iter(json.loads(json.dumps({key: None}))))


def _newline(indent, level):
    return "" if indent is None else "\n" + " " * (indent * level)


# --- validation --------------------------------------------------------------------


def iter_errors(kind, payload, version=None):
    """Every problem of ``payload`` as a ``"path: message"`` string, sorted
    and without duplicates; an empty list when it is valid.

    ``version`` defaults to the payload's ``schema_version`` (1 when absent,
    which the schema then reports as missing). An unknown
    ``kind`` is a programming error (ValueError); an unknown version is a
    problem of the payload.
    """
    _check_kind(kind)
    if not isinstance(payload, dict):
        return ["(root): the payload must be a JSON object"]
    if version is None:
        version = payload.get("schema_version", 1)
    if isinstance(version, bool) or not isinstance(version, int):
        return [f"schema_version: {version!r} is not a schema version (expected an integer such as 1)"]
    try:
        validator = _validator(kind, version)
    except ValueError as exc:
        return [f"schema_version: {exc}"]
    problems = set()
    for error in validator.iter_errors(payload):
        problems.update(_describe(leaf) for leaf in _leaves(error))
    return sorted(problems)


def validate(kind, payload, version=None):
    """Return ``payload`` unchanged when it satisfies its schema; otherwise
    raise :class:`ValidationFailed` listing every problem in ``errors``."""
    errors = iter_errors(kind, payload, version)
    if errors:
        raise ValidationFailed(f"Invalid canonical {kind}: {_summary(errors)}", errors=errors)
    return payload


def _summary(errors):
    shown = "; ".join(errors[:5])
    return f"{shown} (and {len(errors) - 5} more)" if len(errors) > 5 else shown


# --- readable errors ---------------------------------------------------------------


def _leaves(error):
    """The errors worth showing for ``error``.

    For ``oneOf``/``anyOf`` ("an address or null"), jsonschema only says the
    value fits none of the alternatives. When exactly one alternative has the
    value's type, its own errors are the useful ones (the wrong country code
    inside the address), so they are shown instead.
    """
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return [error]
    branches = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    right_type = [subs for subs in branches.values() if not any(_is_type_error(sub) for sub in subs)]
    if len(right_type) != 1:
        return [error]
    return [leaf for sub in right_type[0] for leaf in _leaves(sub)]


def _is_type_error(error):
    """True for a type mismatch of the value itself (not of a value inside it)."""
    return error.validator == "type" and not error.relative_path


def _describe(error):
    return f"{_path(error)}: {_message(error)}"


def _path(error):
    """``lines[0].quantity``; ``(root)`` for the payload itself."""
    text = ""
    for part in error.absolute_path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(root)"


def _message(error):
    if error.validator == "type" and isinstance(error.instance, float) and not math.isfinite(error.instance):
        return f"{error.instance!r} is not a finite number"
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return f"{_shorten(repr(error.instance), 60)} is not of type {expected}"
    if error.validator in ("oneOf", "anyOf") and error.context:
        # none of the alternatives fits and none is clearly meant: list what each one wants
        wanted = sorted({_relative(sub) for sub in error.context})
        return _shorten("none of the alternatives fits: " + "; or ".join(wanted))
    return _shorten(error.message)


def _relative(error):
    """'order_ref: None is not of type string' for an error inside an alternative."""
    where = ".".join(str(part) for part in error.relative_path)
    return f"{where}: {_message(error)}" if where else _message(error)


def _shorten(text, limit=MESSAGE_LIMIT):
    """Messages quote the offending value, which can be a whole object."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


register_schema_dir(SCHEMAS_DIR)
