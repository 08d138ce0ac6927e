"""Stage 1's shared parts: the leaf and outcome types, issue and message helpers, and the
reading of decimals and date-times."""

import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache, partial
from typing import Any, NamedTuple

from django.utils.functional import lazy

from datamodel.dictionary import (
    ElementSpec,
    json_pointer,
    wco_pointer,
)
from datamodel.issues import Issue, IssueCode, Severity
from datamodel.text import FORBIDDEN_CHARS_RE, ExponentDecimal

MAX_ISSUES = 500
MAX_NODES = 250_000
MAX_METADATA_LENGTH = 512
# The longest attribute of a text, code or ID whose type sets no maxLength (names, URIs of
# code lists): as for the envelope's texts, bounded so that a document stays small.
MAX_ATTRIBUTE_LENGTH = 512

Parts = tuple[str | int, ...]

# WCO DM IDs whose code lists are upper-case: countries (242 address, 064 routing, T014
# nationality of transport, 465 destination, 062 exportation, 063 origin), currency (135),
# Incoterms (090).
UPPERCASE_IDS = frozenset({"242", "064", "T014", "465", "062", "063", "135", "090"})
_NUMERIC_BASES = frozenset(
    {"udt:NumericType", "udt:AmountType", "udt:MeasureType", "udt:QuantityType"}
)
_NOT_BLANK = r".*[^\s].*"
_DECIMAL_RE = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?")
# The characters no text may hold, on every channel (``datamodel.text``).
_FORBIDDEN_CHARS_RE = FORBIDDEN_CHARS_RE
# udt:DateTimePatternType of the schema.
_DATETIME_RE = re.compile(r"(20\d{6})(?:(\d{6})(Z|[-+]\d\d))?", re.ASCII)
_DATETIME_FORMATS = {"102": "CCYYMMDD", "304": "CCYYMMDDHHMMSS with Z or +hh/-hh"}
_CURRENCY_RE = re.compile(r"[A-Z]{3}")
_UNIT_MAX_LENGTH = 5
# xs:language (XSD 1.0 part 2, 3.3.3: RFC 3066 tags such as EN or en-GB).
_LANGUAGE_RE = re.compile(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*")
# xs:anyURI as libxml2 checks it (so that what stage 1 accepts, the XSD does too): the
# characters a URI cannot hold are taken as escaped (each becomes "_"), and the rest must be
# an RFC 3986 URI reference whose port, if any, fits in an int.
_URI_ESCAPED_RE = re.compile(r"""[\x00-\x20\x7f-\U0010ffff<>"{}|\\^`']""")
_URI_PCT = r"%[0-9A-Fa-f]{2}"
_URI_CHARS = r"A-Za-z0-9\-._~!$&'()*+,;="  # unreserved and sub-delims
_URI_PCHAR = rf"(?:[{_URI_CHARS}:@]|{_URI_PCT})"
_URI_PATH = rf"(?:/{_URI_PCHAR}*)*"
_URI_RE = re.compile(
    rf"(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*):)?"
    rf"(?://(?:(?:[{_URI_CHARS}:]|{_URI_PCT})*@)?(?:\[[^\]]*\]|(?:[{_URI_CHARS}]|{_URI_PCT})*)"
    rf"(?::(?P<port>[0-9]+))?{_URI_PATH}"
    rf"|(?P<path>/?(?:{_URI_PCHAR}+{_URI_PATH})?))"
    rf"(?:\?(?:{_URI_PCHAR}|[/?])*)?(?:#(?:{_URI_PCHAR}|[/?\[\]])*)?"
)
_INT_MAX = 2**31 - 1
# Integers longer than this are refused before they are turned into text (Python limits
# int-to-str conversion, and no leaf allows more than 18 digits).
_MAX_INT = 10**40


class Leaf(NamedTuple):
    """A leaf seen by stage 1, handed to the stage 2 rules.

    ``value``: the canonical value (``None`` if it failed stage 1); ``attribute``: its
    ``currencyID``/``unitCode``/``formatCode`` (``None`` when absent or failed). A named
    tuple, not a dataclass: a large declaration makes tens of thousands of them.
    """

    parts: Parts
    spec: ElementSpec
    value: str | None
    attribute: str | None


@dataclass(slots=True)
class Structure:
    """The outcome of stage 1.

    ``document``: the canonical document, ``None`` when the input is not a declaration at
    all; ``failed``: paths (as parts) of the elements and attributes stage 1 reported as
    errors, which stage 2 leaves alone; ``leaves``: the leaves stage 2 asked for, by WCO ID
    (``spec.pointer_id``) or by value kind (``amount``, ``measure``, ``quantity``,
    ``datetime``), in document order.
    """

    document: dict[str, Any] | None
    issues: list[Issue] = field(default_factory=list)
    failed: set[Parts] = field(default_factory=set)
    leaves: dict[str, list[Leaf]] = field(default_factory=lambda: defaultdict(list))


def issue_at(
    code: IssueCode, parts: Parts, message: str, severity: Severity = Severity.ERROR
) -> Issue:
    """An ``Issue`` about the field at ``parts``, with its WCO pointer and JSON pointer."""
    return Issue(
        code=code,
        pointer=wco_pointer(parts),
        path=json_pointer(parts),
        message=message,
        severity=severity,
    )


def label(spec: ElementSpec) -> str:
    """How messages name a field: the WCO name and the element name, e.g.
    ``Net net weight (NetNetWeightMeasure)``."""
    if not spec.wco_name or spec.wco_name == spec.name:
        return spec.name
    return f"{spec.wco_name} ({spec.name})"


def _interpolate(template: str, params: dict[str, object]) -> str:
    return str(template) % params


_interpolate_lazy = lazy(_interpolate, str)


def message(template: str, **params: object) -> str:
    """A message with ``%(name)s`` placeholders, translated when it is shown.

    ``template`` is a ``gettext_lazy`` string, so the language is the one active when the
    issue is rendered (``str(issue.message)``), not when it was found.
    """
    return _interpolate_lazy(template, params)


# Leaf(...) without the keyword handling of a named tuple's __new__: tens of thousands per
# large declaration.
_new_leaf: Callable[[tuple[Parts, ElementSpec, str | None, str | None]], Leaf] = partial(
    tuple.__new__, Leaf
)


class _TooLarge(Exception):
    pass


def canonical_decimal(raw: object) -> str | None:
    """The canonical decimal string of a JSON number or numeric string, ``None`` if not one.

    ``"0012.500"`` -> ``"12.5"``, ``-0.0`` -> ``"0"``; NaN, infinities, exponents (in
    strings, and JSON numbers written with one: ``ExponentDecimal``), booleans and integers
    of more than 40 digits are not decimals here (xs:decimal, XSD 1.0 part 2 section 3.2.3,
    has no exponent and no special values). A Python float (from a caller, never from the
    API's JSON) is taken by its shortest repr: ``1e-05`` -> ``"0.00001"``.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        if abs(raw) >= _MAX_INT:
            return None
        text = str(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            return None
        text = format(Decimal(repr(raw)), "f")
    elif isinstance(raw, Decimal):
        if isinstance(raw, ExponentDecimal) or not raw.is_finite() or abs(raw.adjusted()) > 40:
            return None
        text = format(raw, "f")
    elif isinstance(raw, str):
        text = raw.strip()
        if len(text) > 100:
            return None
    else:
        return None
    match = _DECIMAL_RE.fullmatch(text)
    if match is None:
        return None
    sign, whole, fraction = match.groups()
    if not whole and not fraction:
        return None
    whole = whole.lstrip("0") or "0"
    fraction = (fraction or "").rstrip("0")
    number = f"{whole}.{fraction}" if fraction else whole
    return "-" + number if sign == "-" and number != "0" else number


def _digits(canonical: str) -> tuple[int, int]:
    """(totalDigits, fractionDigits) of a canonical decimal string, as XSD counts them."""
    whole, _, fraction = canonical.lstrip("-").partition(".")
    whole = whole.lstrip("0")
    return len(whole) + len(fraction), len(fraction)


def _text(raw: object) -> str | None:
    """A text as it came, ``None`` for anything else. A code, ID or text sent as a JSON
    number is refused, not written out: ``0101`` sent as a number arrives as 101, and the
    lost leading zero makes another commodity code (or LRN, or EORI)."""
    return raw if isinstance(raw, str) else None


def is_json_number(raw: object) -> bool:
    """Whether ``raw`` is a JSON number (not a boolean)."""
    return isinstance(raw, int | float | Decimal) and not isinstance(raw, bool)


def _one_line(text: str) -> bool:
    return "\n" not in text and "\r" not in text


def _is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


# Remembered: date-times repeat within and across declarations, ``strptime`` is slow, and a
# datetime is immutable. Bounded, as the input is untrusted.
@lru_cache(maxsize=4096)
def parse_datetime(text: str) -> datetime | None:
    """A schema date-time text as a ``datetime``, ``None`` if it is not one.

    ``CCYYMMDD`` (formatCode 102) gives a naive midnight; ``CCYYMMDDHHMMSS`` followed by
    ``Z`` or ``+hh``/``-hh`` (formatCode 304) an aware date-time. Source: the schema's
    ``udt:DateTimePatternType`` ``(20\\d{6})(\\d{6}(Z|[-+]\\d\\d))?``.
    """
    match = _DATETIME_RE.fullmatch(text)
    if match is None:
        return None
    day, time, zone = match.groups()
    try:
        if time is None:
            return datetime.strptime(day, "%Y%m%d")
        offset = "+00" if zone == "Z" else zone
        return datetime.strptime(f"{day}{time}{offset}00", "%Y%m%d%H%M%S%z")
    except ValueError:
        return None
