"""What a message is (``datamodel.messages``), read from XML without a full parse
(``message_header``), and the UK CDS cancellation message read and checked against
``customs/wrapper_cancel.xsd`` (``cancellation_from_xml``)."""

from collections.abc import Callable

import pytest

from datamodel.issues import IssueCode
from datamodel.messages import MessageKind, header_kind, message_kind, referenced_mrn
from datamodel.xmlio.messages import cancellation_from_xml, message_header
from tests.datamodel.samples import SAMPLES as SAMPLES_DIR

CANCELLATIONS = (
    "TT_EX010a/TT_EX010a_Cancellation.xml",
    "TT_EX052a/Step3_Cancellation.xml",
)
CANCEL_SAMPLE = SAMPLES_DIR / "TT_EX052a" / "Step3_Cancellation.xml"


def cancellation_bytes(**replace: str) -> bytes:
    """The CDS sample cancellation, with texts replaced (old text -> new)."""
    text = CANCEL_SAMPLE.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text.encode()


@pytest.mark.parametrize(
    ("function_code", "type_code", "kind"),
    [
        ("9", "IMZ", MessageKind.ORIGINAL),
        (9, "", MessageKind.ORIGINAL),
        (" 9 ", "EX", MessageKind.ORIGINAL),
        ("13", "COR", MessageKind.AMENDMENT),
        ("13", "IMZ", MessageKind.AMENDMENT),
        ("13", "INV", MessageKind.CANCELLATION),
        ("13", " INV ", MessageKind.CANCELLATION),
        ("13", "inv", MessageKind.AMENDMENT),  # a token: case counts
        # UN/EDIFACT 1225: 14 is "advance notification", 1 "cancellation": neither is a
        # message of the portal (CDS cancels with 13 + INV)
        ("14", "INV", None),
        ("14", "IMZ", None),
        ("1", "", None),
        ("", "", None),
        (True, "INV", None),
        (None, None, None),
    ],
)
def test_the_function_code_and_type_code_say_what_a_message_is(
    function_code: object, type_code: object, kind: MessageKind | None
) -> None:
    assert message_kind(function_code, type_code) == kind


def test_a_documents_header_says_its_kind_and_the_mrn_it_refers_to() -> None:
    document = {"Declaration": {"FunctionCode": "13", "TypeCode": "INV", "ID": " 26gb1x "}}
    assert header_kind(document) == MessageKind.CANCELLATION
    assert referenced_mrn(document) == "26GB1X"
    assert header_kind([]) is None and referenced_mrn({"Declaration": "x"}) == ""


@pytest.mark.parametrize("sample", CANCELLATIONS)
def test_the_cds_cancellation_samples_are_read_as_cancellations(sample: str) -> None:
    raw = (SAMPLES_DIR / sample).read_bytes()
    header = message_header(raw)
    assert header is not None and header.kind == MessageKind.CANCELLATION
    result = cancellation_from_xml(raw)
    assert result.ok, result.issues
    assert result.mrn == header.mrn and len(result.mrn) == 18
    assert result.reason == "This is a duplicate, please can"
    assert result.change_reason_code == "1"
    assert result.submitter_id.startswith("GB")


def test_the_header_of_every_sample_is_read_as_its_kind() -> None:
    # Given every sample declaration of the CDS test scenarios
    kinds: dict[MessageKind | None, int] = {}
    for path in sorted(SAMPLES_DIR.rglob("*.xml")):
        header = message_header(path.read_bytes())
        kind = header.kind if header is not None else None
        kinds[kind] = kinds.get(kind, 0) + 1
        if "Cancellation" in path.name:
            assert kind == MessageKind.CANCELLATION, path
        elif "Amendment" in path.name:
            assert kind == MessageKind.AMENDMENT, path
    # Then originals, amendments and the two cancellations are told apart; notifications
    # (Response, no DEC-DMS Declaration) have no declaration header
    assert kinds[MessageKind.CANCELLATION] == len(CANCELLATIONS)
    assert kinds[MessageKind.ORIGINAL] > 100 and kinds[MessageKind.AMENDMENT] >= 10
    assert kinds[None] > 10


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not xml",
        b"<a><b>",
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "13">]>'
        b'<Declaration xmlns="urn:wco:datamodel:WCO:DEC-DMS:2"><FunctionCode>&e;</FunctionCode>'
        b"</Declaration>",
        "<Declaration/>",  # text, not bytes
        b"<Declaration xmlns='urn:wco:datamodel:WCO:RES-DMS:2'><FunctionCode>13</FunctionCode>"
        b"<TypeCode>INV</TypeCode></Declaration>",
    ],
)
def test_the_header_reader_never_raises_and_finds_no_declaration_in_junk(raw: object) -> None:
    header = message_header(raw)  # type: ignore[arg-type]
    # An entity is never expanded: what it would say stays unread
    assert header is None or header.kind is None


def test_the_header_reader_stops_at_the_header() -> None:
    # Given a declaration whose header is followed by something broken
    raw = cancellation_bytes().replace(b"</md:MetaData>", b"<broken")
    # Then the header is still read (nothing after it was parsed)
    header = message_header(raw)
    assert header is not None and header.kind == MessageKind.CANCELLATION
    # and the full read reports the broken document
    result = cancellation_from_xml(raw)
    assert not result.ok and result.issues[0].code == IssueCode.MALFORMED


MISSING: dict[str, tuple[Callable[[], bytes], IssueCode, str, str]] = {
    "no MRN": (
        lambda: cancellation_bytes(**{"<ID>25GB53T2CGAY90LAA1</ID>": ""}),
        IssueCode.REQUIRED,
        "42A/D014",
        "/Declaration/ID",
    ),
    "no reason": (
        lambda: cancellation_bytes(
            **{"<StatementDescription>This is a duplicate, please can</StatementDescription>": ""}
        ),
        IssueCode.REQUIRED,
        "42A/03A[1]/225",
        "/Declaration/AdditionalInformation/0/StatementDescription",
    ),
    "a blank reason": (
        lambda: cancellation_bytes(
            **{"This is a duplicate, please can": "   "},
        ),
        IssueCode.BAD_FORMAT,
        "42A/03A[1]/225",
        "/Declaration/AdditionalInformation/0/StatementDescription",
    ),
    "no change reason code": (
        lambda: cancellation_bytes(**{"<ChangeReasonCode>1</ChangeReasonCode>": ""}),
        IssueCode.REQUIRED,
        "42A/06A[1]/099",
        "/Declaration/Amendment/0/ChangeReasonCode",
    ),
    "function code 14": (
        lambda: cancellation_bytes(
            **{"<FunctionCode>13</FunctionCode>": "<FunctionCode>14</FunctionCode>"}
        ),
        IssueCode.BAD_FORMAT,
        "42A/017",
        "/Declaration/FunctionCode",
    ),
    "an amendment's type code": (
        lambda: cancellation_bytes(**{"<TypeCode>INV</TypeCode>": "<TypeCode>COR</TypeCode>"}),
        IssueCode.BAD_FORMAT,
        "42A/D013",
        "/Declaration/TypeCode",
    ),
    "goods in a cancellation": (
        lambda: cancellation_bytes(**{"<Submitter>": "<GoodsShipment/><Submitter>"}),
        IssueCode.UNKNOWN_ELEMENT,
        "42A/67A",
        "/Declaration/GoodsShipment",
    ),
}


@pytest.mark.parametrize("case", MISSING)
def test_a_cancellation_is_refused_at_the_field_that_is_wrong(case: str) -> None:
    make, code, pointer, path = MISSING[case]
    result = cancellation_from_xml(make())
    assert not result.ok
    assert [(i.code, i.pointer, i.path) for i in result.issues] == [(code, pointer, path)]


def test_a_cancellation_without_its_additional_information_says_so_there() -> None:
    text = CANCEL_SAMPLE.read_text(encoding="utf-8")
    start, end = text.index("<AdditionalInformation>"), text.index("<Amendment>")
    result = cancellation_from_xml((text[:start] + text[end:]).encode())
    assert [(i.code, i.path) for i in result.issues] == [
        (IssueCode.REQUIRED, "/Declaration/AdditionalInformation")
    ]


def test_a_bare_cancelling_declaration_is_read_too() -> None:
    text = CANCEL_SAMPLE.read_text(encoding="utf-8")
    start = text.index("<Declaration")
    end = text.index("</Declaration>") + len("</Declaration>")
    bare = text[start:end].replace(
        "<Declaration ",
        '<Declaration xmlns="urn:wco:datamodel:WCO:DEC-DMS:2" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ',
        1,
    )
    result = cancellation_from_xml(bare.encode())
    assert result.ok, result.issues
    assert result.mrn == "25GB53T2CGAY90LAA1"
