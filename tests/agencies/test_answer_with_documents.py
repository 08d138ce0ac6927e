"""An answer to an information request may be a message, a supporting document, or both
(issue: "the agency asks to upload the certificate, but the trader can only type a reply")."""

import pytest
from django.test import Client
from django.urls import reverse

from agencies.models import Officer, ReviewStatus
from agencies.services import review_decide
from declarations.documents.models import SupportingDocument
from declarations.models import Declaration, StatusEvent, Trader
from tests.conftest import COFFEE, MakeDeclaration, review_of
from tests.documents.files import HTML, PDF, media_root, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]
__all__ = ["media_root"]


@pytest.fixture
def asked(
    trader_a: Trader, officer_plant_health: Officer, make_routed_declaration: MakeDeclaration
):
    declaration = make_routed_declaration(trader_a, [COFFEE])
    review_decide(
        user=officer_plant_health.user,
        review_id=review_of(declaration, officer_plant_health.agency).pk,
        decision="info_requested",
        reason="Upload the phytosanitary certificate.",
    )
    return declaration


def _answer(trader: Trader, declaration: Declaration, **fields) -> object:
    client = Client()
    client.force_login(trader.user)
    return client.post(reverse("agencies:respond", args=[declaration.pk]), fields)


def test_a_document_alone_answers_the_request(
    asked: Declaration, trader_a: Trader, officer_plant_health: Officer
) -> None:
    response = _answer(
        trader_a,
        asked,
        message="",
        **{
            "answer-file": upload("certificate.pdf", PDF),
            "answer-type_code": "N851",
            "answer-reference": "PC-2026-17",
        },
    )

    assert response.status_code == 302, response.content[:2000]
    [document] = SupportingDocument.objects.filter(declaration=asked)
    assert (document.type_code, document.reference, document.content_type) == (
        "N851",
        "PC-2026-17",
        "application/pdf",
    )
    task = review_of(asked, officer_plant_health.agency)
    assert task.status == ReviewStatus.PENDING
    answer = asked.events.get(kind=StatusEvent.Kind.TRADER_RESPONSE)
    assert "N851 PC-2026-17 (certificate.pdf)" in answer.message


def test_a_refused_file_leaves_no_answer_and_no_file(
    asked: Declaration, trader_a: Trader, officer_plant_health: Officer
) -> None:
    response = _answer(
        trader_a,
        asked,
        message="Here is the certificate.",
        **{
            "answer-file": upload("certificate.pdf", HTML),
            "answer-type_code": "N851",
            "answer-reference": "PC-2026-17",
        },
    )

    assert response.status_code == 422
    assert 'id="id_answer-file_error"' in response.content.decode()
    assert not SupportingDocument.objects.exists()
    assert review_of(asked, officer_plant_health.agency).status == ReviewStatus.INFO_REQUESTED
    assert not asked.events.filter(kind=StatusEvent.Kind.TRADER_RESPONSE).exists()


def test_the_api_answer_cites_documents_already_attached(
    asked: Declaration, trader_a: Trader, trader_b: Trader, officer_plant_health: Officer
) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(trader_a.user)
    attached = client.post(
        f"/api/v1/declarations/{asked.pk}/documents/",
        {"file": upload("cert.pdf", PDF), "type_code": "N851", "reference": "PC-9"},
    )
    assert attached.status_code == 201, attached.content
    document_id = attached.json()["id"]

    # A document of another declaration cannot be cited
    wrong = client.post(
        f"/api/v1/declarations/{asked.pk}/response/", {"documents": [999999]}, format="json"
    )
    assert wrong.status_code == 400
    assert [e["path"] for e in wrong.json()["errors"]] == ["/documents"]

    answered = client.post(
        f"/api/v1/declarations/{asked.pk}/response/", {"documents": [document_id]}, format="json"
    )

    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "under_review"
    assert review_of(asked, officer_plant_health.agency).status == ReviewStatus.PENDING
