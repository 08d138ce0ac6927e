"""One draft submitted twice at the same instant (a double click, a client retrying), and
two new declarations with the same LRN lodged at once, on PostgreSQL: each submission runs
in its own thread with its own connection, released together by a barrier. Exactly one
lodges; the other is told why (the draft is no longer editable: 409; the LRN is taken:
409 ``duplicate_lrn``, from the unique constraint's name, not from a broad catch), and
nothing is written twice (one MRN, one outbox row, one history line, one set of items)."""

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connection

from declarations.models import (
    ClearanceStatus,
    Declaration,
    GoodsItem,
    RoutingOutbox,
    StatusEvent,
    Trader,
)
from declarations.services import (
    DeclarationInvalid,
    DeclarationNotEditable,
    declaration_save_draft,
    declaration_submit,
)
from tests.factories import valid_document

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

RACES = 10


def _race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call in its own thread, all released at once; each result or error."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            connection.ensure_connection()  # connect before the barrier, not after it
            barrier.wait(timeout=10)
            outcomes[index] = calls[index]()
        except BaseException as error:  # noqa: B036 - reported to the test thread
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a submission hung"
    return outcomes


def test_one_draft_submitted_twice_at_once_is_lodged_once(agencies: Any, trader_a: Trader) -> None:
    for n in range(RACES):
        # Given a complete draft
        document = valid_document(FunctionalReferenceID=f"LRN-RACE-{n:03d}")
        draft = declaration_save_draft(trader=trader_a, document=document)

        # When it is submitted twice at the same instant
        submit = partial(declaration_submit, trader=trader_a, document=document, declaration=draft)
        outcomes = _race([submit, submit])

        # Then one lodged it and the other found it no longer a draft
        lodged = [o for o in outcomes if isinstance(o, Declaration)]
        refused = [o for o in outcomes if isinstance(o, DeclarationNotEditable)]
        assert (len(lodged), len(refused)) == (1, 1), outcomes
        draft.refresh_from_db()
        assert draft.status != ClearanceStatus.DRAFT and draft.mrn == lodged[0].mrn
        assert RoutingOutbox.objects.filter(declaration=draft).count() == 1
        assert (
            StatusEvent.objects.filter(declaration=draft, kind=StatusEvent.Kind.SUBMITTED).count()
            == 1
        )
        items = len(document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"])
        assert GoodsItem.objects.filter(declaration=draft).count() == items


def test_two_new_declarations_with_one_lrn_at_once_lodge_one(
    agencies: Any, trader_a: Trader
) -> None:
    for n in range(RACES):
        # Given the same new declaration (one LRN) sent twice at once, no draft
        document = valid_document(FunctionalReferenceID=f"LRN-TWIN-{n:03d}")
        submit = partial(declaration_submit, trader=trader_a, document=document)

        outcomes = _race([submit, submit])

        # Then one is lodged, the other refused as a duplicate LRN (whether the check or
        # the unique constraint caught it), and only one declaration exists
        lodged = [o for o in outcomes if isinstance(o, Declaration)]
        refused = [o for o in outcomes if isinstance(o, DeclarationInvalid)]
        assert (len(lodged), len(refused)) == (1, 1), outcomes
        assert [str(i.code) for i in refused[0].issues if i.severity == "error"] == [
            "duplicate_lrn"
        ]
        assert Declaration.objects.filter(lrn=f"LRN-TWIN-{n:03d}").count() == 1
