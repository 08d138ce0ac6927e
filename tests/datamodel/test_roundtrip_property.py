"""Property: for any canonical document the dictionary allows, export then import is the
identity (XML level: the export is schema-valid; dict level: the same document back).

Documents are generated from ``datamodel.dictionary``: every leaf from its facets (length,
maxLength, pattern, enumeration, totalDigits/fractionDigits, date-time pattern), mandatory
children always, optional ones sometimes, repeatables as lists of one or two.
"""

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datamodel.dictionary import AttributeSpec, ElementSpec, declaration_spec
from datamodel.validation import check_structure
from datamodel.xmlio import (
    compare_declarations,
    declaration_to_xml,
    document_from_xml_tree,
    parse_declaration_xml,
    schema_issues,
)
from datamodel.xmlio.names import DECIMAL, TOKEN, collapse_token, text_kind

# Characters XML 1.0 can carry and the XSD "." matches: no controls (Cc, which also keeps
# out CR/LF that "." excludes), no surrogates, no unassigned code points (U+FFFE/U+FFFF).
XML_CHARACTERS = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cn"))
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"


def _free_text(max_length: int, *, token: bool) -> st.SearchStrategy[str]:
    # Pattern .*[^\s].*: at least one character that is not an XSD blank.
    text = st.text(XML_CHARACTERS, min_size=1, max_size=min(max_length, 24))
    if token:
        # The canonical form of an xs:token value is already collapsed.
        text = text.map(collapse_token)
    return text.filter(lambda t: t.strip(" \t\n\r") != "" and len(t) <= max_length)


def _decimal(total_digits: int | None, fraction_digits: int | None) -> st.SearchStrategy[str]:
    total = total_digits or 18
    fraction = min(fraction_digits if fraction_digits is not None else 6, total - 1)

    @st.composite
    def build(draw: st.DrawFn) -> str:
        places = draw(st.integers(0, fraction))
        digits = draw(st.text(DIGITS, min_size=1, max_size=total))[: total - places] or "0"
        tail = draw(st.text(DIGITS, min_size=places, max_size=places)).rstrip("0")
        whole = digits.lstrip("0") or "0"
        number = f"{whole}.{tail}" if tail else whole
        negative = draw(st.booleans()) and number != "0" and draw(st.integers(0, 9)) == 0
        return "-" + number if negative else number

    return build()


DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
# udt:DateTimePatternType: CCYYMMDD (format 102) or CCYYMMDDHHMMSS with Z/+hh/-hh (304).
DATE_TIMES = st.one_of(
    DAYS.map(lambda day: {"value": f"{day:%Y%m%d}", "formatCode": "102"}),
    st.builds(
        lambda day, time, zone: {"value": f"{day:%Y%m%d}{time}{zone}", "formatCode": "304"},
        DAYS,
        st.sampled_from(["000000", "235959", "120000"]),
        st.sampled_from(["Z", "+01", "-05"]),
    ),
)


def _value(spec: ElementSpec) -> st.SearchStrategy[str]:
    facets = spec.facets
    if spec.enumeration:
        return st.sampled_from(spec.enumeration)
    if text_kind(spec) == DECIMAL:
        total = int(facets["totalDigits"]) if "totalDigits" in facets else None
        fraction = int(facets["fractionDigits"]) if "fractionDigits" in facets else None
        return _decimal(total, fraction)
    pattern = facets.get("pattern", "")
    alphabet = {"([a-zA-Z])*": LETTERS, "([0-9])*": DIGITS}.get(pattern)
    if "length" in facets:
        size = int(facets["length"])
        return st.text(alphabet or LETTERS, min_size=size, max_size=size)
    max_length = int(facets.get("maxLength", "70"))
    if alphabet is not None:
        return st.text(alphabet, min_size=1, max_size=max_length)
    return _free_text(max_length, token=text_kind(spec) == TOKEN)


def _leaf(spec: ElementSpec) -> st.SearchStrategy[Any]:
    if spec.value_kind == "datetime":
        return DATE_TIMES
    value = _value(spec)
    if spec.value_kind == "amount":
        currency = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)
        return st.fixed_dictionaries({"value": value}, optional={"currencyID": currency})
    if spec.value_kind in ("measure", "quantity"):
        unit = st.text(LETTERS + DIGITS, min_size=1, max_size=5)
        return st.fixed_dictionaries({"value": value}, optional={"unitCode": unit})
    # Code, ID and text leaves may carry the attributes their schema types allow (then
    # they are objects, with at least one).
    if not spec.allowed_attributes:
        return value
    optional = {name: _attribute(a) for name, a in spec.allowed_attributes.items()}
    with_attributes = st.fixed_dictionaries({"value": value}, optional=optional).filter(
        lambda leaf: len(leaf) > 1
    )
    return st.one_of(value, value, value, with_attributes)


LANGUAGES = st.from_regex(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8}){0,2}", fullmatch=True)
URIS = st.one_of(
    st.sampled_from(
        [
            "urn:un:unece:uncefact:codelist:standard:5:3055:D12B",
            "https://example.org/codes/list.xml?version=2#CN",
            "codes/list.xml",
            "#CN",
        ]
    ),
    st.from_regex(r"[a-z][a-z0-9+.-]{0,5}:[A-Za-z0-9._~/-]{0,12}", fullmatch=True),
)


def _attribute(attribute: AttributeSpec) -> st.SearchStrategy[str]:
    """Values of an attribute of a text, code or ID that its schema type takes."""
    if attribute.base == "language":
        return LANGUAGES
    if attribute.base == "anyURI":
        return URIS
    if attribute.pattern is not None:  # the agency code: .{1,3}
        return st.text(XML_CHARACTERS, min_size=1, max_size=attribute.max_length or 3)
    return st.text(XML_CHARACTERS, min_size=1, max_size=24)


_STRATEGIES: dict[tuple[str, ...], st.SearchStrategy[Any]] = {}


def _element(spec: ElementSpec) -> st.SearchStrategy[Any]:
    """The strategy of one element, built once per element path (specs are unhashable)."""
    strategy = _STRATEGIES.get(spec.path)
    if strategy is None:
        if spec.is_leaf:
            strategy = _leaf(spec)
        else:
            children = spec.children.items()
            required = {n: _occurrences(c) for n, c in children if c.min_occurs > 0}
            optional = {n: _occurrences(c) for n, c in children if c.min_occurs == 0}
            strategy = st.fixed_dictionaries(required, optional=optional)
        _STRATEGIES[spec.path] = strategy
    return strategy


def _occurrences(spec: ElementSpec) -> st.SearchStrategy[Any]:
    # deferred: the strategy of a class is built when first drawn (the tree is large).
    one = st.deferred(lambda: _element(spec))
    if not spec.repeatable:
        return one
    upper = 2 if spec.max_occurs is None else min(2, spec.max_occurs)
    return st.lists(one, min_size=max(1, spec.min_occurs), max_size=upper)


METADATA = st.fixed_dictionaries(
    {},
    optional={
        "WCODataModelVersionCode": st.just("3.6"),
        "WCOTypeName": st.sampled_from(["DEC", {"value": "DEC", "languageID": "EN"}]),
        "ResponsibleCountryCode": st.sampled_from(["GB", "FR"]),
        "ResponsibleAgencyName": _free_text(70, token=False),
        "AgencyAssignedCustomizationCode": st.text(LETTERS, min_size=1, max_size=6),
        "AgencyAssignedCustomizationVersionCode": st.just("v2.1"),
    },
)

DOCUMENTS = st.fixed_dictionaries(
    {"Declaration": st.deferred(lambda: _element(declaration_spec()))},
    optional={"MetaData": METADATA},
)


def _compare_defaults(document: dict[str, Any]) -> dict[str, Any]:
    # An export of a document without "MetaData" writes the default envelope.
    expected = dict(document)
    expected.setdefault("MetaData", {"WCODataModelVersionCode": "3.6", "WCOTypeName": "DEC"})
    return expected


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(DOCUMENTS)
def test_export_then_import_is_the_identity(document: dict[str, Any]) -> None:
    exported = declaration_to_xml(document)
    parsed = parse_declaration_xml(exported)

    assert parsed.root is not None, parsed.issues
    assert schema_issues(parsed.root) == []
    assert document_from_xml_tree(parsed.root) == _compare_defaults(document)
    # And the XML carries the same data when written again.
    assert compare_declarations(exported, declaration_to_xml(_compare_defaults(document))) == []


def _attribute_names(spec: ElementSpec) -> set[str]:
    if spec.is_leaf:
        return {*spec.allowed_attributes, "formatCode"}
    return {name for child in spec.children.values() for name in _attribute_names(child)}


ATTRIBUTE_NAMES = _attribute_names(declaration_spec())


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(DOCUMENTS)
def test_stage_1_accepts_every_attribute_the_schema_allows(document: dict[str, Any]) -> None:
    # Whatever the XSD takes on a leaf (languageID, listID, listAgencyID, schemeID...,
    # currencyID, unitCode, formatCode), stage 1 takes too.
    structure = check_structure(document)

    assert [
        issue.as_dict()
        for issue in structure.issues
        if issue.path.rpartition("/")[2] in ATTRIBUTE_NAMES
    ] == []
