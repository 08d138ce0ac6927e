"""Safe parsing: hostile, broken and differently encoded input gives an Issue, never an
exception and never a hang (datamodel.xmlio.parsing)."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datamodel.issues import IssueCode, Severity
from datamodel.xmlio import (
    MAX_BYTES,
    MAX_DEPTH,
    declaration_from_xml,
    declaration_to_xml,
    document_from_xml_tree,
    parse_declaration_xml,
    schema_issues,
)
from tests.factories import valid_document

VALID_XML = declaration_to_xml(valid_document())


def refused_with(raw: bytes) -> list[IssueCode]:
    """The codes of the issues when the bytes are refused before any validation."""
    started = time.perf_counter()
    result = declaration_from_xml(raw)
    # Every refusal is quick: nothing expands, nothing is fetched, nothing hangs.
    assert time.perf_counter() - started < 5
    assert result.document is None
    assert not result.ok
    return [issue.code for issue in result.issues]


# --- entities and DTDs ------------------------------------------------------------------------


def test_billion_laughs_is_refused_as_forbidden_construct() -> None:
    entities = "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "lol"}">' for i in range(1, 10)
    )
    raw = f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]><lolz>&lol9;</lolz>'.encode()

    assert refused_with(raw) == [IssueCode.FORBIDDEN_CONSTRUCT]


def test_external_entity_is_refused_and_never_read() -> None:
    raw = (
        b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<md:MetaData xmlns:md="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2">&x;</md:MetaData>'
    )

    result = declaration_from_xml(raw)

    assert [i.code for i in result.issues] == [IssueCode.FORBIDDEN_CONSTRUCT]
    assert "root:" not in repr(result)


def test_external_dtd_and_parameter_entities_are_refused() -> None:
    external = b'<?xml version="1.0"?><!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>'
    parameter = (
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd">'
        b"%p;]><a/>"
    )

    assert refused_with(external) == [IssueCode.FORBIDDEN_CONSTRUCT]
    assert refused_with(parameter) == [IssueCode.FORBIDDEN_CONSTRUCT]


def test_doctype_without_entities_is_refused() -> None:
    raw = VALID_XML.replace(b"<md:MetaData", b"<!DOCTYPE md:MetaData>\n<md:MetaData", 1)

    assert refused_with(raw) == [IssueCode.FORBIDDEN_CONSTRUCT]


def test_undefined_entity_reference_is_malformed() -> None:
    raw = VALID_XML.replace(b"Roasted coffee", b"Roasted&nbsp;coffee")

    assert refused_with(raw) == [IssueCode.MALFORMED]


@pytest.mark.parametrize(
    "raw",
    [
        b'<?xml version="1.0"?><?xml-stylesheet href="x.xsl"?><a/>',
        b"<a><?php echo 1; ?></a>",
        b"<a/><?after the root?>",
        b'<?xml-stylesheet href="x.xsl"?><a/>',
        b'\xef\xbb\xbf<?xml version="1.0"?><a><![CDATA[?]]><?pi?></a>',
        b'<?xml version="1.0" encoding="UTF-16"?><a><?pi?></a>'.decode().encode("utf-16"),
    ],
    ids=["before-root", "inside", "after-root", "first-no-declaration", "bom", "utf-16"],
)
def test_processing_instructions_are_refused(raw: bytes) -> None:
    assert refused_with(raw) == [IssueCode.FORBIDDEN_CONSTRUCT]


# --- size, depth and element count ------------------------------------------------------------


def test_input_over_the_byte_limit_is_refused_before_parsing() -> None:
    raw = b"<a>" + b"x" * (20 * 1024 * 1024) + b"</a>"

    assert refused_with(raw) == [IssueCode.TOO_LARGE]


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    depth = MAX_DEPTH + 1
    raw = b"<a>" * depth + b"</a>" * depth

    assert refused_with(raw) == [IssueCode.TOO_LARGE]


def test_nesting_at_the_limit_is_parsed() -> None:
    raw = b"<a>" * MAX_DEPTH + b"</a>" * MAX_DEPTH

    assert parse_declaration_xml(raw).tree is not None


def test_very_deep_nesting_is_refused() -> None:
    raw = b"<a>" * 100_000 + b"</a>" * 100_000

    assert refused_with(raw) == [IssueCode.TOO_LARGE]


def test_element_flood_is_refused_without_building_the_tree() -> None:
    raw = b"<a>" + b"<b/>" * 2_000_000 + b"</a>"
    assert len(raw) <= MAX_BYTES

    assert refused_with(raw) == [IssueCode.TOO_LARGE]


# --- broken input -----------------------------------------------------------------------------


def test_truncated_document_is_malformed_with_its_position() -> None:
    result = declaration_from_xml(VALID_XML[: len(VALID_XML) // 2])

    assert [i.code for i in result.issues] == [IssueCode.MALFORMED]
    assert "line" in result.issues[0].message


@pytest.mark.parametrize(
    "raw",
    [b"", b"   \n\t", b"hello", b'{"Declaration": {}}', b"\x00\x01\x02\xff", b"<a></b>"],
    ids=["empty", "blank", "text", "json", "binary", "mismatched-tags"],
)
def test_not_xml_is_malformed(raw: bytes) -> None:
    assert refused_with(raw) == [IssueCode.MALFORMED]


def test_text_instead_of_bytes_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        parse_declaration_xml(VALID_XML.decode())  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2_000))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    result = declaration_from_xml(raw)

    assert result.document is None or result.issues is not None


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=len(VALID_XML.rstrip()) - 1))
def test_every_truncation_of_a_declaration_is_malformed(cut: int) -> None:
    codes = {i.code for i in declaration_from_xml(VALID_XML[:cut]).issues}

    assert codes == {IssueCode.MALFORMED}


# --- encodings --------------------------------------------------------------------------------


def _document_of(raw: bytes) -> dict:
    parsed = parse_declaration_xml(raw)
    assert parsed.root is not None, parsed.issues
    assert schema_issues(parsed.root) == []
    return document_from_xml_tree(parsed.root)


def _reencoded(encoding: str, declared: str, *, bom: bytes = b"") -> bytes:
    text = VALID_XML.decode("utf-8").replace("Example Importers Ltd", "Müller Einfuhr €")
    if encoding == "iso-8859-1":
        text = text.replace("€", "E")
    text = text.replace("encoding='UTF-8'", f"encoding='{declared}'", 1)
    return bom + text.encode(encoding)


def test_utf16_documents_are_read_by_their_declared_encoding() -> None:
    expected = _document_of(_reencoded("utf-8", "UTF-8"))

    assert _document_of(_reencoded("utf-16", "UTF-16")) == expected  # with BOM
    assert _document_of(_reencoded("utf-16-be", "UTF-16", bom=b"\xfe\xff")) == expected
    assert expected["Declaration"]["Declarant"]["Name"] == "Müller Einfuhr €"


def test_iso_8859_1_document_is_read_by_its_declared_encoding() -> None:
    document = _document_of(_reencoded("iso-8859-1", "ISO-8859-1"))

    assert document["Declaration"]["Declarant"]["Name"] == "Müller Einfuhr E"


def test_utf8_byte_order_mark_is_accepted() -> None:
    assert _document_of(b"\xef\xbb\xbf" + VALID_XML) == _document_of(VALID_XML)


def test_bytes_that_contradict_the_declared_encoding_are_malformed() -> None:
    raw = _reencoded("iso-8859-1", "UTF-8")

    assert refused_with(raw) == [IssueCode.MALFORMED]


@pytest.mark.parametrize(
    "raw",
    [
        b'<?xml version="1.0" encoding="UTF-7"?><a>+ADw-b/+AD4-</a>',
        '<?xml version="1.0" encoding="IBM037"?><a/>'.encode("cp037"),
        '<?xml version="1.0" encoding="UTF-32"?><a/>'.encode("utf-32"),
        b'<?xml version="1.0" encoding="x-no-such-thing"?><a/>',
    ],
    ids=["utf-7", "ebcdic", "utf-32", "unknown"],
)
def test_unsupported_encodings_are_malformed(raw: bytes) -> None:
    assert refused_with(raw) == [IssueCode.MALFORMED]


def test_comments_are_dropped_not_refused() -> None:
    raw = VALID_XML.replace(b"<FunctionCode>", b"<!-- DE 1/1 --><FunctionCode>", 1)

    assert _document_of(raw) == _document_of(VALID_XML)


def test_refusals_are_errors_about_the_whole_document() -> None:
    issue = declaration_from_xml(b"<a>").issues[0]

    assert issue.severity == Severity.ERROR
    assert (issue.pointer, issue.path) == ("", "")
