"""``manage.py seed_demo``: the demo data, and that running it again changes nothing."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from pytest_django.fixtures import Settings

from agencies.demo import DEMO_CANCELLATION_REASON
from agencies.inspections.models import InspectionAppointment
from agencies.inspections.services import openings_saved
from agencies.management.commands.seed_demo import DEFAULT_DEMO_PASSWORD
from agencies.models import (
    OPEN_REVIEW_STATUSES,
    Agency,
    ItemCallIn,
    Officer,
    ReviewTask,
    RoutingRule,
)
from agencies.rates.models import ExchangeRate
from agencies.risk.models import RiskProfile, RiskProfileChange
from agencies.routing.disclaimed import disclaimed_filtered
from declarations.models import ClearanceStatus, Declaration
from declarations.notifications.models import NotificationCode
from declarations.notifications.selectors import notifications_for


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _snapshot() -> dict[str, int]:
    return {
        "agencies": Agency.objects.count(),
        "rules": RoutingRule.objects.count(),
        "users": get_user_model().objects.count(),
        "officers": Officer.objects.count(),
        "declarations": Declaration.objects.count(),
        "reviews": ReviewTask.objects.count(),
        "risk_profiles": RiskProfile.objects.count(),
        "call_ins": ItemCallIn.objects.count(),
        "exchange_rates": ExchangeRate.objects.count(),
    }


@pytest.mark.django_db(transaction=True)  # submissions dispatch the routing on commit
def test_seed_demo_creates_the_demo_and_is_idempotent(settings: Settings) -> None:
    # Given a development setting (pytest runs with DEBUG off, as Django's test runner does)
    settings.DEBUG = True
    # and no random draw: the green demo declaration stays green (the draw is tested alone)
    settings.RISK_MINIMUM_RANDOM_RATES = {"green": "0", "yellow": "0"}

    # When the demo is seeded twice
    output = _seed()
    first = _snapshot()
    _seed()

    # Then the second run created nothing more
    assert _snapshot() == first
    # And the agencies route as documented: 24 chapters, 30, 28/29/38, 84/85; customs none
    rules = dict.fromkeys(Agency.objects.values_list("code", flat=True), 0)
    for code in RoutingRule.objects.values_list("agency__code", flat=True):
        rules[code] += 1
    assert rules == {
        "customs": 0,
        "plant-animal-health": 25,  # and the CITES rule on string instruments
        "medicines": 1,
        "chemicals": 3,
        "standards": 2,
    }
    assert Agency.objects.get(is_customs=True).code == "customs"
    # And the demo declarations: one in each merged state, a draft, an overdue task and a
    # joint inspection, all reached through the services
    statuses = dict(Declaration.objects.values_list("lrn", "status"))
    assert statuses == {
        "DEMO-2026-000001": ClearanceStatus.UNDER_REVIEW,
        "DEMO-2026-000002": ClearanceStatus.UNDER_REVIEW,
        "DEMO-2026-000003": ClearanceStatus.DRAFT,
        "DEMO-2026-000010": ClearanceStatus.CLEARED,
        "DEMO-2026-000011": ClearanceStatus.PARTIALLY_RELEASED,
        "DEMO-2026-000012": ClearanceStatus.CLEARED_WITH_CONDITIONS,
        "DEMO-2026-000013": ClearanceStatus.REJECTED,
        "DEMO-2026-000014": ClearanceStatus.AWAITING_TRADER,
        "DEMO-2026-000015": ClearanceStatus.INSPECTION,
        "DEMO-2026-000016": ClearanceStatus.UNDER_REVIEW,
        "DEMO-2026-000017": ClearanceStatus.CLEARED,
        "DEMO-2026-000018": ClearanceStatus.UNDER_REVIEW,  # guitars disclaimed (Y900)
        "DEMO-2026-000019": ClearanceStatus.UNDER_REVIEW,  # ... and called in
        "DEMO-2026-000020": ClearanceStatus.UNDER_REVIEW,  # lodged by the broker
        "DEMO-2026-000021": ClearanceStatus.CANCELLED,
    }
    # And the green one was cleared with no person: released by the system at routing
    green = ReviewTask.objects.filter(declaration__lrn="DEMO-2026-000017")
    assert sorted(green.values_list("agency__code", "status", "decided_by")) == [
        ("customs", "released", None),
        ("plant-animal-health", "released", None),
    ]
    assert RiskProfileChange.objects.filter(action="created").count() == 2
    assert set(ClearanceStatus.values) - {"submitted"} <= set(statuses.values())
    # And the cancelled one says why, to the demo trader, in its history and notification
    cancelled = Declaration.objects.get(lrn="DEMO-2026-000021")
    assert cancelled.company.eori == "GB123456789000"
    assert cancelled.events.filter(
        to_status=ClearanceStatus.CANCELLED,
        message=DEMO_CANCELLATION_REASON,
        actor__username="trader",
    ).exists()
    trader = get_user_model().objects.get(username="trader")
    assert (
        notifications_for(trader)
        .filter(code=NotificationCode.CANCELLED, declaration=cancelled, text__contains="twice")
        .exists()
    )
    assert not ReviewTask.objects.filter(
        declaration=cancelled, status__in=OPEN_REVIEW_STATUSES
    ).exists()
    overdue = ReviewTask.objects.filter(due_at__lt=timezone.now(), status="pending")
    assert list(overdue.values_list("declaration__lrn", flat=True)) == ["DEMO-2026-000016"]
    [appointment] = InspectionAppointment.objects.all()
    assert appointment.declaration.lrn == "DEMO-2026-000015"
    assert openings_saved() == 1
    assert Officer.objects.get(user__username="supervisor.customs").is_supervisor
    # And the broker lodged one for the demo trader's company, which reads it
    lodged = Declaration.objects.get(lrn="DEMO-2026-000020")
    assert lodged.company.eori == "GB555666777000"
    assert lodged.representation.client.eori == "GB123456789000"
    coffee_and_medicaments = ReviewTask.objects.filter(declaration__lrn="DEMO-2026-000001")
    assert sorted(coffee_and_medicaments.values_list("agency__code", flat=True)) == [
        "customs",
        "medicines",
        "plant-animal-health",
    ]
    # And the guitars disclaimed to plant and animal health: one left, one called in
    plant = Officer.objects.get(user__username="officer.planthealth").user
    assert [i.declaration.lrn for i in disclaimed_filtered(plant, {})] == ["DEMO-2026-000018"]
    [called] = ItemCallIn.objects.all()
    assert (called.declaration.lrn, called.exemption_code) == ("DEMO-2026-000019", "Y900")
    assert called.task.items.get().hs_code == "920290"
    # And the one demo exchange rate says it is one
    [rate] = ExchangeRate.objects.all()
    assert rate.source.startswith("DEMO ONLY") and rate.currency == "EUR"
    # And every printed login works with the printed password
    users = get_user_model().objects.all()
    assert {u.username for u in users} >= {"admin", "trader", "officer.customs"}
    assert all(u.check_password(DEFAULT_DEMO_PASSWORD) for u in users)
    assert get_user_model().objects.get(username="admin").is_superuser
    assert "officer.planthealth" in output and DEFAULT_DEMO_PASSWORD in output


@pytest.mark.django_db
def test_seed_demo_refuses_production_without_force(settings: Settings) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        _seed()

    assert not get_user_model().objects.exists()
