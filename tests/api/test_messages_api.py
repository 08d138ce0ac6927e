"""Amendments and cancellations as WCO DM messages: the UK CDS cancellation (function code
13, type code INV, ``customs/wrapper_cancel.xsd``) at ``declarations/{id}/cancel/`` and at
``declarations/``, and an amendment (function code 13) posted to ``declarations/``, both
routed by the MRN in ``Declaration/ID`` to the services the other addresses use."""

import copy
import uuid

import pytest
from rest_framework.test import APIClient

from agencies.models import Agency, Officer, ReviewStatus
from agencies.services import review_decide
from datamodel.xmlio import declaration_to_xml
from declarations.models import ClearanceStatus, Declaration, StatusEvent, Trader
from declarations.notifications.models import NotificationCode
from declarations.notifications.selectors import notifications_for
from tests.agencies.test_amendment import amended, given_lodged
from tests.api.helpers import errors_of, post_raw
from tests.conftest import COFFEE, MakeDeclaration, review_of
from tests.datamodel.test_xml_messages import cancellation_bytes

pytestmark = pytest.mark.django_db

COLLECTION = "/api/v1/declarations/"
SAMPLE_MRN = "25GB53T2CGAY90LAA1"
SAMPLE_SUBMITTER = "GB427168118378"
XML = "application/xml"


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def cancellation_of(declaration: Declaration, trader: Trader, **more: str) -> bytes:
    """The CDS sample cancellation, naming ``declaration`` and submitted by ``trader``."""
    return cancellation_bytes(
        **{SAMPLE_MRN: declaration.mrn or "", SAMPLE_SUBMITTER: trader.company.eori, **more}
    )


def cancel_url(declaration: Declaration) -> str:
    return f"/api/v1/declarations/{declaration.pk}/cancel/"


def amendment_xml(declaration: Declaration, quantity: str, *, mrn: str | None = None) -> bytes:
    document = amended(
        declaration,
        2,
        "Commodity",
        "GoodsMeasure",
        "TariffQuantity",
        value={"value": quantity, "unitCode": "NAR"},
    )
    document["Declaration"]["FunctionCode"] = "13"
    if mrn is not None:
        document["Declaration"]["ID"] = mrn
    return declaration_to_xml(document)


# --- the cancellation message at declarations/{id}/cancel/ --------------------------------


def test_a_cds_cancellation_cancels_with_its_reason_and_change_reason_code(
    make_routed_declaration: MakeDeclaration, agencies: dict[str, Agency], trader_a: Trader
) -> None:
    # Given a declaration under review
    declaration = make_routed_declaration(trader_a, [COFFEE])

    # When the trader posts the CDS cancellation message naming its MRN
    response = post_raw(
        api_as(trader_a.user), cancel_url(declaration), cancellation_of(declaration, trader_a), XML
    )

    # Then it answers as the JSON cancellation: 200, cancelled, every open review closed
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.CANCELLED
    plant = review_of(declaration, agencies["plant-animal-health"])
    assert plant.status == ReviewStatus.CLOSED
    assert plant.reason == "declaration cancelled by the trader: This is a duplicate, please can"
    # And the reason (AdditionalInformation) with its change reason code is in the history
    # and in the trader's notification
    event = declaration.events.get(
        kind=StatusEvent.Kind.STATUS_CHANGED, to_status=ClearanceStatus.CANCELLED
    )
    assert event.message == "This is a duplicate, please can (change reason code 1)"
    notice = notifications_for(trader_a.user).get(code=NotificationCode.CANCELLED)
    assert "This is a duplicate, please can" in notice.text


def test_a_cancellation_answers_409_once_cleared(
    make_routed_declaration: MakeDeclaration,
    agencies: dict[str, Agency],
    trader_a: Trader,
    officer_customs: Officer,
    officer_plant_health: Officer,
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    for officer, code in (
        (officer_customs, "customs"),
        (officer_plant_health, "plant-animal-health"),
    ):
        review = review_of(declaration, agencies[code])
        review_decide(user=officer.user, review_id=review.pk, decision="approved")
    client = api_as(trader_a.user)
    raw = cancellation_of(declaration, trader_a)

    for url in (cancel_url(declaration), COLLECTION):
        errors = errors_of(post_raw(client, url, raw, XML), 409)
        assert [e["code"] for e in errors] == ["not_cancellable"]
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.CLEARED


def test_another_companys_declaration_answers_404_before_its_body_is_read(
    make_routed_declaration: MakeDeclaration, trader_a: Trader, trader_b: Trader
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    client = api_as(trader_b.user)
    # Whether the message is good or not, at the declaration's address or by its MRN
    for raw in (cancellation_of(declaration, trader_b), b"<junk"):
        assert post_raw(client, cancel_url(declaration), raw, XML).status_code == 404
    assert post_raw(
        client, COLLECTION, cancellation_of(declaration, trader_b), XML
    ).status_code == (404)
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.UNDER_REVIEW


# Each case: what to change in the cancellation of the declaration ("{mrn}": its MRN,
# "{eori}": the trader's EORI), and the paths and codes of the errors answered.
REFUSED: dict[str, tuple[dict[str, str], list[str], list[str]]] = {
    "no MRN": ({"<ID>{mrn}</ID>": ""}, ["/Declaration/ID"], ["required"]),
    "no reason": (
        {"<StatementDescription>This is a duplicate, please can</StatementDescription>": ""},
        ["/Declaration/AdditionalInformation/0/StatementDescription"],
        ["required"],
    ),
    "a blank reason": (
        {"This is a duplicate, please can": " "},
        ["/Declaration/AdditionalInformation/0/StatementDescription"],
        ["bad_format"],
    ),
    "no change reason code": (
        {"<ChangeReasonCode>1</ChangeReasonCode>": ""},
        ["/Declaration/Amendment/0/ChangeReasonCode"],
        ["required"],
    ),
    "function code 14": (
        {"<FunctionCode>13</FunctionCode>": "<FunctionCode>14</FunctionCode>"},
        ["/Declaration/FunctionCode"],
        ["bad_format"],
    ),
    "another MRN": (
        {"<ID>{mrn}</ID>": "<ID>26GB000000000000X1</ID>"},
        ["/Declaration/ID"],
        ["bad_format"],
    ),
    "another submitter": (
        {"<ID>{eori}</ID>": "<ID>GB987654321000</ID>"},
        ["/Declaration/Submitter/ID"],
        ["declarant_not_submitter"],
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_refused_cancellation_answers_400_with_a_pointer_per_error(
    case: str, make_routed_declaration: MakeDeclaration, trader_a: Trader
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    changes, paths, codes = REFUSED[case]
    raw = cancellation_of(declaration, trader_a).decode()
    for old, new in changes.items():
        old = old.format(mrn=declaration.mrn, eori=trader_a.company.eori)
        assert old in raw, old
        raw = raw.replace(old, new)

    errors = errors_of(post_raw(api_as(trader_a.user), cancel_url(declaration), raw, XML), 400)

    assert [e["path"] for e in errors] == paths
    assert [e["code"] for e in errors] == codes
    assert all(e["pointer"].startswith("42A/") for e in errors)
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.UNDER_REVIEW


def test_the_json_cancellation_still_takes_a_reason(
    make_routed_declaration: MakeDeclaration, trader_a: Trader
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    client = api_as(trader_a.user)
    missing = client.post(cancel_url(declaration), {}, format="json")
    assert [e["path"] for e in errors_of(missing, 400)] == ["/reason"]
    done = client.post(cancel_url(declaration), {"reason": "Sold on"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "cancelled"


# --- the cancellation message at declarations/ --------------------------------------------


def test_a_cds_cancellation_posted_to_the_collection_cancels_the_declaration_it_names(
    make_routed_declaration: MakeDeclaration, trader_a: Trader
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    other = make_routed_declaration(trader_a, [COFFEE])
    raw = cancellation_of(declaration, trader_a).replace(
        declaration.mrn.encode(), declaration.mrn.lower().encode()
    )

    response = post_raw(api_as(trader_a.user), COLLECTION, raw, XML)

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert Declaration.objects.get(pk=declaration.pk).status == ClearanceStatus.CANCELLED
    assert Declaration.objects.get(pk=other.pk).status == ClearanceStatus.UNDER_REVIEW
    # Nothing new was lodged
    assert Declaration.objects.filter(company=trader_a.company).count() == 2


def test_a_cancellation_of_an_unknown_mrn_answers_404(trader_a: Trader) -> None:
    raw = cancellation_bytes(**{SAMPLE_SUBMITTER: trader_a.company.eori})
    assert post_raw(api_as(trader_a.user), COLLECTION, raw, XML).status_code == 404


def test_a_cancellation_without_an_mrn_at_the_collection_answers_400_at_the_id(
    trader_a: Trader,
) -> None:
    raw = cancellation_bytes(**{f"<ID>{SAMPLE_MRN}</ID>": ""})
    errors = errors_of(post_raw(api_as(trader_a.user), COLLECTION, raw, XML), 400)
    assert [(e["code"], e["pointer"], e["path"]) for e in errors] == [
        ("required", "42A/D014", "/Declaration/ID")
    ]


def test_a_cancellation_in_json_at_the_collection_is_sent_to_the_cancel_address(
    make_routed_declaration: MakeDeclaration, trader_a: Trader
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    body = {"Declaration": {"FunctionCode": "13", "TypeCode": "INV", "ID": declaration.mrn}}
    errors = errors_of(api_as(trader_a.user).post(COLLECTION, body, format="json"), 400)
    assert [e["path"] for e in errors] == ["/Declaration/TypeCode"]
    assert "cancel/" in errors[0]["message"]


# --- the amendment message at declarations/ -----------------------------------------------


def test_an_xml_amendment_posted_to_the_collection_is_a_new_version(
    trader_a: Trader, agencies: dict[str, Agency]
) -> None:
    # Given a lodged declaration (coffee for plant health, paracetamol for medicines)
    declaration = given_lodged(trader_a)
    client = api_as(trader_a.user)

    # When the trader posts its amendment, function code 13, to the collection
    raw = amendment_xml(declaration, "4000", mrn=declaration.mrn)
    response = post_raw(client, COLLECTION, raw, XML)

    # Then it is version 2 of that declaration, as at .../amendments/: only the agency
    # whose item changed reviews again
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["declaration"], body["version"]) == (declaration.pk, 2)
    assert sorted(body["review_again"]) == ["Customs", "Medicines Agency"]
    assert body["kept"] == ["Plant and Animal Health Agency"]
    declaration.refresh_from_db()
    assert declaration.items.get(sequence=2).quantity == 4000
    assert Declaration.objects.filter(company=trader_a.company).count() == 1
    # And the next one is version 3, whichever address it is sent to
    again = post_raw(
        client,
        f"/api/v1/declarations/{declaration.pk}/amendments/",
        amendment_xml(declaration, "4500", mrn=declaration.mrn),
        XML,
    )
    assert again.status_code == 201 and again.json()["version"] == 3


def test_a_json_amendment_posted_to_the_collection_is_a_new_version_too(
    trader_a: Trader, agencies: dict[str, Agency]
) -> None:
    declaration = given_lodged(trader_a)
    document = amended(declaration, 1, "Commodity", "Description", value="Arabica, roasted")
    document["Declaration"].update(FunctionCode="13", ID=declaration.mrn)
    response = api_as(trader_a.user).post(COLLECTION, document, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["version"] == 2


def test_an_amendment_without_the_mrn_or_of_another_company_is_refused(
    trader_a: Trader, trader_b: Trader, agencies: dict[str, Agency]
) -> None:
    declaration = given_lodged(trader_a)
    missing = post_raw(api_as(trader_a.user), COLLECTION, amendment_xml(declaration, "1"), XML)
    assert [(e["code"], e["path"]) for e in errors_of(missing, 400)] == [
        ("required", "/Declaration/ID")
    ]
    theirs = amendment_xml(declaration, "1", mrn=declaration.mrn)
    assert post_raw(api_as(trader_b.user), COLLECTION, theirs, XML).status_code == 404
    assert not declaration.versions.exists()


def test_an_amendment_of_a_closed_declaration_answers_409(
    trader_a: Trader, agencies: dict[str, Agency]
) -> None:
    declaration = given_lodged(trader_a)
    api_as(trader_a.user).post(cancel_url(declaration), {"reason": "x"}, format="json")
    raw = amendment_xml(declaration, "1", mrn=declaration.mrn)
    errors = errors_of(post_raw(api_as(trader_a.user), COLLECTION, raw, XML), 409)
    assert [e["code"] for e in errors] == ["not_amendable"]


@pytest.mark.parametrize("function_code", ["14", "1", "5"])
def test_other_function_codes_are_still_refused_as_not_an_original(
    trader_a: Trader, agencies: dict[str, Agency], function_code: str
) -> None:
    declaration = given_lodged(trader_a)
    document = copy.deepcopy(declaration.document)
    document["Declaration"].update(FunctionCode=function_code, ID=declaration.mrn)
    document["Declaration"]["FunctionalReferenceID"] = "LRN-NEW-1"
    for body, kind in ((declaration_to_xml(document), XML), (document, None)):
        client = api_as(trader_a.user)
        response = (
            post_raw(client, COLLECTION, body, kind)
            if kind
            else client.post(COLLECTION, body, format="json")
        )
        at_function_code = {
            e["code"] for e in errors_of(response, 400) if e["path"] == "/Declaration/FunctionCode"
        }
        # 14 is in the DEC-DMS enumeration, so the portal's rule refuses it; 1 and 5 are
        # not, so the schema does
        assert at_function_code == (
            {"not_an_original"} if function_code == "14" else {"bad_format"}
        )
    assert Declaration.objects.filter(company=trader_a.company).count() == 1
    assert not declaration.versions.exists()


def test_an_amendment_retried_with_its_idempotency_key_is_one_version(
    trader_a: Trader, agencies: dict[str, Agency]
) -> None:
    declaration = given_lodged(trader_a)
    client = api_as(trader_a.user)
    raw = amendment_xml(declaration, "4000", mrn=declaration.mrn)
    key = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    first = client.generic("POST", COLLECTION, raw, content_type=XML, **key)
    second = client.generic("POST", COLLECTION, raw, content_type=XML, **key)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert declaration.versions.count() == 2  # the original kept as 1, and version 2
