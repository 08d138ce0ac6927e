"""History lines the system composes are read in the reader's language, whoever acted."""

import copy

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from agencies.services import declaration_amend, declaration_route, review_decide
from declarations import history
from declarations.models import ClearanceStatus, StatusEvent, Trader
from declarations.services import declaration_submit
from tests.conftest import review_of
from tests.factories import valid_document

pytestmark = pytest.mark.django_db


def test_a_tree_renders_in_the_active_language_and_keeps_data_as_it_is() -> None:
    line = history.joined(
        "; ",
        [
            history.text(
                "item %(sequence)s: %(outcome)s",
                sequence=1,
                outcome=history.label(translation.gettext_lazy("Released"), lower=True),
            ),
            "Müller GmbH ; 'quoted' %(not a placeholder)s",
        ],
    )

    with translation.override("fr"):
        french = history.render(line)
    assert french.startswith("article 1\u00a0: ")
    assert "released" not in french
    assert french.endswith("; Müller GmbH ; 'quoted' %(not a placeholder)s")
    assert history.english(line) == (
        "item 1: released; Müller GmbH ; 'quoted' %(not a placeholder)s"
    )


def test_an_english_officers_decision_reads_in_french_for_a_french_trader(
    trader_a: Trader, agencies, officer_plant_health, officer_medicines
) -> None:
    declaration = declaration_submit(trader=trader_a, document=valid_document())
    declaration_route(declaration.pk)
    plant = review_of(declaration, agencies["plant-animal-health"])
    with translation.override("en"):
        review_decide(user=officer_plant_health.user, review_id=plant.pk, decision="approved")
    event = declaration.events.filter(kind=StatusEvent.Kind.AGENCY_DECISION).get()
    assert event.message.startswith("item 1: ")  # stored in English, whoever acted

    api = APIClient()
    api.force_authenticate(trader_a.user)
    lines = api.get(f"/api/v1/declarations/{declaration.pk}/", HTTP_ACCEPT_LANGUAGE="fr").json()[
        "history"
    ]
    decided = [line for line in lines if line["kind"] == "agency_decision"]
    assert decided and decided[0]["message"].startswith("article 1\u00a0: ")

    client = Client()
    client.force_login(trader_a.user)
    page = client.get(f"/declarations/{declaration.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "article 1\u00a0: " in page.content.decode()


def test_an_amendment_line_is_written_once_and_read_in_each_language(
    trader_a: Trader, agencies
) -> None:
    declaration = declaration_submit(trader=trader_a, document=valid_document())
    declaration_route(declaration.pk)
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.UNDER_REVIEW
    document = copy.deepcopy(declaration.document)
    item = document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"][1]
    item["Commodity"]["Description"] = "Paracetamol 500 mg tablets"
    with translation.override("fr"):  # the trader acts in French...
        declaration_amend(user=trader_a.user, declaration_id=declaration.pk, document=document)

    event = declaration.events.filter(kind=StatusEvent.Kind.AMENDED).get()
    assert event.message == "version 2: 1 change(s)"  # ...the line is kept in English
    with translation.override("fr"):
        assert event.text == "version 2\u00a0: 1 modification(s)"
    with translation.override("en"):
        assert event.text == "version 2: 1 change(s)"
