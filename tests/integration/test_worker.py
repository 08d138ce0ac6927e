"""The fan-out through a real Redis to a real worker process writing to PostgreSQL.

Submission commits, dispatches ``route_declaration`` on commit, the worker creates one review
task per agency; redelivered or duplicated messages create nothing more; and a submission
made while Redis is unreachable loses nothing: the outbox row waits until ``redrive_routing``
sends it again.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.db.models import F

from agencies.models import Agency, ReviewTask
from agencies.tasks import redrive_routing
from declarations.models import ClearanceStatus, Declaration, RoutingOutbox, Trader
from declarations.services import ROUTE_TASK, declaration_submit
from singlewindow.celery import app as celery_app
from tests.conftest import celery_through_broker, closed_port
from tests.factories import valid_document

from .conftest import CeleryWorker, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# VALID_DOCUMENT: roasted coffee from Brazil and medicaments from India.
EXPECTED_AGENCIES = {"customs": 1, "plant-animal-health": 1, "medicines": 1}


def _reviews_per_agency(declaration: Declaration) -> dict[str, int]:
    codes = ReviewTask.objects.filter(declaration=declaration).values_list(
        "agency__code", flat=True
    )
    return dict(Counter(codes))


def _routed(declaration: Declaration) -> bool:
    return Declaration.objects.filter(pk=declaration.pk, routed_at__isnull=False).exists()


def _succeeded(task_id: str) -> str:
    """Regex of the worker's log line for a finished task; group 1 is its return value."""
    return rf"Task \S+\[{task_id}\] succeeded in \S+: (\S+)"


def test_submission_is_routed_by_the_worker_exactly_once_per_agency(
    celery_worker: CeleryWorker, agencies: dict[str, Agency], trader_a: Trader
) -> None:
    # Given Celery sends through the real Redis to the worker
    with celery_through_broker(settings.REDIS_URL):
        # When a trader submits coffee and medicaments
        declaration = declaration_submit(trader=trader_a, document=valid_document())

        # Then the worker fans it out: one review task per agency concerned
        wait_until(lambda: _routed(declaration), "routing of the submission", celery_worker)
        assert _reviews_per_agency(declaration) == EXPECTED_AGENCIES
        declaration.refresh_from_db()
        assert declaration.status == ClearanceStatus.UNDER_REVIEW
        assert declaration.routed_at >= declaration.submitted_at
        celery_worker.wait_for_log(r"Task agencies\.tasks\.route_declaration\[\S+\] succeeded")

        # When the message is redelivered twice, after a crash that left the row pending
        RoutingOutbox.objects.filter(declaration=declaration).update(done_at=None)
        again = [celery_app.tasks[ROUTE_TASK].delay(declaration.pk) for _ in range(2)]

        # Then both runs finish having created no review task, and none is duplicated
        created = [celery_worker.wait_for_log(_succeeded(r.id)).group(1) for r in again]
        assert created == ["0", "0"]
        assert _reviews_per_agency(declaration) == EXPECTED_AGENCIES
        assert RoutingOutbox.objects.get(declaration=declaration).done_at is not None


def test_submission_while_redis_is_unreachable_is_redriven_later(
    celery_worker: CeleryWorker, agencies: dict[str, Agency], trader_a: Trader
) -> None:
    # Given Redis cannot be reached from the web process (nothing listens on the port)
    with celery_through_broker(f"redis://127.0.0.1:{closed_port()}/15"):
        # When a trader submits: the dispatch after commit fails
        declaration = declaration_submit(trader=trader_a, document=valid_document())

    # Then the submission stands, the outbox row stays pending, and no message exists
    declaration.refresh_from_db()
    assert declaration.status == ClearanceStatus.SUBMITTED and declaration.mrn
    outbox = RoutingOutbox.objects.get(declaration=declaration)
    assert outbox.done_at is None and outbox.attempts == 0
    # (a probe sent now through the real Redis is handled after anything queued before it:
    # one solo worker, one queue; route_declaration of an unknown ID does nothing)
    with celery_through_broker(settings.REDIS_URL):
        probe = celery_app.tasks[ROUTE_TASK].delay(0)
        assert celery_worker.wait_for_log(_succeeded(probe.id)).group(1) == "0"
    assert not ReviewTask.objects.filter(declaration=declaration).exists()
    assert RoutingOutbox.objects.get(declaration=declaration).done_at is None

    # Given Redis is back and the row is older than the re-drive delay
    RoutingOutbox.objects.filter(declaration=declaration).update(
        created_at=F("created_at") - timedelta(minutes=5),
        last_sent_at=F("last_sent_at") - timedelta(minutes=5),
    )
    with celery_through_broker(settings.REDIS_URL):
        # When beat's periodic re-drive runs (on the worker, as beat would have it)
        redrive = redrive_routing.delay()

        # Then it resent exactly that row and the worker routed it, once per agency
        assert celery_worker.wait_for_log(_succeeded(redrive.id)).group(1) == "1"
        wait_until(lambda: _routed(declaration), "routing after the re-drive", celery_worker)
    assert _reviews_per_agency(declaration) == EXPECTED_AGENCIES
    outbox.refresh_from_db()
    assert outbox.attempts == 1 and outbox.done_at is not None
