"""History lines written once and read in the reader's language.

A line the system composes ("version 2: 3 change(s)", "item 1: released", "green -> red:
<reason>") is stored as a small tree of message ids and arguments, not as text in the
language of whoever acted, and rendered when it is read. A tree is JSON:

- a ``str``: data, shown as it is (an MRN, an agency's name, a reason an officer typed);
- ``{"t": msgid, "a": {name: tree}, "lower": bool}``: ``gettext(msgid) % args``, lower-cased
  when ``lower`` (a status label inside a sentence);
- ``{"j": separator, "p": [tree, ...]}``: the parts joined (a list of outcomes).

Message ids are the English source strings already in the catalogues (``locale/``), marked
with ``gettext_noop`` where they are written so that ``makemessages`` finds them.
``StatusEvent`` keeps the English rendering in ``message`` (search, admin, old rows) and the
tree in ``message_text``.
"""

from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

Text = str | dict[str, Any]


def text(msgid: str, *, lower: bool = False, **args: Any) -> dict[str, Any]:
    """``msgid % args`` in the reader's language; ``args`` are trees, plain values (numbers,
    dates: shown as they are) or lazy labels (``label`` is applied)."""
    node: dict[str, Any] = {"t": str(msgid), "a": {k: _arg(v) for k, v in args.items()}}
    if lower:
        node["lower"] = True
    return node


def label(choice: Promise | str, *, lower: bool = False) -> Text:
    """A lazy label (a ``TextChoices`` label, ``gettext_lazy``) as its message id, so it is
    translated when read; a plain string stays data."""
    if isinstance(choice, Promise):
        with translation.override(None):  # no catalogue: the message id itself
            msgid = str(choice)
        return text(msgid, lower=lower)
    return choice.lower() if lower else choice


def joined(separator: str, parts: list[Any]) -> dict[str, Any]:
    """``parts`` (trees) joined by ``separator`` (punctuation, not translated)."""
    return {"j": separator, "p": [_arg(p) for p in parts]}


def render(node: Any) -> str:
    """The tree as text in the active language (see the module notes for its shape)."""
    if isinstance(node, dict) and "t" in node:
        out = gettext(node["t"])
        args = {k: render(v) for k, v in (node.get("a") or {}).items()}
        if args:
            out = out % args
        return out.lower() if node.get("lower") else out
    if isinstance(node, dict) and "j" in node:
        return str(node["j"]).join(render(p) for p in node.get("p") or [])
    return "" if node is None else str(node)


def english(node: Any) -> str:
    """The tree rendered in English (the source language of the message ids)."""
    with translation.override("en"):
        return render(node)


def _arg(value: Any) -> Any:
    if isinstance(value, Promise):
        return label(value)
    if isinstance(value, list):
        return joined(", ", value)
    if isinstance(value, (dict, str)) or value is None:
        return value
    return str(value)
