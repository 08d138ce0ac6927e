"""Stage 1 checks of one leaf (text, code, ID, number, amount, measure, date-time) and of its
XML attributes, built once per element spec."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from django.utils.translation import gettext_lazy as _

from datamodel.dictionary import (
    AttributeSpec,
    ElementSpec,
)
from datamodel.issues import IssueCode
from datamodel.text import nfc
from datamodel.validation.base import (
    _CURRENCY_RE,
    _DATETIME_FORMATS,
    _FORBIDDEN_CHARS_RE,
    _INT_MAX,
    _LANGUAGE_RE,
    _NOT_BLANK,
    _NUMERIC_BASES,
    _UNIT_MAX_LENGTH,
    _URI_ESCAPED_RE,
    _URI_RE,
    MAX_ATTRIBUTE_LENGTH,
    UPPERCASE_IDS,
    _digits,
    canonical_decimal,
    label,
    message,
    parse_datetime,
)


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
                if not text.isascii():
                    text = nfc(text)
                if not text or len(text) > limit:
                    return None
                if text.isprintable() or _printable_enough(text, single_line):
                    return text
                return None

            return check_text

        def check_code(raw: str) -> str | None:
            # Letters and digits only: nothing to collapse.
            text = raw if raw.isalnum() else " ".join(raw.split())
            if not text.isascii():
                text = nfc(text)
            if not text or len(text) > limit:
                return None
            if text.isprintable() or _printable_enough(text, single_line):
                return text
            return None

        return check_code

    def check(raw: str) -> str | None:
        text = nfc(" ".join(raw.split()) if token else raw.strip())
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
    text = nfc(raw.strip().upper())
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
            text = nfc(raw.strip())
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


def _pattern_message(spec: ElementSpec, fmt: _LeafFormat) -> str:
    pattern = fmt.pattern.pattern if fmt.pattern else ""
    if pattern == "([0-9])*":
        return message(_("%(field)s must contain digits only."), field=label(spec))
    if pattern == "([a-zA-Z])*":
        return message(_("%(field)s must contain letters only."), field=label(spec))
    return message(_("%(field)s is not in the expected format."), field=label(spec))
