"""Hypothesis strategies for hostile input: random Unicode, huge numbers, wrong types,
deep nesting, and edits of a valid declaration at a random place."""

import copy
import json
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

# Any Unicode the JSON parser can carry, lone surrogates and control characters included.
hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec=None), max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\u0000",
            "\ud800",
            "\u202e\u0645",
            "e\u0301",
            "💥" * 600,
            "x" * 5000,
            "'; DROP TABLE declarations_declaration; --",
            "<script>alert(1)</script>",
            "../../etc/passwd",
            "%s%n",
        ]
    ),
)
huge_numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from([10**4000, -(10**300), 2**63, 2**64, -(2**63) - 1]),
    st.decimals(allow_nan=False, allow_infinity=False, places=None),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal("1e999999"), Decimal("-0"), Decimal("1E-400")]),
)
scalars = st.one_of(st.none(), st.booleans(), hostile_text, huge_numbers)


def nested(depth: int) -> Any:
    value: Any = "deep"
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(hostile_text, children, max_size=4)
    ),
    max_leaves=12,
)
hostile_values = st.one_of(
    json_values, st.integers(min_value=1, max_value=80).map(nested), st.just([]), st.just({})
)


def paths(document: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path into ``document`` (dict keys and list indexes), the root included."""
    found = [prefix]
    if isinstance(document, dict):
        for key, value in document.items():
            found += paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += paths(value, (*prefix, index))
    return found


def replaced(document: Any, path: tuple, value: Any) -> Any:
    """A copy of ``document`` with the value at ``path`` replaced by ``value``."""
    if not path:
        return value
    result = copy.deepcopy(document)
    node = result
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return result


def edited_documents(document: dict[str, Any]) -> st.SearchStrategy[Any]:
    """``document`` with one to three places replaced by hostile values."""
    places = paths(document)

    @st.composite
    def edit(draw: st.DrawFn) -> Any:
        result: Any = document
        for _ in range(draw(st.integers(min_value=1, max_value=3))):
            where = paths(result) if isinstance(result, dict | list) else [()]
            path = draw(st.sampled_from(where if where else places))
            result = replaced(result, path, draw(hostile_values))
        return result

    return edit()


def json_text(value: Any) -> str:
    """JSON text of ``value``, numbers as written (``Decimal`` kept digit for digit, even
    ``1E+999999``), lone surrogates as ``\\u`` escapes."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json_text(k)}: {json_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(json_text(v) for v in value) + "]"
    return json.dumps(value)


def with_duplicate_key(text: str, key: str, value: str) -> str:
    """``text`` (a JSON object) with ``key`` given again as the first member."""
    return "{" + json.dumps(key) + ": " + value + ", " + text.lstrip()[1:]
