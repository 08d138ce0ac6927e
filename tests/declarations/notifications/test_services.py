"""Notification events: one per business event, for the right audience, written with the
event's transaction; e-mail deliveries; read marks and the unread count."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from agencies.models import Agency, Officer, ReviewTask
from agencies.services import declaration_route, review_decide, review_respond, reviews_escalate
from declarations.models import Trader
from declarations.notifications.models import (
    Audience,
    Channel,
    DeliveryStatus,
    NotificationCode,
    NotificationDelivery,
    NotificationEvent,
)
from declarations.notifications.selectors import notifications_for, unread_count
from declarations.notifications.services import notifications_mark_read
from declarations.services import declaration_submit
from tests.conftest import COFFEE, MakeDeclaration, review_of
from tests.factories import valid_document

pytestmark = pytest.mark.django_db


def codes_for(user: Any) -> list[str]:
    return list(notifications_for(user).order_by("pk").values_list("code", flat=True))


def test_each_step_of_a_clearance_is_one_notification_for_the_trader(
    make_routed_declaration: MakeDeclaration,
    agencies: dict[str, Agency],
    trader_a: Trader,
    trader_b: Trader,
    officer_customs: Officer,
    officer_plant_health: Officer,
) -> None:
    # Given coffee routed to customs and plant health
    declaration = make_routed_declaration(trader_a, [COFFEE])
    # When both agencies release it (and the fan-out is re-driven once more)
    for officer, agency in (
        (officer_customs, "customs"),
        (officer_plant_health, "plant-animal-health"),
    ):
        review = review_of(declaration, agencies[agency])
        review_decide(user=officer.user, review_id=review.pk, decision="approved")
    declaration_route(declaration.pk)

    # Then the trader's company has one notification per business event, in order
    assert codes_for(trader_a.user) == [
        NotificationCode.ROUTED,
        NotificationCode.AGENCY_OUTCOME,
        NotificationCode.AGENCY_OUTCOME,
        NotificationCode.CLEARED,
    ]
    cleared = notifications_for(trader_a.user).get(code=NotificationCode.CLEARED)
    assert cleared.text == f"Declaration {declaration.mrn} is cleared."
    outcome = (
        notifications_for(trader_a.user)
        .filter(code=NotificationCode.AGENCY_OUTCOME)
        .order_by("pk")[0]
    )
    assert outcome.data["agency"] == agencies["customs"].name
    assert "released" in outcome.text
    # And nobody else sees them: another company, officers (theirs are agency notices)
    assert codes_for(trader_b.user) == []
    assert codes_for(officer_customs.user) == []


def test_submitting_notifies_acceptance_and_mails_the_company_after_commit(
    trader_a: Trader, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        declaration = declaration_submit(trader=trader_a, document=valid_document())

    accepted = notifications_for(trader_a.user).get(code=NotificationCode.ACCEPTED)
    assert declaration.mrn in accepted.text
    delivery = accepted.deliveries.get(channel=Channel.EMAIL)
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempt_log.count() == 1
    sent = [m for m in mail.outbox if m.body == accepted.text]
    assert len(sent) == 1
    assert sent[0].bcc == [trader_a.user.email] and sent[0].to == []


def test_information_request_and_answer_reach_trader_then_the_asking_agency_only(
    make_routed_declaration: MakeDeclaration,
    agencies: dict[str, Agency],
    trader_a: Trader,
    officer_customs: Officer,
    officer_plant_health: Officer,
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    review = review_of(declaration, agencies["customs"])
    review_decide(
        user=officer_customs.user,
        review_id=review.pk,
        decision="info_requested",
        reason="Send the certificate of origin.",
    )
    asked = notifications_for(trader_a.user).get(code=NotificationCode.INFORMATION_REQUESTED)
    assert "Send the certificate of origin." in asked.text

    review_respond(user=trader_a.user, declaration_id=declaration.pk, message="Attached, EUR.1")

    answered = notifications_for(officer_customs.user).get()
    assert (answered.code, answered.audience) == (NotificationCode.TRADER_ANSWERED, "agency")
    assert "Attached, EUR.1" in answered.text
    assert codes_for(officer_plant_health.user) == []


def test_escalation_notifies_the_supervisors_once_by_portal_and_mail(
    make_routed_declaration: MakeDeclaration,
    agencies: dict[str, Agency],
    trader_a: Trader,
    officer_customs: Officer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    supervisor = Officer.objects.create(
        user=type(officer_customs.user).objects.create(
            username="sup.customs", email="sup.customs@example.test"
        ),
        agency=agencies["customs"],
        is_supervisor=True,
    )
    declaration = make_routed_declaration(trader_a, [COFFEE])
    later = timezone.now() + timedelta(days=30)

    with django_capture_on_commit_callbacks(execute=True):
        assert reviews_escalate(now=later) == 2  # customs and plant health overdue
        assert reviews_escalate(now=later) == 0

    assert codes_for(supervisor.user) == [NotificationCode.REVIEW_ESCALATED]
    assert codes_for(officer_customs.user) == []  # not a supervisor
    notice = notifications_for(supervisor.user).get()
    assert notice.audience == Audience.SUPERVISORS and declaration.mrn in notice.text
    mails = [m for m in mail.outbox if "sup.customs@example.test" in m.bcc]
    assert len(mails) == 1 and declaration.mrn in mails[0].subject
    assert ReviewTask.objects.filter(declaration=declaration, escalated_at=None).count() == 0


def test_unread_count_falls_as_notifications_are_read(
    make_routed_declaration: MakeDeclaration, trader_a: Trader, trader_b: Trader
) -> None:
    make_routed_declaration(trader_a, [COFFEE])
    make_routed_declaration(trader_a, [COFFEE])
    assert unread_count(trader_a.user) == 2
    first = notifications_for(trader_a.user).order_by("pk").first()

    assert notifications_mark_read(trader_a.user, [first.pk]) == 1
    assert notifications_mark_read(trader_a.user, [first.pk]) == 0
    assert unread_count(trader_a.user) == 1
    # Another company's user cannot mark them
    assert notifications_mark_read(trader_b.user) == 0
    assert notifications_mark_read(trader_a.user) == 1
    assert unread_count(trader_a.user) == 0


def test_a_notification_is_written_once_per_event_and_audience(
    make_routed_declaration: MakeDeclaration, trader_a: Trader
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    routed = NotificationEvent.objects.get(declaration=declaration)
    from declarations.notifications.services import notification_record

    again = notification_record(routed.source, NotificationCode.ROUTED, declaration=declaration)
    assert again.pk == routed.pk
    assert NotificationEvent.objects.filter(declaration=declaration).count() == 1
    assert NotificationDelivery.objects.filter(notification=routed).count() == 1  # e-mail
