"""Stage 1's walk state and reporting, and the ``MetaData`` envelope."""

from collections.abc import Collection, MutableSequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from datamodel.dictionary import (
    metadata_attributes,
)
from datamodel.issues import Issue, IssueCode, Severity
from datamodel.text import nfc
from datamodel.validation.base import (
    _FORBIDDEN_CHARS_RE,
    MAX_ISSUES,
    MAX_METADATA_LENGTH,
    MAX_NODES,
    Structure,
    _is_blank,
    _one_line,
    _text,
    _TooLarge,
    issue_at,
    message,
)


class WalkBase:
    """The walk's state and reporting, and the ``MetaData`` envelope."""

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
        if text is not None:
            text = nfc(text)
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


def check_metadata(raw: object) -> tuple[dict[str, Any] | None, list[Issue], int]:
    """Stage 1 of a ``MetaData`` envelope alone, as ``check_structure`` does it: the
    canonical envelope (``None`` when it is not an object, or too large), the issues, and
    the number of nodes it counts towards ``MAX_NODES``."""
    walk = WalkBase(())
    try:
        envelope = walk.metadata(raw)
    except _TooLarge:
        return None, walk.structure.issues, walk.nodes
    return envelope, walk.structure.issues, walk.nodes
