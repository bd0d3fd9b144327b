"""A straight-line check per segment: the engine's fast yes.

Most segments of a file are valid. For each segment position of a guide and
each set of separators, :func:`checker` writes a small Python function from
the same :class:`~.engine.ElementSpec` rules the detailed checks use, with
every constant (lengths, code sets, separators) inlined and no loop::

    def check(raw):                 # ["PO1", "1", "10", "EA", ...] as read
        n = len(raw) - 1
        if n > 25 or n < 0: return -1
        ...
        v = raw[3]
        if v:
            if v not in C3: return -1
            p |= 8
        ...
        return p                    # the presence mask, for the syntax notes

It answers only "valid" (the presence mask of the elements, for the syntax
notes the engine then checks) or -1, "look closer": the detailed checks of
:mod:`.engine` then find and name each problem. It never says valid where the
detailed checks would find a problem; what it does not handle (composites
holding a value, repetitions, release characters, signs, not-used elements)
it sends to the detailed checks. ``tests/channel_edi/test_validation_fast.py``
compares both on every sample and on damaged copies of them.
"""

_TEXT = ("AN", "ID", "an", "B")


def checker(spec, component, repetition, release):
    """The check function of ``spec`` for segments written with these separators."""
    lines = ["def check(raw):", "    n = len(raw) - 1"]
    last_mandatory = max((e.position for e in spec.elements if e.usage == "M"), default=0)
    lines.append(f"    if n > {spec.count} or n < {last_mandatory}: return -1")
    lines.append('    j = "".join(raw)')
    specials = [repr(c) for c in (component, repetition, release) if c]
    tests = " or ".join(f"{c} in j" for c in specials)
    lines.append(f"    if {tests + ' or ' if tests else ''}not j.isprintable(): return -1")
    lines.append("    p = 0")
    namespace = {"_decimal": _decimal, "_date": _date, "_time": _time, "_alpha": _alpha}
    for element in spec.elements:
        i = element.position
        lines.append(f"    if n < {i}: return p")
        lines.append(f"    v = raw[{i}]")
        lines.append("    if v:")
        for line in _value_check(element, namespace):
            lines.append("        " + line)
        lines.append(f"        p |= {1 << i}")
        if element.usage == "M":
            lines.append("    else: return -1")
    lines.append("    return p")
    exec(compile("\n".join(lines), f"<check {spec.tag}>", "exec"), namespace)  # noqa: S102 - our own text
    return namespace["check"]


def _value_check(element, namespace):
    """Lines that ``return -1`` unless ``v`` (non-empty) is certainly valid."""
    kind, low, high = element.kind, element.low, element.high
    if element.components is not None or element.usage == "N":
        return ["return -1"]  # a composite's value or a value where none is allowed: look closer
    size = f"{low} <= len(v) <= {high}"
    if element.codes is not None:
        name = f"C{element.position}"
        namespace[name] = element.codes
        return [f"if v not in {name} or not ({size}): return -1"]
    if kind in _TEXT:
        return [f"if not ({size}): return -1"]
    if kind[0] == "N" and len(kind) == 2:  # X12 implied decimals: digits only (a sign: look closer)
        return [f"if not (v.isdigit() and {size}): return -1"]
    if kind == "R":  # inline: most decimals are digits with one point
        return [
            f"if not (v.isdigit() and {size}):",
            '    d = v.replace(".", "", 1)',
            f"    if not (d.isdigit() and {low} <= len(d) <= {high}): return -1",
        ]
    if kind == "n":
        return [f"if not _decimal(v, {low}, {high}, True): return -1"]
    if kind == "DT":
        return [f"if not ({size} and _date(v)): return -1"]
    if kind == "TM":
        return [f"if not ({size} and _time(v)): return -1"]
    if kind == "a":
        return [f"if not ({size} and _alpha(v)): return -1"]
    return ["return -1"]


def _decimal(value, low, high, comma):
    """Digits with at most one decimal mark and a digit before it; no sign."""
    if value.isdigit():
        return low <= len(value) <= high
    whole, mark, fraction = value.partition(".")
    if not mark and comma:
        whole, mark, fraction = value.partition(",")
    digits = whole + fraction
    return bool(mark) and bool(whole) and digits.isdigit() and low <= len(digits) <= high


_GOOD_DATES, _GOOD_TIMES = set(), set()  # values already found valid (a file repeats a few)


def _date(value):
    if value in _GOOD_DATES:
        return True
    from .engine import _valid_date

    ok = _valid_date(value)
    if ok and len(_GOOD_DATES) < 4096:
        _GOOD_DATES.add(value)
    return ok


def _time(value):
    if value in _GOOD_TIMES:
        return True
    from .engine import _valid_time

    ok = _valid_time(value)
    if ok and len(_GOOD_TIMES) < 4096:
        _GOOD_TIMES.add(value)
    return ok


def _alpha(value):
    return not any(c.isdigit() for c in value)
