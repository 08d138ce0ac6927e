"""Unit tests of ``agencies.selectors``: a review task's message thread with the trader."""

import pytest

from agencies.models import Agency, Officer, ReviewMessageKind, ReviewStatus
from agencies.selectors import review_messages, review_queue
from agencies.services import review_decide, review_respond
from declarations.models import Declaration, Trader
from tests.conftest import COFFEE, MakeDeclaration, review_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def coffee_declaration(trader_a: Trader, make_routed_declaration: MakeDeclaration) -> Declaration:
    """Routed roasted coffee from Brazil: reviewed by customs and plant and animal health."""
    return make_routed_declaration(trader_a, [COFFEE])


def ask(declaration: Declaration, officer: Officer, question: str) -> None:
    review_decide(
        user=officer.user,
        review_id=review_of(declaration, officer.agency).pk,
        decision=ReviewStatus.INFO_REQUESTED,
        reason=question,
    )


def test_the_thread_holds_the_agencys_requests_and_the_answers_oldest_first(
    coffee_declaration: Declaration,
    trader_a: Trader,
    officer_customs: Officer,
    officer_plant_health: Officer,
) -> None:
    # Given two rounds of questions from plant health, one from customs
    ask(coffee_declaration, officer_plant_health, "Certificate?")
    ask(coffee_declaration, officer_customs, "Port?")
    review_respond(user=trader_a.user, declaration_id=coffee_declaration.pk, message="PC-1, Dover")
    ask(coffee_declaration, officer_plant_health, "PC-1 has expired.")
    review_respond(user=trader_a.user, declaration_id=coffee_declaration.pk, message="PC-2")

    # When plant health's thread is read
    thread = review_messages(review_of(coffee_declaration, officer_plant_health.agency))

    # Then it holds its own questions and every answer to them, in order
    company = trader_a.company.name
    plant = officer_plant_health.agency.name
    assert [(m.kind, m.party, m.author, m.message) for m in thread] == [
        (ReviewMessageKind.INFORMATION_REQUEST, plant, "officer.planthealth", "Certificate?"),
        (ReviewMessageKind.TRADER_ANSWER, company, "trader.a", "PC-1, Dover"),
        (ReviewMessageKind.INFORMATION_REQUEST, plant, "officer.planthealth", "PC-1 has expired."),
        (ReviewMessageKind.TRADER_ANSWER, company, "trader.a", "PC-2"),
    ]
    assert [m.at for m in thread] == sorted(m.at for m in thread)


def test_approvals_and_rejections_are_not_messages(
    coffee_declaration: Declaration, officer_customs: Officer
) -> None:
    task = review_of(coffee_declaration, officer_customs.agency)
    review_decide(user=officer_customs.user, review_id=task.pk, decision="approved")

    assert review_messages(task) == []


def test_a_message_keeps_the_name_it_was_written_under(
    coffee_declaration: Declaration, officer_plant_health: Officer, agency_plant_health: Agency
) -> None:
    # Given plant health asked, then was renamed and its officer's account deleted
    ask(coffee_declaration, officer_plant_health, "Certificate?")
    former_name = agency_plant_health.name
    Agency.objects.filter(pk=agency_plant_health.pk).update(name="Food Safety, Plants")
    officer_plant_health.user.delete()

    [message] = review_messages(review_of(coffee_declaration, agency_plant_health))

    assert (message.party, message.author, message.message) == (former_name, "", "Certificate?")


def test_the_queue_marks_what_the_trader_answered(
    coffee_declaration: Declaration,
    trader_a: Trader,
    officer_customs: Officer,
    officer_plant_health: Officer,
) -> None:
    # Given plant health asked and the trader answered; customs asked nothing
    ask(coffee_declaration, officer_plant_health, "Certificate?")
    review_respond(user=trader_a.user, declaration_id=coffee_declaration.pk, message="PC-1")

    [plant_task] = review_queue(officer_plant_health.user)
    [customs_task] = review_queue(officer_customs.user)

    assert (plant_task.trader_answered, customs_task.trader_answered) == (True, False)
