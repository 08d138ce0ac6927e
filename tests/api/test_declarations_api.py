"""The declarations API for traders: lodging, refusals with WCO pointers, hostile bodies,
reading back, drafts, XML and authentication.

Tests that submit a document need ``datamodel.validate_declaration``; the hostile-body tests
that the parser refuses do not.
"""

import copy
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from datamodel.xmlio import declaration_to_xml
from declarations.models import ClearanceStatus, Declaration, GoodsItem, Trader
from singlewindow.accounts.models import ApiToken
from singlewindow.accounts.services import token_hash
from tests.api.conftest import ApiAs
from tests.api.helpers import codes_of, errors_of, post_raw, url
from tests.factories import PASSWORD, VALID_DOCUMENT, lodged_by, valid_document

DECLARATIONS = "/api/v1/declarations/"
ITEM_1 = "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/0"
NET_MASS_1 = f"{ITEM_1}/Commodity/GoodsMeasure/NetNetWeightMeasure"

# --- given ----------------------------------------------------------------------------------


def given_a_document(*edits: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """``VALID_DOCUMENT`` with each edit applied to its ``Declaration``."""
    document = copy.deepcopy(VALID_DOCUMENT)
    for edit in edits:
        edit(document["Declaration"])
    return document


def item(declaration: dict[str, Any], n: int) -> dict[str, Any]:
    return declaration["GoodsShipment"]["GovernmentAgencyGoodsItem"][n - 1]


# --- when -----------------------------------------------------------------------------------


def when_submitted(client: APIClient, document: Any, capture: Any) -> Any:
    """POST the document as JSON; the fan-out runs on commit (eager Celery)."""
    with capture(execute=True):
        return client.post(DECLARATIONS, document, format="json")


# --- lodging --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_valid_declaration_is_lodged_routed_and_returned(
    api_as: ApiAs, trader_a: Trader, agencies: Any
) -> None:
    # Given trader A and the demo agencies
    client = api_as(trader_a.user)

    # When A posts the valid document (really committed: the fan-out runs on commit)
    response = client.post(DECLARATIONS, VALID_DOCUMENT, format="json")

    # Then it is stored with an MRN, routed before the answer, and returned whole
    assert response.status_code == 201, response.content[:3000]
    body = response.json()
    declaration = Declaration.objects.get(pk=body["id"])
    assert declaration.company == trader_a.company
    assert body["lrn"] == "LRN-2026-000001"
    assert body["mrn"] == declaration.mrn and len(body["mrn"]) == 18
    assert body["type_code"] == "IM"
    assert body["status"] == ClearanceStatus.UNDER_REVIEW
    assert body["submitted_at"] and body["routed_at"]
    assert body["document"]["Declaration"]["FunctionalReferenceID"] == "LRN-2026-000001"
    assert [(i["sequence"], i["hs_code"]) for i in body["items"]] == [
        (1, "090121"),
        (2, "300490"),
    ]
    assert body["links"]["self"].endswith(url("declaration-detail", declaration.pk))
    assert response["Location"] == body["links"]["self"]


def test_warnings_of_an_accepted_declaration_are_returned(
    api_as: ApiAs, trader_a: Trader, agencies: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a document whose second item is valued in USD while the invoice is in EUR
    document = copy.deepcopy(VALID_DOCUMENT)
    item(document["Declaration"], 2)["CustomsValueAmount"]["currencyID"] = "USD"

    # When posted
    response = when_submitted(api_as(trader_a.user), document, django_capture_on_commit_callbacks)

    # Then it is lodged, and the warning comes back in the error format
    assert response.status_code == 201, response.content[:3000]
    [warning] = response.json()["warnings"]
    assert (warning["code"], warning["severity"], warning["pointer"], warning["path"]) == (
        "currency_mismatch",
        "warning",
        "42A/109",
        "/Declaration/InvoiceAmount",
    )


def test_the_status_answers_every_agency_concerned(
    api_as: ApiAs, trader_a: Trader, agencies: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a lodged declaration (coffee -> plant health, medicaments -> medicines)
    client = api_as(trader_a.user)
    pk = when_submitted(client, VALID_DOCUMENT, django_capture_on_commit_callbacks).json()["id"]

    # When the trader asks for its status
    response = client.get(url("declaration-status", pk))

    # Then each agency's review is listed, pending
    assert response.status_code == 200
    status = response.json()
    assert status["status"] == "under_review"
    assert status["review_tasks_queued"] is True
    assert status["submitted_at"] and status["routed_at"]
    assert {(a["agency"], a["status"]) for a in status["agencies"]} == {
        ("customs", "pending"),
        ("plant-animal-health", "pending"),
        ("medicines", "pending"),
    }
    assert all(set(a) >= {"agency", "status", "reason", "decided_at"} for a in status["agencies"])


def test_unicode_text_is_stored_intact(
    api_as: ApiAs, trader_a: Trader, agencies: Any, django_capture_on_commit_callbacks: Any
) -> None:
    text = "Café torréfié 咖啡 — ☕ Ελληνικά"
    document = given_a_document(lambda d: item(d, 1)["Commodity"].update(Description=text))

    response = when_submitted(api_as(trader_a.user), document, django_capture_on_commit_callbacks)

    assert response.status_code == 201, response.content[:3000]
    assert response.json()["items"][0]["description"] == text


def test_json_numbers_keep_every_digit(
    api_as: ApiAs, trader_a: Trader, agencies: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Given amounts sent as JSON numbers with 16 significant digits (n..16,3)
    document = given_a_document(
        lambda d: d["InvoiceAmount"].update(value="@total@"),
        lambda d: item(d, 1)["CustomsValueAmount"].update(value="@item1@"),
        lambda d: item(d, 2)["CustomsValueAmount"].update(value="@item2@"),
    )
    body = json.dumps(document)
    for placeholder, number in [
        ("@total@", "1234567890133.457"),
        ("@item1@", "1234567890123.457"),
        ("@item2@", "10"),
    ]:
        body = body.replace(f'"{placeholder}"', number)

    # When posted
    with django_capture_on_commit_callbacks(execute=True):
        response = post_raw(api_as(trader_a.user), DECLARATIONS, body)

    # Then they are stored exactly, as canonical decimal strings, and the goods item row
    # reads back every digit on every database (SQLite included: ExactDecimalField)
    assert response.status_code == 201, response.content[:3000]
    stored = response.json()["document"]["Declaration"]
    assert stored["InvoiceAmount"]["value"] == "1234567890133.457"
    assert response.json()["items"][0]["customs_value"] == "1234567890123.457"
    row = GoodsItem.objects.get(declaration_id=response.json()["id"], sequence=1)
    assert row.customs_value == Decimal("1234567890123.457")


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(
            lambda d: item(d, 2)["Commodity"]["GoodsMeasure"]["TariffQuantity"].update(
                value="1234567890123.457"
            ),
            id="quantity-13-integer-digits",
        ),
        pytest.param(
            lambda d: item(d, 2)["Commodity"]["GoodsMeasure"].update(
                NetNetWeightMeasure={"value": "9999999999999.99", "unitCode": "KGM"},
                GrossMassMeasure={"value": "9999999999999.99", "unitCode": "KGM"},
            ),
            id="mass-13-integer-digits",
        ),
    ],
)
def test_the_largest_numbers_of_the_format_are_stored_or_refused_never_crashed_on(
    api_as: ApiAs,
    trader_a: Trader,
    agencies: Any,
    django_capture_on_commit_callbacks: Any,
    edit: Callable[[dict[str, Any]], None],
) -> None:
    # Given numbers that n..16,6 allows but that have more than 10 integer digits
    document = given_a_document(edit)

    # When posted
    response = when_submitted(api_as(trader_a.user), document, django_capture_on_commit_callbacks)

    # Then the declaration is stored, or refused in the error shape; never a server error
    if response.status_code != 201:
        errors_of(response, 400)


# --- refusals: one entry per error, with the WCO pointer ------------------------------------


@pytest.mark.parametrize(
    ("edit", "code", "pointer", "path"),
    [
        pytest.param(
            lambda d: item(d, 1)["Commodity"]["GoodsMeasure"]["NetNetWeightMeasure"].update(
                value="0"
            ),
            "not_positive",
            "42A/67A/68A[1]/23A/65A/128",
            NET_MASS_1,
            id="net-mass-zero",
        ),
        pytest.param(
            lambda d: item(d, 1)["Commodity"]["GoodsMeasure"]["GrossMassMeasure"].update(
                value="900"
            ),
            "gross_below_net",
            "42A/67A/68A[1]/23A/65A/126",
            f"{ITEM_1}/Commodity/GoodsMeasure/GrossMassMeasure",
            id="gross-below-net",
        ),
        pytest.param(
            lambda d: item(d, 1)["Commodity"]["Classification"][0].update(ID="010101"),
            "unknown_hs_code",
            "42A/67A/68A[1]/23A/21A[1]/145",
            f"{ITEM_1}/Commodity/Classification/0/ID",
            id="unknown-hs-code",
        ),
        pytest.param(
            lambda d: item(d, 2)["Origin"][0].update(CountryCode="XX"),
            "unknown_country",
            "42A/67A/68A[2]/92A[1]/063",
            "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/1/Origin/0/CountryCode",
            id="unknown-origin-country",
        ),
        pytest.param(
            lambda d: d.update(Smuggled="yes"),
            "unknown_element",
            "42A/Smuggled",
            "/Declaration/Smuggled",
            id="unknown-element",
        ),
        pytest.param(
            lambda d: d["GoodsShipment"].update(GovernmentAgencyGoodsItem="none"),
            "wrong_type",
            "42A/67A/68A[1]",
            "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem/0",
            id="goods-item-is-a-string",
        ),
        pytest.param(
            lambda d: d.pop("FunctionalReferenceID"),
            "required",
            "42A/D026",
            "/Declaration/FunctionalReferenceID",
            id="no-lrn",
        ),
    ],
)
def test_an_invalid_document_is_refused_with_code_and_pointer(
    api_as: ApiAs,
    trader_a: Trader,
    edit: Callable[[dict[str, Any]], None],
    code: str,
    pointer: str,
    path: str,
) -> None:
    # Given a document with one mistake
    document = given_a_document(edit)

    # When it is posted
    response = api_as(trader_a.user).post(DECLARATIONS, document, format="json")

    # Then the refusal names the mistake where it is, and nothing is stored
    errors = errors_of(response, 400)
    assert any(
        e["code"] == code and e["pointer"].startswith(pointer) and e["path"].startswith(path)
        for e in errors
    ), errors
    assert "warnings" in response.json()
    assert not Declaration.objects.exists()


def test_every_error_is_listed_not_only_the_first(api_as: ApiAs, trader_a: Trader) -> None:
    # Given a document with two mistakes in two goods items
    document = given_a_document(
        lambda d: item(d, 1)["Commodity"]["GoodsMeasure"]["NetNetWeightMeasure"].update(value="-5"),
        lambda d: item(d, 2)["Origin"][0].update(CountryCode="XX"),
    )

    # When it is posted
    errors = errors_of(api_as(trader_a.user).post(DECLARATIONS, document, format="json"), 400)

    # Then both are reported, each at its own goods item
    pointers = {e["pointer"] for e in errors}
    assert any(p.startswith("42A/67A/68A[1]/23A/65A/128") for p in pointers), errors
    assert any(p.startswith("42A/67A/68A[2]/92A[1]/063") for p in pointers), errors


def test_the_same_lrn_twice_is_a_conflict(
    api_as: ApiAs, trader_a: Trader, agencies: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = api_as(trader_a.user)
    first = when_submitted(client, VALID_DOCUMENT, django_capture_on_commit_callbacks)
    assert first.status_code == 201, first.content[:3000]

    second = client.post(DECLARATIONS, VALID_DOCUMENT, format="json")

    # 409: the document is valid, the LRN conflicts with one already lodged
    errors = errors_of(second, 409)
    assert [(e["code"], e["pointer"]) for e in errors] == [("duplicate_lrn", "42A/D026")]
    assert Declaration.objects.count() == 1


def test_another_company_may_use_the_same_lrn(
    api_as: ApiAs,
    trader_a: Trader,
    trader_b: Trader,
    agencies: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    capture = django_capture_on_commit_callbacks
    theirs = lodged_by(trader_b.company)  # same LRN, B declares
    assert when_submitted(api_as(trader_a.user), VALID_DOCUMENT, capture).status_code == 201
    assert when_submitted(api_as(trader_b.user), theirs, capture).status_code == 201


# --- the declarant is the trader's company ------------------------------------------------

NOT_COMPANY_B = (
    "The declarant GB123456789000 is not your company (GB987654321000). Lodge declarations "
    "as your own company; name the importer or exporter you represent in their own fields."
)


def test_a_declaration_in_another_companys_name_is_refused(
    api_as: ApiAs, trader_a: Trader, trader_b: Trader
) -> None:
    # Given trader B and a valid document whose declarant is company A
    client = api_as(trader_b.user)

    # When B posts it
    response = client.post(DECLARATIONS, VALID_DOCUMENT, format="json")

    # Then it is refused at the declarant ID with both EORIs named, and at the agent's
    # status (B names company A as importer without representing it), nothing stored
    errors = errors_of(response, 400)
    assert errors[0] == {
        "code": "declarant_not_submitter",
        "severity": "error",
        "pointer": "42A/57B/R123",
        "path": "/Declaration/Declarant/ID",
        "message": NOT_COMPANY_B,
    }
    assert [error["path"] for error in errors[1:]] == ["/Declaration/Agent/FunctionCode"]
    assert not Declaration.objects.exists()


def test_an_xml_declaration_in_another_companys_name_is_refused(
    api_as: ApiAs, trader_b: Trader
) -> None:
    raw = declaration_to_xml(VALID_DOCUMENT)

    response = post_raw(api_as(trader_b.user), DECLARATIONS, raw, "application/xml")

    errors = errors_of(response, 400)
    assert [(e["code"], e["pointer"], e["path"]) for e in errors] == [
        ("declarant_not_submitter", "42A/57B/R123", "/Declaration/Declarant/ID")
    ]
    assert not Declaration.objects.exists()


def test_a_draft_in_another_companys_name_is_stored_but_not_lodged(
    api_as: ApiAs, trader_b: Trader
) -> None:
    # Given trader B's draft naming company A as declarant (a draft may hold anything)
    client = api_as(trader_b.user)
    draft = client.post(url("declaration-drafts"), VALID_DOCUMENT, format="json")
    assert draft.status_code == 201, draft.content[:3000]

    # When B submits it
    response = client.post(url("declaration-submit", draft.json()["id"]))

    # Then it is refused at the declarant ID and stays a draft
    errors = errors_of(response, 400)
    assert [(e["code"], e["pointer"]) for e in errors] == [
        ("declarant_not_submitter", "42A/57B/R123")
    ]
    assert Declaration.objects.get().status == ClearanceStatus.DRAFT


def test_a_declaration_without_declarant_is_refused(api_as: ApiAs, trader_a: Trader) -> None:
    document = given_a_document(lambda d: d.pop("Declarant"))

    response = api_as(trader_a.user).post(DECLARATIONS, document, format="json")

    errors = errors_of(response, 400)
    assert [(e["code"], e["pointer"], e["path"]) for e in errors] == [
        ("required", "42A/57B/R123", "/Declaration/Declarant/ID")
    ]
    assert not Declaration.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param([VALID_DOCUMENT], id="list"),
        pytest.param(42, id="number"),
        pytest.param("Declaration", id="string"),
        pytest.param(None, id="null"),
        pytest.param(True, id="boolean"),
        pytest.param({}, id="empty-object"),
        pytest.param({"Declaration": "IMA"}, id="declaration-is-a-string"),
        pytest.param({"Declaration": []}, id="declaration-is-a-list"),
    ],
)
def test_a_body_that_is_not_a_declaration_is_refused(
    api_as: ApiAs, trader_a: Trader, body: Any
) -> None:
    response = post_raw(api_as(trader_a.user), DECLARATIONS, json.dumps(body))

    errors_of(response, 400)
    assert not Declaration.objects.exists()


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda d: d.update(TypeCode=5), id="number-for-code"),
        pytest.param(lambda d: d.update(TypeCode=["IMA"]), id="list-for-code"),
        pytest.param(lambda d: d.update(TypeCode={"value": "IMA"}), id="object-for-code"),
        pytest.param(lambda d: d.update(GoodsItemQuantity={"value": 1.5}), id="fraction-for-count"),
        pytest.param(
            lambda d: d.update(GoodsItemQuantity={"value": "1e999"}), id="exponent-for-count"
        ),
        pytest.param(
            lambda d: d.update(GoodsItemQuantity={"value": 10**200}), id="huge-int-for-value"
        ),
        pytest.param(lambda d: d.update(GoodsShipment="none"), id="string-for-class"),
        pytest.param(lambda d: d.update(GoodsShipment=None), id="null-for-shipment"),
        pytest.param(lambda d: d.update(FunctionalReferenceID=""), id="empty-lrn"),
        pytest.param(lambda d: d.update(FunctionalReferenceID="L" * 36), id="lrn-too-long"),
        pytest.param(
            lambda d: item(d, 1)["Commodity"].update(Description="x" * 5 * 1024 * 1024),
            id="5-MB-string",
        ),
        pytest.param(
            lambda d: d["GoodsShipment"].update(
                GovernmentAgencyGoodsItem=[item(d, 1)] * 1000,
            ),
            id="1000-goods-items",
        ),
    ],
)
def test_wrong_types_and_sizes_are_refused_not_crashed_on(
    api_as: ApiAs, trader_a: Trader, edit: Callable[[dict[str, Any]], None]
) -> None:
    response = api_as(trader_a.user).post(DECLARATIONS, given_a_document(edit), format="json")

    errors_of(response, 400)
    assert not Declaration.objects.exists()


# --- hostile bodies: refused by the parser, before any validation ---------------------------


def nested(depth: int, opening: str, closing: str) -> str:
    return '{"Declaration": ' + opening * depth + closing * depth + "}"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param("[" * 100_000 + "]" * 100_000, "too_large", id="100000-nested-arrays"),
        pytest.param(
            nested(100_000, '{"a":', "}").replace("}}", "1}}", 1),
            "too_large",
            id="100000-nested-objects",
        ),
        pytest.param(nested(40, "[", "]"), "too_large", id="40-nested-arrays"),
        pytest.param('{"Declaration": ', "malformed", id="truncated"),
        pytest.param("{'Declaration': {}}", "malformed", id="single-quotes"),
        pytest.param('{"Declaration": {}} trailing', "malformed", id="trailing-garbage"),
        pytest.param('{"Declaration": {"GoodsItemQuantity": NaN}}', "malformed", id="NaN"),
        pytest.param('{"Declaration": {"GoodsItemQuantity": Infinity}}', "malformed", id="inf"),
        pytest.param(
            '{"Declaration": {"GoodsItemQuantity": -Infinity}}', "malformed", id="minus-inf"
        ),
        pytest.param(
            '{"Declaration": {"GoodsItemQuantity": ' + "9" * 5000 + "}}",
            "malformed",
            id="5000-digit-int",
        ),
        pytest.param('{"Declaration": {"TypeCode": "\\ud800"}}', "malformed", id="lone-surrogate"),
        pytest.param('{"Declaration": {"\\udfff": "x"}}', "malformed", id="surrogate-key"),
        pytest.param('{"Declaration": {"TypeCode": "IM\\u0000A"}}', "malformed", id="nul"),
        pytest.param('{"Declaration": {"TypeCode": "\\u0007"}}', "malformed", id="bell"),
    ],
)
def test_hostile_json_is_refused_with_400(
    api_as: ApiAs, trader_a: Trader, body: str, code: str
) -> None:
    # When a hostile body is posted
    response = post_raw(api_as(trader_a.user), DECLARATIONS, body.encode())

    # Then it is a 400 in the API's error shape, never a 500
    errors = errors_of(response, 400)
    assert [e["code"] for e in errors] == [code], errors
    assert not Declaration.objects.exists()


def test_a_bad_text_is_pointed_at(api_as: ApiAs, trader_a: Trader) -> None:
    body = (
        '{"Declaration": {"GoodsShipment": {"GovernmentAgencyGoodsItem": [{"Commodity": '
        '{"Description": "a\\u0000b"}}]}}}'
    )

    errors = errors_of(post_raw(api_as(trader_a.user), DECLARATIONS, body), 400)

    assert errors[0]["path"] == f"{ITEM_1}/Commodity/Description"
    assert errors[0]["pointer"] == "42A/67A/68A[1]/23A/137"


def test_invalid_utf8_is_refused(api_as: ApiAs, trader_a: Trader) -> None:
    body = b'{"Declaration": {"TypeCode": "\xff\xfe"}}'

    assert codes_of(post_raw(api_as(trader_a.user), DECLARATIONS, body), 400) == {"malformed"}


def test_a_body_over_the_upload_limit_is_refused(
    api_as: ApiAs, trader_a: Trader, settings: Any
) -> None:
    body = b'{"Declaration": {"Description": "' + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body += b'"}}'

    response = post_raw(api_as(trader_a.user), DECLARATIONS, body)

    # 413 Content Too Large (RFC 9110 15.5.14), in the usual error shape
    assert codes_of(response, 413) == {"too_large"}
    assert not Declaration.objects.exists()


def test_an_empty_body_is_refused(api_as: ApiAs, trader_a: Trader) -> None:
    errors = errors_of(post_raw(api_as(trader_a.user), DECLARATIONS, b""), 400)

    assert errors == [
        {
            "code": "malformed",
            "severity": "error",
            "pointer": "",
            "path": "",
            "message": "The request body is empty.",
        }
    ]


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "application/json; charset=latin-1",
        "",
    ],
)
def test_an_unsupported_content_type_is_refused_with_415(
    api_as: ApiAs, trader_a: Trader, content_type: str
) -> None:
    body = json.dumps(VALID_DOCUMENT)

    response = post_raw(api_as(trader_a.user), DECLARATIONS, body, content_type)

    assert codes_of(response, 415) == {"unsupported_media_type"}
    assert not Declaration.objects.exists()


# --- reading back ---------------------------------------------------------------------------


def test_the_list_holds_the_companys_declarations_newest_first(
    api_as: ApiAs, trader_a: Trader, trader_b: Trader, make_submitted_declaration: Any
) -> None:
    # Given two declarations of A and one of B
    older = make_submitted_declaration(trader_a, [("090121", "BR")], lrn="A-1")
    newer = make_submitted_declaration(trader_a, [("090121", "BR")], lrn="A-2", type_code="EX")
    make_submitted_declaration(trader_b, [("090121", "BR")], lrn="B-1")

    # When A lists its declarations
    response = api_as(trader_a.user).get(DECLARATIONS)

    # Then only A's are there, newest first, paginated
    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 2
    assert [d["id"] for d in page["results"]] == [newer.pk, older.pk]
    assert {"next", "previous"} <= set(page)
    assert "document" not in page["results"][0]


@pytest.mark.parametrize(
    ("query", "lrns"),
    [
        ("?lrn=A-2", ["A-2"]),
        ("?type_code=EX", ["A-2"]),
        ("?status=submitted", ["A-2", "A-1"]),
        ("?status=cleared", []),
        ("?limit=1", ["A-2"]),
    ],
)
def test_the_list_filters(
    api_as: ApiAs,
    trader_a: Trader,
    make_submitted_declaration: Any,
    query: str,
    lrns: list[str],
) -> None:
    make_submitted_declaration(trader_a, [("090121", "BR")], lrn="A-1")
    make_submitted_declaration(trader_a, [("090121", "BR")], lrn="A-2", type_code="EX")

    response = api_as(trader_a.user).get(DECLARATIONS + query)

    assert response.status_code == 200
    assert [d["lrn"] for d in response.json()["results"]] == lrns


@pytest.mark.parametrize(
    ("query", "count"),
    [
        (f"?limit={10**30}", 1),
        (f"?offset={10**30}", 0),
        (f"?offset={'9' * 5000}", 0),
        ("?offset=1", 0),
        ("?limit=1&offset=0", 1),
    ],
)
def test_hostile_paging_is_harmless(
    api_as: ApiAs, trader_a: Trader, make_submitted_declaration: Any, query: str, count: int
) -> None:
    make_submitted_declaration(trader_a, [("090121", "BR")])

    response = api_as(trader_a.user).get(DECLARATIONS + query)

    assert response.status_code == 200
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize(
    ("query", "previous"),
    [
        ("?limit=2&offset=99999999999999999999999", "?limit=2&offset=1"),
        ("?limit=2&offset=7", "?limit=2&offset=1"),
        ("?limit=5&offset=7", "?limit=5"),
        ("?offset=3", "?limit=50"),
    ],
)
def test_a_page_past_the_end_leads_back_to_the_last_page(
    api_as: ApiAs,
    trader_a: Trader,
    make_submitted_declaration: Any,
    query: str,
    previous: str,
) -> None:
    # Given three declarations
    for n in range(3):
        make_submitted_declaration(trader_a, [("090121", "BR")], lrn=f"A-{n}")

    # When a page past the end is asked for
    response = api_as(trader_a.user).get(DECLARATIONS + query)

    # Then it is empty, and "previous" is the page ending with the last declaration
    assert response.status_code == 200
    page = response.json()
    assert (page["count"], page["results"], page["next"]) == (3, [], None)
    assert page["previous"] == f"http://testserver{DECLARATIONS}{previous}"


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        ("?limit=-1", [("min_value", "limit", "?limit")]),
        ("?limit=abc", [("invalid", "limit", "?limit")]),
        ("?limit=0", [("min_value", "limit", "?limit")]),
        ("?limit=", [("invalid", "limit", "?limit")]),
        ("?limit=1.5", [("invalid", "limit", "?limit")]),
        ("?limit=%2B5", [("invalid", "limit", "?limit")]),
        ("?limit=%EF%BC%95", [("invalid", "limit", "?limit")]),
        (f"?limit=-{10**30}", [("min_value", "limit", "?limit")]),
        ("?offset=abc", [("invalid", "offset", "?offset")]),
        ("?offset=-5", [("min_value", "offset", "?offset")]),
        (
            "?limit=-5&offset=abc",
            [("min_value", "limit", "?limit"), ("invalid", "offset", "?offset")],
        ),
    ],
)
def test_bad_paging_is_refused_naming_the_parameter(
    api_as: ApiAs,
    trader_a: Trader,
    make_submitted_declaration: Any,
    query: str,
    refused: list[tuple[str, str, str]],
) -> None:
    make_submitted_declaration(trader_a, [("090121", "BR")])

    errors = errors_of(api_as(trader_a.user).get(DECLARATIONS + query), 400)

    assert [(e["code"], e["pointer"], e["path"]) for e in errors] == refused


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("?status=%00", "status"),
        ("?status=%ED%A0%80", "status"),
        ("?type_code=XX", "type_code"),
        ("?lrn=" + "x" * 5000, "lrn"),
    ],
)
def test_hostile_filters_are_refused(
    api_as: ApiAs, trader_a: Trader, query: str, parameter: str
) -> None:
    errors = errors_of(api_as(trader_a.user).get(DECLARATIONS + query), 400)

    assert [(e["pointer"], e["path"]) for e in errors] == [(parameter, f"?{parameter}")]


def test_an_unknown_filter_value_is_refused(api_as: ApiAs, trader_a: Trader) -> None:
    errors = errors_of(api_as(trader_a.user).get(DECLARATIONS + "?status=lost"), 400)

    assert [(e["code"], e["pointer"], e["path"]) for e in errors] == [
        ("invalid_choice", "status", "?status")
    ]


def test_the_detail_has_document_items_agencies_and_history(
    api_as: ApiAs, trader_a: Trader, make_routed_declaration: Any
) -> None:
    # Given a routed declaration of A
    declaration = make_routed_declaration(trader_a, [("090121", "BR"), ("300490", "IN")])

    # When A reads it
    response = api_as(trader_a.user).get(url("declaration-detail", declaration.pk))

    # Then everything the trader needs is there
    assert response.status_code == 200
    body = response.json()
    assert body["mrn"] == declaration.mrn
    assert body["status"] == "under_review"
    assert [i["sequence"] for i in body["items"]] == [1, 2]
    assert {a["agency"] for a in body["agencies"]} == {
        "customs",
        "plant-animal-health",
        "medicines",
    }
    assert [e["kind"] for e in body["history"]][-2:] == ["routed", "status_changed"]
    assert set(body["links"]) == {"self", "status", "response"}


def test_an_unknown_declaration_is_404(api_as: ApiAs, trader_a: Trader) -> None:
    client = api_as(trader_a.user)

    assert codes_of(client.get(url("declaration-detail", 999_999)), 404) == {"not_found"}
    assert codes_of(client.get(f"{DECLARATIONS}{10**30}/"), 404) == {"not_found"}


def test_an_unknown_api_url_is_404_in_the_error_shape(api_as: ApiAs) -> None:
    assert codes_of(api_as(None).get("/api/v1/nothing/here/"), 404) == {"not_found"}


def test_a_wrong_method_is_405_in_the_error_shape(
    api_as: ApiAs, trader_a: Trader, make_submitted_declaration: Any
) -> None:
    declaration = make_submitted_declaration(trader_a, [("090121", "BR")])

    response = api_as(trader_a.user).delete(url("declaration-detail", declaration.pk))

    assert codes_of(response, 405) == {"method_not_allowed"}
    assert Declaration.objects.filter(pk=declaration.pk).exists()


# --- drafts ---------------------------------------------------------------------------------


def test_a_draft_is_saved_updated_and_submitted(
    api_as: ApiAs, trader_a: Trader, agencies: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = api_as(trader_a.user)
    # Given a half-written draft
    partial = {"Declaration": {"FunctionalReferenceID": "LRN-DRAFT-1", "TypeCode": "IMA"}}
    created = client.post(url("declaration-drafts"), partial, format="json")
    assert created.status_code == 201, created.content[:3000]
    draft = created.json()
    assert draft["status"] == "draft" and draft["mrn"] is None

    # When it is completed and submitted
    updated = client.put(
        url("declaration-detail", draft["id"]),
        valid_document(FunctionalReferenceID="LRN-DRAFT-1"),
        format="json",
    )
    assert updated.status_code == 200, updated.content[:3000]
    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(url("declaration-submit", draft["id"]))

    # Then it is lodged under the same id, routed, and no longer editable
    assert submitted.status_code == 201, submitted.content[:3000]
    assert submitted.json()["id"] == draft["id"]
    assert submitted.json()["mrn"]
    status = client.get(url("declaration-status", draft["id"])).json()
    assert status["status"] == "under_review"
    again = client.put(url("declaration-detail", draft["id"]), partial, format="json")
    assert codes_of(again, 409) == {"not_editable"}


def test_a_draft_must_be_an_object(api_as: ApiAs, trader_a: Trader) -> None:
    response = post_raw(api_as(trader_a.user), url("declaration-drafts"), b"[1, 2]")

    assert codes_of(response, 400) == {"malformed"}


def test_an_invalid_draft_is_refused_on_submit(api_as: ApiAs, trader_a: Trader) -> None:
    client = api_as(trader_a.user)
    draft = client.post(
        url("declaration-drafts"), {"Declaration": {"TypeCode": "IMA"}}, format="json"
    ).json()

    response = client.post(url("declaration-submit", draft["id"]))

    errors_of(response, 400)
    assert Declaration.objects.get(pk=draft["id"]).status == ClearanceStatus.DRAFT


# --- WCO DM XML -----------------------------------------------------------------------------


def test_a_declaration_is_lodged_as_xml_and_read_back_as_xml(
    api_as: ApiAs, trader_a: Trader, agencies: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = api_as(trader_a.user)
    raw = declaration_to_xml(VALID_DOCUMENT)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_raw(client, DECLARATIONS, raw, "application/xml")

    assert response.status_code == 201, response.content[:3000]
    pk = response.json()["id"]
    exported = client.get(url("declaration-detail", pk), HTTP_ACCEPT="application/xml")
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("application/xml")
    assert b"LRN-2026-000001" in exported.content


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(declaration_to_xml(VALID_DOCUMENT), "application/xml", id="xml-body"),
        pytest.param(json.dumps(VALID_DOCUMENT).encode(), "application/json", id="json-body"),
    ],
)
def test_a_declaration_lodged_with_accept_xml_is_answered_as_xml(
    api_as: ApiAs,
    trader_a: Trader,
    agencies: Any,
    django_capture_on_commit_callbacks: Any,
    body: bytes,
    content_type: str,
) -> None:
    client = api_as(trader_a.user)

    # When A lodges a declaration and asks for XML back
    with django_capture_on_commit_callbacks(execute=True):
        response = client.generic(
            "POST", DECLARATIONS, body, content_type=content_type, HTTP_ACCEPT="application/xml"
        )

    # Then it is lodged and routed, and the answer is the WCO DM XML of what was stored
    assert response.status_code == 201, response.content[:3000]
    assert response["Content-Type"] == "application/xml"
    declaration = Declaration.objects.get()
    assert declaration.mrn and declaration.status == ClearanceStatus.UNDER_REVIEW
    assert response.content == declaration_to_xml(declaration.document)
    assert response["Location"] == (f"http://testserver{url('declaration-detail', declaration.pk)}")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(b"<not-closed>", "application/xml", id="xml-body"),
        pytest.param(
            json.dumps(given_a_document(lambda d: d.pop("TypeCode"))).encode(),
            "application/json",
            id="json-body",
        ),
    ],
)
def test_a_refusal_is_json_even_when_xml_is_asked_for(
    api_as: ApiAs, trader_a: Trader, body: bytes, content_type: str
) -> None:
    response = api_as(trader_a.user).generic(
        "POST", DECLARATIONS, body, content_type=content_type, HTTP_ACCEPT="application/xml"
    )

    errors_of(response, 400)
    assert not Declaration.objects.exists()


def test_a_draft_is_lodged_and_answered_as_xml_when_asked(
    api_as: ApiAs, trader_a: Trader, agencies: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = api_as(trader_a.user)
    draft = client.post(url("declaration-drafts"), VALID_DOCUMENT, format="json").json()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("declaration-submit", draft["id"]), HTTP_ACCEPT="application/xml"
        )

    assert response.status_code == 201, response.content[:3000]
    assert response["Content-Type"] == "application/xml"
    declaration = Declaration.objects.get(pk=draft["id"])
    assert response.content == declaration_to_xml(declaration.document)
    assert response["Location"].endswith(url("declaration-detail", declaration.pk))


def test_what_has_no_xml_form_is_refused_before_anything_is_stored(
    api_as: ApiAs, trader_a: Trader, make_submitted_declaration: Any
) -> None:
    client = api_as(trader_a.user)
    make_submitted_declaration(trader_a, [("090121", "BR")])

    listed = client.get(DECLARATIONS, HTTP_ACCEPT="application/xml")
    drafted = client.post(
        url("declaration-drafts"), VALID_DOCUMENT, format="json", HTTP_ACCEPT="application/xml"
    )

    assert codes_of(listed, 406) == {"not_acceptable"}
    assert codes_of(drafted, 406) == {"not_acceptable"}
    assert Declaration.objects.count() == 1


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"<not-closed>", id="not-well-formed"),
        pytest.param(
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', id="doctype"
        ),
        pytest.param(b"\x00\x01\x02", id="binary"),
        pytest.param(b"<a>" * 100_000, id="deep"),
    ],
)
def test_hostile_xml_is_refused_with_400(api_as: ApiAs, trader_a: Trader, raw: bytes) -> None:
    errors_of(post_raw(api_as(trader_a.user), DECLARATIONS, raw, "application/xml"), 400)
    assert not Declaration.objects.exists()


def test_a_draft_has_no_xml(api_as: ApiAs, trader_a: Trader) -> None:
    client = api_as(trader_a.user)
    draft = client.post(
        url("declaration-drafts"), {"Declaration": {"TypeCode": "IMA"}}, format="json"
    ).json()

    response = client.get(url("declaration-detail", draft["id"]), HTTP_ACCEPT="application/xml")

    assert codes_of(response, 406) == {"not_acceptable"}


def test_errors_are_json_even_when_xml_is_asked_for(api_as: ApiAs, trader_a: Trader) -> None:
    response = api_as(trader_a.user).get(
        url("declaration-detail", 999_999), HTTP_ACCEPT="application/xml"
    )

    assert codes_of(response, 404)


# --- authentication -------------------------------------------------------------------------


def test_a_token_is_obtained_and_accepted(
    trader_a: Trader, make_submitted_declaration: Any
) -> None:
    make_submitted_declaration(trader_a, [("090121", "BR")])
    client = APIClient()

    response = client.post(
        reverse("api:auth-token"),
        {"username": "trader.a", "password": PASSWORD},
        format="json",
    )

    assert response.status_code == 200, response.content
    token = response.json()["token"]
    # Stored hashed, never as the key itself; it expires.
    stored = ApiToken.objects.get(user=trader_a.user)
    assert stored.key_hash == token_hash(token) and token not in stored.key_hash
    assert stored.expires_at > timezone.now()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(DECLARATIONS).json()["count"] == 1


def test_wrong_credentials_get_no_token(trader_a: Trader) -> None:
    response = APIClient().post(
        reverse("api:auth-token"), {"username": "trader.a", "password": "nope"}, format="json"
    )

    errors = errors_of(response, 400)
    assert errors[0]["pointer"] == ""


def test_basic_authentication_is_refused(trader_a: Trader) -> None:
    """A password on every request would skip the lockout and two-factor: tokens only."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic("trader.a", PASSWORD))

    assert codes_of(client.get(DECLARATIONS), 401) == {"not_authenticated"}


def test_a_bad_token_is_refused(trader_a: Trader) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    assert codes_of(client.get(DECLARATIONS), 401) == {"authentication_failed"}


def basic(username: str, password: str) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
