"""Shared fixtures: the fixed cast every test uses, and the guard on real services.

The cast (each a fixture; users log in with ``tests.factories.PASSWORD``):

- ``trader_a`` / ``trader_b``: ``Trader`` profiles of two different companies
  (``company_a`` is the declarant of ``tests.factories.VALID_DOCUMENT``, GB123456789000;
  a trader may lodge only in its own company's name, so ``trader_b`` lodges documents with
  ``tests.factories.declarant(company_b)``);
- ``trader_tt``: a trader of ``company_tt``, the declarant of HMRC's trade test sample
  ``TT_IM001b.xml`` (GB603202734852), so that the real sample can be lodged as it is;
- ``agency_customs`` (``is_customs``), ``agency_plant_health``, ``agency_medicines``,
  ``agency_chemicals``, ``agency_standards``, with the demo's routing rules (``agencies``
  builds them all with ``seed_demo.seed_agencies``);
- ``officer_customs``, ``officer_plant_health``, ``officer_medicines``,
  ``officer_chemicals``, ``officer_standards``: ``Officer`` profiles, one per agency;
  ``officer_customs_2`` (a second customs officer) and ``supervisor_customs``;
- ``outsider``: a logged-in-able ``User`` with no role at all.

Helpers: ``make_submitted_declaration`` (a submitted declaration with goods item rows and a
pending outbox row, written directly so routing tests do not depend on validation) and
``make_routed_declaration`` (the same, fanned out to the review queues).

Services: tests marked ``services`` need PostgreSQL and Redis (``DATABASE_URL`` and
``REDIS_URL``, as ``scripts/test`` sets them). Outside CI they are skipped without them; with
``CI`` set, the session refuses to start unless both answer, so CI can never pass by skipping.
"""

import os
import socket
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import kombu.pools
import pytest
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from agencies.management.commands.seed_demo import seed_agencies
from agencies.models import Agency, Officer, ReviewTask
from agencies.services import declaration_route
from declarations.models import (
    ClearanceStatus,
    Company,
    Declaration,
    GoodsItem,
    RoutingOutbox,
    Trader,
)
from declarations.mrn import new_mrn
from singlewindow.celery import app as celery_app
from tests.factories import CompanyFactory, OfficerFactory, TraderFactory, UserFactory

# --- real services --------------------------------------------------------------------------


def running_in_ci() -> bool:
    """``CI`` is set by CI systems (``true``) and by ``.ci/run``."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def services_configured() -> bool:
    """Whether this run talks to real PostgreSQL and Redis rather than SQLite + eager Celery."""
    engine = settings.DATABASES["default"]["ENGINE"]
    return "postgresql" in engine and bool(settings.REDIS_URL)


def _services_problems() -> list[str]:
    """What is missing or not answering among PostgreSQL and Redis (empty: all good)."""
    problems = []
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        problems.append(f"DATABASE_URL is not a PostgreSQL URL: {database_url!r}")
    else:
        import dj_database_url
        import psycopg2

        db = dj_database_url.parse(database_url)
        try:
            # The maintenance database: the tests' own database does not exist yet.
            psycopg2.connect(
                host=db["HOST"] or None,
                port=db["PORT"] or None,
                user=db["USER"] or None,
                password=db["PASSWORD"] or None,
                dbname="postgres",
                connect_timeout=5,
            ).close()
        except psycopg2.Error as error:
            problems.append(f"PostgreSQL at {db['HOST']}:{db['PORT']} does not answer: {error}")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        problems.append("REDIS_URL is not set")
    else:
        import redis

        try:
            redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
        except redis.RedisError as error:
            problems.append(f"Redis at {redis_url} does not answer: {error}")
    return problems


# --- hypothesis profiles -------------------------------------------------------------------
# CI: derandomised (the same examples every run, so a red build is reproducible and a green
# one is not luck), no example database, a bounded number of examples. Locally: random and
# deeper, failures remembered in .hypothesis/. Never a deadline: no wall-clock assertions.
# A test's own @settings(max_examples=...) still wins over the profile's default.
hypothesis_settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    max_examples=60,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "dev", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def hypothesis_profile() -> str:
    """``HYPOTHESIS_PROFILE`` if set, else ``ci`` in CI and ``dev`` elsewhere."""
    return os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if running_in_ci() else "dev")


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI a missing service is a failure of the run, never a reason to skip tests."""
    hypothesis_settings.load_profile(hypothesis_profile())
    if not running_in_ci():
        return
    problems = _services_problems()
    if problems:
        pytest.exit(
            "CI is set but the services the tests need are not available:\n  - "
            + "\n  - ".join(problems)
            + "\nStart them (see .ci/run) or run through ./scripts/test.",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if running_in_ci() or services_configured():
        return  # in CI the session start has already proved both services answer
    skip = pytest.mark.skip(
        reason="needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL (./scripts/test does)"
    )
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def _celery_eager() -> Iterator[None]:
    """Run Celery tasks in the test process, whatever ``REDIS_URL`` says, and let their
    errors propagate (``task_eager_propagates``).

    With ``REDIS_URL`` set the settings make Celery use the broker; tests that do not start a
    worker (unit, API, browser) would then wait forever for the fan-out. The worker tests in
    ``tests/integration`` switch this off for themselves.
    """
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.task_eager_propagates)
    # A task that raises fails the test that ran it (production's in-process mode keeps
    # going and leaves the outbox row for the re-drive).
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """PBKDF2 costs ~0.3 s per user; the cast alone has eight. Tests do not need the cost."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True, scope="session")
def _cache_in_process() -> Iterator[None]:
    """Throttle counters in process memory (with ``REDIS_URL`` the settings share them in
    Redis, which a test must not fill for the next one)."""
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=caches):
        yield


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test ends in the default language: a request with ``Accept-Language`` leaves
    its language active in the thread (LocaleMiddleware does not reset it)."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_throttles() -> Iterator[None]:
    """Each test starts with empty API rate-limit counters."""
    from django.core.cache import cache

    cache.clear()
    yield


# --- the fixed cast -------------------------------------------------------------------------


@pytest.fixture
def agencies(db: None) -> dict[str, Agency]:
    """Every demo agency by code, with the demo's routing rules."""
    return seed_agencies()


@pytest.fixture
def agency_customs(agencies: dict[str, Agency]) -> Agency:
    return agencies["customs"]


@pytest.fixture
def agency_plant_health(agencies: dict[str, Agency]) -> Agency:
    """HS chapters 01-24."""
    return agencies["plant-animal-health"]


@pytest.fixture
def agency_medicines(agencies: dict[str, Agency]) -> Agency:
    """HS chapter 30."""
    return agencies["medicines"]


@pytest.fixture
def agency_chemicals(agencies: dict[str, Agency]) -> Agency:
    """HS chapters 28, 29 and 38."""
    return agencies["chemicals"]


@pytest.fixture
def agency_standards(agencies: dict[str, Agency]) -> Agency:
    """HS chapters 84 and 85."""
    return agencies["standards"]


def _officer(agency: Agency, username: str) -> Officer:
    return OfficerFactory(agency=agency, user=UserFactory(username=username))


@pytest.fixture
def officer_customs(agency_customs: Agency) -> Officer:
    return _officer(agency_customs, "officer.customs")


@pytest.fixture
def officer_plant_health(agency_plant_health: Agency) -> Officer:
    return _officer(agency_plant_health, "officer.planthealth")


@pytest.fixture
def officer_medicines(agency_medicines: Agency) -> Officer:
    return _officer(agency_medicines, "officer.medicines")


@pytest.fixture
def officer_chemicals(agency_chemicals: Agency) -> Officer:
    return _officer(agency_chemicals, "officer.chemicals")


@pytest.fixture
def officer_standards(agency_standards: Agency) -> Officer:
    return _officer(agency_standards, "officer.standards")


@pytest.fixture
def officer_customs_2(agency_customs: Agency) -> Officer:
    """A second customs officer, working the same queue."""
    return _officer(agency_customs, "officer.customs2")


@pytest.fixture
def supervisor_customs(agency_customs: Agency) -> Officer:
    """A supervisor of customs (``Officer.is_supervisor``): reassigns tasks."""
    return OfficerFactory(
        agency=agency_customs,
        is_supervisor=True,
        user=UserFactory(username="supervisor.customs", email="supervisor@customs.example"),
    )


@pytest.fixture
def company_a(db: None) -> Company:
    """The declarant of ``VALID_DOCUMENT``."""
    return CompanyFactory(eori="GB123456789000", name="Example Importers Ltd")


@pytest.fixture
def company_b(db: None) -> Company:
    return CompanyFactory(eori="GB987654321000", name="Northern Traders Ltd")


@pytest.fixture
def trader_a(company_a: Company) -> Trader:
    return TraderFactory(company=company_a, user=UserFactory(username="trader.a"))


@pytest.fixture
def trader_b(company_b: Company) -> Trader:
    return TraderFactory(company=company_b, user=UserFactory(username="trader.b"))


# The declarant (Declaration/Declarant/ID) of the shared HMRC sample TT_IM001b.xml.
TT_IM001B_DECLARANT = "GB603202734852"


@pytest.fixture
def company_tt(db: None) -> Company:
    """The declarant of the HMRC trade test sample ``TT_IM001b.xml`` (read in place, never
    edited): only a trader of this company may lodge the sample."""
    return CompanyFactory(eori=TT_IM001B_DECLARANT, name="Trade Test Declarant Ltd")


@pytest.fixture
def trader_tt(company_tt: Company) -> Trader:
    return TraderFactory(company=company_tt, user=UserFactory(username="trader.tt"))


@pytest.fixture
def outsider(db: None) -> AbstractBaseUser:
    """A user with neither a trader nor an officer profile."""
    return UserFactory(username="outsider")


@pytest.fixture
def admin(db: None) -> AbstractBaseUser:
    """A superuser (``admin_user`` of pytest-django works too; this one has our password)."""
    return UserFactory(username="administrator", is_staff=True, is_superuser=True)


# --- declarations without the validation layer ----------------------------------------------

# (HS code, origin): coffee from Brazil, medicaments from India, laptops from China.
COFFEE = ("090121", "BR")
MEDICAMENTS = ("300490", "IN")
LAPTOPS = ("847130", "CN")

MakeDeclaration = Callable[..., Declaration]


def _submitted_declaration(
    trader: Trader, items: Sequence[tuple[str, str]], type_code: str = "IM", **fields: Any
) -> Declaration:
    declaration = Declaration.objects.create(
        company=trader.company,
        created_by=trader.user,
        lrn=fields.pop("lrn", f"LRN-{new_mrn()}"),
        mrn=new_mrn(),
        type_code=type_code,
        status=ClearanceStatus.SUBMITTED,
        submitted_at=timezone.now(),
        **fields,
    )
    GoodsItem.objects.bulk_create(
        GoodsItem(
            declaration=declaration,
            sequence=n,
            hs_code=hs_code,
            origin_country=origin,
            net_mass_kg=Decimal("100"),
            gross_mass_kg=Decimal("110"),
            customs_value=Decimal("1000"),
            currency="EUR",
        )
        for n, (hs_code, origin) in enumerate(items, start=1)
    )
    RoutingOutbox.objects.create(declaration=declaration, last_sent_at=declaration.submitted_at)
    return declaration


@pytest.fixture
def make_submitted_declaration(db: None) -> MakeDeclaration:
    """``make(trader, [(hs_code, origin), ...], type_code="IM")``: a submitted, unrouted
    declaration as ``declaration_submit`` leaves it (goods item rows, pending outbox row)."""
    return _submitted_declaration


@pytest.fixture
def make_routed_declaration(db: None, agencies: dict[str, Agency]) -> MakeDeclaration:
    """As ``make_submitted_declaration``, then fanned out: under review, one review task per
    agency concerned (needs the demo agencies, hence the ``agencies`` fixture)."""

    def make(trader: Trader, items: Sequence[tuple[str, str]], **kwargs: Any) -> Declaration:
        declaration = _submitted_declaration(trader, items, **kwargs)
        declaration_route(declaration.pk)
        declaration.refresh_from_db()
        return declaration

    return make


def review_of(declaration: Declaration, agency: Agency) -> ReviewTask:
    """The review task of ``agency`` on ``declaration``."""
    return ReviewTask.objects.get(declaration=declaration, agency=agency)


# --- sending through a real broker ----------------------------------------------------------


def _reset_broker_connections() -> None:
    """Close and forget every cached broker connection and producer pool, so the next send
    connects to whatever ``broker_url`` says now (Celery and kombu cache them on first use,
    kombu in process-wide registries keyed by URL)."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def celery_through_broker(broker_url: str) -> Iterator[None]:
    """Send tasks through ``broker_url`` for real (not eagerly) inside the block.

    The app read its settings at import and the test session made it eager (see
    ``tests/conftest.py``); both are restored afterwards.
    """
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager = False
    conf.broker_url = broker_url
    _reset_broker_connections()
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url = saved
        _reset_broker_connections()


def closed_port() -> int:
    """A local TCP port nothing listens on (just released by the OS)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
