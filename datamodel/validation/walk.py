"""Stage 1's walk over the declaration: elements, occurrences, leaves and their attributes."""

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from datamodel.dictionary import (
    AttributeSpec,
    ElementSpec,
    declaration_spec,
)
from datamodel.issues import IssueCode, Severity
from datamodel.text import nfc
from datamodel.validation.base import (
    _CURRENCY_RE,
    _DATETIME_FORMATS,
    _FORBIDDEN_CHARS_RE,
    _UNIT_MAX_LENGTH,
    MAX_ISSUES,
    MAX_NODES,
    Leaf,
    Structure,
    _digits,
    _is_blank,
    _new_leaf,
    _text,
    _TooLarge,
    canonical_decimal,
    is_json_number,
    issue_at,
    label,
    message,
    parse_datetime,
)
from datamodel.validation.leaves import (
    _attribute_check,
    _children_of,
    _leaf_format,
    _LeafFormat,
    _pattern_message,
    watch_keys,
)
from datamodel.validation.metadata import WalkBase


class _Walk(WalkBase):
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
            text = nfc(text.strip())
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
            if is_json_number(raw):
                template = _(
                    '%(field)s must be sent as a text in quotes ("0101"), not as a JSON '
                    "number: a number loses leading zeros."
                )
            else:
                template = _("%(field)s must be a text value.")
            self.report(IssueCode.WRONG_TYPE, parts, message(template, field=label(spec)))
            return None
        text = nfc(" ".join(text.split()) if fmt.token else text.strip())
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
            text = nfc(text.strip())
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
