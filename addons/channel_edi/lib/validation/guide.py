"""Implementation guides as data: loading, inheritance and partner overrides.

A guide says what one transaction set looks like for one standard and version
(``x12/004010/850``, ``edifact/D96A/ORDERS``). It is JSON under ``guides/``
(see ``guides/README.md`` for the format) and is made of:

- a *dictionary* (``guides/<standard>/<version>/segments.json``): every
  segment's elements in order, every data element's type and length, the
  composites and the X12 syntax notes, shared by all the sets of a version;
- the set's *structure*: its segments and (nested) loops in order with their
  usage and maximum use or repeat;
- *refinements* of the structure and of elements (``segments``, ``loops``,
  ``elements``: usage, maximum, code lists, lengths), which is also what a
  derived guide (``"base": "x12/004010/850"``, e.g. 004010VICS) and a
  partner's override add on top of a guide.

Nothing here checks a transaction: :mod:`.engine` compiles a :class:`Guide`
once into a fast structure and walks transactions with it.
"""

import json
from pathlib import Path

GUIDES_DIR = Path(__file__).resolve().parent / "guides"

SEGMENT_FIELDS = {"usage", "max"}
LOOP_FIELDS = {"usage", "max"}
ELEMENT_FIELDS = {"usage", "codes", "min", "max"}
HIERARCHY_FIELDS = {"levels", "roots", "parents", "positions"}
OVERRIDE_KEYS = {"partner", "version", "base", "description", "segments", "loops", "elements", "hierarchy"}
SEGMENT_USAGES = {"M", "O", "C", "N"}  # C: EDIFACT conditional (= optional); N: not used
ELEMENT_USAGES = {"M", "O", "X", "C", "N"}  # X: X12 conditional (a syntax note decides)


class GuideError(ValueError):
    """A guide or an override that cannot be used: unknown file, segment,
    element or loop, a malformed entry. Raised at load, never while
    validating."""


# --- the dictionary of a standard and version -----------------------------------------


class Dictionary:
    """Segments, composites and data elements of one standard and version.

    ``elements[id] = (name, type, min, max, codes or None)`` where type is
    X12's ``AN ID R DT TM N0..N9`` or EDIFACT's ``an a n``;
    ``segments[tag] = (name, [(usage, element or composite id, max repeat)], syntax notes, count)``
    where ``count`` may exceed the described elements: a segment described
    only up to the elements the guides use accepts the others as free text;
    ``composites[id] = (name, uses, syntax notes)``.
    """

    def __init__(self, standard, version, elements, composites, segments, dates=None):
        self.standard = standard
        self.version = version
        # EDIFACT dates whose format a qualifier gives: {"C507": {"value": 2, "format": 3, "formats": {...}}}
        self.dates = dates or {}
        self.elements = elements
        self.composites = composites
        self.segments = segments

    def segment_name(self, tag):
        return self.segments[tag][0] if tag in self.segments else tag


def parse_type(text, standard, where):
    """``"ID 2/2"`` (X12) or ``"an..35"`` / ``"n3"`` (EDIFACT) -> (type, min, max)."""
    text = text.strip()
    if standard == "edifact":
        for kind in ("an", "a", "n"):
            if text.startswith(kind) and (text[len(kind) :].lstrip(".").isdigit()):
                rest = text[len(kind) :]
                if rest.startswith(".."):
                    return kind, 1, int(rest[2:])
                return kind, int(rest), int(rest)
        raise GuideError(f"{where}: type {text!r} is not an EDIFACT type (an..35, n3, a..3)")
    kind, _, size = text.partition(" ")
    low, _, high = size.partition("/")
    valid_kind = kind in ("AN", "ID", "R", "DT", "TM", "B") or (
        len(kind) == 2 and kind[0] == "N" and kind[1].isdigit()
    )
    if not valid_kind or not low.isdigit() or not high.isdigit():
        raise GuideError(
            f"{where}: type {text!r} is not an X12 type (AN 1/30, ID 2/2, N2 1/15, R 1/10, DT 8/8, TM 4/8)"
        )
    return kind, int(low), int(high)


def parse_use(text, where):
    """``"M 353"``, ``"O C040"``, ``"O 1234*>1"`` -> (usage, id, max repeat or None)."""
    usage, _, ref = text.strip().partition(" ")
    ref, _, repeat = ref.partition("*")
    if usage not in ELEMENT_USAGES or not ref:
        raise GuideError(f"{where}: {text!r} is not '<usage M|O|X|C> <element id>'")
    return usage, ref, _max(repeat or "1", where)


def _max(text, where):
    text = str(text).strip()
    if text in (">1", "", "unbounded"):
        return None
    if not text.isdigit() or int(text) < 1:
        raise GuideError(f"{where}: maximum {text!r} is not a positive number or '>1'")
    return int(text)


def load_dictionary(standard, version):
    """The dictionary ``guides/<standard>/<version>/segments.json``, merged over
    its ``base`` dictionary when it names one (005010 over 004010)."""
    return _load_dictionary(standard, version)


_DICTIONARIES = {}


def _load_dictionary(standard, version):
    key = (standard, version)
    if key in _DICTIONARIES:
        return _DICTIONARIES[key]
    path = GUIDES_DIR / standard / version / "segments.json"
    if not path.is_file():
        raise GuideError(
            f"no dictionary for {standard} {version} (guides/{standard}/{version}/segments.json)"
        )
    raw = json.loads(path.read_text())
    elements, composites, segments, dates = {}, {}, {}, {}
    if raw.get("base"):
        base_standard, _, base_version = raw["base"].partition("/")
        base = _load_dictionary(base_standard, base_version)
        elements, composites, segments = dict(base.elements), dict(base.composites), dict(base.segments)
        dates = dict(base.dates)
    dates.update(raw.get("dates") or {})
    where = f"{standard}/{version}/segments.json"
    for ref, entry in raw.get("elements", {}).items():
        kind, low, high = parse_type(entry[1], standard, f"{where} element {ref}")
        codes = entry[2] if len(entry) > 2 else None
        elements[ref] = (entry[0], kind, low, high, frozenset(codes) if codes else None)
    for ref, entry in raw.get("composites", {}).items():
        uses = [parse_use(u, f"{where} composite {ref}") for u in entry[1]]
        composites[ref] = (entry[0], uses, tuple(entry[2]) if len(entry) > 2 else ())
    for tag, entry in raw.get("segments", {}).items():
        uses = [parse_use(u, f"{where} segment {tag}") for u in entry[1]]
        total = max(len(uses), entry[3] if len(entry) > 3 else 0)
        segments[tag] = (entry[0], uses, tuple(entry[2]) if len(entry) > 2 else (), total)
    for tag, entry in list(segments.items()) + list(composites.items()):
        for _usage, ref, _rep in entry[1]:
            if ref not in elements and ref not in composites:
                raise GuideError(f"{where}: {tag} uses {ref}, which is neither an element nor a composite")
    for ref, rule in dates.items():
        if ref not in composites or not {"value", "format", "formats"} <= set(rule):
            raise GuideError(f"{where}: dates {ref}: a composite with value, format and formats")
    dictionary = Dictionary(standard, version, elements, composites, segments, dates)
    _DICTIONARIES[key] = dictionary
    return dictionary


# --- guides ----------------------------------------------------------------------------


class Guide:
    """One transaction set's rules: a structure plus refinements.

    Treat it as immutable: :meth:`with_overrides` returns a new guide.
    ``applied`` lists the overrides in it as ``(partner, version)``.
    """

    def __init__(
        self, key, dictionary, set_id, name, structure, segments, loops, elements, hierarchy, applied=()
    ):
        self.key = key  # "x12/004010/850"
        self.dictionary = dictionary
        self.standard = dictionary.standard
        self.version = key.split("/")[1]
        self.set_id = set_id
        self.name = name
        self.structure = structure  # [("seg", tag, usage, max) | ("loop", id, usage, max, [...])]
        self.segments = segments  # {"REF" | "N1/REF": {usage, max}}
        self.loops = loops  # {"N1": {usage, max}}
        self.elements = elements  # {"BEG01" | "N1/REF01" | "MEA04-01": {usage, codes, min, max}}
        self.hierarchy = hierarchy  # {"HL": {levels, roots, parents}}
        self.applied = tuple(applied)
        self._compiled = None

    def __repr__(self):
        extra = "".join(f" +{p} v{v}" for p, v in self.applied)
        return f"<Guide {self.key}{extra}>"

    # what the guide holds, for checking overrides
    def segment_tags(self):
        return {tag for _path, tag in _segment_paths(self.structure)}

    def loop_ids(self):
        return {loop_id for loop_id, _entry in _loops(self.structure)}

    def segment_keys(self):
        """How overrides name segments and loops: ``"REF"`` for one at the
        heading (outside any loop), ``"PO1/REF"`` for one directly in loop
        PO1; a loop is named like its first segment (``"N1"``, ``"PO1/N1"``)."""
        return set(_keys(self.structure, ""))

    def with_overrides(self, *overrides):
        """The effective guide: this one with each override's refinements on
        top, in order. An override is a dict (or a JSON file's path); it is
        checked first (:func:`check_override`)."""
        guide = self
        for override in overrides:
            if override is None:
                continue
            if isinstance(override, str | Path):
                override = load_override(override)
            check_override(guide, override)
            guide = guide._merged(override, (str(override.get("partner", "")), override.get("version", 0)))
        return guide

    def _merged(self, refinements, applied=None):
        segments = _merge(self.segments, refinements.get("segments"))
        loops = _merge(self.loops, refinements.get("loops"))
        elements = _merge(self.elements, refinements.get("elements"))
        hierarchy = _merge(self.hierarchy, refinements.get("hierarchy"))
        for loop_id, rule in (refinements.get("hierarchy") or {}).items():
            if "parents" in rule:  # level by level: {"I": ["P"]} leaves the other levels' rules
                base = (self.hierarchy.get(loop_id) or {}).get("parents") or {}
                hierarchy[loop_id]["parents"] = {**base, **rule["parents"]}
        done = self.applied + ((applied,) if applied else ())
        return Guide(
            self.key,
            self.dictionary,
            self.set_id,
            self.name,
            self.structure,
            segments,
            loops,
            elements,
            hierarchy,
            done,
        )

    def compiled(self):
        """This guide compiled for the engine (once per guide object)."""
        if self._compiled is None:
            from .engine import compile_guide

            self._compiled = compile_guide(self)
        return self._compiled

    def validate(self, transaction):
        """The issues of ``transaction`` against this guide."""
        return self.compiled().validate(transaction)


def _merge(base, extra):
    out = {key: dict(value) for key, value in (base or {}).items()}
    for key, value in (extra or {}).items():
        out.setdefault(key, {}).update(value)
    return out


def _segment_paths(structure, path=""):
    for entry in structure:
        if entry[0] == "seg":
            yield path, entry[1]
        else:
            yield from _segment_paths(entry[4], entry[1])


def _keys(structure, parent):
    for entry in structure:
        yield f"{parent}/{entry[1]}" if parent else entry[1]
        if entry[0] == "loop":
            yield from _keys(entry[4], entry[1])


def _loops(structure):
    for entry in structure:
        if entry[0] == "loop":
            yield entry[1], entry
            yield from _loops(entry[4])


def parse_structure(items, where):
    """``["ST M 1", ["N1 O 200", "N1 M 1", "N2 O 2"], ...]`` -> entries."""
    out = []
    for item in items:
        if isinstance(item, str):
            tag, usage, most = _entry_head(item, where)
            out.append(("seg", tag, usage, most))
        elif isinstance(item, list) and item and isinstance(item[0], str) and len(item) > 1:
            loop_id, usage, most = _entry_head(item[0], where)
            children = parse_structure(item[1:], f"{where} loop {loop_id}")
            if children[0][0] != "seg":
                raise GuideError(f"{where}: loop {loop_id} must start with a segment")
            out.append(("loop", loop_id, usage, most, children))
        else:
            raise GuideError(f"{where}: {item!r} is neither 'TAG usage max' nor a loop list")
    return out


def _entry_head(text, where):
    parts = text.split()
    if len(parts) != 3 or parts[1] not in SEGMENT_USAGES:
        raise GuideError(f"{where}: {text!r} is not '<segment or loop> <usage M|O|C|N> <max>'")
    return parts[0], parts[1], _max(parts[2], f"{where} {parts[0]}")


_GUIDES = {}


def load_guide(standard, version, set_id):
    """The guide of ``set_id`` for ``standard`` (``x12``/``edifact``) and
    ``version`` (``004010``, ``004010VICS``, ``005010``, ``D96A``), cached."""
    key = f"{standard.lower()}/{version}/{set_id}"
    if key not in _GUIDES:
        _GUIDES[key] = _load_guide(key)
    return _GUIDES[key]


def _load_guide(key):
    standard, version, set_id = key.split("/")
    path = GUIDES_DIR / standard / version / f"{set_id}.json"
    if not path.is_file():
        raise GuideError(f"no guide for {key} (guides/{key}.json)")
    raw = json.loads(path.read_text())
    where = f"{key}.json"
    unknown = set(raw) - {
        "base",
        "dictionary",
        "set",
        "name",
        "functional_group",
        "description",
        "structure",
        *OVERRIDE_KEYS,
    }
    if unknown:
        raise GuideError(f"{where}: unknown keys {sorted(unknown)}")
    if raw.get("base"):
        base = load_guide(*raw["base"].split("/"))
        dictionary = base.dictionary
        if raw.get("dictionary"):
            dictionary = _load_dictionary(*raw["dictionary"].split("/"))
        structure = parse_structure(raw["structure"], where) if raw.get("structure") else base.structure
        derived = Guide(
            key,
            dictionary,
            set_id,
            raw.get("name", base.name),
            structure,
            base.segments,
            base.loops,
            base.elements,
            base.hierarchy,
        )
        check_override(derived, raw, where=where, base_key=False)
        return derived._merged(raw)
    dictionary = _load_dictionary(*(raw.get("dictionary") or f"{standard}/{version}").split("/"))
    guide = Guide(
        key,
        dictionary,
        set_id,
        raw.get("name", set_id),
        parse_structure(raw["structure"], where),
        {},
        {},
        {},
        {},
    )
    for _path, tag in _segment_paths(guide.structure):
        if tag not in dictionary.segments:
            raise GuideError(
                f"{where}: segment {tag} is not in the {dictionary.standard} {dictionary.version} dictionary"
            )
    check_override(guide, raw, where=where, base_key=False)
    return guide._merged(raw)


def load_override(path):
    """A partner override from a JSON file."""
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise GuideError(f"override {Path(path).name}: {exc}") from exc


def check_override(guide, override, where=None, base_key=True):
    """Raise :class:`GuideError` when ``override`` names a segment, loop or
    element ``guide`` does not have, or holds a malformed rule."""
    where = where or f"override {override.get('partner', '?')} v{override.get('version', '?')}"
    if not isinstance(override, dict):
        raise GuideError(f"{where}: an override is a JSON object")
    if base_key:
        unknown = set(override) - OVERRIDE_KEYS
        if unknown:
            raise GuideError(f"{where}: unknown keys {sorted(unknown)}")
        if override.get("base") and not override_fits(override, guide):
            raise GuideError(f"{where}: made for {override['base']}, applied to {guide.key}")
        if "version" in override and not isinstance(override["version"], int):
            raise GuideError(f"{where}: version must be a number")
    tags, loop_ids, keys = guide.segment_tags(), guide.loop_ids(), guide.segment_keys()
    for key, rule in (override.get("segments") or {}).items():
        if key not in keys:
            hint = " (name the loop it is in: PO1/REF)" if key.rpartition("/")[2] in tags else ""
            raise GuideError(f"{where}: segment {key} is not in {guide.key}{hint}")
        _check_rule(rule, SEGMENT_FIELDS, f"{where} segment {key}")
    for key, rule in (override.get("loops") or {}).items():
        if key.rpartition("/")[2] not in loop_ids or key not in keys:
            raise GuideError(f"{where}: loop {key} is not in {guide.key}")
        _check_rule(rule, LOOP_FIELDS, f"{where} loop {key}")
    for key, rule in (override.get("elements") or {}).items():
        _check_element_ref(guide, key, tags, loop_ids, where)
        _check_rule(rule, ELEMENT_FIELDS, f"{where} element {key}")
    for key, rule in (override.get("hierarchy") or {}).items():
        if key not in loop_ids:
            raise GuideError(f"{where}: hierarchy of loop {key}, which is not in {guide.key}")
        _check_rule(rule, HIERARCHY_FIELDS, f"{where} hierarchy {key}")


def override_fits(override, guide):
    """Whether ``override`` (its ``base``) is made for ``guide``: same standard
    and set, and the guide's version starts with the base's (an override for
    004010 fits 004010VICS). An override without a base fits every guide."""
    if not override.get("base"):
        return True
    standard, _, rest = override["base"].partition("/")
    version, _, set_id = rest.partition("/")
    return standard == guide.standard and set_id == guide.set_id and guide.version.startswith(version)


def _check_rule(rule, fields, where):
    if not isinstance(rule, dict):
        raise GuideError(f"{where}: a rule is a JSON object")
    unknown = set(rule) - fields
    if unknown:
        raise GuideError(f"{where}: unknown fields {sorted(unknown)} (known: {sorted(fields)})")
    usage = rule.get("usage")
    if usage is not None and usage not in SEGMENT_USAGES | ELEMENT_USAGES:
        raise GuideError(f"{where}: usage {usage!r} is not M, O, X, C or N")
    if "codes" in rule and not (
        isinstance(rule["codes"], list) and all(isinstance(c, str) for c in rule["codes"])
    ):
        raise GuideError(f"{where}: codes must be a list of strings")
    for name in ("min", "max"):
        if name in rule and rule[name] != ">1" and not (isinstance(rule[name], int) and rule[name] >= 0):
            raise GuideError(f"{where}: {name} must be a number")


def split_ref(ref):
    """``"PO1/REF02-01"`` -> ("PO1", "REF", 2, 1); component 0 when absent."""
    loop_id, _, ref = ref.rpartition("/")
    ref, _, component = ref.partition("-")
    tag, number = ref[:-2], ref[-2:]  # the tag may hold digits itself: N101, PO104
    if not tag or not number.isdigit() or (component and not component.isdigit()):
        return None
    return loop_id, tag, int(number), int(component or 0)


def _check_element_ref(guide, key, tags, loop_ids, where):
    parts = split_ref(key)
    if parts is None:
        raise GuideError(f"{where}: {key!r} is not an element reference (BEG03, PO1/REF02, MEA04-01)")
    loop_id, tag, number, component = parts
    if tag not in tags or (loop_id and loop_id not in loop_ids):
        raise GuideError(f"{where}: element {key}: segment {tag} is not in {guide.key}")
    uses, total = guide.dictionary.segments[tag][1], guide.dictionary.segments[tag][3]
    if not 1 <= number <= total:
        raise GuideError(f"{where}: element {key}: {tag} has {total} elements")
    if component:
        if number > len(uses):
            raise GuideError(f"{where}: element {key}: {tag}{number:02d} is not described as a composite")
        ref = uses[number - 1][1]
        if ref not in guide.dictionary.composites:
            raise GuideError(f"{where}: element {key}: {tag}{number:02d} is not a composite")
        if not 1 <= component <= len(guide.dictionary.composites[ref][1]):
            raise GuideError(f"{where}: element {key}: composite {ref} has no component {component}")
