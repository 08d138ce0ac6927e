"""The one rule for the characters of a text, on every channel (JSON API, WCO XML, browser
form, drafts): Unicode NFC, and no control characters.

- Texts are normalised to Unicode Normalization Form C (Unicode Standard Annex #15) before
  any check and before storage, so "Müller" typed with a combining diaeresis (U+0075 U+0308)
  and with the precomposed U+00FC is the same name, and lengths (an..35, an..512) are counted
  on the normalised text. The W3C character model (Charmod-Norm, section 3) asks the same of
  text exchanged on the web.
- Refused: the C0 controls but tab, line feed and carriage return, DEL, the C1 controls
  (U+0080-U+009F: a C1 control in a text almost always means bytes decoded with the wrong
  encoding), lone surrogates and the non-characters U+FFFE/U+FFFF. XML 1.0 (section 2.2,
  ``Char``) cannot carry C0 controls, surrogates and U+FFFE/F at all and discourages DEL and
  C1; the portal refuses all of them so that the JSON and XML forms of a declaration hold the
  same texts. Line breaks stay where the element is free text (the single-line rule of a
  field is the schema's, ``datamodel.validation``).
"""

import re
import unicodedata
from decimal import Decimal
from typing import Any

# See the module docstring.
FORBIDDEN_CHARS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def nfc(text: str) -> str:
    """``text`` in Unicode NFC (ASCII, the common case, is returned as it is)."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def has_forbidden_chars(text: str) -> bool:
    """Whether ``text`` holds a character refused by the module's rule (controls...)."""
    return not text.isprintable() and FORBIDDEN_CHARS_RE.search(text) is not None


class ExponentDecimal(Decimal):
    """A JSON number written with an exponent (``1e3``, ``2.5E-2``), as the API's JSON
    parser reads it. xs:decimal, and so every amount, measure and quantity of the WCO DM
    schema, has no exponent: ``datamodel.validation.canonical_decimal`` refuses it, where a
    plain ``Decimal`` would pass as ``1000``."""

    __slots__ = ()


def json_decimal(text: str) -> Decimal:
    """``parse_float`` for ``json.loads``: a ``Decimal`` keeping every digit, an
    ``ExponentDecimal`` when the number was written with an exponent."""
    return ExponentDecimal(text) if "e" in text or "E" in text else Decimal(text)


type Parts = tuple[str | int, ...]


def normalised_texts(value: Any) -> tuple[Any, list[Parts]]:
    """Every text (and key) of a parsed JSON value in NFC, with the paths of the texts that
    hold refused characters (see the module docstring), in document order.

    For documents stored as they are typed (drafts): the same rule as the validation's,
    without its other checks. Iterative, so no nesting exhausts the stack.
    """
    problems: list[Parts] = []
    root: list[Any] = [None]
    # (container to fill, key or index in it, value, its path)
    stack: list[tuple[Any, Any, Any, Parts]] = [(root, 0, value, ())]
    while stack:
        into, key, item, parts = stack.pop()
        if isinstance(item, str):
            if has_forbidden_chars(item):
                problems.append(parts)
            into[key] = nfc(item)
        elif isinstance(item, dict):
            out: dict[str, Any] = {}
            into[key] = out
            children = []
            for name, child in item.items():
                if isinstance(name, str):
                    if has_forbidden_chars(name):
                        problems.append(parts)
                    name = nfc(name)
                out[name] = None  # keys keep their order
                children.append((out, name, child, (*parts, name)))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            seq: list[Any] = [None] * len(item)
            into[key] = seq
            stack.extend(
                (seq, index, child, (*parts, index))
                for index, child in reversed(list(enumerate(item)))
            )
        else:
            into[key] = item
    return root[0], problems
