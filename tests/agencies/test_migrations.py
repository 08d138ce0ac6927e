"""The data step of ``agencies`` migration 0003: history recorded before review tasks were
linked to their events gets linked by the agency names the events hold."""

import importlib

import pytest
from django.apps import apps

from agencies.models import Agency, ReviewTask
from declarations.models import Declaration, StatusEvent, Trader
from tests.conftest import COFFEE, MEDICAMENTS, MakeDeclaration, review_of

pytestmark = pytest.mark.django_db

link_existing_events = importlib.import_module(
    "agencies.migrations.0003_reviewtask_events"
).link_existing_events


def old_event(declaration: Declaration, kind: str, agency: str, **fields: str) -> StatusEvent:
    """An event as the services wrote it before the link existed."""
    return StatusEvent.objects.create(declaration=declaration, kind=kind, agency=agency, **fields)


def test_old_decisions_and_answers_are_linked_by_agency_name(
    trader_a: Trader,
    make_routed_declaration: MakeDeclaration,
    agency_customs: Agency,
    agency_plant_health: Agency,
    agency_medicines: Agency,
) -> None:
    # Given customs named with a ", " and a prefix of another agency's name
    Agency.objects.filter(pk=agency_customs.pk).update(name="Customs, Excise")
    Agency.objects.filter(pk=agency_medicines.pk).update(name="Customs, Excise Laboratory")
    declaration = make_routed_declaration(trader_a, [COFFEE, MEDICAMENTS])
    customs = review_of(declaration, agency_customs)
    plant = review_of(declaration, agency_plant_health)
    medicines = review_of(declaration, agency_medicines)
    asked = old_event(declaration, "agency_decision", "Customs, Excise", to_status="info_requested")
    plant_asked = old_event(
        declaration,
        "agency_decision",
        agency_plant_health.name,
        to_status="info_requested",
    )
    answer = old_event(
        declaration, "trader_response", f"Customs, Excise, {agency_plant_health.name}"
    )
    old_event(declaration, "status_changed", "Customs, Excise", to_status="awaiting_trader")

    # When the migration's data step runs (twice: it may be re-run)
    link_existing_events(apps, None)
    link_existing_events(apps, None)

    # Then each event is linked to the tasks it was about, and to no other
    def linked(task: ReviewTask) -> set[StatusEvent]:
        return set(task.events.all())

    assert linked(customs) == {asked, answer}
    assert linked(plant) == {plant_asked, answer}
    assert linked(medicines) == set()
