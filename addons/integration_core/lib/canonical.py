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
"""

import functools
import json
import math
import re
from datetime import date, datetime
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker, validators

from .exceptions import ValidationFailed

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


# --- types -------------------------------------------------------------------------


def is_finite_number(checker, instance):
    """The ``number`` type without NaN and +/-Infinity."""
    if isinstance(instance, float) and not math.isfinite(instance):
        return False
    return Draft202012Validator.TYPE_CHECKER.is_type(instance, "number")


Validator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("number", is_finite_number),
)


# --- schemas -----------------------------------------------------------------------


def load_schema(kind, version=1):
    """The schema of ``kind`` (one of :data:`KINDS`) at ``version``, as a dict.

    Loaded once per process and shared: do not modify it. Raises ValueError
    for an unknown kind or version, and jsonschema's SchemaError for a
    broken schema file.
    """
    _check_kind(kind)
    return _load_schema(kind, version)


@functools.cache
def _load_schema(kind, version):
    path = SCHEMAS_DIR / f"{kind}.v{version}.json"
    if not path.is_file():
        raise ValueError(f"There is no version {version} of the canonical {kind} schema ({path.name}).")
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


@functools.cache
def _validator(kind, version):
    return Validator(load_schema(kind, version), format_checker=FORMAT_CHECKER)


def _check_kind(kind):
    if kind not in KINDS:
        raise ValueError(f"Unknown canonical kind {kind!r}; known kinds: {', '.join(KINDS)}")


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
