"""Fan-outs that cannot happen are seen, not re-driven for ever: a crash of the routing
task fails loudly and is kept on the outbox row, a row re-driven ``ROUTING_MAX_ATTEMPTS``
times is marked failed, a declaration no agency is concerned with stays submitted with an
error, and administrators see such rows in the admin and retry them."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, ReviewTask, RoutingRule
from agencies.services import declaration_route
from agencies.tasks import redrive_routing, route_declaration
from declarations.models import ClearanceStatus, Declaration, RoutingOutbox, Trader
from declarations.services import routing_dispatch
from tests.conftest import COFFEE, LAPTOPS, MakeDeclaration
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _outbox(declaration: Declaration) -> RoutingOutbox:
    return RoutingOutbox.objects.get(declaration=declaration)


def _due(declaration: Declaration, attempts: int = 0) -> None:
    """Make the outbox row old enough for the re-drive, tried ``attempts`` times."""
    then = timezone.now() - timedelta(minutes=5)
    RoutingOutbox.objects.filter(declaration=declaration).update(
        created_at=then, last_sent_at=then, attempts=attempts
    )


def test_a_crash_of_the_routing_task_fails_and_is_kept_on_the_row(
    agencies: dict[str, Agency],
    trader_a: Trader,
    make_submitted_declaration: MakeDeclaration,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a routing bug (the fan-out service raises)
    declaration = make_submitted_declaration(trader_a, [COFFEE])

    def broken(declaration_id: int) -> list[ReviewTask]:
        raise RuntimeError("routing bug")

    monkeypatch.setattr("agencies.tasks.declaration_route", broken)

    # When the task runs (eagerly, errors propagating as in every test), the error is raised
    with pytest.raises(RuntimeError, match="routing bug"):
        routing_dispatch(declaration.pk)

    # Then the row keeps the error and stays pending for the re-drive
    outbox = _outbox(declaration)
    assert outbox.done_at is None and outbox.failed_at is None
    assert "routing bug" in outbox.last_error
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.SUBMITTED


def test_a_row_re_driven_too_often_is_marked_failed_and_left_alone(
    agencies: dict[str, Agency],
    trader_a: Trader,
    make_submitted_declaration: MakeDeclaration,
    settings: Any,
) -> None:
    # Given a row re-driven the maximum number of times, its last error kept, and another
    # row due for its first re-drive
    settings.ROUTING_MAX_ATTEMPTS = 3
    stuck = make_submitted_declaration(trader_a, [COFFEE])
    _due(stuck, attempts=3)
    RoutingOutbox.objects.filter(declaration=stuck).update(last_error="fan-out failed: X")
    lost = make_submitted_declaration(trader_a, [COFFEE])
    _due(lost)

    # When the re-drive runs twice
    first, second = redrive_routing(), redrive_routing()

    # Then only the second row was sent (and routed); the first is failed, keeps its error
    # and is not re-sent
    assert (first, second) == (1, 0)
    stuck_row = _outbox(stuck)
    assert stuck_row.failed_at is not None and stuck_row.done_at is None
    assert (stuck_row.attempts, stuck_row.last_error) == (3, "fan-out failed: X")
    assert not ReviewTask.objects.filter(declaration=stuck).exists()
    assert _outbox(lost).done_at is not None


@pytest.fixture
def no_agency_takes_laptops(agencies: dict[str, Agency]) -> None:
    """No customs agency, and no routing rule for HS 8471 (the standards rule is off)."""
    Agency.objects.filter(is_customs=True).update(is_customs=False)
    RoutingRule.objects.filter(hs_prefix__in=["84", "85"]).update(active=False)


def test_a_declaration_no_agency_is_concerned_with_stays_submitted_with_an_error(
    no_agency_takes_laptops: None, trader_a: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    # Given a declaration of coffee (plant health takes it) and laptops (nobody does)
    declaration = make_submitted_declaration(trader_a, [COFFEE, LAPTOPS])

    # When it is routed
    created = route_declaration(declaration.pk)

    # Then nothing is created, it stays submitted (not under review for ever), and the
    # outbox row is failed with an error naming the item nobody takes
    assert created == 0
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.SUBMITTED and declaration.routed_at is None
    outbox = _outbox(declaration)
    assert outbox.failed_at is not None and outbox.done_at is None
    assert "goods item(s) 2" in outbox.last_error
    assert "no customs agency is configured" in outbox.last_error
    # and the re-drive leaves it alone
    _due(declaration)
    assert redrive_routing() == 0


def test_without_a_customs_agency_items_the_rules_cover_are_still_routed(
    no_agency_takes_laptops: None, trader_a: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    declaration = make_submitted_declaration(trader_a, [COFFEE])

    tasks = declaration_route(declaration.pk)

    assert [task.agency.code for task in tasks] == ["plant-animal-health"]
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.UNDER_REVIEW


@pytest.fixture
def admin_client_(admin: AbstractBaseUser) -> Client:
    client = Client()
    assert client.login(username=admin.get_username(), password=PASSWORD)
    return client


def test_administrators_see_failed_routings_and_retry_them(
    no_agency_takes_laptops: None,
    trader_a: Trader,
    make_submitted_declaration: MakeDeclaration,
    admin_client_: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given a declaration whose routing failed because no agency takes laptops
    failed = make_submitted_declaration(trader_a, [LAPTOPS])
    routed = make_submitted_declaration(trader_a, [COFFEE])
    declaration_route(failed.pk)
    declaration_route(routed.pk)
    changelist = reverse("admin:declarations_routingoutbox_changelist")

    # When the administrator lists failed routings
    listed = admin_client_.get(changelist, {"routing": "failed"})

    # Then only that one is listed, with its error
    assert listed.status_code == 200
    assert [row.declaration_id for row in listed.context["cl"].result_list] == [failed.pk]
    assert "No agency is concerned" in listed.content.decode()

    # When customs is configured again and the administrator retries it
    Agency.objects.filter(code="customs").update(is_customs=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(
            changelist,
            {"action": "retry_routing", "_selected_action": [_outbox(failed).pk]},
            follow=True,
        )

    # Then it is routed to customs and no longer failed
    assert response.status_code == 200
    outbox = _outbox(failed)
    assert outbox.done_at is not None and outbox.failed_at is None
    assert [t.agency.code for t in ReviewTask.objects.filter(declaration=failed)] == ["customs"]
    failed.refresh_from_db()
    assert failed.status == ClearanceStatus.UNDER_REVIEW
