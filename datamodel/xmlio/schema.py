"""XSD validation against the copied DEC-DMS 2.15 submission schema, errors as Issues.

The schema (``data/schemas/customs/wrapper_submit.xsd``: the MetaData envelope, which
includes the Declaration schema by import) is built once per process. Its includes and
imports are resolved from ``data/schemas`` only: no network, no other file.
"""

import re
import threading
from collections.abc import Collection
from functools import cache
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlparse

from django.utils.translation import gettext as _
from lxml import etree

from datamodel.dictionary import ElementSpec, json_pointer, wco_pointer
from datamodel.issues import Issue, IssueCode

from .names import (
    DATETIME_STRING,
    NS_DEC,
    NS_DEC_DS,
    NS_METADATA,
    SCHEMA_DIR,
    SUBMIT_SCHEMA,
    local_name,
    metadata_fields,
    namespace_of,
)
from .reading import DECLARATION_KEY, METADATA_KEY, element_parts, spec_of_parts


class SchemaLoadError(RuntimeError):
    """The copied schema refers to a file outside ``data/schemas`` (or is missing one)."""


class _LocalSchemaResolver(etree.Resolver):
    """Serve schema includes/imports from ``SCHEMA_DIR`` and refuse anything else."""

    def resolve(self, system_url: str, public_id: str, context: object) -> object:
        parsed = urlparse(system_url)
        if parsed.scheme not in ("", "file"):
            raise SchemaLoadError(f"schema import outside {SCHEMA_DIR}: {system_url}")
        path = Path(unquote(parsed.path)).resolve()
        if not path.is_relative_to(SCHEMA_DIR) or not path.is_file():
            raise SchemaLoadError(f"schema import outside {SCHEMA_DIR}: {system_url}")
        return self.resolve_filename(str(path), context)


def load_schema(path: Path) -> etree.XMLSchema:
    """The XSD at ``path`` (under ``SCHEMA_DIR``), its includes and imports resolved from
    ``SCHEMA_DIR`` only. Raises ``SchemaLoadError`` / ``lxml.etree.XMLSchemaParseError``
    if the copied schema files are broken: a deployment fault, not a trader's."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(_LocalSchemaResolver())
    return etree.XMLSchema(etree.parse(str(path), parser))


@cache
def declaration_schema() -> etree.XMLSchema:
    """The submission schema, built on first use and kept for the life of the process."""
    return load_schema(SUBMIT_SCHEMA)


# An XMLSchema object keeps the error log of its last run, so concurrent validations in
# threads would read each other's errors. Validation takes well under a millisecond for a
# typical declaration; serialising it is cheaper than a schema per thread.
_VALIDATION_LOCK = threading.Lock()

# Namespace URIs in Clark notation; not facet text such as "{'9', '13'}" or "[A-Z]{3}".
# A trader needs the first few hundred errors, not all of them; the cap also bounds the
# time spent mapping errors of a hostile document (as datamodel.validation.MAX_ISSUES).
MAX_SCHEMA_ISSUES = 500

_CLARK = re.compile(r"\{(?:urn|https?):[^}]*\}")
_ELEMENT_PREFIX = re.compile(r"^Element '[^']*'(?:, attribute '([^']*)')?: ")
_EXPECTED = re.compile(r"Expected is (?:one of )?\( ([^)]*) \)")
_LENGTHS = re.compile(r"length of '(\d+)'.*length of '(\d+)'")
_STEP = re.compile(r"^(?:[^:\[]+:)?([^\[]+)(?:\[(\d+)\])?$")

_VALUE_ERRORS_TOO_LONG = {"SCHEMAV_CVC_MAXLENGTH_VALID", "SCHEMAV_CVC_TOTALDIGITS_VALID"}
_UNKNOWN_ATTRIBUTE_ERRORS = {
    "SCHEMAV_CVC_COMPLEX_TYPE_3_2_1",  # not among the attributes of the type
    "SCHEMAV_CVC_COMPLEX_TYPE_3_2_2",
    "SCHEMAV_CVC_TYPE_3_1_1",  # on an element of a simple type (a number), which has none
}
_WRONG_TYPE_ERRORS = {
    "SCHEMAV_CVC_COMPLEX_TYPE_2_1",  # content where the type is empty
    "SCHEMAV_CVC_COMPLEX_TYPE_2_2",  # child elements inside a simple value
    "SCHEMAV_CVC_COMPLEX_TYPE_2_3",  # text inside an element-only class
}


class ContentModel(Protocol):
    """The children a schema allows and requires in an element, by the element names
    leading to it (``("Declaration", "Amendment")``): for a message whose content differs
    from the submission's (the cancellation, ``cancellation.py``), so that a missing or
    stray element is reported as such. Without one, the dictionary's (the submission)."""

    def allowed(self, names: tuple[str, ...]) -> Collection[str] | None: ...

    def required(self, names: tuple[str, ...]) -> Collection[str]: ...


def schema_issues(
    root: etree._Element,
    *,
    schema: etree.XMLSchema | None = None,
    content: ContentModel | None = None,
) -> list[Issue]:
    """Validate the declaration element against the XSD and return its errors as Issues.

    ``root`` is the ``MetaData`` (or bare ``Declaration``) element found by
    ``locate_declaration``; a subtree of a larger document is validated on its own.
    One issue per field (the first the XSD reports), at most ``MAX_SCHEMA_ISSUES``. Each
    carries the WCO pointer and the JSON path of the field in the canonical document (see
    ``datamodel.issues``). Codes:
    REQUIRED (missing element or attribute), UNKNOWN_ELEMENT (element or attribute the
    schema does not declare), TOO_MANY (more than maxOccurs), TOO_LONG (maxLength,
    length, totalDigits), WRONG_TYPE (children in a value or text in a class), BAD_FORMAT
    (pattern, enumeration, fractionDigits, decimal syntax, schema order).

    ``schema`` (default: the submission schema, ``declaration_schema``) and ``content``
    (see ``ContentModel``) validate another message of the same data model with the
    same error mapping: pointers and paths come from the WCO DM dictionary either way.
    """
    schema = schema if schema is not None else declaration_schema()
    with _VALIDATION_LOCK:
        if schema.validate(root):
            return []
        entries = list(schema.error_log)
    issues: list[Issue] = []
    seen: set[str] = set()
    for entry in entries:
        issue = _issue_from_entry(root, entry, content)
        if issue.path not in seen:
            seen.add(issue.path)
            issues.append(issue)
            if len(issues) == MAX_SCHEMA_ISSUES:
                break
    return issues


def _resolve_path(root: etree._Element, xpath: str | None) -> etree._Element | None:
    """The element libxml2 means by ``/md:MetaData/*[6]/p:Name[2]``, relative to ``root``.

    libxml2 writes ``*[n]`` (n-th element child) for elements in a default namespace and
    ``prefix:name[n]`` (n-th child of that name) otherwise; the first step is ``root``.
    """
    if not xpath or not xpath.startswith("/"):
        return None
    element = root
    for step in xpath.strip("/").split("/")[1:]:
        match = _STEP.match(step)
        if match is None:
            return None
        name, position = match.group(1), int(match.group(2) or 1)
        candidates = [
            child
            for child in element
            if isinstance(child.tag, str) and (name == "*" or local_name(child.tag) == name)
        ]
        if position > len(candidates):
            return None
        element = candidates[position - 1]
    return element


def _issue(code: IssueCode, parts: list[str | int], message: str) -> Issue:
    return Issue(code=code, pointer=wco_pointer(parts), path=json_pointer(parts), message=message)


def _expected_names(message: str) -> list[str]:
    """The element names libxml2 lists as expected. Its only wildcard in the submission
    schema is MetaData's ``xs:any`` of the DEC-DMS namespace: the Declaration."""
    match = _EXPECTED.search(message)
    if match is None:
        return []
    names = [local_name(name.strip()) for name in match.group(1).split(",")]
    return list(dict.fromkeys(DECLARATION_KEY if name == "*" else name for name in names))


def _name_of(parts: list[str | int]) -> str:
    """The element name a path ends with (``MetaData`` for the envelope itself)."""
    names = [part for part in parts if isinstance(part, str)]
    return names[-1] if names else METADATA_KEY


def _known_children(parts: list[str | int], spec: ElementSpec | None) -> Collection[str] | None:
    """Names the schema allows inside the element at ``parts``; ``None`` if unknown."""
    if spec is not None:
        return spec.children.keys()
    if parts in ([], [METADATA_KEY]):
        return [*metadata_fields(), DECLARATION_KEY]
    return None


def _issue_from_entry(
    root: etree._Element, entry: etree._LogEntry, content: ContentModel | None = None
) -> Issue:
    message = entry.message
    element = _resolve_path(root, entry.path)
    if element is None:
        # Not resolvable (e.g. the validation root itself is wrong): report on the root.
        element = root
    parts = element_parts(element, root)
    spec = spec_of_parts(parts)
    name = local_name(element.tag) if isinstance(element.tag, str) else ""
    prefix = _ELEMENT_PREFIX.match(message)
    attribute = prefix.group(1) if prefix else None
    detail = _CLARK.sub("", message[prefix.end() :] if prefix else message).strip()
    kind = entry.type_name

    if kind in ("SCHEMAV_ELEMENT_CONTENT", "SCHEMAV_CVC_ELT_1"):
        wrong_namespace = _namespace_issue(element, parts, name)
        if wrong_namespace is not None:
            return wrong_namespace
    if kind == "SCHEMAV_ELEMENT_CONTENT":
        return _content_issue(element, parts, spec, name, message, content)
    if attribute is not None:
        attribute_parts = [*parts, attribute]
        if kind in _UNKNOWN_ATTRIBUTE_ERRORS:
            return _issue(
                IssueCode.UNKNOWN_ELEMENT,
                attribute_parts,
                _("%(name)s does not take the attribute %(attribute)s.")
                % {"name": name, "attribute": attribute},
            )
        code = IssueCode.TOO_LONG if kind in _VALUE_ERRORS_TOO_LONG else IssueCode.BAD_FORMAT
        return _issue(code, attribute_parts, f"{name}/@{attribute}: {detail}")
    if kind == "SCHEMAV_CVC_COMPLEX_TYPE_4":
        missing = re.search(r"attribute '([^']*)'", detail)
        attribute_name = missing.group(1) if missing else "attribute"
        return _issue(
            IssueCode.REQUIRED,
            [*parts, attribute_name],
            _("%(name)s needs the attribute %(attribute)s.")
            % {"name": name, "attribute": attribute_name},
        )
    if kind in _WRONG_TYPE_ERRORS:
        return _issue(IssueCode.WRONG_TYPE, parts, f"{name}: {detail}")
    if kind == "SCHEMAV_CVC_ELT_1":
        return _issue(
            IssueCode.UNKNOWN_ELEMENT,
            parts,
            _("%(name)s is not an element of the declaration schema.") % {"name": name},
        )
    code = IssueCode.BAD_FORMAT
    if kind in _VALUE_ERRORS_TOO_LONG:
        code = IssueCode.TOO_LONG
    elif kind == "SCHEMAV_CVC_LENGTH_VALID":
        lengths = _LENGTHS.search(detail)
        if lengths and int(lengths.group(1)) > int(lengths.group(2)):
            code = IssueCode.TOO_LONG
    return _issue(code, parts, f"{name}: {detail}")


def expected_namespace(element: etree._Element) -> str:
    """The namespace the DEC-DMS 2 submission schema gives an element where it stands:
    DateTimeString is local to the Declaration_DS schema (its own namespace); the
    Declaration and everything in it are DEC-DMS; the MetaData envelope's own fields are
    DocumentMetaData-DMS (schemas ``wrapper_submit.xsd``, ``DocumentMetaData_2_DMS.xsd``)."""
    name = local_name(element.tag)
    if name == DATETIME_STRING:
        return NS_DEC_DS
    if name == DECLARATION_KEY:
        return NS_DEC
    for ancestor in element.iterancestors():
        if isinstance(ancestor.tag, str) and local_name(ancestor.tag) == DECLARATION_KEY:
            return NS_DEC
    return NS_METADATA


def _namespace_issue(element: etree._Element, parts: list[str | int], name: str) -> Issue | None:
    """WRONG_NAMESPACE when the element the schema refused stands in another namespace
    than the one expected there (a wrong or mixed namespace, e.g. DEC-DMS:1 or none): the
    message names both, where libxml2 would only say the element is not expected."""
    if not isinstance(element.tag, str):
        return None
    found, expected = namespace_of(element.tag), expected_namespace(element)
    if found == expected:
        return None
    return _issue(
        IssueCode.WRONG_NAMESPACE,
        parts,
        _("%(name)s is in namespace %(found)s; expected namespace %(expected)s.")
        % {"name": name, "found": found or _("(none)"), "expected": expected},
    )


def _names(parts: list[str | int]) -> tuple[str, ...]:
    return tuple(part for part in parts if isinstance(part, str))


def _is_required(
    parts: list[str | int],
    spec: ElementSpec | None,
    name: str,
    content: ContentModel | None,
) -> bool:
    """Whether the element at ``parts`` (of ``spec``) must have a child ``name``."""
    if content is not None:
        return name in content.required(_names(parts))
    child = spec.children.get(name) if spec is not None else None
    return child is not None and child.min_occurs > 0


def _content_issue(
    element: etree._Element,
    parts: list[str | int],
    spec: ElementSpec | None,
    name: str,
    message: str,
    content: ContentModel | None = None,
) -> Issue:
    """Classify libxml2's content-model error (one message for several causes).

    "Missing child element(s)" is reported on the parent; "This element is not expected"
    on the child that broke the sequence, which is unknown, one too many, or follows a
    missing mandatory element, or else stands out of schema order.
    """
    expected = _expected_names(message)
    if "Missing child element" in message:
        missing = _first_missing(element, parts, spec, expected, content)
        return _issue(
            IssueCode.REQUIRED,
            [*parts, missing],
            _("%(name)s is required in %(parent)s.") % {"name": missing, "parent": _name_of(parts)},
        )
    parent = element.getparent()
    parent_parts = _strip_last(parts)
    parent_spec = spec_of_parts(parent_parts)
    known = (
        content.allowed(_names(parent_parts))
        if content is not None
        else _known_children(parent_parts, parent_spec)
    )
    if known is not None and name not in known:
        return _issue(
            IssueCode.UNKNOWN_ELEMENT,
            parts,
            _("%(name)s is not an element of %(parent)s.")
            % {"name": name, "parent": _name_of(parent_parts)},
        )
    required_missing = [
        candidate
        for candidate in expected
        if _is_required(parent_parts, parent_spec, candidate, content)
        and parent is not None
        and not any(isinstance(c.tag, str) and local_name(c.tag) == candidate for c in parent)
    ]
    if required_missing:
        missing = required_missing[0]
        return _issue(
            IssueCode.REQUIRED,
            [*parent_parts, missing],
            _("%(name)s is required in %(parent)s.")
            % {"name": missing, "parent": _name_of(parent_parts)},
        )
    if spec is not None and spec.max_occurs is not None and parent is not None:
        count = sum(1 for c in parent.iterchildren(element.tag))
        if count > spec.max_occurs:
            return _issue(
                IssueCode.TOO_MANY,
                parts,
                _("%(name)s may occur at most %(max)s time(s) here; found %(count)s.")
                % {"name": name, "max": spec.max_occurs, "count": count},
            )
    return _issue(
        IssueCode.BAD_FORMAT,
        parts,
        _("%(name)s is out of schema order; expected here: %(expected)s.")
        % {"name": name, "expected": ", ".join(expected) or "-"},
    )


def _first_missing(
    element: etree._Element,
    parts: list[str | int],
    spec: ElementSpec | None,
    expected: list[str],
    content: ContentModel | None = None,
) -> str:
    present = {local_name(c.tag) for c in element if isinstance(c.tag, str)}
    optional_envelope = metadata_fields() if spec is None else {}
    for candidate in expected:
        if candidate in present or candidate in optional_envelope:
            continue
        if content is not None:
            if candidate in content.required(_names(parts)):
                return candidate
            continue
        child = spec.children.get(candidate) if spec is not None else None
        if child is None or child.min_occurs > 0:
            return candidate
    return expected[0] if expected else "?"


def _strip_last(parts: list[str | int]) -> list[str | int]:
    """Parts of the parent: drop the last name and its list index, if any."""
    out = list(parts)
    if out and isinstance(out[-1], int):
        out.pop()
    if out:
        out.pop()
    return out
