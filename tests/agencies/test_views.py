"""Officer pages and the trader's answer through the Django test client: the queue, a review
task (only the routed goods items), decisions with their errors, decided tasks."""

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse

from agencies.inspections.services import inspection_order
from agencies.models import Officer, ReviewStatus
from agencies.services import review_decide, review_respond
from declarations.models import ClearanceStatus, Declaration, Trader
from tests.conftest import COFFEE, LAPTOPS, MEDICAMENTS, MakeDeclaration, review_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

QUEUE = reverse("agencies:queue")
DECIDED = reverse("agencies:decided")


def logged_in(user: AbstractBaseUser) -> Client:
    client = Client()
    assert client.login(username=user.get_username(), password=PASSWORD)
    return client


# --- queue ----------------------------------------------------------------------------------


def test_queue_lists_the_agency_open_tasks_oldest_first(
    trader_a: Trader,
    officer_plant_health: Officer,
    make_routed_declaration: MakeDeclaration,
) -> None:
    first = make_routed_declaration(trader_a, [COFFEE, MEDICAMENTS])
    second = make_routed_declaration(trader_a, [COFFEE])
    not_ours = make_routed_declaration(trader_a, [LAPTOPS])

    response = logged_in(officer_plant_health.user).get(QUEUE)
    html = response.content.decode()

    assert response.status_code == 200
    assert html.index(first.mrn) < html.index(second.mrn)
    assert not_ours.mrn not in html
    assert trader_a.company.name in html
    assert [task.item_count for task in response.context["tasks"]] == [1, 1]


def test_queue_is_paged_oldest_first(
    trader_a: Trader, officer_customs: Officer, make_routed_declaration: MakeDeclaration
) -> None:
    # Given 51 open tasks, one more than a page
    declarations = [make_routed_declaration(trader_a, [COFFEE]) for _ in range(51)]
    client = logged_in(officer_customs.user)

    # When the officer opens the queue, its next page, and a page anchor that is not a number
    first = client.get(QUEUE)
    second = client.get(QUEUE + "?" + first.context["next_query"])
    bad = client.get(QUEUE, {"after": "abc"})

    # Then 50 are on the first page, the 51st (newest) on the next, with links between
    assert [t.declaration_id for t in first.context["tasks"]] == [d.pk for d in declarations[:50]]
    assert [t.declaration_id for t in second.context["tasks"]] == [declarations[50].pk]
    assert 'rel="next"' in first.content.decode() and "First page" in second.content.decode()
    assert bad.status_code == 200 and len(bad.context["tasks"]) == 50


def test_queue_pages_skip_nothing_while_tasks_are_decided(
    trader_a: Trader, officer_customs: Officer, make_routed_declaration: MakeDeclaration
) -> None:
    # Given 60 open tasks and the first page read
    declarations = [make_routed_declaration(trader_a, [COFFEE]) for _ in range(60)]
    client = logged_in(officer_customs.user)
    first = client.get(QUEUE)

    # When the officer decides five tasks of that page, then reads the next page
    for task in list(first.context["tasks"])[:5]:
        review_decide(user=officer_customs.user, review_id=task.pk, decision="approved")
    second = client.get(QUEUE + "?" + first.context["next_query"])

    # Then the next page starts right after the first: no task skipped or repeated
    assert [t.declaration_id for t in second.context["tasks"]] == [d.pk for d in declarations[50:]]


def test_queue_counts_the_goods_items_routed_to_customs(
    trader_a: Trader, officer_customs: Officer, make_routed_declaration: MakeDeclaration
) -> None:
    make_routed_declaration(trader_a, [COFFEE, MEDICAMENTS, LAPTOPS])

    response = logged_in(officer_customs.user).get(QUEUE)

    assert [task.item_count for task in response.context["tasks"]] == [3]


def test_queue_table_partial_for_htmx(
    trader_a: Trader, officer_customs: Officer, make_routed_declaration: MakeDeclaration
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])

    response = logged_in(officer_customs.user).get(QUEUE, headers={"HX-Request": "true"})
    html = response.content.decode()

    assert response.status_code == 200
    assert declaration.mrn in html
    assert "<html" not in html and "<table" in html


def test_officer_pages_are_for_officers_only(
    client: Client, trader_a: Trader, outsider: AbstractBaseUser
) -> None:
    assert client.get(QUEUE)["Location"].startswith(reverse("login"))
    assert logged_in(trader_a.user).get(QUEUE).status_code == 403
    assert logged_in(outsider).get(DECIDED).status_code == 403


# --- a review task --------------------------------------------------------------------------


def test_review_page_shows_only_the_goods_items_routed_to_the_agency(
    trader_a: Trader, officer_medicines: Officer, make_routed_declaration: MakeDeclaration
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE, MEDICAMENTS])
    task = review_of(declaration, officer_medicines.agency)

    response = logged_in(officer_medicines.user).get(reverse("agencies:review", args=[task.pk]))
    html = response.content.decode()

    assert response.status_code == 200
    assert "300490" in html
    assert "090121" not in html
    assert declaration.mrn in html


def test_another_agency_task_is_404(
    trader_a: Trader,
    officer_medicines: Officer,
    officer_plant_health: Officer,
    make_routed_declaration: MakeDeclaration,
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE, MEDICAMENTS])
    task = review_of(declaration, officer_medicines.agency)
    url = reverse("agencies:review", args=[task.pk])
    other = logged_in(officer_plant_health.user)

    assert other.get(url).status_code == 404
    assert other.post(url, {"decision": "approved"}).status_code == 404
    task.refresh_from_db()
    assert task.status == ReviewStatus.PENDING


def test_every_agency_approves_and_the_declaration_is_cleared(
    trader_a: Trader,
    officer_customs: Officer,
    officer_plant_health: Officer,
    officer_medicines: Officer,
    make_routed_declaration: MakeDeclaration,
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE, MEDICAMENTS])

    for officer in (officer_customs, officer_plant_health, officer_medicines):
        task = review_of(declaration, officer.agency)
        response = logged_in(officer.user).post(
            reverse("agencies:review", args=[task.pk]), {"decision": "approved"}
        )
        assert response.status_code == 302
        assert response["Location"] == QUEUE

    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.CLEARED


def test_reject_without_reason_is_shown_at_the_reason_field(
    trader_a: Trader, officer_customs: Officer, make_routed_declaration: MakeDeclaration
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    task = review_of(declaration, officer_customs.agency)

    response = logged_in(officer_customs.user).post(
        reverse("agencies:review", args=[task.pk]), {"decision": "rejected", "reason": "  "}
    )
    html = response.content.decode()

    assert response.status_code == 422
    assert 'id="id_reason_error"' in html
    assert 'aria-invalid="true"' in html
    assert "Give the reason for the refusal." in html
    task.refresh_from_db()
    assert task.status == ReviewStatus.PENDING


def test_no_decision_chosen_is_shown_at_the_decision(
    trader_a: Trader, officer_customs: Officer, make_routed_declaration: MakeDeclaration
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    task = review_of(declaration, officer_customs.agency)

    response = logged_in(officer_customs.user).post(reverse("agencies:review", args=[task.pk]))

    # The goods item without an outcome is named at its outcome field
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_outcome_1_error"' in html
    assert "Give an outcome for this goods item." in html


def test_reject_with_reason_rejects_the_declaration(
    trader_a: Trader, officer_customs: Officer, make_routed_declaration: MakeDeclaration
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    task = review_of(declaration, officer_customs.agency)

    logged_in(officer_customs.user).post(
        reverse("agencies:review", args=[task.pk]),
        {"decision": "rejected", "reason": "Invoice does not match the goods."},
    )

    declaration.refresh_from_db()
    task.refresh_from_db()
    assert declaration.status == ClearanceStatus.REJECTED
    assert task.reason == "Invoice does not match the goods."


def test_decided_task_shows_the_decision_not_the_form(
    trader_a: Trader, officer_customs: Officer, make_routed_declaration: MakeDeclaration
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE, MEDICAMENTS])
    task = review_of(declaration, officer_customs.agency)
    client = logged_in(officer_customs.user)
    client.post(reverse("agencies:review", args=[task.pk]), {"decision": "approved"})

    again = client.post(reverse("agencies:review", args=[task.pk]), {"decision": "rejected"})
    page = client.get(reverse("agencies:review", args=[task.pk])).content.decode()

    assert again.status_code == 422
    assert 'name="decision"' not in page
    decided = client.get(DECIDED).content.decode()
    assert declaration.mrn in decided


# --- the trader's answer ----------------------------------------------------------------------


def test_trader_answers_an_information_request(
    trader_a: Trader, officer_customs: Officer, make_routed_declaration: MakeDeclaration
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    task = review_of(declaration, officer_customs.agency)
    logged_in(officer_customs.user).post(
        reverse("agencies:review", args=[task.pk]),
        {"decision": "info_requested", "reason": "Send the phytosanitary certificate."},
    )
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.AWAITING_TRADER
    client = logged_in(trader_a.user)
    url = reverse("agencies:respond", args=[declaration.pk])

    empty = client.post(url, {"message": ""})
    assert empty.status_code == 422
    assert 'id="id_message_error"' in empty.content.decode()

    response = client.post(url, {"message": "Certificate PC-2026-77 attached."})

    assert response["Location"] == reverse("declaration_detail", args=[declaration.pk])
    declaration.refresh_from_db()
    task.refresh_from_db()
    assert declaration.status == ClearanceStatus.UNDER_REVIEW
    assert task.status == ReviewStatus.PENDING


def test_another_company_cannot_answer(
    trader_a: Trader,
    trader_b: Trader,
    officer_customs: Officer,
    make_routed_declaration: MakeDeclaration,
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    review_decide(
        user=officer_customs.user,
        review_id=review_of(declaration, officer_customs.agency).pk,
        decision=ReviewStatus.INFO_REQUESTED,
        reason="Which port?",
    )

    response = logged_in(trader_b.user).post(
        reverse("agencies:respond", args=[declaration.pk]), {"message": "Dover"}
    )

    assert response.status_code == 404
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.AWAITING_TRADER


def test_opening_the_respond_url_leads_to_the_declaration(
    trader_a: Trader, officer_customs: Officer, make_routed_declaration: MakeDeclaration
) -> None:
    # Given an answer refused at the respond URL (what the address bar then shows)
    declaration = make_routed_declaration(trader_a, [COFFEE])
    ask(officer_customs, declaration, "Which port?")
    client = logged_in(trader_a.user)
    url = reverse("agencies:respond", args=[declaration.pk])
    assert client.post(url, {"message": " "}).status_code == 422

    # When the trader opens that URL (reload, bookmark, back button)
    response = client.get(url)

    # Then they land on the declaration page, where the form is; nothing was answered
    assert response.status_code == 302
    assert response["Location"] == reverse("declaration_detail", args=[declaration.pk])
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.AWAITING_TRADER


def test_the_respond_url_takes_no_other_method(
    trader_a: Trader, make_routed_declaration: MakeDeclaration
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    url = reverse("agencies:respond", args=[declaration.pk])

    assert logged_in(trader_a.user).put(url).status_code == 405


# --- the messages of a review task ------------------------------------------------------------


def ask(officer: Officer, declaration: Declaration, question: str) -> None:
    review_decide(
        user=officer.user,
        review_id=review_of(declaration, officer.agency).pk,
        decision=ReviewStatus.INFO_REQUESTED,
        reason=question,
    )


def test_the_review_page_shows_the_request_and_the_trader_answer(
    trader_a: Trader,
    officer_plant_health: Officer,
    officer_customs: Officer,
    make_routed_declaration: MakeDeclaration,
) -> None:
    # Given plant health and customs asked, and the trader answered both at once
    declaration = make_routed_declaration(trader_a, [COFFEE])
    ask(officer_plant_health, declaration, "Send the phytosanitary certificate.")
    ask(officer_customs, declaration, "Which port of entry?")
    review_respond(
        user=trader_a.user,
        declaration_id=declaration.pk,
        message="Certificate PC-2026-77; entry at Dover.",
    )
    task = review_of(declaration, officer_plant_health.agency)

    # When the plant health officer opens the task
    response = logged_in(officer_plant_health.user).get(reverse("agencies:review", args=[task.pk]))
    html = response.content.decode()

    # Then the Messages show the agency's request, then the answer, with who wrote them
    assert response.status_code == 200
    assert ">Messages</h2>" in html
    thread = html[html.index('data-testid="messages"') :]
    question = thread.index("Send the phytosanitary certificate.")
    reply = thread.index("Certificate PC-2026-77; entry at Dover.")
    assert question < reply
    assert "officer.planthealth" in thread[:question]
    assert trader_a.company.name in thread[question:reply]
    assert "trader.a" in thread[question:reply]
    # And not the question customs asked (other agencies' work shows only in its own panel)
    assert "Which port of entry?" not in thread[: thread.index('id="items-title"')]
    assert [m.kind for m in response.context["thread"]] == [
        "information_request",
        "trader_answer",
    ]


def test_the_review_page_has_no_messages_when_nothing_was_asked(
    trader_a: Trader, officer_customs: Officer, make_routed_declaration: MakeDeclaration
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    task = review_of(declaration, officer_customs.agency)

    response = logged_in(officer_customs.user).get(reverse("agencies:review", args=[task.pk]))

    assert response.context["thread"] == []
    assert 'data-testid="messages"' not in response.content.decode()


def test_the_queue_flags_tasks_the_trader_answered(
    trader_a: Trader, officer_customs: Officer, make_routed_declaration: MakeDeclaration
) -> None:
    # Given two declarations; on the first customs asked and the trader answered
    answered = make_routed_declaration(trader_a, [COFFEE])
    untouched = make_routed_declaration(trader_a, [COFFEE])
    ask(officer_customs, answered, "Which port?")
    review_respond(user=trader_a.user, declaration_id=answered.pk, message="Dover")

    # When the customs officer opens the queue
    response = logged_in(officer_customs.user).get(QUEUE)

    # Then only the answered task carries the badge
    rows = {task.declaration_id: task.trader_answered for task in response.context["tasks"]}
    assert rows == {answered.pk: True, untouched.pk: False}
    html = response.content.decode()
    assert html.count('data-testid="trader-answered"') == 1
    assert html.index(answered.mrn) < html.index("Trader answered") < html.index(untouched.mrn)


def test_the_queue_says_how_many_openings_joint_inspections_saved(
    trader_a: Trader,
    officer_customs: Officer,
    officer_plant_health: Officer,
    make_routed_declaration: MakeDeclaration,
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    for officer in (officer_customs, officer_plant_health):
        inspection_order(
            user=officer.user,
            review_id=review_of(declaration, officer.agency).pk,
            kind="physical",
        )

    response = logged_in(officer_customs.user).get(QUEUE)

    assert response.context["openings_saved"] == 1
    assert "joint inspections saved 1 container opening<" in response.content.decode()
