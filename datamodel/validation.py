"""Stage 1 of declaration validation: structure and formats (the XSD facts), and normalisation.

``check_structure(data)`` walks an untrusted, parsed JSON value against
``datamodel.dictionary.declaration_spec()`` and returns the canonical document, the issues
found and what stage 2 (``datamodel.rules``) needs. It never raises on bad input. The entry
point for callers is ``datamodel.validate_declaration``, which runs both stages.

What stage 1 checks (source: the DEC-DMS 2.15 schema, via the element dictionary):

- the top level is ``{"Declaration": {...}}`` with an optional ``"MetaData"`` object of
  strings (the envelope, kept as given, stripped); a field that carries XML attributes is
  ``{"value": text, attribute: text}``, with the attributes the MetaData schema allows on
  that field (``languageID``, ``listID``...; others are ``UNKNOWN_ELEMENT``); anything else
  is ``MALFORMED`` or ``UNKNOWN_ELEMENT``;
- element names (``UNKNOWN_ELEMENT``), ``minOccurs`` (``REQUIRED``), ``maxOccurs``
  (``TOO_MANY``, pointed at the first entry too many), objects vs values (``WRONG_TYPE``);
- the XML attributes of texts, codes and IDs (``{"value": text, attribute: text}``): those
  the leaf's schema type allows (``ElementSpec.allowed_attributes``: ``languageID``,
  ``listID``, ``listAgencyID``, ``schemeID``...; others are ``UNKNOWN_ELEMENT`` at the
  attribute), each against its type: ``xs:language``, ``xs:anyURI``, the agency code's
  ``maxLength`` 3 (``TOO_LONG``, ``BAD_FORMAT``), at most ``MAX_ATTRIBUTE_LENGTH``
  characters where the type sets no limit; the value as in the bare form;
- leaf facets: ``maxLength`` (``TOO_LONG``), ``length``, ``pattern``, ``enumeration``,
  ``totalDigits``/``fractionDigits`` of decimals, the date-time pattern
  ``CCYYMMDD[HHMMSS(Z|+hh|-hh)]`` with ``formatCode`` 102/304, a 3-letter ``currencyID``,
  a 1-5 character ``unitCode`` (all ``BAD_FORMAT``); control characters and lone surrogates
  in text (``BAD_FORMAT``: XML cannot carry them).

Normalisation (the canonical form, see ``datamodel.dictionary``):

- keys in schema order; strings stripped; code values (xs:token) with inner runs of blanks
  folded to one space; country, currency and Incoterms codes, ``currencyID`` and
  ``unitCode`` upper-cased (their code lists are upper-case);
- decimals as canonical decimal strings: no exponent, no leading or trailing zeros, no
  ``-0`` (``"0012.500"`` -> ``"12.5"``); JSON numbers are accepted for decimals and integers
  for any value (``9`` -> ``"9"``), booleans never;
- amounts, measures, quantities and date-times are always ``{"value": ..., attr}`` objects;
  a bare value is accepted and wrapped; a date-time without ``formatCode`` gets the one its
  length implies (8 digits: ``102``, else ``304``);
- a text, code or ID with attributes is ``{"value": ..., attributes...}`` with the
  attributes stripped, in schema order, blank ones left out; one left without any is its
  plain value again (so the usual leaf stays a string). An object with ``"value"`` alone is
  not a leaf form (``WRONG_TYPE``): the object form is for a leaf that carries attributes.

Decisions (documented here because callers rely on them):

- ``null``, ``""`` and blank strings count as absent (browser forms post empty fields);
- a single object given for a repeatable element is accepted and wrapped in a one-element
  list, with a ``NOT_A_LIST`` *warning*; an empty list counts as absent;
- an entry of a list that is not an object is reported (``WRONG_TYPE``) and kept as ``{}``
  so that list indexes in issue paths stay those of the input;
- text that fails a format check is kept (stripped) so a form can show it again; values of
  the wrong type (an object for a code, NaN for a mass) are dropped from the document;
- at most ``MAX_ISSUES`` issues are listed, and a document of more than ``MAX_NODES``
  elements is refused (``TOO_LARGE``): validation time stays bounded whatever comes in.
"""

import math
import re
from collections import defaultdict
from collections.abc import Callable, Collection, MutableSequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cache, lru_cache, partial
from typing import Any, NamedTuple

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from datamodel.dictionary import (
    AttributeSpec,
    ElementSpec,
    declaration_spec,
    json_pointer,
    metadata_attributes,
    wco_pointer,
)
from datamodel.issues import Issue, IssueCode, Severity

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
# C0 controls other than tab/newline/carriage return, DEL, lone surrogates, non-characters.
_FORBIDDEN_CHARS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
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


@dataclass(frozen=True, slots=True)
class _LeafFormat:
    numeric: bool
    token: bool
    upper: bool
    max_length: int | None
    length: int | None
    pattern: re.Pattern[str] | None
    total_digits: int | None
    fraction_digits: int | None
    enumeration: tuple[str, ...]
    single_line: bool


@cache
def _leaf_format(spec: ElementSpec) -> _LeafFormat:
    """The facets of a leaf, parsed and compiled once per spec (the specs live as long as
    the process: ``declaration_spec`` is cached)."""
    facets = spec.facets
    return _LeafFormat(
        numeric=spec.base_type in _NUMERIC_BASES,
        token=spec.base_type == "udt:CodeType",
        upper=spec.pointer_id in UPPERCASE_IDS,
        max_length=int(facets["maxLength"]) if "maxLength" in facets else None,
        length=int(facets["length"]) if "length" in facets else None,
        # The schema's ".*[^\s].*" (not blank, XSD "." excludes line breaks) holds for
        # any stripped non-blank text on one line, which is cheaper to test directly.
        pattern=(
            re.compile(facets["pattern"], re.ASCII)
            if facets.get("pattern") not in (None, _NOT_BLANK)
            else None
        ),
        single_line=facets.get("pattern") == _NOT_BLANK,
        total_digits=int(facets["totalDigits"]) if "totalDigits" in facets else None,
        fraction_digits=(int(facets["fractionDigits"]) if "fractionDigits" in facets else None),
        enumeration=tuple(spec.enumeration),
    )


# -- fast checks ------------------------------------------------------------------------------
#
# Most leaves of a declaration are valid. For those, a check compiled once per spec gives
# the canonical value directly; anything else (wrong type, blank, any facet failed) gives
# None and goes the reporting way (``_Walk.leaf``), which checks again from the start and
# says what is wrong. A fast check accepts only what the reporting way accepts without an
# issue, and gives the same canonical value. The XML import's one-walk reading
# (``datamodel.xmlio.fastread``) uses the same checks through ``text_leaf_check`` and
# ``kind_leaf_check``.

type TextCheck = Callable[[str], str | None]
type KindCheck = Callable[[object], tuple[Any, str | None, str | None] | None]


def _printable_enough(text: str, single_line: bool) -> bool:
    """What ``_Walk.value`` accepts of a text that is not printable: no control character
    (BAD_FORMAT), and no line break where the single-line facet holds (BAD_FORMAT)."""
    return not _FORBIDDEN_CHARS_RE.search(text) and not (
        single_line and ("\n" in text or "\r" in text)
    )


def _text_check(fmt: _LeafFormat) -> TextCheck:
    """The canonical text of a valid text leaf (``_Walk.value``, not numeric), else None
    (also for a blank one, which ``_Walk`` reports as missing before it checks a value)."""
    token, upper, single_line = fmt.token, fmt.upper, fmt.single_line
    max_length, length, pattern = fmt.max_length, fmt.length, fmt.pattern
    enumeration = frozenset(fmt.enumeration)
    if max_length is not None and length is None and pattern is None and not (upper or enumeration):
        # Nine leaves in ten: a text or a code with a maximum length only.
        limit = max_length
        if not token:

            def check_text(raw: str) -> str | None:
                text = raw.strip()
                if not text or len(text) > limit:
                    return None
                if text.isprintable() or _printable_enough(text, single_line):
                    return text
                return None

            return check_text

        def check_code(raw: str) -> str | None:
            # Letters and digits only: nothing to collapse.
            text = raw if raw.isalnum() else " ".join(raw.split())
            if not text or len(text) > limit:
                return None
            if text.isprintable() or _printable_enough(text, single_line):
                return text
            return None

        return check_code

    def check(raw: str) -> str | None:
        text = " ".join(raw.split()) if token else raw.strip()
        if upper:
            text = text.upper()
        if (
            not text
            or (not text.isprintable() and not _printable_enough(text, single_line))
            or (max_length is not None and len(text) > max_length)
            or (length is not None and len(text) != length)
            or (pattern is not None and not pattern.fullmatch(text))
            or (enumeration and text not in enumeration)
        ):
            return None
        return text

    return check


def _decimal_check(fmt: _LeafFormat) -> TextCheck:
    """The canonical decimal of a valid numeric leaf given as text
    (``_Walk.decimal_value``), else None."""
    total_digits, fraction_digits = fmt.total_digits, fmt.fraction_digits

    def check(raw: str) -> str | None:
        if raw.isdigit() and raw.isascii() and raw[0] != "0":
            value = raw  # already canonical: ASCII digits without a leading zero
            total, fraction = len(raw), 0
        else:
            value = canonical_decimal(raw)
            if value is None:
                return None
            total, fraction = _digits(value)
        if (fraction_digits is not None and fraction > fraction_digits) or (
            total_digits is not None and total > total_digits
        ):
            return None
        return value

    return check


def _datetime_check(raw: str) -> str | None:
    """The stripped text of a valid date-time value (``_Walk.datetime_value``), else None."""
    text = raw.strip()
    return text if len(text) <= 35 and parse_datetime(text) is not None else None


def _currency_check(raw: str) -> str | None:
    text = raw.strip().upper()
    return text if _CURRENCY_RE.fullmatch(text) else None


def _unit_check(raw: str) -> str | None:
    text = raw.strip().upper()
    if len(text) > _UNIT_MAX_LENGTH or (
        not text.isprintable() and _FORBIDDEN_CHARS_RE.search(text)
    ):
        return None
    return text


def _format_code_check(raw: str) -> str | None:
    text = raw.strip()
    return text if text in _DATETIME_FORMATS else None


_ATTRIBUTE_CHECKS: dict[str, TextCheck] = {
    "currencyID": _currency_check,
    "unitCode": _unit_check,
    "formatCode": _format_code_check,
}


@cache
def text_leaf_check(spec: ElementSpec) -> TextCheck:
    """The fast check of a leaf without value kind (text, code or number): its canonical
    value when stage 1 accepts the text without an issue, else None."""
    fmt = _leaf_format(spec)
    return _decimal_check(fmt) if fmt.numeric else _text_check(fmt)


@cache
def kind_leaf_check(spec: ElementSpec) -> KindCheck:
    """The fast check of an amount, measure, quantity or date-time leaf (``_Walk.leaf``
    with a value kind): ``(canonical, value, attribute)`` of a leaf given as ``{"value":
    text, attribute: text}`` or as bare text that stage 1 accepts without an issue, else
    None."""
    name = spec.attribute
    check_parts = kind_leaf_parts_check(spec)

    def check(raw: object) -> tuple[Any, str | None, str | None] | None:
        if type(raw) is str:
            return check_parts(raw, None)
        if type(raw) is not dict or len(raw) != (2 if name in raw else 1):
            return None  # not an object, no "value", or keys the leaf does not have
        value = raw.get("value")
        if type(value) is not str:
            return None
        return check_parts(value, raw.get(name))

    return check


type KindPartsCheck = Callable[[str, object], tuple[Any, str | None, str | None] | None]


@cache
def kind_leaf_parts_check(spec: ElementSpec) -> KindPartsCheck:
    """``kind_leaf_check`` for a leaf given as its value text and its attribute (``None``
    when absent)."""
    kind, name = spec.value_kind, spec.attribute
    assert name is not None
    value_check = _datetime_check if kind == "datetime" else _decimal_check(_leaf_format(spec))
    attribute_check = _ATTRIBUTE_CHECKS[name]
    is_datetime = kind == "datetime"

    def check(raw: str, given: object) -> tuple[Any, str | None, str | None] | None:
        value = value_check(raw)
        if value is None:
            return None
        attribute: str | None = None
        if type(given) is str:
            if given.strip():
                attribute = attribute_check(given)
                if attribute is None:
                    return None
                if is_datetime and (attribute == "102") != (len(value) == 8):
                    return None
        elif given is not None:
            return None
        if is_datetime and attribute is None:
            attribute = "102" if len(value) == 8 else "304"
        canonical = {"value": value} if attribute is None else {"value": value, name: attribute}
        return canonical, value, attribute

    return check


# -- attributes of texts, codes and IDs --------------------------------------------------------
#
# A text, code or ID leaf may carry the XML attributes its schema type allows
# (``ElementSpec.allowed_attributes``: ``languageID`` on a text, ``listID``, ``listAgencyID``...
# on a code, ``schemeID``, ``schemeAgencyID``... on an ID). It is then ``{"value": text,
# attribute: text...}``: the value checked as the bare form is, each attribute against its
# schema type, stripped, blank ones left out; a leaf left without any is its plain value.
# One check per attribute type, for the reporting way (``_Walk.attributed_leaf``) and for
# the XML import's one walk (``text_leaf_attributes_check``).

type AttributeProblem = tuple[IssueCode, str] | None
type AttributesCheck = Callable[[list[tuple[str, str]]], dict[str, str] | None]


def _xsd_regex(pattern: str) -> re.Pattern[str]:
    """An XSD pattern (matched whole, so to be used with ``fullmatch``) as a Python one: the
    XSD "." matches neither line feed nor carriage return, Python's matches the latter."""
    out: list[str] = []
    in_class = escaped = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "[]":
            in_class = char == "["
        elif char == "." and not in_class:
            char = r"[^\n\r]"
        out.append(char)
    return re.compile("".join(out))


def is_any_uri(text: str) -> bool:
    """Whether ``text`` (stripped) is an xs:anyURI as libxml2, and so the XSD, reads one."""
    match = _URI_RE.fullmatch(_URI_ESCAPED_RE.sub("_", text))
    if match is None:
        return False
    path, port = match.group("path"), match.group("port")
    if match.group("scheme") is None and path and ":" in path.partition("/")[0]:
        return False  # a relative reference's first segment cannot hold a colon
    digits = (port or "").lstrip("0")
    return len(digits) < 10 or (len(digits) == 10 and int(digits) <= _INT_MAX)


@cache
def _attribute_check(attribute: AttributeSpec) -> Callable[[str], AttributeProblem]:
    """The check of one attribute's stripped, non-blank text: ``None`` when its schema type
    (and ``MAX_ATTRIBUTE_LENGTH``) accepts it, else the issue code and message."""
    name, base = attribute.name, attribute.base
    limit = MAX_ATTRIBUTE_LENGTH if attribute.max_length is None else attribute.max_length
    pattern = _xsd_regex(attribute.pattern) if attribute.pattern else None
    enumeration = frozenset(attribute.enumeration)

    def check(text: str) -> AttributeProblem:
        if not text.isprintable() and _FORBIDDEN_CHARS_RE.search(text):
            return IssueCode.BAD_FORMAT, message(
                _("%(name)s contains control characters."), name=name
            )
        if len(text) > limit:
            return IssueCode.TOO_LONG, message(
                _("%(name)s has %(count)s characters; at most %(max)s are allowed."),
                name=name,
                count=len(text),
                max=limit,
            )
        if (pattern is not None and not pattern.fullmatch(text)) or (
            enumeration and text not in enumeration
        ):
            return IssueCode.BAD_FORMAT, message(
                _("%(name)s is not in the format its schema type allows."), name=name
            )
        if base == "language" and not _LANGUAGE_RE.fullmatch(text):
            return IssueCode.BAD_FORMAT, message(
                _("%(name)s must be a language code such as EN or en-GB."), name=name
            )
        if base == "anyURI" and not is_any_uri(text):
            return IssueCode.BAD_FORMAT, message(_("%(name)s must be a URI."), name=name)
        return None

    return check


@cache
def text_leaf_attributes_check(spec: ElementSpec) -> AttributesCheck:
    """The fast check of the XML attributes of a leaf without value kind (text, code, ID or
    number), given as ``(name, text)`` pairs without ``xsi:*``: the canonical attributes
    (in schema order, stripped, blank ones left out) when stage 1 accepts them all without
    an issue, else None (an attribute the leaf does not take, or one stage 1 reports)."""
    allowed = spec.allowed_attributes
    checks = {name: _attribute_check(attribute) for name, attribute in allowed.items()}
    order = {name: position for position, name in enumerate(allowed)}

    def check(items: list[tuple[str, str]]) -> dict[str, str] | None:
        found: dict[str, str] = {}
        for name, raw in items:
            attribute_check = checks.get(name)
            if attribute_check is None or type(raw) is not str:
                return None
            text = raw.strip()
            if text:
                if attribute_check(text) is not None:
                    return None
                found[name] = text
        if len(found) > 1:
            found = dict(sorted(found.items(), key=lambda item: order[item[0]]))
        return found

    return check


@cache
def text_leaf_object_check(spec: ElementSpec) -> KindCheck:
    """The fast check of a text, code, ID or number given as an object with attributes
    (``_Walk.attributed_leaf``): ``(canonical, value, None)`` when stage 1 accepts it
    without an issue, else None."""
    text_check = text_leaf_check(spec)
    attributes_check = text_leaf_attributes_check(spec)

    def check(raw: object) -> tuple[Any, str | None, str | None] | None:
        if type(raw) is not dict or len(raw) < 2:
            return None
        value = raw.get("value")
        if type(value) is not str:
            return None
        text = text_check(value)
        if text is None:
            return None
        found = attributes_check([(k, v) for k, v in raw.items() if k != "value"])
        if found is None:
            return None
        return ({"value": text, **found} if found else text), text, None

    return check


class _Child(NamedTuple):  # unpacked in the hot loop of ``_Walk.single``
    """One child of an object element, with what validating it takes."""

    spec: ElementSpec
    # A leaf that occurs at most once (validated directly, not through ``element``).
    single_leaf: bool
    # Its fast checks: ``text_check`` of a text, code, ID or number given as a string;
    # ``kind_check`` of the same given as an object with attributes, or of a value kind
    # (amount, measure, quantity, date-time) given as a string or an object.
    text_check: TextCheck | None
    kind_check: KindCheck | None
    # The keys under which stage 2 wants this leaf (``Structure.leaves``).
    watch_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Children:
    """An object element's children: schema position of each name, the mandatory ones, and
    each child's plan."""

    order: dict[str, int]
    required: tuple[str, ...]
    children: dict[str, _Child]


@cache
def _children_of(spec: ElementSpec, watch: frozenset[str]) -> _Children:
    names = list(spec.children)
    plans = {}
    for name in names:
        child = spec.children[name]
        single_leaf = child.is_leaf and not child.repeatable
        text_check = kind_check = None
        if single_leaf and child.value_kind is None:
            text_check = text_leaf_check(child)
            kind_check = text_leaf_object_check(child)
        elif single_leaf:
            kind_check = kind_leaf_check(child)
        plans[name] = _Child(
            spec=child,
            single_leaf=single_leaf,
            text_check=text_check,
            kind_check=kind_check,
            watch_keys=watch_keys(child, watch),
        )
    return _Children(
        order={name: i for i, name in enumerate(names)},
        required=tuple(n for n in names if spec.children[n].min_occurs),
        children=plans,
    )


@cache
def watch_keys(spec: ElementSpec, watch: frozenset[str]) -> tuple[str, ...]:
    """The keys of ``Structure.leaves`` under which a leaf of ``spec`` is handed over."""
    return tuple(k for k in (spec.pointer_id, spec.value_kind) if k and k in watch)


def canonical_decimal(raw: object) -> str | None:
    """The canonical decimal string of a JSON number or numeric string, ``None`` if not one.

    ``"0012.500"`` -> ``"12.5"``, ``-0.0`` -> ``"0"``, ``1e-05`` -> ``"0.00001"``; NaN,
    infinities, exponents in strings, booleans and integers of more than 40 digits are not
    decimals here (xs:decimal has no exponent and no special values).
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
        if not raw.is_finite() or abs(raw.adjusted()) > 40:
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
    """A scalar as text: strings as they are, integers written out; ``None`` otherwise."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) < _MAX_INT:
        return str(raw)
    return None


def _one_line(text: str) -> bool:
    return "\n" not in text and "\r" not in text


def _is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


class _Walk:
    def __init__(self, watch: Collection[str]):
        self.watch = frozenset(watch)
        self.structure = Structure(document=None)
        self.nodes = 0
        self.dropped = 0
        self.errors = 0

    # -- reporting ------------------------------------------------------------------------

    def report(
        self,
        code: IssueCode,
        parts: MutableSequence[str | int],
        text: str,
        severity: Severity = Severity.ERROR,
    ) -> None:
        key = tuple(parts)
        if severity == Severity.ERROR:
            self.errors += 1
            self.structure.failed.add(key)
        if len(self.structure.issues) < MAX_ISSUES:
            self.structure.issues.append(issue_at(code, key, text, severity))
        else:
            self.dropped += 1

    def count_node(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooLarge

    # -- top level ------------------------------------------------------------------------

    def document(self, data: object) -> dict[str, Any] | None:
        if not isinstance(data, dict):
            self.report(
                IssueCode.MALFORMED,
                [],
                _('A declaration must be a JSON object: {"Declaration": {...}}.'),
            )
            return None
        root = declaration_spec()
        out: dict[str, Any] = {}
        for key in data:
            if key not in (root.name, "MetaData"):
                self.unknown(key, [])
        if _is_blank(data.get(root.name)):
            self.report(IssueCode.REQUIRED, [root.name], _("The Declaration is missing."))
            return None
        if "MetaData" in data and not _is_blank(data["MetaData"]):
            metadata = self.metadata(data["MetaData"])
            if metadata is not None:
                out["MetaData"] = metadata
        parts: list[str | int] = [root.name]
        declaration = self.single(data[root.name], root, parts)
        if declaration is None:
            return None
        out[root.name] = declaration
        return out

    def metadata(self, raw: object) -> dict[str, Any] | None:
        parts: list[str | int] = ["MetaData"]
        if not isinstance(raw, dict):
            self.report(IssueCode.WRONG_TYPE, parts, _("MetaData must be an object of texts."))
            return None
        allowed = metadata_attributes()
        out: dict[str, Any] = {}
        for key, value in raw.items():
            self.count_node()
            parts.append(str(key)[:100])
            if isinstance(value, dict):
                field = self.metadata_leaf(value, allowed.get(str(key), {}), parts)
            else:
                field = self.metadata_text(value, parts, _("MetaData values must be texts."))
            if field is not None:
                out[str(key)] = field
            parts.pop()
        return out

    def metadata_leaf(
        self, raw: dict[Any, Any], allowed: dict[str, int | None], parts: list[str | int]
    ) -> str | dict[str, str] | None:
        """A MetaData field with XML attributes, ``{"value": text, attribute: text}``:
        the attributes the schema allows on that field, blank ones left out (a field
        left with none is a plain text, as the canonical form has it)."""
        if "value" not in raw:
            self.report(
                IssueCode.WRONG_TYPE,
                parts,
                _('A MetaData value with attributes must be {"value": text, attribute: text}.'),
            )
            return None
        value = self.metadata_text(raw["value"], parts, _("MetaData values must be texts."))
        attributes: dict[str, str] = {}
        for name, attribute in raw.items():
            if name == "value":
                continue
            self.count_node()
            parts.append(str(name)[:100])
            if name not in allowed:
                self.report(
                    IssueCode.UNKNOWN_ELEMENT,
                    parts,
                    message(
                        _("%(field)s does not take the attribute %(attribute)s."),
                        field=parts[1],
                        attribute=parts[-1],
                    ),
                )
            elif not _is_blank(attribute):
                text = self.metadata_text(attribute, parts, _("MetaData attributes must be texts."))
                max_length = allowed[name]
                if text is not None and max_length is not None and len(text) > max_length:
                    self.report(
                        IssueCode.TOO_LONG,
                        parts,
                        message(_("At most %(max)s characters."), max=max_length),
                    )
                # The one restricted attribute type (listAgencyID: maxLength 3, pattern
                # ".{1,3}") also excludes line breaks, as XSD "." does.
                elif text is not None and max_length is not None and not _one_line(text):
                    self.report(IssueCode.BAD_FORMAT, parts, _("Must be on a single line."))
                elif text is not None:
                    attributes[name] = text
            parts.pop()
        if value is None or not attributes:
            return value
        return {"value": value, **attributes}

    def metadata_text(self, raw: object, parts: list[str | int], wrong_type: str) -> str | None:
        text = _text(raw)
        if text is None:
            self.report(IssueCode.WRONG_TYPE, parts, wrong_type)
        elif _FORBIDDEN_CHARS_RE.search(text):
            self.report(IssueCode.BAD_FORMAT, parts, _("Contains control characters."))
        elif len(text.strip()) > MAX_METADATA_LENGTH:
            self.report(
                IssueCode.TOO_LONG,
                parts,
                message(_("At most %(max)s characters."), max=MAX_METADATA_LENGTH),
            )
        else:
            return text.strip()
        return None

    def unknown(
        self, key: object, parts: list[str | int], attribute_of: ElementSpec | None = None
    ) -> None:
        """Report ``key`` as an element unknown here, or as an attribute the leaf
        ``attribute_of`` does not take."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooLarge
        if len(self.structure.issues) >= MAX_ISSUES:
            # Past the cap nothing is listed: count it without building the message.
            self.errors += 1
            self.dropped += 1
            return
        name = str(key)
        shown = name if len(name) <= 100 else name[:100] + "…"
        parts.append(shown)
        if attribute_of is None:
            text = message(_("%(name)s is not an element of the WCO declaration here."), name=shown)
        else:
            text = message(
                _("%(field)s does not take the attribute %(attribute)s."),
                field=label(attribute_of),
                attribute=shown,
            )
        self.report(IssueCode.UNKNOWN_ELEMENT, parts, text)
        parts.pop()

    # -- elements -------------------------------------------------------------------------

    def element(self, raw: object, spec: ElementSpec, parts: list[str | int]) -> Any:
        """The canonical value of element ``spec`` (one entry or a list), ``None`` if absent."""
        if spec.repeatable:
            if isinstance(raw, list) and not raw:
                raw = None
            elif not isinstance(raw, list) and not _is_blank(raw):
                self.report(
                    IssueCode.NOT_A_LIST,
                    parts,
                    message(
                        _("%(field)s repeats: send a list. One entry was read as a list of one."),
                        field=label(spec),
                    ),
                    Severity.WARNING,
                )
                raw = [raw]
        if _is_blank(raw):
            if spec.min_occurs:
                self.report(
                    IssueCode.REQUIRED,
                    parts,
                    message(_("%(field)s is required."), field=label(spec)),
                )
            return None
        if not spec.repeatable:
            if isinstance(raw, list):
                self.report(
                    IssueCode.WRONG_TYPE,
                    parts,
                    message(
                        _("%(field)s occurs once: send one value, not a list."), field=label(spec)
                    ),
                )
                return None
            return self.single(raw, spec, parts)
        assert isinstance(raw, list)
        if spec.max_occurs is not None and len(raw) > spec.max_occurs:
            parts.append(spec.max_occurs)
            self.report(
                IssueCode.TOO_MANY,
                parts,
                message(
                    _("%(field)s occurs at most %(max)s times; %(count)s were sent."),
                    field=label(spec),
                    max=spec.max_occurs,
                    count=len(raw),
                ),
            )
            parts.pop()
            raw = raw[: spec.max_occurs]
        entries = []
        for index, entry in enumerate(raw):
            parts.append(index)
            value = self.single(entry, spec, parts)
            parts.pop()
            entries.append({} if value is None else value)
        return entries

    def single(self, raw: object, spec: ElementSpec, parts: list[str | int]) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooLarge
        if not spec.children:
            return self.leaf(raw, spec, parts)
        if not isinstance(raw, dict):
            self.report(
                IssueCode.WRONG_TYPE,
                parts,
                message(_("%(field)s must be an object of elements."), field=label(spec)),
            )
            return None
        plan = _children_of(spec, self.watch)
        order = plan.order
        present = [key for key in raw if key in order]
        if len(present) != len(raw):
            for key in raw:
                if key not in order:
                    self.unknown(key, parts)
        if len(present) > 1:
            present.sort(key=order.__getitem__)
        children = plan.children
        leaves = self.structure.leaves
        out: dict[str, Any] = {}
        fast = 0  # leaves that took the fast path, added to self.nodes in one go
        for name in present:
            value = raw[name]
            child_spec, single_leaf, text_check, kind_check, keys = children[name]
            # Fast path: a valid single leaf (see "fast checks"), no issue to report.
            if text_check is not None and type(value) is str:
                text = text_check(value)
                if text is not None:
                    fast += 1
                    out[name] = text
                    if keys:
                        leaf = _new_leaf(((*parts, name), child_spec, text, None))
                        for key in keys:
                            leaves[key].append(leaf)
                    continue
            elif kind_check is not None:
                checked = kind_check(value)
                if checked is not None:
                    fast += 1
                    out[name] = checked[0]
                    if keys:
                        leaf = _new_leaf(((*parts, name), child_spec, checked[1], checked[2]))
                        for key in keys:
                            leaves[key].append(leaf)
                    continue
            # The node count must be right before anything that checks it.
            self.nodes += fast
            fast = 0
            parts.append(name)
            if single_leaf and not _is_blank(value):
                self.nodes += 1
                value = self.leaf(value, child_spec, parts)
            else:
                value = self.element(value, child_spec, parts)
            parts.pop()
            if value is not None:
                out[name] = value
        self.nodes += fast
        for name in plan.required:
            if name not in raw:
                parts.append(name)
                self.element(None, children[name].spec, parts)
                parts.pop()
        return out

    # -- leaves ---------------------------------------------------------------------------

    def leaf(self, raw: object, spec: ElementSpec, parts: list[str | int]) -> Any:
        kind = spec.value_kind
        errors = self.errors
        if kind is None:
            if isinstance(raw, dict) and len(raw) > 1 and "value" in raw:
                return self.attributed_leaf(raw, spec, parts)
            # Anything else (also an object without attributes) is not a text or number.
            value = self.value(raw, spec, parts)
            if value is not None and self.errors == errors:
                self.collect(parts, spec, value, None)
            return value
        attribute_name = spec.attribute
        assert attribute_name is not None
        attribute_raw: object = None
        if isinstance(raw, dict):
            for key in raw:
                if key not in ("value", attribute_name):
                    self.unknown(key, parts)
            attribute_raw = raw.get(attribute_name)
            raw = raw.get("value")
            if _is_blank(raw):
                self.report(
                    IssueCode.REQUIRED,
                    parts,
                    message(_("%(field)s has no value."), field=label(spec)),
                )
                return None
        errors = self.errors
        if kind == "datetime":
            value = self.datetime_value(raw, spec, parts)
        else:
            value = self.value(raw, spec, parts)
        value_ok = self.errors == errors
        if value is None:
            return None
        errors = self.errors
        attribute = self.attribute(
            attribute_raw, attribute_name, value if value_ok else None, parts
        )
        attribute_ok = self.errors == errors
        if kind == "datetime" and attribute is None and attribute_ok and value_ok:
            attribute = "102" if len(value) == 8 else "304"
        if value_ok or attribute is not None:
            self.collect(parts, spec, value if value_ok else None, attribute)
        out = {"value": value}
        if attribute is not None:
            out[attribute_name] = attribute
        return out

    def attributed_leaf(
        self, raw: dict[Any, Any], spec: ElementSpec, parts: list[str | int]
    ) -> str | dict[str, str] | None:
        """A text, code, ID or number given with XML attributes, ``{"value": text,
        attribute: text...}``: the value checked as its bare form is, each attribute against
        its schema type. Canonical: ``{"value", attributes in schema order}``, or the plain
        value when no attribute is left (all were blank)."""
        allowed = spec.allowed_attributes
        for key in raw:
            if key != "value" and key not in allowed:
                self.unknown(key, parts, attribute_of=spec)
        if _is_blank(raw["value"]):
            self.report(
                IssueCode.REQUIRED,
                parts,
                message(_("%(field)s has no value."), field=label(spec)),
            )
            return None
        errors = self.errors
        value = self.value(raw["value"], spec, parts)
        if value is None:
            return None
        if self.errors == errors:
            self.collect(parts, spec, value, None)
        attributes: dict[str, str] = {}
        for name, attribute in allowed.items():
            if name in raw:
                text = self.leaf_attribute(raw[name], attribute, parts)
                if text is not None:
                    attributes[name] = text
        return {"value": value, **attributes} if attributes else value

    def leaf_attribute(
        self, raw: object, attribute: AttributeSpec, parts: list[str | int]
    ) -> str | None:
        """The canonical text of an attribute of a text, code or ID; ``None`` when blank
        (left out) or reported."""
        if _is_blank(raw):
            return None
        parts.append(attribute.name)
        try:
            text = _text(raw)
            if text is None:
                self.report(
                    IssueCode.WRONG_TYPE,
                    parts,
                    message(_("%(name)s must be a text."), name=attribute.name),
                )
                return None
            text = text.strip()
            problem = _attribute_check(attribute)(text)
            if problem is not None:
                self.report(problem[0], parts, problem[1])
                return None
            return text
        finally:
            parts.pop()

    def collect(
        self, parts: list[str | int], spec: ElementSpec, value: str | None, attribute: str | None
    ) -> None:
        keys = watch_keys(spec, self.watch)
        if keys:
            leaf = Leaf(tuple(parts), spec, value, attribute)
            for key in keys:
                self.structure.leaves[key].append(leaf)

    def value(self, raw: object, spec: ElementSpec, parts: list[str | int]) -> str | None:
        """Check a scalar against the leaf's facets; the canonical text (kept if it fails
        a format check), or ``None`` when it cannot be represented at all."""
        fmt = _leaf_format(spec)
        if fmt.numeric:
            return self.decimal_value(raw, spec, fmt, parts)
        text = raw if raw.__class__ is str else _text(raw)
        if text is None:
            self.report(
                IssueCode.WRONG_TYPE,
                parts,
                message(_("%(field)s must be a text value."), field=label(spec)),
            )
            return None
        text = " ".join(text.split()) if fmt.token else text.strip()
        if fmt.upper:
            text = text.upper()
        if not text.isprintable() and _FORBIDDEN_CHARS_RE.search(text):
            self.report(
                IssueCode.BAD_FORMAT,
                parts,
                message(_("%(field)s contains control characters."), field=label(spec)),
            )
        elif fmt.max_length is not None and len(text) > fmt.max_length:
            self.report(
                IssueCode.TOO_LONG,
                parts,
                message(
                    _("%(field)s has %(count)s characters; at most %(max)s are allowed."),
                    field=label(spec),
                    count=len(text),
                    max=fmt.max_length,
                ),
            )
        elif fmt.length is not None and len(text) != fmt.length:
            self.report(
                IssueCode.BAD_FORMAT,
                parts,
                message(
                    _("%(field)s must have exactly %(length)s characters."),
                    field=label(spec),
                    length=fmt.length,
                ),
            )
        elif fmt.single_line and ("\n" in text or "\r" in text):
            self.report(
                IssueCode.BAD_FORMAT,
                parts,
                message(_("%(field)s must be on a single line."), field=label(spec)),
            )
        elif fmt.pattern is not None and not fmt.pattern.fullmatch(text):
            self.report(IssueCode.BAD_FORMAT, parts, _pattern_message(spec, fmt))
        elif fmt.enumeration and text not in fmt.enumeration:
            self.report(
                IssueCode.BAD_FORMAT,
                parts,
                message(
                    _("%(field)s must be one of %(codes)s."),
                    field=label(spec),
                    codes=", ".join(fmt.enumeration),
                ),
            )
        return text

    def decimal_value(
        self, raw: object, spec: ElementSpec, fmt: _LeafFormat, parts: list[str | int]
    ) -> str | None:
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float, Decimal)):
            self.report(
                IssueCode.WRONG_TYPE,
                parts,
                message(_("%(field)s must be a number."), field=label(spec)),
            )
            return None
        value = canonical_decimal(raw)
        if value is None:
            self.report(
                IssueCode.BAD_FORMAT,
                parts,
                message(
                    _("%(field)s must be a decimal number such as 12.5 (no exponent)."),
                    field=label(spec),
                ),
            )
            return raw.strip() if isinstance(raw, str) and len(raw) <= 100 else None
        total, fraction = _digits(value)
        if fmt.fraction_digits is not None and fraction > fmt.fraction_digits:
            if fmt.fraction_digits == 0:
                text = message(_("%(field)s must be a whole number."), field=label(spec))
            else:
                text = message(
                    _("%(field)s allows at most %(max)s decimal places."),
                    field=label(spec),
                    max=fmt.fraction_digits,
                )
            self.report(IssueCode.BAD_FORMAT, parts, text)
        elif fmt.total_digits is not None and total > fmt.total_digits:
            self.report(
                IssueCode.BAD_FORMAT,
                parts,
                message(
                    _("%(field)s allows at most %(max)s digits."),
                    field=label(spec),
                    max=fmt.total_digits,
                ),
            )
        return value

    def datetime_value(self, raw: object, spec: ElementSpec, parts: list[str | int]) -> str | None:
        text = _text(raw)
        if text is None:
            self.report(
                IssueCode.WRONG_TYPE,
                parts,
                message(
                    _("%(field)s must be a text such as 20250131 or 20250131113636Z."),
                    field=label(spec),
                ),
            )
            return None
        text = text.strip()
        if len(text) > 35 or parse_datetime(text) is None:
            self.report(
                IssueCode.BAD_FORMAT,
                parts,
                message(
                    _(
                        "%(field)s must be a date CCYYMMDD or a date-time CCYYMMDDHHMMSS "
                        "followed by Z or a +hh/-hh offset, e.g. 20250131113636Z."
                    ),
                    field=label(spec),
                ),
            )
            return text[:35]
        return text

    def attribute(
        self, raw: object, name: str, value: str | None, parts: list[str | int]
    ) -> str | None:
        if _is_blank(raw):
            return None
        parts.append(name)
        try:
            text = _text(raw)
            if text is None:
                self.report(
                    IssueCode.WRONG_TYPE, parts, message(_("%(name)s must be a text."), name=name)
                )
                return None
            text = text.strip()
            if name == "currencyID":
                text = text.upper()
                if not _CURRENCY_RE.fullmatch(text):
                    self.report(
                        IssueCode.BAD_FORMAT,
                        parts,
                        _("The currency must be a 3-letter ISO 4217 code such as EUR."),
                    )
                    return None
            elif name == "unitCode":
                text = text.upper()
                if len(text) > _UNIT_MAX_LENGTH or _FORBIDDEN_CHARS_RE.search(text):
                    self.report(
                        IssueCode.BAD_FORMAT,
                        parts,
                        _("The unit must be a code of at most 5 characters such as KGM."),
                    )
                    return None
            elif name == "formatCode":
                if text not in _DATETIME_FORMATS:
                    self.report(
                        IssueCode.BAD_FORMAT,
                        parts,
                        _("The date format code must be 102 (date) or 304 (date and time)."),
                    )
                    return None
                if value is not None and (text == "102") != (len(value) == 8):
                    self.report(
                        IssueCode.BAD_FORMAT,
                        parts,
                        message(
                            _("Format code %(code)s is for %(shape)s."),
                            code=text,
                            shape=_DATETIME_FORMATS[text],
                        ),
                    )
                    return None
            return text
        finally:
            parts.pop()


def _pattern_message(spec: ElementSpec, fmt: _LeafFormat) -> str:
    pattern = fmt.pattern.pattern if fmt.pattern else ""
    if pattern == "([0-9])*":
        return message(_("%(field)s must contain digits only."), field=label(spec))
    if pattern == "([a-zA-Z])*":
        return message(_("%(field)s must contain letters only."), field=label(spec))
    return message(_("%(field)s is not in the expected format."), field=label(spec))


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


def check_metadata(raw: object) -> tuple[dict[str, Any] | None, list[Issue], int]:
    """Stage 1 of a ``MetaData`` envelope alone, as ``check_structure`` does it: the
    canonical envelope (``None`` when it is not an object, or too large), the issues, and
    the number of nodes it counts towards ``MAX_NODES``."""
    walk = _Walk(())
    try:
        envelope = walk.metadata(raw)
    except _TooLarge:
        return None, walk.structure.issues, walk.nodes
    return envelope, walk.structure.issues, walk.nodes


def check_structure(data: object, *, watch: Collection[str] = ()) -> Structure:
    """Stage 1: the canonical document of ``data`` with its structure and format issues.

    ``data``: any parsed JSON value. ``watch``: WCO IDs and value kinds whose leaves stage 2
    wants handed over (``Structure.leaves``). Never raises on bad input.
    """
    walk = _Walk(watch)
    try:
        walk.structure.document = walk.document(data)
    except _TooLarge:
        walk.structure.document = None
        walk.structure.issues.append(
            issue_at(
                IssueCode.TOO_LARGE,
                (),
                message(_("The declaration has more than %(max)s elements."), max=MAX_NODES),
            )
        )
    except RecursionError:
        walk.structure.document = None
        walk.structure.issues.append(
            issue_at(IssueCode.TOO_LARGE, (), _("The declaration is nested too deeply."))
        )
    if walk.dropped:
        walk.structure.issues.append(
            issue_at(
                IssueCode.TOO_LARGE,
                (),
                message(_("%(count)s more issues were found and not listed."), count=walk.dropped),
            )
        )
    return walk.structure
