"""What an amendment changed: two canonical documents compared data element by data
element (``document_changes``), goods items matched by their item number (WCO DM 006,
``SequenceNumeric``) rather than their place in the list, so a reordered list is no change.

Knows nothing of Django models: two dicts in, a list of changes out.
"""

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from datamodel.dictionary import json_pointer, wco_pointer

ITEMS = ("Declaration", "GoodsShipment", "GovernmentAgencyGoodsItem")

type Parts = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Change:
    """One data element that differs: ``path`` (RFC 6901 JSON pointer in the new document,
    or the old one when it was removed), ``pointer`` (WCO pointer, e.g. ``42A/67A/68A[1]/
    23A/65A/131``), ``item`` (the goods item number, ``None`` for the header), ``old`` /
    ``new`` (the value as text, ``None`` where it is absent)."""

    path: str
    pointer: str
    item: int | None
    old: str | None
    new: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _leaves(node: Any, parts: Parts) -> Iterator[tuple[Parts, str]]:
    if isinstance(node, dict):
        for name, child in node.items():
            yield from _leaves(child, (*parts, name))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _leaves(child, (*parts, index))
    elif node is not None:
        yield parts, node if isinstance(node, str) else json.dumps(node, cls=DjangoJSONEncoder)


def _items(document: dict[str, Any]) -> list[Any]:
    node: Any = document
    for name in ITEMS:
        node = node.get(name) if isinstance(node, dict) else None
    return node if isinstance(node, list) else []


def item_number(item: Any, index: int) -> int:
    """The goods item's number (WCO DM 006), or its place (1-based) when it has none."""
    raw = item.get("SequenceNumeric") if isinstance(item, dict) else None
    try:
        return int(str(raw.get("value") if isinstance(raw, dict) else raw))
    except (TypeError, ValueError):
        return index + 1


# (item number or None, parts inside the item or the whole path) -> (full parts, value)
type Flat = dict[tuple[int | None, Parts], tuple[Parts, str]]


def _flatten(document: Any) -> Flat:
    if not isinstance(document, dict):
        return {}
    flat: Flat = {}
    for parts, value in _leaves(document, ()):
        if parts[: len(ITEMS)] == ITEMS and len(parts) > len(ITEMS):
            continue
        flat[(None, parts)] = (parts, value)
    for index, item in enumerate(_items(document)):
        number = item_number(item, index)
        for parts, value in _leaves(item, ()):
            flat[(number, parts)] = ((*ITEMS, index, *parts), value)
    return flat


def document_changes(old: Any, new: Any) -> list[Change]:
    """Every data element whose value differs between ``old`` and ``new`` (canonical WCO DM
    documents, ``{"Declaration": {...}}``), header first, then per goods item in item
    order. Values are compared as their JSON text (``"1000"`` and ``1000`` differ only in
    form, both read as the same number by the validation, and are shown as written)."""
    before, after = _flatten(old), _flatten(new)
    changes = []
    for key in sorted(before.keys() | after.keys(), key=_order):
        was, now = before.get(key), after.get(key)
        old_value = was[1] if was else None
        new_value = now[1] if now else None
        if old_value == new_value:
            continue
        parts = (now or was)[0]  # type: ignore[index]
        changes.append(
            Change(
                path=json_pointer(parts),
                pointer=wco_pointer(parts),
                item=key[0],
                old=old_value,
                new=new_value,
            )
        )
    return changes


def _order(key: tuple[int | None, Parts]) -> tuple[int, tuple[str, ...]]:
    number, parts = key
    return (-1 if number is None else number, tuple(str(p).zfill(6) for p in parts))
