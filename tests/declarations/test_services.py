"""Unit tests of ``declarations.services``: drafts, submission, the routing outbox and its
re-drive (``agencies.tasks.redrive_routing``), and status changes."""

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from agencies.models import Agency, ReviewTask
from agencies.tasks import redrive_routing
from datamodel.issues import IssueCode, Severity
from datamodel.xmlio import declaration_to_xml
from declarations.models import (
    ClearanceStatus,
    Declaration,
    GoodsItem,
    RoutingOutbox,
    StatusEvent,
    Trader,
)
from declarations.mrn import mrn_check_character
from declarations.services import (
    DeclarationInvalid,
    DeclarationNotEditable,
    declaration_save_draft,
    declaration_set_status,
    declaration_submit,
    declaration_submit_xml,
    routing_dispatch,
)
from tests.conftest import COFFEE, MEDICAMENTS, MakeDeclaration, celery_through_broker, closed_port
from tests.factories import lodged_by, valid_document

DRAFT = {"Declaration": {"FunctionalReferenceID": "LRN-DRAFT-0001", "TypeCode": "IMA"}}


def _codes(invalid: DeclarationInvalid) -> set[str]:
    return {str(issue.code) for issue in invalid.issues}


# --- drafts ---------------------------------------------------------------------------------


def test_save_draft_stores_what_was_typed_without_lodging_it(trader_a: Trader) -> None:
    # When the trader saves half a declaration
    draft = declaration_save_draft(trader=trader_a, document=DRAFT)

    # Then it is a draft of the company, with its LRN and type, and nothing is lodged
    draft.refresh_from_db()
    assert (draft.status, draft.company, draft.created_by) == (
        ClearanceStatus.DRAFT,
        trader_a.company,
        trader_a.user,
    )
    assert (draft.lrn, draft.type_code, draft.document) == ("LRN-DRAFT-0001", "IM", DRAFT)
    assert draft.mrn is None and draft.submitted_at is None
    assert not GoodsItem.objects.exists() and not RoutingOutbox.objects.exists()
    assert list(draft.events.values_list("kind", flat=True)) == [StatusEvent.Kind.DRAFT_SAVED]


def test_save_draft_again_updates_the_same_draft(trader_a: Trader) -> None:
    # Given a saved draft
    draft = declaration_save_draft(trader=trader_a, document=DRAFT)
    changed = {"Declaration": {"FunctionalReferenceID": "LRN-DRAFT-0002", "TypeCode": "EXA"}}

    # When it is saved again with more typed in
    again = declaration_save_draft(trader=trader_a, document=changed, declaration=draft)

    # Then the same row holds the new content
    assert again.pk == draft.pk
    assert Declaration.objects.count() == 1
    again.refresh_from_db()
    assert (again.lrn, again.type_code, again.document) == ("LRN-DRAFT-0002", "EX", changed)


def test_draft_lrn_is_unique_within_a_company_only(trader_a: Trader, trader_b: Trader) -> None:
    # Given company A has a draft with an LRN
    declaration_save_draft(trader=trader_a, document=DRAFT)

    # When company A uses it again, it is refused
    with pytest.raises(DeclarationInvalid) as refused:
        declaration_save_draft(trader=trader_a, document=DRAFT)
    assert _codes(refused.value) == {IssueCode.DUPLICATE_LRN}

    # But company B may use the same LRN
    declaration_save_draft(trader=trader_b, document=DRAFT)
    assert Declaration.objects.filter(lrn="LRN-DRAFT-0001").count() == 2


def test_draft_lrn_over_35_characters_is_refused_at_its_field_not_cut(trader_a: Trader) -> None:
    # Given a draft whose LRN is one character over WCO DM D026's an..35
    lrn = "L" * 36
    document = {"Declaration": {"FunctionalReferenceID": lrn, "TypeCode": "IMA"}}

    # When it is saved, it is refused at the LRN and nothing is stored
    with pytest.raises(DeclarationInvalid) as refused:
        declaration_save_draft(trader=trader_a, document=document)
    [issue] = refused.value.issues
    assert (issue.code, issue.path) == (IssueCode.TOO_LONG, "/Declaration/FunctionalReferenceID")
    assert "36" in str(issue.message) and "35" in str(issue.message)
    assert not Declaration.objects.exists()

    # But 35 characters are kept whole (the national an..22 waits for submission)
    document["Declaration"]["FunctionalReferenceID"] = lrn[:35]
    assert declaration_save_draft(trader=trader_a, document=document).lrn == lrn[:35]


def test_another_companys_draft_cannot_be_saved_or_submitted(
    trader_a: Trader, trader_b: Trader
) -> None:
    draft = declaration_save_draft(trader=trader_a, document=DRAFT)

    with pytest.raises(DeclarationNotEditable):
        declaration_save_draft(trader=trader_b, document=DRAFT, declaration=draft)
    with pytest.raises(DeclarationNotEditable):
        declaration_submit(
            trader=trader_b,
            document=lodged_by(trader_b.company),
            declaration=draft,
        )

    draft.refresh_from_db()
    assert (draft.status, draft.document) == (ClearanceStatus.DRAFT, DRAFT)


# --- submission -----------------------------------------------------------------------------


def test_submit_lodges_the_declaration_with_its_goods_items(
    trader_a: Trader, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    # When a valid declaration of coffee and medicaments is submitted
    with django_capture_on_commit_callbacks() as callbacks:
        declaration = declaration_submit(trader=trader_a, document=valid_document())

    # Then it is submitted with an MRN (18 characters, valid check character)
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.SUBMITTED
    assert declaration.submitted_at is not None and declaration.routed_at is None
    assert re.fullmatch(r"\d{2}GB[0-9A-Z]{13}\d", declaration.mrn)
    assert declaration.mrn[-1] == mrn_check_character(declaration.mrn[:17])
    assert (declaration.lrn, declaration.type_code) == ("LRN-2026-000001", "IM")
    # And its goods items are rows, as routing needs them
    items = list(declaration.items.values_list("sequence", "hs_code", "origin_country"))
    assert items == [(1, "090121", "BR"), (2, "300490", "IN")]
    # And the fan-out waits in the outbox, to be dispatched only once committed
    assert RoutingOutbox.objects.get(declaration=declaration).done_at is None
    # (with the e-mail that tells the trader it was accepted, also sent after commit)
    assert len(callbacks) == 2
    submitted = declaration.events.get(kind=StatusEvent.Kind.SUBMITTED)
    assert (submitted.actor, submitted.message) == (trader_a.user, declaration.mrn)
    # And, with nothing to warn about, no warnings are kept
    assert declaration.warnings == []


def test_submit_keeps_the_warnings_the_declaration_was_accepted_with(trader_a: Trader) -> None:
    # Given a declaration whose second goods item is valued in USD, the invoice in EUR
    document = valid_document()
    items = document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"]
    items[1]["CustomsValueAmount"]["currencyID"] = "USD"

    # When it is submitted
    declaration = declaration_submit(trader=trader_a, document=document)

    # Then it is lodged, and the warning is kept with its pointer for the trader and officers
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.SUBMITTED
    assert [(w["code"], w["severity"], w["pointer"]) for w in declaration.warnings] == [
        ("currency_mismatch", "warning", "42A/109")
    ]


def test_submit_routes_to_the_agencies_once_committed(
    agencies: dict[str, Agency],
    trader_a: Trader,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # Given a submitted declaration whose transaction has not committed yet
    with django_capture_on_commit_callbacks() as callbacks:
        declaration = declaration_submit(trader=trader_a, document=valid_document())
    assert not ReviewTask.objects.exists()

    # When the commit hook runs (Celery is eager in tests: the task runs right here)
    for callback in callbacks:
        callback()

    # Then customs, plant health (coffee) and medicines (medicaments) each have a review
    codes = ReviewTask.objects.filter(declaration=declaration).values_list(
        "agency__code", flat=True
    )
    assert sorted(codes) == ["customs", "medicines", "plant-animal-health"]
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.UNDER_REVIEW
    assert declaration.routed_at is not None


def test_submit_refuses_an_invalid_declaration_and_writes_nothing(
    trader_a: Trader, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    # Given a declaration with a mistyped HS code
    document = valid_document()
    items = document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"]
    items[0]["Commodity"]["Classification"][0]["ID"] = "09O121"  # letter O, not zero

    # When it is submitted
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(DeclarationInvalid) as refused:
            declaration_submit(trader=trader_a, document=document)

    # Then the HS code is named and nothing at all is written or dispatched
    assert IssueCode.BAD_HS_CODE in _codes(refused.value)
    assert not Declaration.objects.exists()
    assert not RoutingOutbox.objects.exists()
    assert callbacks == []


@pytest.mark.parametrize("function_code", ["13", "14"])
def test_submit_refuses_amendments_and_cancellations_as_new_declarations(
    trader_a: Trader, function_code: str
) -> None:
    # Given a valid declaration whose function code says amendment (13) or cancellation (14)
    document = valid_document(FunctionCode=function_code)

    # When it is submitted as a new declaration
    with pytest.raises(DeclarationInvalid) as refused:
        declaration_submit(trader=trader_a, document=document)

    # Then the function code is named and nothing is written
    [issue] = refused.value.issues
    assert (issue.code, issue.pointer, issue.path) == (
        IssueCode.NOT_AN_ORIGINAL,
        "42A/017",
        "/Declaration/FunctionCode",
    )
    assert not Declaration.objects.exists()


def _nothing_written() -> bool:
    return not (
        Declaration.objects.exists()
        or GoodsItem.objects.exists()
        or StatusEvent.objects.exists()
        or RoutingOutbox.objects.exists()
    )


def test_submit_refuses_a_declaration_in_another_companys_name(
    trader_b: Trader, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    # Given trader B and a valid declaration whose declarant is company A (GB123456789000)
    document = valid_document()

    # When B submits it
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(DeclarationInvalid) as refused:
            declaration_submit(trader=trader_b, document=document)

    # Then the declarant ID is named, with both EORIs, and nothing is written or dispatched
    [issue] = refused.value.issues
    assert (issue.code, issue.severity, issue.pointer, issue.path) == (
        IssueCode.DECLARANT_NOT_SUBMITTER,
        Severity.ERROR,
        "42A/57B/R123",
        "/Declaration/Declarant/ID",
    )
    assert issue.message == (
        "The declarant GB123456789000 is not your company (GB987654321000). Lodge "
        "declarations as your own company; name the importer or exporter you represent in "
        "their own fields."
    )
    assert _nothing_written()
    assert callbacks == []


def test_submit_xml_refuses_a_declaration_in_another_companys_name(trader_b: Trader) -> None:
    # Given the valid declaration of company A as WCO DM XML
    raw = declaration_to_xml(valid_document())

    # When trader B lodges the file
    with pytest.raises(DeclarationInvalid) as refused:
        declaration_submit_xml(trader=trader_b, raw=raw)

    # Then it is refused at the declarant ID, like JSON, with nothing written
    assert [(i.code, i.pointer, i.path) for i in refused.value.issues] == [
        (IssueCode.DECLARANT_NOT_SUBMITTER, "42A/57B/R123", "/Declaration/Declarant/ID")
    ]
    assert _nothing_written()


@pytest.mark.parametrize(
    "declarant_element",
    [
        pytest.param(None, id="no-declarant"),
        pytest.param({"Name": "Example Importers Ltd"}, id="declarant-without-id"),
    ],
)
def test_submit_refuses_a_declaration_without_declarant(
    trader_a: Trader, declarant_element: dict[str, str] | None
) -> None:
    # Given a valid declaration with no declarant ID (the datamodel does not require one)
    document = valid_document()
    del document["Declaration"]["Declarant"]
    if declarant_element is not None:
        document["Declaration"]["Declarant"] = declarant_element

    # When it is submitted
    with pytest.raises(DeclarationInvalid) as refused:
        declaration_submit(trader=trader_a, document=document)

    # Then the declarant ID is required, the message names the trader's company's EORI
    [issue] = refused.value.issues
    assert (issue.code, issue.pointer, issue.path) == (
        IssueCode.REQUIRED,
        "42A/57B/R123",
        "/Declaration/Declarant/ID",
    )
    assert "GB123456789000" in issue.message
    assert _nothing_written()


def test_the_declarant_is_compared_without_surrounding_blanks(trader_a: Trader) -> None:
    document = valid_document(Declarant={"ID": "  GB123456789000 ", "Name": "Example Ltd"})

    declaration = declaration_submit(trader=trader_a, document=document)

    assert declaration.status == ClearanceStatus.SUBMITTED


def test_a_declarant_eori_in_lower_case_is_refused_saying_how_to_write_it(
    trader_a: Trader,
) -> None:
    # An EORI number is written in capitals (UCC DA Annex 12-01): the trader is told so.
    document = valid_document(Declarant={"ID": "gb123456789000", "Name": "Example Ltd"})

    with pytest.raises(DeclarationInvalid) as refused:
        declaration_submit(trader=trader_a, document=document)

    assert [i.code for i in refused.value.issues] == [IssueCode.BAD_EORI]
    assert "GB123456789000" in str(refused.value.issues[0].message)
    assert _nothing_written()


def test_every_lodging_issue_is_given_at_once(trader_b: Trader) -> None:
    # Given an amendment (13) in company A's name
    document = valid_document(FunctionCode="13")

    # When trader B submits it as a new declaration
    with pytest.raises(DeclarationInvalid) as refused:
        declaration_submit(trader=trader_b, document=document)

    # Then both the function code and the declarant are named
    assert [i.code for i in refused.value.issues] == [
        IssueCode.NOT_AN_ORIGINAL,
        IssueCode.DECLARANT_NOT_SUBMITTER,
    ]
    assert _nothing_written()


def test_a_draft_may_name_any_declarant_until_it_is_submitted(trader_b: Trader) -> None:
    # Given trader B saves a draft in company A's name (drafts are not validated)
    draft = declaration_save_draft(trader=trader_b, document=valid_document())

    # When B submits it as it is, it is refused and stays a draft
    with pytest.raises(DeclarationInvalid) as refused:
        declaration_submit(trader=trader_b, document=draft.document, declaration=draft)
    assert _codes(refused.value) == {IssueCode.DECLARANT_NOT_SUBMITTER}
    draft.refresh_from_db()
    assert (draft.status, draft.mrn) == (ClearanceStatus.DRAFT, None)

    # But once B names its own company, it is lodged
    document = lodged_by(trader_b.company)
    lodged = declaration_submit(trader=trader_b, document=document, declaration=draft)
    assert (lodged.pk, lodged.status) == (draft.pk, ClearanceStatus.SUBMITTED)


def test_submit_a_draft_lodges_that_draft(trader_a: Trader) -> None:
    # Given a draft
    draft = declaration_save_draft(trader=trader_a, document=DRAFT)

    # When it is submitted complete
    declaration = declaration_submit(trader=trader_a, document=valid_document(), declaration=draft)

    # Then the draft itself became the submitted declaration
    assert declaration.pk == draft.pk
    assert Declaration.objects.get().status == ClearanceStatus.SUBMITTED

    # And it cannot be changed any more
    with pytest.raises(DeclarationNotEditable):
        declaration_save_draft(trader=trader_a, document=DRAFT, declaration=declaration)
    with pytest.raises(DeclarationNotEditable):
        declaration_submit(trader=trader_a, document=valid_document(), declaration=declaration)


def test_the_same_lrn_in_another_case_is_the_same_lrn(trader_a: Trader) -> None:
    # Given company A lodged LRN-2026-000001
    declaration_submit(trader=trader_a, document=valid_document())

    # When it lodges lrn-2026-000001, or saves it as a draft, it is refused
    other_case = valid_document(FunctionalReferenceID="lrn-2026-000001")
    with pytest.raises(DeclarationInvalid) as refused:
        declaration_submit(trader=trader_a, document=other_case)
    assert IssueCode.DUPLICATE_LRN in _codes(refused.value)
    with pytest.raises(DeclarationInvalid):
        declaration_save_draft(trader=trader_a, document=other_case)
    assert Declaration.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_an_lrn_differing_only_in_case(trader_a: Trader) -> None:
    # The constraint behind lrn_taken, for writes that race past the check.
    from django.db import IntegrityError, transaction

    Declaration.objects.create(company=trader_a.company, created_by=trader_a.user, lrn="LRN-CASE-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Declaration.objects.create(
            company=trader_a.company, created_by=trader_a.user, lrn="lrn-case-1"
        )


def test_submit_the_same_lrn_twice_is_refused(trader_a: Trader) -> None:
    declaration_submit(trader=trader_a, document=valid_document())

    with pytest.raises(DeclarationInvalid) as refused:
        declaration_submit(trader=trader_a, document=valid_document())

    assert IssueCode.DUPLICATE_LRN in _codes(refused.value)
    assert Declaration.objects.count() == 1


# --- the outbox and its re-drive ------------------------------------------------------------


@pytest.fixture
def broker_down() -> Iterator[None]:
    """Tasks are sent for real, to a Redis address where nothing listens."""
    with celery_through_broker(f"redis://127.0.0.1:{closed_port()}/0"):
        yield


def test_dispatch_with_the_broker_down_keeps_the_row_pending(
    agencies: dict[str, Agency],
    trader_a: Trader,
    make_submitted_declaration: MakeDeclaration,
    broker_down: None,
) -> None:
    # Given a submitted declaration
    declaration = make_submitted_declaration(trader_a, [COFFEE])

    # When the dispatch finds Redis down
    sent = routing_dispatch(declaration.pk)

    # Then it says so, the row stays pending (marked as tried), and nothing is routed
    assert sent is False
    outbox = RoutingOutbox.objects.get(declaration=declaration)
    assert outbox.done_at is None and outbox.last_sent_at is not None
    assert not ReviewTask.objects.exists()


def _age(declaration: Declaration, seconds: int, *, sent: bool = True) -> None:
    """Make the outbox row of ``declaration`` created (and last sent) ``seconds`` ago."""
    then = timezone.now() - timedelta(seconds=seconds)
    RoutingOutbox.objects.filter(declaration=declaration).update(
        created_at=then, last_sent_at=then if sent else None
    )


def test_redrive_resends_rows_left_pending(
    agencies: dict[str, Agency], trader_a: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    # Given a declaration whose fan-out message was lost a minute ago
    lost = make_submitted_declaration(trader_a, [COFFEE])
    _age(lost, 60)

    # When beat runs the re-drive
    resent = redrive_routing()

    # Then it was sent again and routed (eager Celery in tests)
    assert resent == 1
    outbox = RoutingOutbox.objects.get(declaration=lost)
    assert outbox.attempts == 1 and outbox.done_at is not None
    assert ReviewTask.objects.filter(declaration=lost).count() == 2


def test_redrive_leaves_young_recently_sent_and_done_rows_alone(
    agencies: dict[str, Agency],
    trader_a: Trader,
    make_submitted_declaration: MakeDeclaration,
    make_routed_declaration: MakeDeclaration,
) -> None:
    # Given a row just written (its message may still be on its way), an old row sent
    # again a second ago (not yet due), and an old row already done
    young = make_submitted_declaration(trader_a, [COFFEE])
    recently_sent = make_submitted_declaration(trader_a, [COFFEE])
    _age(recently_sent, 60)
    RoutingOutbox.objects.filter(declaration=recently_sent).update(
        last_sent_at=timezone.now() - timedelta(seconds=1)
    )
    done = make_routed_declaration(trader_a, [MEDICAMENTS])
    _age(done, 60)

    # When the re-drive runs
    resent = redrive_routing()

    # Then it sends none of them
    assert resent == 0
    assert [o.attempts for o in RoutingOutbox.objects.order_by("pk")] == [0, 0, 0]
    assert not ReviewTask.objects.filter(declaration__in=[young, recently_sent]).exists()


def test_redrive_stops_at_the_first_failure_and_loses_nothing(
    agencies: dict[str, Agency],
    trader_a: Trader,
    make_submitted_declaration: MakeDeclaration,
    broker_down: None,
) -> None:
    # Given two rows left pending while Redis is still down
    first = make_submitted_declaration(trader_a, [COFFEE])
    second = make_submitted_declaration(trader_a, [COFFEE])
    _age(first, 120, sent=False)
    _age(second, 60, sent=False)

    # When the re-drive runs
    resent = redrive_routing()

    # Then it sent none (it says so), tried the oldest once and stopped; both stay pending
    # for the next tick, the first with the broker's error
    first_row, second_row = (
        RoutingOutbox.objects.get(declaration=first),
        RoutingOutbox.objects.get(declaration=second),
    )
    assert resent == 0
    assert (first_row.attempts, second_row.attempts) == (1, 0)
    assert first_row.done_at is None and second_row.done_at is None
    assert "not sent to the task queue" in first_row.last_error
    assert not ReviewTask.objects.exists()


# --- status changes -------------------------------------------------------------------------


def test_set_status_records_the_change_once(
    trader_a: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    declaration = make_submitted_declaration(trader_a, [COFFEE])

    changed = declaration_set_status(
        declaration, ClearanceStatus.UNDER_REVIEW, actor=trader_a.user, message="why"
    )
    unchanged = declaration_set_status(declaration, ClearanceStatus.UNDER_REVIEW)

    assert (changed, unchanged) == (True, False)
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.UNDER_REVIEW
    events = declaration.events.filter(kind=StatusEvent.Kind.STATUS_CHANGED)
    assert [(e.from_status, e.to_status, e.message) for e in events] == [
        (ClearanceStatus.SUBMITTED, ClearanceStatus.UNDER_REVIEW, "why")
    ]


def test_an_mrn_collision_is_not_a_duplicate_lrn(
    agencies: dict[str, Agency],
    trader_a: Trader,
    make_submitted_declaration: MakeDeclaration,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given an MRN already issued, and an MRN generator that hands it out again once
    taken = make_submitted_declaration(trader_a, [COFFEE]).mrn
    issued = iter([taken])
    fresh = "26GB" + "X" * 13 + "0"
    monkeypatch.setattr("declarations.services.new_mrn", lambda: next(issued, fresh))

    # When a declaration with a new LRN is lodged
    lodged = declaration_submit(trader=trader_a, document=valid_document())

    # Then the collision is the portal's: it is lodged with a fresh MRN, not refused
    assert lodged.mrn == fresh
    assert Declaration.objects.filter(mrn=taken).count() == 1
