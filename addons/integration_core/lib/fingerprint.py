"""The root cause of a failure: its message with the variables taken out.

"Unmapped tax 'State Tax' at 6.0%" and "Unmapped tax 'City Tax' at 2.5%"
are one cause: the same template, other values. :func:`compute` returns
a :class:`Fingerprint`:

- ``digest``: a short hash naming the cause (what the exception queue
  groups by);
- ``template``: the readable cause, variables shown as ``{name}``;
- ``variables``: the values taken out (a dict for a template's named
  params, else a list in order of appearance).

An error that says how its message was made (``template``/``params``/
``code`` on :class:`~.exceptions.IntegrationError`) gives the exact cause:
the hash is made of its ``code`` when it has one (stable across languages),
else of its template. Any other message is normalised: quoted strings,
e-mails, URLs, UUIDs, dates, long hex ids and numbers become placeholders,
so that the same message about another record is the same cause. HTTP
statuses are kept (a 404 and a 422 are two causes).

Plain Python: no ORM, tested in tests/integration_core/test_fingerprint.py.
"""

import hashlib
import json
import re
from collections import namedtuple

Fingerprint = namedtuple("Fingerprint", ["digest", "template", "variables"])

DIGEST_LENGTH = 32  # hex characters of sha256 kept
TEMPLATE_LIMIT = 300  # characters of readable template kept (and hashed)
MESSAGE_LIMIT = 4000  # characters of a message normalised (remote bodies can be long)
VARIABLES_LIMIT = 20  # values kept per event
VALUE_LIMIT = 200  # characters kept per value

# %(name)s / %s / %d / %.2f / %% in printf-style templates
_PRINTF = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])"
)

# normalisation: one pass, alternatives tried in this order at each position
_RULES = [
    ("keep", r"\bHTTP \d{3}\b"),  # the HTTP status is part of the cause
    ("uuid", r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"),
    ("email", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    ("url", r"\b(?:https?|ftp|sftp)://[^\s'\"<>]*[^\s'\"<>.,;:!?)\]]"),
    ("date", r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\w)"),
    ("str", r"'[^'\n]{0,200}'|\"[^\"\n]{0,200}\""),
    ("hex", r"\b(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{12,}\b"),
    # a word mixing letters and digits (SKU123, gid parts): ABC-123 stays ABC-{num}
    ("id", r"\b(?=[A-Za-z_]*\d)(?=\d*[A-Za-z_])[A-Za-z0-9_]{4,}\b"),
    ("num", r"(?<![\w.])[-+]?\d+(?:[.,]\d+)*(?!\w)"),
]
_VARIABLE = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _RULES))
_SPACES = re.compile(r"\s+")


def compute(message, template=None, params=None, code=None):
    """The :class:`Fingerprint` of an error's message (see the module)."""
    if template:
        readable = readable_template(template)
        variables = jsonable(params) if params is not None else []
        basis = f"template:{template}"
    else:
        readable, variables = normalise(message or "")
        basis = f"message:{readable}"
    if code:
        basis = f"code:{code}"
    readable = readable[:TEMPLATE_LIMIT]
    digest = hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()[:DIGEST_LENGTH]
    return Fingerprint(digest, readable, variables)


def readable_template(template):
    """'Unmapped tax %(title)r at %s%%' -> 'Unmapped tax {title} at {1}%'."""
    position = 0

    def replace(match):
        nonlocal position
        if match.group("conv") == "%":
            return "%"
        if match.group("name") is not None:
            return "{%s}" % match.group("name")
        position += 1
        return "{%s}" % position

    return _collapse(_PRINTF.sub(replace, str(template)))


def normalise(message):
    """(template, variables): the message with its variables replaced by
    ``{kind}`` placeholders, and the values replaced, in order."""
    text = _collapse(str(message)[:MESSAGE_LIMIT])
    variables = []

    def replace(match):
        kind = match.lastgroup
        value = match.group(0)
        if kind == "keep":
            return value
        if kind == "str":  # the quotes stay: '{str}'
            variables.append(value[1:-1][:VALUE_LIMIT])
            return value[0] + "{str}" + value[-1]
        variables.append(value[:VALUE_LIMIT])
        return "{%s}" % kind

    template = _VARIABLE.sub(replace, text)
    return template, variables[:VARIABLES_LIMIT]


def _collapse(text):
    return _SPACES.sub(" ", text).strip()


def jsonable(value, depth=0):
    """``value`` as something json.dumps accepts: containers kept (bounded),
    anything else as its text."""
    if depth > 5:
        return str(value)[:VALUE_LIMIT]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return value[:VALUE_LIMIT]
    if isinstance(value, dict):
        return {
            str(k)[:VALUE_LIMIT]: jsonable(v, depth + 1) for k, v in list(value.items())[:VARIABLES_LIMIT]
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v, depth + 1) for v in list(value)[:VARIABLES_LIMIT]]
    return str(value)[:VALUE_LIMIT]


def dumps(variables):
    """The variables as stored on an event (JSON text)."""
    return json.dumps(jsonable(variables), sort_keys=True, ensure_ascii=False)
