"""Risk lanes over the API and on the officer's pages: profiles readable by officers, the
lane in the review API, the override (reason required), the admin's history."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from agencies.models import Agency, Officer
from agencies.risk.models import LaneOverride, RiskProfile, RiskProfileChange
from declarations.models import Trader
from tests.api.conftest import ApiAs
from tests.api.helpers import errors_of
from tests.conftest import COFFEE, review_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_officers_read_the_profiles_and_cannot_write_them(
    api_as: ApiAs, agencies: dict[str, Agency], officer_customs: Officer, trader_a: Trader
) -> None:
    profile = RiskProfile.objects.create(agency=agencies["customs"], name="AEO", lane="green")
    profile.traders.set([trader_a.company])
    client = api_as(officer_customs.user)

    answer = client.get("/api/v1/risk-profiles/")

    assert answer.status_code == 200
    [row] = answer.json()["results"]
    assert (row["name"], row["lane"], row["traders"]) == ("AEO", "green", ["GB123456789000"])
    assert client.post("/api/v1/risk-profiles/", {}, format="json").status_code == 405
    assert api_as(trader_a.user).get("/api/v1/risk-profiles/").status_code == 403


def test_review_api_shows_the_lane_and_takes_an_override(
    api_as: ApiAs,
    agencies: dict[str, Agency],
    officer_customs: Officer,
    trader_a: Trader,
    make_routed_declaration: Any,
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    task = review_of(declaration, agencies["customs"])
    client = api_as(officer_customs.user)

    lane = client.get(f"/api/v1/reviews/{task.pk}/").json()["lane"]
    assert lane["lane"] == "yellow" and "no risk profile matched" in lane["reason"]

    refused = client.post(f"/api/v1/reviews/{task.pk}/lane/", {"lane": "red"}, format="json")
    assert [e["path"] for e in errors_of(refused, 400)] == ["/reason"]

    answer = client.post(
        f"/api/v1/reviews/{task.pk}/lane/",
        {"lane": "red", "reason": "Seal number does not match"},
        format="json",
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["lane"]["lane"] == "red"
    assert body["lane"]["overrides"][0]["reason"] == "Seal number does not match"
    assert body["lane"]["overrides"][0]["by"] == officer_customs.user.get_username()
    assert LaneOverride.objects.count() == 1


def test_another_agency_cannot_override(
    api_as: ApiAs,
    agencies: dict[str, Agency],
    officer_medicines: Officer,
    trader_a: Trader,
    make_routed_declaration: Any,
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    task = review_of(declaration, agencies["customs"])

    answer = api_as(officer_medicines.user).post(
        f"/api/v1/reviews/{task.pk}/lane/", {"lane": "red", "reason": "x"}, format="json"
    )

    assert answer.status_code == 404


def test_review_page_shows_the_lane_and_overrides_it(
    client: Client,
    agencies: dict[str, Agency],
    officer_customs: Officer,
    trader_a: Trader,
    make_routed_declaration: Any,
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    task = review_of(declaration, agencies["customs"])
    client.login(username=officer_customs.user.username, password=PASSWORD)

    page = client.get(reverse("agencies:review", args=[task.pk])).content.decode()
    assert 'data-lane="yellow"' in page and 'data-testid="lane-form"' in page
    queue = client.get(reverse("agencies:queue")).content.decode()
    assert 'data-lane="yellow"' in queue

    empty = client.post(reverse("agencies:lane", args=[task.pk]), {"lane": "red"})
    assert empty.status_code == 302 and not LaneOverride.objects.exists()
    client.post(reverse("agencies:lane", args=[task.pk]), {"lane": "red", "reason": "Tip-off"})

    page = client.get(reverse("agencies:review", args=[task.pk])).content.decode()
    assert 'data-lane="red"' in page and "Tip-off" in page


def test_admin_records_each_profile_change_with_its_traders(
    client: Client, admin: Any, agencies: dict[str, Agency], trader_a: Trader
) -> None:
    client.force_login(admin)
    form = {
        "agency": agencies["customs"].pk,
        "name": "Trusted operators",
        "lane": "green",
        "random_rate": "2",
        "active": "on",
        "traders": [trader_a.company.pk],
        "hs_prefix": "",
        "origin_country": "",
        "procedure_code": "",
        "value_currency": "",
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
    }
    added = client.post(reverse("admin:risk_riskprofile_add"), form)
    assert added.status_code == 302, added.content.decode()[:2000]
    profile = RiskProfile.objects.get()

    client.post(
        reverse("admin:risk_riskprofile_change", args=[profile.pk]), {**form, "lane": "yellow"}
    )
    refused = client.post(
        reverse("admin:risk_riskprofile_change", args=[profile.pk]), {**form, "hs_prefix": "9999"}
    )

    assert refused.status_code == 200 and "would never match" in refused.content.decode()
    created, changed = RiskProfileChange.objects.order_by("pk")
    assert created.action == "created" and created.changes["traders"] == ["", "GB123456789000"]
    assert changed.changes == {"lane": ["green", "yellow"]} and changed.actor == admin
