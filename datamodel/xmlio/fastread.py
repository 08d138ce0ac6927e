"""Reading and stage 1 in one walk, for the XML import of a declaration with nothing to report.

``checked_structure(root, watch)`` gives exactly what ``check_structure(
document_from_xml_tree(root), watch=watch)`` gives when that has no issue: the canonical
document and the leaves stage 2 asks for, in the same order. It walks the tree once instead
of building the converted dict and then walking that again, which is most of the cost of
importing a large declaration.

It takes the reader's value of every leaf (``reading``: text, token collapse, canonical
decimal, attributes) and stage 1's own checks of it (``validation.text_leaf_check``,
``text_leaf_attributes_check`` and ``kind_leaf_check``), and it gives up (``None``) at the
first thing that is not plain: an element the dictionary does not have there, an attribute
the leaf's schema type does not have (``xsi:*`` are not data) or has in a form stage 1
would report, elements out of schema order, a repeated element that occurs once, too many
occurrences, a missing mandatory element, a date-time not in its ``DateTimeString``, a blank
value or any value stage 1 would report, or more than ``MAX_NODES`` nodes. The caller then
takes the two steps, which report what is wrong. So this never decides anything about a
declaration on its own: it is a shortcut for the case where both steps would find nothing.

The tree must not be deeper than ``parsing.MAX_DEPTH`` (the walk recurses).
"""

from collections import defaultdict
from collections.abc import Callable, Collection
from functools import cache, partial
from typing import Any, NamedTuple

from lxml import etree

from datamodel.dictionary import ElementSpec, declaration_spec
from datamodel.validation import (
    MAX_NODES,
    Leaf,
    Parts,
    Structure,
    check_metadata,
    kind_leaf_check,
    kind_leaf_parts_check,
    text_leaf_attributes_check,
    text_leaf_check,
    watch_keys,
)

from .names import DECIMAL, NS_DEC, NS_XSI, local_name, normalise_text, text_kind
from .reading import DECLARATION_KEY, METADATA_KEY, read_datetime, read_metadata_field

_DEC = f"{{{NS_DEC}}}"
_XSI_PREFIX = f"{{{NS_XSI}}}"

# How a child element is read: a class; a text or code; a number; the decimal value and
# the attribute of an amount, measure or quantity; a date-time.
_CLASS, _TEXT, _NUMBER, _KIND, _DATETIME = range(5)

_new_leaf: Callable[[tuple[Parts, ElementSpec, str | None, str | None]], Leaf] = partial(
    tuple.__new__, Leaf
)


class _NotPlain(Exception):
    """The declaration has something the one walk does not handle: take the two steps."""


class _Plan(NamedTuple):
    """A class's children by Clark tag in the DEC-DMS namespace (other namespaces are not
    plain), and the names of its mandatory children."""

    by_tag: dict[str, "_Entry"]
    required: frozenset[str]


class _Entry(NamedTuple):  # unpacked in the hot loop of ``_read_class``
    how: int
    name: str
    position: int  # in the schema sequence of the parent
    repeatable: bool
    # ``text_leaf_check`` (text, number), ``kind_leaf_parts_check`` (value kind),
    # ``kind_leaf_check`` (date-time) or the plan of a class.
    check: Any
    watch_keys: tuple[str, ...]
    spec: ElementSpec
    max_occurs: int | None
    attribute: str | None  # the one attribute of a value kind, e.g. ``currencyID``
    # ``text_leaf_attributes_check`` of a text, code, ID or number, else None.
    attributes_check: Any


@cache
def _plan(spec: ElementSpec, watch: frozenset[str]) -> _Plan:
    by_tag = {}
    for position, (name, child) in enumerate(spec.children.items()):
        check: Any
        attributes_check = None
        if child.children:
            how, check = _CLASS, _plan(child, watch)
        elif child.value_kind == "datetime":
            how, check = _DATETIME, kind_leaf_check(child)
        elif child.value_kind is not None:
            how, check = _KIND, kind_leaf_parts_check(child)
        else:
            # The reader collapses a code's blanks (xs:token), which stage 1's check does
            # again over all blanks, so the check alone gives the same; but it writes a
            # number in canonical form first, which the check could read otherwise.
            how = _NUMBER if text_kind(child) == DECIMAL else _TEXT
            check = text_leaf_check(child)
            attributes_check = text_leaf_attributes_check(child)
        by_tag[_DEC + name] = _Entry(
            how=how,
            name=name,
            position=position,
            repeatable=child.repeatable,
            check=check,
            watch_keys=watch_keys(child, watch),
            spec=child,
            max_occurs=child.max_occurs,
            attribute=child.attribute,
            attributes_check=attributes_check,
        )
    required = frozenset(name for name, child in spec.children.items() if child.min_occurs)
    return _Plan(by_tag, required)


def _has_data_attributes(element: etree._Element) -> bool:
    return any(not key.startswith(_XSI_PREFIX) for key in element.keys())


def _with_attributes(element: etree._Element, value: str, check: Any) -> str | dict[str, str]:
    """The canonical leaf of a text, code, ID or number whose element has attributes, as
    the reader and then stage 1 give it (``validation.walk._Walk.attributed_leaf``); not plain
    when one is not the leaf's or stage 1 would report it."""
    found = check([(k, v) for k, v in element.items() if not k.startswith(_XSI_PREFIX)])
    if found is None:
        raise _NotPlain
    return {"value": value, **found} if found else value


def _decimal_text(element: etree._Element) -> str:
    """The reader's value of a decimal leaf (``reading._add_children``)."""
    text = element.text or ""
    # Letters and digits only (no blank, sign or leading zero): canonical as it is.
    if text.isalnum() and text[0] != "0":
        return text
    return normalise_text(DECIMAL, text)


def _kind_attribute(element: etree._Element, attribute: str | None) -> str | None:
    """The value kind's attribute as the reader reads it (``None`` when absent); not plain
    when the element carries any other attribute than ``xsi:*``."""
    names = element.keys()
    if not names:
        return None
    if attribute is not None and names == [attribute]:
        return element.get(attribute)
    found = {k: v for k, v in element.items() if not k.startswith(_XSI_PREFIX)}
    if attribute is None or found.keys() - {attribute}:
        raise _NotPlain
    return found.get(attribute)


class _Walk:
    __slots__ = ("leaves", "nodes")

    def __init__(self, nodes: int):
        self.nodes = nodes
        self.leaves: defaultdict[str, list[Leaf]] = defaultdict(list)

    def read_class(self, element: etree._Element, plan: _Plan, parts: Parts) -> dict[str, Any]:
        """The canonical object of a class element, as the reader and then stage 1 give it."""
        if element.keys() and _has_data_attributes(element):
            raise _NotPlain  # kept as "@name" by the reader, unknown to stage 1
        by_tag = plan.by_tag
        leaves = self.leaves
        out: dict[str, Any] = {}
        last = -1
        entries: list[Any] = []
        children = element[:]
        for child in children:
            entry = by_tag.get(child.tag)
            if entry is None:
                raise _NotPlain  # unknown here, another namespace, or not an element
            (
                how,
                name,
                position,
                repeatable,
                check,
                keys,
                child_spec,
                max_occurs,
                attribute,
                attributes_check,
            ) = entry
            if not repeatable and how != _CLASS:
                # Most elements: a leaf that occurs once.
                if position <= last:
                    raise _NotPlain  # out of order, or repeated
                last = position
                if how == _TEXT:
                    if len(child):
                        raise _NotPlain  # elements inside a value
                    value = check(child.text or "")
                    if value is None:
                        raise _NotPlain
                    if child.keys():
                        out[name] = _with_attributes(child, value, attributes_check)
                    else:
                        out[name] = value
                    if keys:
                        leaf = _new_leaf(((*parts, name), child_spec, value, None))
                        for key in keys:
                            leaves[key].append(leaf)
                    continue
                if how == _KIND:
                    if len(child):
                        raise _NotPlain
                    given = _kind_attribute(child, attribute)
                    text = child.text or ""
                    # The reader's canonical decimal; letters and digits only (no blank,
                    # sign or leading zero) are canonical as they are.
                    if not (text.isalnum() and text[0] != "0"):
                        text = normalise_text(DECIMAL, text)
                    checked = check(text, given)
                    if checked is None:
                        raise _NotPlain
                    value = out[name] = checked[0]
                    if keys:
                        leaf = _new_leaf(((*parts, name), child_spec, checked[1], checked[2]))
                        for key in keys:
                            leaves[key].append(leaf)
                    continue
                out[name] = self.read_leaf(child, entry, (*parts, name))
                continue
            if position != last:
                if position < last:
                    raise _NotPlain  # out of schema order
                last = position
                if repeatable:
                    entries = out[name] = []
            elif not repeatable:
                raise _NotPlain  # occurs once: the reader makes a list of it
            if repeatable:
                if len(entries) == max_occurs:
                    raise _NotPlain
                where: Parts = (*parts, name, len(entries))
            else:
                where = (*parts, name)
            if how == _CLASS:
                value = self.read_class(child, check, where)
            else:
                value = self.read_leaf(child, entry, where)
            if repeatable:
                entries.append(value)
            else:
                out[name] = value
        self.nodes += len(children)
        if not plan.required <= out.keys():
            raise _NotPlain  # a mandatory element is missing
        return out

    def read_leaf(self, element: etree._Element, entry: _Entry, parts: Parts) -> Any:
        """The canonical value of a leaf element without child elements (a date-time:
        with its ``DateTimeString``), as the reader and then stage 1 give it."""
        how, check = entry.how, entry.check
        if how == _DATETIME:
            if not len(element):
                raise _NotPlain  # no DateTimeString
            checked = check(read_datetime(element))
        elif len(element):
            raise _NotPlain  # elements inside a value
        elif how == _KIND:
            given = _kind_attribute(element, entry.attribute)
            checked = check(_decimal_text(element), given)
        else:
            text = _decimal_text(element) if how == _NUMBER else (element.text or "")
            value = check(text)
            if value is None:
                raise _NotPlain
            if element.keys():
                checked = (_with_attributes(element, value, entry.attributes_check), value, None)
            else:
                checked = (value, value, None)
        if checked is None:
            raise _NotPlain
        value, leaf_value, attribute = checked
        if entry.watch_keys:
            leaf = _new_leaf((parts, entry.spec, leaf_value, attribute))
            for key in entry.watch_keys:
                self.leaves[key].append(leaf)
        return value


def checked_structure(root: etree._Element, watch: Collection[str]) -> Structure | None:
    """Stage 1's outcome for the declaration at ``root`` (as ``parse_declaration_xml``
    found it) when it has no issue, in one walk; ``None`` when it is not plain (see the
    module docstring), and then ``check_structure(document_from_xml_tree(root))`` says
    what it has."""
    try:
        return _checked_structure(root, frozenset(watch))
    except _NotPlain:
        return None


def _checked_structure(root: etree._Element, watch: frozenset[str]) -> Structure:
    spec = declaration_spec()
    document: dict[str, Any] = {}
    nodes = 0
    if local_name(root.tag) == DECLARATION_KEY:
        declaration = root
    else:
        # The envelope as ``document_from_xml_tree`` reads it and ``check_structure``
        # checks it (it comes first in both).
        found: etree._Element | None = None
        envelope: dict[str, Any] = {}
        for child in root:
            if not isinstance(child.tag, str):
                continue
            name = local_name(child.tag)
            if name == DECLARATION_KEY and found is None:
                found = child
            elif name == DECLARATION_KEY or name in envelope:
                raise _NotPlain  # kept as a list by the reader
            else:
                envelope[name] = read_metadata_field(child)
        if found is None:
            raise _NotPlain
        declaration = found
        metadata, issues, nodes = check_metadata(envelope)
        if metadata is None or issues:
            raise _NotPlain
        document[METADATA_KEY] = metadata
    walk = _Walk(nodes + 1)  # + 1: the Declaration itself
    document[DECLARATION_KEY] = walk.read_class(declaration, _plan(spec, watch), (DECLARATION_KEY,))
    if walk.nodes > MAX_NODES:
        raise _NotPlain
    return Structure(document=document, leaves=walk.leaves)
