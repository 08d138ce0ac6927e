"""Supporting documents over the API: the type from the bytes, the size limits, who may
list and open them, and how a file is served."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from declarations.documents import services
from declarations.documents.models import SupportingDocument
from declarations.models import ClearanceStatus, Declaration, Trader
from tests.api.conftest import ApiAs
from tests.conftest import COFFEE, MEDICAMENTS
from tests.documents.files import HTML, JPEG, PDF, PNG, media_root, upload
from tests.factories import VALID_DOCUMENT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]
__all__ = ["media_root"]


@pytest.fixture
def declaration_of_a(trader_a: Trader, make_routed_declaration: Any) -> Declaration:
    """Item 1 coffee (customs, plant health), item 2 medicaments (customs, medicines)."""
    return make_routed_declaration(trader_a, [COFFEE, MEDICAMENTS], document=VALID_DOCUMENT)


def post_document(client, declaration: Declaration, file: SimpleUploadedFile, **fields: Any):
    body = {"file": file, "type_code": "N935", "reference": "INV-2026-17", **fields}
    return client.post(
        f"/api/v1/declarations/{declaration.pk}/documents/", body, format="multipart"
    )


def test_a_pdf_named_png_is_stored_as_pdf(api_as: ApiAs, trader_a, declaration_of_a) -> None:
    response = post_document(
        api_as(trader_a.user),
        declaration_of_a,
        upload("certificate.png", PDF, "image/png"),
        issue_date="2026-01-15",
        item=1,
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["content_type"] == "application/pdf"
    assert body["item"] == 1 and body["issue_date"] == "2026-01-15"
    document = SupportingDocument.objects.get(pk=body["id"])
    assert document.file.name.endswith(".pdf")
    assert document.file.read() == PDF
    assert body["download_url"].endswith(f"/api/v1/documents/{document.pk}/file/")


@pytest.mark.parametrize(("content", "mime"), [(PNG, "image/png"), (JPEG, "image/jpeg")])
def test_images_are_kept_by_their_bytes(
    api_as: ApiAs, trader_a, declaration_of_a, content: bytes, mime: str
) -> None:
    response = post_document(api_as(trader_a.user), declaration_of_a, upload("scan", content))
    assert response.status_code == 201
    assert response.json()["content_type"] == mime


def test_html_named_pdf_is_refused(api_as: ApiAs, trader_a, declaration_of_a) -> None:
    response = post_document(
        api_as(trader_a.user), declaration_of_a, upload("invoice.pdf", HTML, "application/pdf")
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {(e["code"], e["path"]) for e in errors} == {("document_invalid", "/file")}
    assert not SupportingDocument.objects.exists()


def test_unknown_code_and_missing_reference_are_said_at_their_fields(
    api_as: ApiAs, trader_a, declaration_of_a
) -> None:
    response = post_document(
        api_as(trader_a.user),
        declaration_of_a,
        upload("a.pdf", PDF),
        type_code="ZZZZ",
        reference="",
        item=9,
    )
    assert response.status_code == 400
    paths = {e["path"] for e in response.json()["errors"]}
    assert paths == {"/type_code", "/reference", "/item"}


def test_a_file_over_10_mb_is_refused(api_as: ApiAs, trader_a, declaration_of_a) -> None:
    big = PDF + b"0" * services.MAX_FILE_BYTES
    response = post_document(api_as(trader_a.user), declaration_of_a, upload("big.pdf", big))

    assert response.status_code == 400
    assert "10 MB" in response.json()["errors"][0]["message"]
    assert not SupportingDocument.objects.exists()


def test_a_declaration_holds_at_most_50_mb(api_as: ApiAs, trader_a, declaration_of_a) -> None:
    # The bound is counted from the stored sizes: a sixth file of 9 MB passes 50 MB.
    nine_mb = PDF + b"0" * (9 * services.MEGABYTE)
    client = api_as(trader_a.user)
    for n in range(5):
        assert (
            post_document(client, declaration_of_a, upload(f"{n}.pdf", nine_mb)).status_code == 201
        )

    sixth = post_document(client, declaration_of_a, upload("6.pdf", nine_mb))

    assert sixth.status_code == 400
    assert "50 MB" in sixth.json()["errors"][0]["message"]
    assert declaration_of_a.documents.count() == 5


def test_a_closed_declaration_takes_no_document(api_as: ApiAs, trader_a, declaration_of_a) -> None:
    Declaration.objects.filter(pk=declaration_of_a.pk).update(status=ClearanceStatus.CLEARED)
    response = post_document(api_as(trader_a.user), declaration_of_a, upload("a.pdf", PDF))
    assert response.status_code == 400


# --- who may list and open them ------------------------------------------------------------


@pytest.fixture
def documents_of_a(api_as: ApiAs, trader_a, declaration_of_a) -> dict[str, int]:
    client = api_as(trader_a.user)
    whole = post_document(client, declaration_of_a, upload("invoice.pdf", PDF)).json()["id"]
    coffee = post_document(
        client, declaration_of_a, upload("phyto.pdf", PDF), type_code="N851", item=1
    ).json()["id"]
    return {"whole": whole, "coffee": coffee}


def listed(client, declaration: Declaration) -> Any:
    response = client.get(f"/api/v1/declarations/{declaration.pk}/documents/")
    return response.status_code, {d["id"] for d in response.json().get("results", [])}


def test_who_sees_which_document(
    api_as: ApiAs,
    trader_a,
    trader_b,
    officer_customs,
    officer_plant_health,
    officer_medicines,
    officer_chemicals,
    declaration_of_a,
    documents_of_a,
) -> None:
    both = {documents_of_a["whole"], documents_of_a["coffee"]}
    assert listed(api_as(trader_a.user), declaration_of_a) == (200, both)
    assert listed(api_as(officer_customs.user), declaration_of_a) == (200, both)
    assert listed(api_as(officer_plant_health.user), declaration_of_a) == (200, both)
    # The medicines agency reviews item 2 only: not the coffee's phytosanitary certificate.
    assert listed(api_as(officer_medicines.user), declaration_of_a) == (
        200,
        {documents_of_a["whole"]},
    )
    assert listed(api_as(officer_chemicals.user), declaration_of_a)[0] == 404
    assert listed(api_as(trader_b.user), declaration_of_a)[0] == 404


@pytest.mark.parametrize(
    ("who", "document", "expected"),
    [
        ("trader_a", "coffee", 200),
        ("officer_plant_health", "coffee", 200),
        ("officer_medicines", "coffee", 404),
        ("officer_medicines", "whole", 200),
        ("officer_chemicals", "whole", 404),
        ("trader_b", "whole", 404),
    ],
)
def test_files_open_only_for_those_concerned(
    request, api_as: ApiAs, documents_of_a, who: str, document: str, expected: int
) -> None:
    user = request.getfixturevalue(who).user
    api = api_as(user).get(f"/api/v1/documents/{documents_of_a[document]}/file/")
    page = api_as(user).get(f"/documents/{documents_of_a[document]}/")

    assert api.status_code == expected
    assert page.status_code == expected


def test_a_file_is_served_as_an_attachment_never_inline(
    api_as: ApiAs, trader_a, documents_of_a
) -> None:
    response = api_as(trader_a.user).get(f"/documents/{documents_of_a['whole']}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="invoice.pdf"' in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


def test_anonymous_and_officers_cannot_upload(
    api_as: ApiAs, officer_customs, declaration_of_a
) -> None:
    anonymous = post_document(api_as(None), declaration_of_a, upload("a.pdf", PDF))
    officer = post_document(api_as(officer_customs.user), declaration_of_a, upload("a.pdf", PDF))
    assert anonymous.status_code == 401
    assert officer.status_code == 403


def test_another_company_cannot_upload(api_as: ApiAs, trader_b, declaration_of_a) -> None:
    response = post_document(api_as(trader_b.user), declaration_of_a, upload("a.pdf", PDF))
    assert response.status_code == 404
    assert not SupportingDocument.objects.exists()
