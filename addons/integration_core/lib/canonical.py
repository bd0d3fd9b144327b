"""Canonical business objects: versioned JSON Schemas and their validation.

Schemas live in ``integration_core/schemas/<kind>.v<version>.json``. Every
payload carries its ``schema_version``; ``validate`` checks it against that
version and reports every problem as "path: message" in plain words.
"""

import functools
import json
from datetime import datetime
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

from .exceptions import ValidationFailed

KINDS = ("customer", "product", "stock_level", "order", "shipment", "invoice", "payment")
SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"

FORMAT_CHECKER = FormatChecker(formats=())


@FORMAT_CHECKER.checks("date-time", raises=ValueError)
def _is_datetime(value):
    """ISO 8601 date and time with an offset (RFC 3339), e.g. 2024-05-01T10:00:00-04:00."""
    if not isinstance(value, str):
        return True
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if "T" not in value.upper() or parsed.tzinfo is None:
        raise ValueError("a date-time needs a time and a UTC offset")
    return True


@FORMAT_CHECKER.checks("date", raises=ValueError)
def _is_date(value):
    if isinstance(value, str):
        datetime.strptime(value, "%Y-%m-%d")
    return True


@functools.cache
def load_schema(kind, version=1):
    if kind not in KINDS:
        raise ValueError(f"Unknown canonical kind {kind!r}; known: {', '.join(KINDS)}")
    path = SCHEMAS_DIR / f"{kind}.v{version}.json"
    if not path.exists():
        raise ValueError(f"No schema for {kind} version {version} ({path.name})")
    schema = json.loads(path.read_text())
    Draft202012Validator.check_schema(schema)
    return schema


@functools.cache
def _validator(kind, version):
    return Draft202012Validator(load_schema(kind, version), format_checker=FORMAT_CHECKER)


def _path(error):
    text = ""
    for part in error.absolute_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(root)"


def iter_errors(kind, payload, version=None):
    """Readable "path: message" strings, sorted, without duplicates."""
    if not isinstance(payload, dict):
        return ["(root): the payload must be a JSON object"]
    if version is None:
        version = payload.get("schema_version", 1)
    if not isinstance(version, int):
        return [f"schema_version: {version!r} is not a schema version"]
    try:
        validator = _validator(kind, version)
    except ValueError as exc:
        return [f"schema_version: {exc}"]
    return sorted({f"{_path(e)}: {e.message}" for e in validator.iter_errors(payload)})


def validate(kind, payload, version=None):
    """Return ``payload`` when it satisfies its schema, else raise
    ValidationFailed listing every problem."""
    errors = iter_errors(kind, payload, version)
    if errors:
        raise ValidationFailed(errors=errors)
    return payload
