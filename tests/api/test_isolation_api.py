"""Who may see and do what through the API.

- a trader reads and answers only the declarations of the own company: another company's
  answer 404 (their existence is not disclosed);
- an officer reads and decides only the own agency's review tasks: another agency's answer
  404; officers have no access to the declaration endpoints (403);
- traders, outsiders and administrators have no access to review endpoints (403);
- anonymous clients get 401 everywhere but the token endpoint and the schema.
"""

from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser

from agencies.models import Officer, ReviewStatus
from declarations.models import ClearanceStatus, Declaration, Trader
from tests.api.conftest import ApiAs
from tests.api.helpers import codes_of, url
from tests.conftest import COFFEE, MEDICAMENTS, review_of
from tests.factories import VALID_DOCUMENT


@pytest.fixture
def declaration_of_a(trader_a: Trader, make_routed_declaration: Any) -> Declaration:
    """A's declaration, routed to customs, plant and animal health, and medicines."""
    return make_routed_declaration(trader_a, [COFFEE, MEDICAMENTS], document=VALID_DOCUMENT)


@pytest.fixture
def draft_of_a(trader_a: Trader) -> Declaration:
    return Declaration.objects.create(
        company=trader_a.company,
        created_by=trader_a.user,
        lrn="DRAFT-A",
        document={"Declaration": {"FunctionalReferenceID": "DRAFT-A"}},
    )


# --- traders and other companies ------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "declaration-detail"),
        ("get", "declaration-status"),
        ("post", "declaration-response"),
        ("put", "declaration-detail"),
        ("post", "declaration-submit"),
    ],
)
def test_another_companys_declaration_is_404(
    api_as: ApiAs,
    trader_b: Trader,
    declaration_of_a: Declaration,
    method: str,
    name: str,
) -> None:
    # When trader B reaches for A's declaration
    client = api_as(trader_b.user)
    response = getattr(client, method)(
        url(name, declaration_of_a.pk), {"message": "Hello"}, format="json"
    )

    # Then it does not exist for B, and nothing changed
    assert codes_of(response, 404) == {"not_found"}
    declaration_of_a.refresh_from_db()
    assert declaration_of_a.status == ClearanceStatus.UNDER_REVIEW


def test_another_companys_draft_cannot_be_changed_or_submitted(
    api_as: ApiAs, trader_b: Trader, draft_of_a: Declaration
) -> None:
    client = api_as(trader_b.user)

    put = client.put(url("declaration-detail", draft_of_a.pk), VALID_DOCUMENT, format="json")
    submit = client.post(url("declaration-submit", draft_of_a.pk))

    assert codes_of(put, 404) == {"not_found"}
    assert codes_of(submit, 404) == {"not_found"}
    draft_of_a.refresh_from_db()
    assert draft_of_a.status == ClearanceStatus.DRAFT
    assert draft_of_a.document == {"Declaration": {"FunctionalReferenceID": "DRAFT-A"}}


def test_the_list_never_shows_another_companys_declarations(
    api_as: ApiAs, trader_b: Trader, declaration_of_a: Declaration
) -> None:
    response = api_as(trader_b.user).get("/api/v1/declarations/")

    assert response.json()["count"] == 0
    assert (
        api_as(trader_b.user)
        .get(f"/api/v1/declarations/?lrn={declaration_of_a.lrn}")
        .json()["count"]
        == 0
    )


# --- officers and other agencies ------------------------------------------------------------


def test_an_officer_cannot_read_another_agencys_task(
    api_as: ApiAs, declaration_of_a: Declaration, officer_medicines: Officer, agencies: Any
) -> None:
    # Given the plant health task of A's declaration
    task = review_of(declaration_of_a, agencies["plant-animal-health"])

    # When the medicines officer asks for it
    response = api_as(officer_medicines.user).get(url("review-detail", task.pk))

    # Then it does not exist for them
    assert codes_of(response, 404) == {"not_found"}


def test_an_officer_cannot_decide_another_agencys_task(
    api_as: ApiAs, declaration_of_a: Declaration, officer_medicines: Officer, agencies: Any
) -> None:
    task = review_of(declaration_of_a, agencies["plant-animal-health"])

    response = api_as(officer_medicines.user).post(
        url("review-decision", task.pk),
        {"decision": "rejected", "reason": "Not mine to decide."},
        format="json",
    )

    assert codes_of(response, 404) == {"not_found"}
    task.refresh_from_db()
    assert task.status == ReviewStatus.PENDING


def test_another_agencys_task_is_404_even_with_an_invalid_body(
    api_as: ApiAs, declaration_of_a: Declaration, officer_medicines: Officer, agencies: Any
) -> None:
    task = review_of(declaration_of_a, agencies["plant-animal-health"])

    response = api_as(officer_medicines.user).post(
        url("review-decision", task.pk), {"decision": "nonsense"}, format="json"
    )

    assert codes_of(response, 404) == {"not_found"}


def test_the_queue_holds_only_the_own_agencys_tasks(
    api_as: ApiAs, declaration_of_a: Declaration, officer_standards: Officer
) -> None:
    # Standards reviews machinery; A's coffee and medicaments never reach it
    response = api_as(officer_standards.user).get("/api/v1/reviews/?status=pending")

    assert response.json()["count"] == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/declarations/"),
        ("post", "/api/v1/declarations/"),
        ("post", "/api/v1/declarations/drafts/"),
        ("get", "declaration-detail"),
        ("get", "declaration-status"),
        ("post", "declaration-response"),
    ],
)
def test_officers_have_no_access_to_declarations(
    api_as: ApiAs,
    declaration_of_a: Declaration,
    officer_customs: Officer,
    method: str,
    path: str,
) -> None:
    target = path if path.startswith("/") else url(path, declaration_of_a.pk)

    response = getattr(api_as(officer_customs.user), method)(target, VALID_DOCUMENT, format="json")

    assert codes_of(response, 403) == {"permission_denied"}
    assert Declaration.objects.count() == 1


# --- users without the role -----------------------------------------------------------------


def review_endpoints(declaration: Declaration, agencies: Any) -> list[tuple[str, str]]:
    task = review_of(declaration, agencies["customs"])
    return [
        ("get", "/api/v1/reviews/"),
        ("get", url("review-detail", task.pk)),
        ("post", url("review-decision", task.pk)),
    ]


@pytest.mark.parametrize("who", ["trader_a", "trader_b", "outsider", "admin"])
def test_only_officers_reach_review_endpoints(
    request: pytest.FixtureRequest,
    api_as: ApiAs,
    declaration_of_a: Declaration,
    agencies: Any,
    who: str,
) -> None:
    user = _user(request.getfixturevalue(who))
    client = api_as(user)

    for method, path in review_endpoints(declaration_of_a, agencies):
        response = getattr(client, method)(path, {"decision": "approved"}, format="json")
        assert codes_of(response, 403) == {"permission_denied"}, (method, path)
    assert review_of(declaration_of_a, agencies["customs"]).status == ReviewStatus.PENDING


@pytest.mark.parametrize("who", ["outsider", "admin"])
def test_users_without_a_company_have_no_declarations(
    request: pytest.FixtureRequest, api_as: ApiAs, declaration_of_a: Declaration, who: str
) -> None:
    client = api_as(request.getfixturevalue(who))

    assert codes_of(client.get("/api/v1/declarations/"), 403) == {"permission_denied"}
    assert codes_of(client.get(url("declaration-detail", declaration_of_a.pk)), 403) == {
        "permission_denied"
    }


def test_anonymous_clients_must_authenticate(
    api_as: ApiAs, declaration_of_a: Declaration, agencies: Any
) -> None:
    client = api_as(None)
    paths = [
        ("get", "/api/v1/declarations/"),
        ("post", "/api/v1/declarations/"),
        ("get", url("declaration-detail", declaration_of_a.pk)),
        ("get", url("declaration-status", declaration_of_a.pk)),
        ("post", url("declaration-response", declaration_of_a.pk)),
        *review_endpoints(declaration_of_a, agencies),
    ]

    for method, path in paths:
        response = getattr(client, method)(path, {}, format="json")
        assert codes_of(response, 401) == {"not_authenticated"}, (method, path)
        assert response["WWW-Authenticate"] == "Token"


def _user(profile: Any) -> AbstractBaseUser:
    return getattr(profile, "user", profile)
