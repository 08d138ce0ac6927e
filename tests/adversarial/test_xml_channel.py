"""Hostile WCO DM XML on the submit endpoint: a valid declaration with random elements
given random Unicode or huge numbers, duplicated, removed or nested deep; declared encodings
that lie; DOCTYPEs and entities; random bytes. Only the invariants are asserted: no 5xx,
the one error shape, nothing half-saved."""

import copy

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree
from rest_framework.test import APIClient

from datamodel.xmlio import declaration_to_xml
from tests.adversarial.conftest import post_hostile
from tests.adversarial.strategies import hostile_text, huge_numbers
from tests.factories import VALID_DOCUMENT

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/declarations/"
XML_TYPES = ["application/xml", "text/xml", "application/xml; charset=iso-8859-1"]
VALID_XML = declaration_to_xml(VALID_DOCUMENT)
FIXTURES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
ELEMENT_COUNT = sum(1 for _ in etree.fromstring(VALID_XML, _PARSER).iter())


@st.composite
def edited_xml(draw: st.DrawFn) -> bytes:
    """The valid declaration with one to three random elements edited."""
    root = etree.fromstring(VALID_XML, _PARSER)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        elements = list(root.iter())
        element = elements[draw(st.integers(min_value=0, max_value=len(elements) - 1))]
        edit = draw(st.sampled_from(["text", "number", "duplicate", "remove", "nest", "attr"]))
        parent = element.getparent()
        try:
            if edit == "text":
                element.text = draw(hostile_text)
            elif edit == "number":
                element.text = str(draw(huge_numbers))
            elif edit == "duplicate" and parent is not None:
                parent.insert(parent.index(element), copy.deepcopy(element))
            elif edit == "remove" and parent is not None:
                parent.remove(element)
            elif edit == "nest":
                inner = element
                for _ in range(draw(st.integers(min_value=1, max_value=300))):
                    inner = etree.SubElement(inner, element.tag)
            elif edit == "attr":
                element.set(draw(st.sampled_from(["unitCode", "currencyID", "x"])), "9" * 40)
        except ValueError:  # lxml will not write control characters or surrogates
            assume(False)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _laughs(levels: int) -> bytes:
    entities = "".join(
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10 if n else "lol"}">' for n in range(levels)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE Declaration [{entities}]>'
        f"<Declaration>&l{levels - 1};</Declaration>"
    ).encode()


HOSTILE_DOCUMENTS = [
    _laughs(9),
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
    VALID_XML.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"'),
    VALID_XML.replace(b'encoding="UTF-8"', b'encoding="UTF-16"'),
    VALID_XML.replace(b'encoding="UTF-8"', b'encoding="no-such-codec"'),
    VALID_XML.replace(b"urn:wco:datamodel:WCO:DEC-DMS:2", b"urn:example:other"),
    b"<a>" * 10_000 + b"</a>" * 10_000,
    b"<?xml version='1.1'?><a>\x01</a>",
    VALID_XML[: len(VALID_XML) // 2],
    b"\xff\xfe<\x00a\x00>\x00",
    b"",
]


@FIXTURES
@given(raw=edited_xml(), content_type=st.sampled_from(XML_TYPES))
def test_a_valid_xml_declaration_edited_at_random(
    hostile_client: APIClient, raw: bytes, content_type: str
) -> None:
    post_hostile(hostile_client, SUBMIT, raw, content_type)


@FIXTURES
@given(
    raw=st.one_of(
        st.sampled_from(HOSTILE_DOCUMENTS),
        st.binary(max_size=400),
        st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.text(max_size=200).map(
            lambda t: f"<Declaration>{t}</Declaration>".encode("utf-8", "surrogatepass")
        ),
    ),
    content_type=st.sampled_from(XML_TYPES),
)
def test_hostile_xml_documents(hostile_client: APIClient, raw: bytes, content_type: str) -> None:
    if not raw:
        # An empty body is refused before parsing (400 malformed), as for JSON.
        response = hostile_client.generic("POST", SUBMIT, raw, content_type=content_type)
        assert response.status_code == 400
        return
    post_hostile(hostile_client, SUBMIT, raw, content_type)


def test_the_edits_reach_a_real_declaration(hostile_client: APIClient) -> None:
    """The strategies start from a declaration the portal accepts (else they test nothing)."""
    response = post_hostile(hostile_client, SUBMIT, VALID_XML, "application/xml")
    assert response.status_code == 201, response.content[:2000]
    assert ELEMENT_COUNT > 50
