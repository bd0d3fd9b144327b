"""One validation engine for X12 and EDIFACT transaction sets, driven by data.

The rules are JSON guides (``guides/``, see its README.md): a dictionary of
segments and elements per standard and version, one structure per set, and
partner overrides on top. The engine (:mod:`.engine`) checks segment order,
loops and their repeats, usage and maximum use, the HL hierarchy, element
counts, types, lengths, code lists, composites and X12 syntax notes.

::

    issues = validation.validate(transaction, "X12", "004010VICS", overrides=acme_v3)
    results = validation.validate_file(edifile, overrides=[acme_850_v3, acme_856_v1])

Each issue is a :class:`~..tree.Issue` naming the segment (file and set
position) and element, with the 997/999 and CONTRL codes an acknowledgement
needs; :func:`acknowledgement` groups them the way an AK3/AK4 (UCS/UCD) lists
them.

Modules: :mod:`.guide` (guides and overrides as data), :mod:`.engine` (the
walk and the detailed checks), :mod:`.fastcheck` (the straight-line check that
passes valid segments quickly), :mod:`.fastset` (one regular expression per
guide that passes a whole valid X12 set at once; the walk runs only for sets
it does not pass, and names their issues), :mod:`.fastcolumns` (tried first
by fastset for a set the X12 reader made and nobody opened: its segment ids
against the structure, the elements of each segment id column by column).
"""

import json

from ..tree import Issue
from . import fastset
from .engine import ISSUE_CODES, compile_guide
from .guide import (
    GUIDES_DIR,
    Guide,
    GuideError,
    check_override,
    load_dictionary,
    load_guide,
    load_override,
    override_fits,
)

_EFFECTIVE = {}  # (guide key, overrides as JSON) -> Guide with its compiled structure
_EFFECTIVE_LIMIT = 256


def guide_version(standard, version):
    """The guide folder for a file's version: ``004010VICS`` and ``004010``
    as they are; ``005010X231A1`` -> ``005010``; EDIFACT ``D:96A:UN:EAN008``
    -> ``D96A``."""
    standard = (standard or "").lower()
    version = version or ""
    if standard == "edifact":
        parts = version.split(":")
        if len(parts) >= 2 and parts[0] == "D":
            return f"D{parts[1]}"
        return version.replace(":", "")
    found = _X12_FOLDERS.get(version)
    if found is None:  # a stat per set adds up over a file of thousands of sets
        found = version if (GUIDES_DIR / "x12" / version).is_dir() else version[:6]
        if len(_X12_FOLDERS) < 256:
            _X12_FOLDERS[version] = found
    return found


_X12_FOLDERS = {}  # X12 version -> its guide folder


def _alias(standard, folder):
    """The folder whose guides stand in for ``folder``: X12 004010VICS without
    its own 997 uses 004010's; EDIFACT directories per ``edifact/aliases.json``."""
    if standard == "x12":
        return folder[:6] if len(folder) > 6 else ""
    if "edifact" not in _ALIASES:
        path = GUIDES_DIR / "edifact" / "aliases.json"
        _ALIASES["edifact"] = json.loads(path.read_text())["aliases"] if path.is_file() else {}
    return _ALIASES["edifact"].get(folder, "")


_ALIASES = {}


def guide_for(standard, version, set_id, overrides=None):
    """The effective guide (compiled once and cached) for a set, a version and
    a partner's overrides (a dict, a list of dicts, or None)."""
    standard = (standard or "").lower()
    folder = guide_version(standard, version)
    if overrides is None or isinstance(overrides, dict):
        overrides = [overrides] if overrides else []
    cache_key = (standard, folder, set_id, json.dumps(overrides, sort_keys=True) if overrides else "")
    guide = _EFFECTIVE.get(cache_key)
    if guide is None:
        try:
            guide = load_guide(standard, folder, set_id)
        except GuideError:
            alias = _alias(standard, folder)
            if not alias:
                raise
            guide = load_guide(standard, alias, set_id)
        fitting = [o for o in overrides if override_fits(o, guide)]
        if fitting:
            guide = guide.with_overrides(*fitting)
        guide.compiled()
        if len(_EFFECTIVE) >= _EFFECTIVE_LIMIT:
            _EFFECTIVE.clear()
        _EFFECTIVE[cache_key] = guide
    return guide


def validate(transaction, standard, version, overrides=None, decimal_mark="."):
    """The issues of one transaction set (a :class:`~..tree.Transaction`).

    An unknown set or version is one issue (``no_guide``, a warning): the set
    is not checked, which the caller decides how to treat.
    """
    try:
        guide = guide_for(standard, version, str(transaction.type or ""), overrides)
    except GuideError as exc:
        if "no guide" not in str(exc) and "no dictionary" not in str(exc):
            raise
        return [
            _set_warning(
                transaction, "no_guide", f"no validation guide for {standard} {version} {transaction.type}"
            )
        ]
    compiled = guide.compiled()
    # most sets are valid: one regular expression says so (fastset.py); else the walk names the issues
    issues = [] if fastset.valid(compiled, transaction) else compiled.validate(transaction, decimal_mark)
    if guide.version != guide_version(standard, version) and standard.lower() == "edifact":
        message = f"{version} {transaction.type} checked with the {guide.version} guide (no guide of its own)"
        issues.insert(0, _set_warning(transaction, "guide_alias", message))
    return issues


def _set_warning(transaction, code, message):
    """A warning about a whole transaction set, placed at its header (ST/UNH)."""
    header = transaction.segments[0] if transaction.segments else None
    return Issue(
        code,
        message,
        position=header.position if header else 0,
        segment=header.tag if header else "",
        set_position=1,
        severity="warning",
    )


def validate_file(edifile, overrides=None):
    """``{id(transaction): [Issue, ...]}`` for every set of a read file. Each
    override applies to the sets its ``base`` names (all sets without one)."""
    results = {}
    for interchange in edifile.interchanges:
        decimal_mark = getattr(interchange.delimiters, "decimal", ".") or "."
        for group in interchange.groups:
            for transaction in group.transactions:
                version = transaction.version or group.version
                results[id(transaction)] = validate(
                    transaction, edifile.standard, version, overrides, decimal_mark=decimal_mark
                )
    return results


def errors(issues):
    """The issues that are errors (not warnings)."""
    return [issue for issue in issues if issue.severity == "error"]


def acknowledgement(issues):
    """What a 997/999 (AK3/AK4, IK3/IK4, AK5) or a CONTRL (UCS/UCD) says about
    one set, from its issues (warnings left out)::

        {"status": "A" | "R", "syntax_errors": ["5"],      # AK501, AK502 (718)
         "segments": [{"segment": "BEG", "set_position": 2, "loop": "",
                       "code": "8", "contrl_code": "",      # AK304 / UCS
                       "elements": [{"position": 3, "component": 0, "data_element": "324",
                                     "code": "1", "contrl_code": "13", "value": ""}]}]}

    One entry per segment (by set position): its own code when it has a
    segment-level issue, else "8" (data element errors) over its elements.
    """
    segments = {}
    for issue in errors(issues):
        if not issue.ack_code:  # not a validation finding (no_guide, envelope)
            continue
        key = (issue.set_position, issue.segment)
        entry = segments.setdefault(
            key,
            {
                "segment": issue.segment,
                "set_position": issue.set_position,
                "loop": issue.loop,
                "code": "",
                "contrl_code": "",
                "elements": [],
            },
        )
        if issue.element_position:
            entry["elements"].append(
                {
                    "position": issue.element_position,
                    "component": issue.component_position,
                    "data_element": issue.data_element,
                    "code": issue.ack_code,
                    "contrl_code": issue.contrl_code,
                    "value": issue.value,
                }
            )
        elif not entry["code"]:
            entry["code"], entry["contrl_code"] = issue.ack_code, issue.contrl_code
            entry["loop"] = issue.loop
    for entry in segments.values():
        if not entry["code"]:
            entry["code"] = "8"
    ordered = [segments[key] for key in sorted(segments)]
    return {"status": "R" if ordered else "A", "syntax_errors": ["5"] if ordered else [], "segments": ordered}


def raise_for(issues, what="transaction set"):
    """Raise the core's ``ValidationFailed`` listing the errors, if any: what
    blocks an outbound file before it is sent."""
    found = errors(issues)
    if not found:
        return
    from odoo.addons.integration_core.lib.exceptions import ValidationFailed

    raise ValidationFailed(
        errors=[
            f"{i.segment} at set position {i.set_position}{' ' + i.element if i.element else ''}: {i.message}"
            for i in found
        ],
        details=f"{len(found)} error(s) in the {what}",
    )


__all__ = [
    "GUIDES_DIR",
    "acknowledgement",
    "Guide",
    "GuideError",
    "ISSUE_CODES",
    "check_override",
    "compile_guide",
    "errors",
    "guide_for",
    "guide_version",
    "load_dictionary",
    "load_guide",
    "load_override",
    "raise_for",
    "validate",
    "validate_file",
]
