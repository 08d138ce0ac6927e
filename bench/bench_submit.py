"""Submission benchmark: N declarations of k goods items through the REST API.

By default it starts its own production-like stack on this machine and tears it down:
a fresh PostgreSQL database ``singlewindow_bench`` (dropped and re-created, migrated, demo
agencies and routing rules, one trader with an API token), Redis database 14 (emptied),
gunicorn on a free port and a Celery worker. Then a small pool of client threads POSTs the
declarations to ``/api/v1/declarations/`` and the script waits until every one is routed.

It prints:

- submissions per second (N / wall time of the submit phase), and end to end (N / time from
  the first submission to the last routing);
- the client's HTTP latency p50/p95/p99;
- p50/p95/p99 of ``routed_at - submitted_at`` (read from the database): the time from the
  submission to every review task of the declaration queued for its agency.

Run from the project root, PostgreSQL and Redis running::

    .venv/bin/python bench/bench_submit.py -n 1000 -k 5

Against a stack that already runs (nothing started, nothing dropped; the database is read for
the timings, so give its URL)::

    .venv/bin/python bench/bench_submit.py -n 200 -k 5 --url http://127.0.0.1:8000 \\
        --token <trader API token> --database-url postgres://postgres@127.0.0.1:5432/singlewindow
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from copy import deepcopy
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's gunicorn and celery
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/singlewindow_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="declarations to submit (1000)")
    parser.add_argument("-k", type=int, default=5, help="goods items per declaration (5)")
    parser.add_argument("--clients", type=int, default=8, help="client threads (8)")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--celery-concurrency", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--url", help="an already running portal: start nothing")
    parser.add_argument(
        "--token", help="API token of a trader (with --url); its company is the declarant"
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for routing")
    args = parser.parse_args()
    if not 1 <= args.k <= 999:
        parser.error("-k: a declaration has 1 to 999 goods items")
    if args.url and not args.token:
        parser.error("--url needs --token")
    return args


# --- the stack ------------------------------------------------------------------------------


def _server_database_url(database_url: str) -> tuple[str, str]:
    """(URL of the maintenance database ``postgres`` on the same server, database name)."""
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def recreate_database(database_url: str) -> None:
    """Drop and create the bench database: every run starts from the same empty state."""
    import psycopg2
    from psycopg2 import sql

    maintenance_url, name = _server_database_url(database_url)
    if not name.endswith("_bench"):
        raise SystemExit(f"refusing to drop {name!r}: the bench database name must end in _bench")
    conn = psycopg2.connect(maintenance_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def background(name: str, command: list[str], env: dict[str, str]) -> Iterator[Path]:
    """Run ``command`` with its output in ``bench/logs/<name>.log``; stop it afterwards."""
    log_path = ROOT / "bench" / "logs" / f"{name}.log"
    log_path.parent.mkdir(exist_ok=True)
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            yield log_path
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(what: str, check: Any, timeout: float, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    tail = log.read_text()[-3000:] if log else ""
    raise SystemExit(f"{what} not ready within {timeout}s\n{tail}")


def start_stack(args: argparse.Namespace, stack: ExitStack) -> tuple[str, dict[str, str]]:
    """Fresh database, emptied Redis DB, gunicorn and a worker; returns (base URL, env)."""
    import redis

    recreate_database(args.database_url)
    redis.Redis.from_url(args.redis_url).flushdb()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "DJANGO_SETTINGS_MODULE": "singlewindow.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": uuid.uuid4().hex,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    port = free_port()
    web_log = stack.enter_context(
        background(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "singlewindow.wsgi",
                "--bind", f"127.0.0.1:{port}",
                "--workers", str(args.web_workers),
                "--access-logfile", "-",
            ],
            env,
        )
    )  # fmt: skip
    worker_log = stack.enter_context(
        background(
            "worker",
            [
                str(BIN / "celery"), "-A", "singlewindow", "worker",
                "--concurrency", str(args.celery_concurrency),
                "-l", "info", "--without-gossip", "--without-mingle",
            ],
            env,
        )
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    wait_for("worker", lambda: " ready." in worker_log.read_text(), 60, worker_log)
    # Any answer of the API (401 without a token) means gunicorn serves the project.
    wait_for("gunicorn", lambda: _get(base_url + "/api/v1/declarations/") == 401, 60, web_log)
    return base_url, env


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def setup_django(database_url: str, redis_url: str) -> None:
    """This process reads the timings with the ORM, from the benchmarked database."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["REDIS_URL"] = redis_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "singlewindow.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def bench_trader() -> tuple[Any, str]:
    """Demo agencies and rules, a trader of the demo company and an API token of it
    (``singlewindow.accounts`` hashed tokens): (trader, token key)."""
    from django.contrib.auth import get_user_model

    from agencies.management.commands.seed_demo import DEMO_COMPANY, seed_agencies
    from declarations.models import Company, Trader
    from singlewindow.accounts.services import token_create

    seed_agencies()
    company, _ = Company.objects.get_or_create(
        eori=DEMO_COMPANY["eori"],
        defaults={"name": DEMO_COMPANY["name"], "country": DEMO_COMPANY["country"]},
    )
    user, _ = get_user_model().objects.get_or_create(username="bench.trader")
    trader, _ = Trader.objects.get_or_create(user=user, defaults={"company": company})
    _token, key = token_create(user, name="bench")
    return trader, key


def declarant_of(token: str) -> dict[str, str]:
    """The ``Declarant`` element of the token's trader's company: the portal refuses a
    declaration in any other name (``declarant_not_submitter``). Without ``--url`` this is
    the demo company (``seed_demo.DEMO_COMPANY``, the declarant of ``VALID_DOCUMENT``)."""
    from declarations.models import Trader
    from singlewindow.accounts.services import token_hash

    trader = (
        Trader.objects.select_related("company")
        .filter(user__api_tokens__key_hash=token_hash(token))
        .first()
    )
    if trader is None:
        raise SystemExit("--token is not the API token of a trader in --database-url")
    return {"ID": trader.company.eori, "Name": trader.company.name}


# --- the load -------------------------------------------------------------------------------

# (HS code, origin, description): coffee from Brazil, medicaments from India, laptops from
# China, so each declaration goes to customs and up to three other agencies.
GOODS = [
    ("090121", "BR", "Roasted coffee, not decaffeinated"),
    ("300490", "IN", "Paracetamol tablets, packed for retail sale"),
    ("847130", "CN", "Portable computers (laptops)"),
]


def build_document(lrn: str, k: int, declarant: dict[str, str]) -> dict[str, Any]:
    """``tests.factories.VALID_DOCUMENT`` (the API's canonical body) with k goods items,
    lodged by ``declarant`` (the submitting trader's company)."""
    from tests.factories import valid_document

    document = valid_document(FunctionalReferenceID=lrn, Declarant=declarant)
    template = document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"][0]
    items = []
    for n in range(1, k + 1):
        hs_code, origin, description = GOODS[(n - 1) % len(GOODS)]
        item = deepcopy(template)
        item["SequenceNumeric"] = str(n)
        item["Commodity"]["Description"] = description
        item["Commodity"]["Classification"][0]["ID"] = hs_code
        item["Origin"] = [{"CountryCode": origin}]
        items.append(item)
    total = sum(Decimal(item["CustomsValueAmount"]["value"]) for item in items)
    declaration = document["Declaration"]
    declaration["GoodsShipment"]["GovernmentAgencyGoodsItem"] = items
    declaration["GoodsItemQuantity"] = {"value": str(k)}
    declaration["InvoiceAmount"] = {
        "value": str(total),
        "currencyID": template["CustomsValueAmount"]["currencyID"],
    }
    return document


def submit_all(base_url: str, token: str, bodies: list[bytes], clients: int) -> list[float]:
    """POST every body with ``clients`` threads; the HTTP latency of each, in seconds."""
    url = base_url + "/api/v1/declarations/"
    failures: list[str] = []
    lock = threading.Lock()

    def submit(body: bytes) -> float:
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
        except urllib.error.HTTPError as error:
            with lock:
                failures.append(f"{error.code} {error.read()[:500]!r}")
        return time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=clients) as pool:
        latencies = list(pool.map(submit, bodies))
    if failures:
        raise SystemExit(f"{len(failures)} submission(s) refused, e.g. {failures[0]}")
    return latencies


def percentiles(values: list[float]) -> tuple[float, float, float]:
    """p50, p95, p99 (inclusive method: within the observed range)."""
    if len(values) < 2:
        return (values[0],) * 3 if values else (float("nan"),) * 3
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def wait_routed(prefix: str, n: int, timeout: float) -> None:
    from declarations.models import Declaration

    run = Declaration.objects.filter(lrn__startswith=prefix)
    deadline = time.monotonic() + timeout
    while (routed := run.filter(routed_at__isnull=False).count()) < n:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {routed}/{n} declarations routed within {timeout}s")
        time.sleep(0.5)


def report(
    prefix: str, n: int, k: int, submit_seconds: float, http: list[float], demo_rules: bool
) -> None:
    from agencies.models import ReviewTask
    from declarations.models import Declaration

    rows = list(
        Declaration.objects.filter(lrn__startswith=prefix).values_list("submitted_at", "routed_at")
    )
    lags = [(routed - submitted).total_seconds() for submitted, routed in rows]
    end_to_end = (max(r for _, r in rows) - min(s for s, _ in rows)).total_seconds()
    reviews = ReviewTask.objects.filter(declaration__lrn__startswith=prefix).count()
    # Demo rules: customs, plus one agency per kind of goods in the declaration.
    per_declaration = 1 + min(k, len(GOODS))
    print(f"\n{n} declarations x {k} goods items")
    print(f"  submit phase      {submit_seconds:8.2f} s  {n / submit_seconds:8.1f} declarations/s")
    print(f"  submit -> routed  {end_to_end:8.2f} s  {n / end_to_end:8.1f} declarations/s")
    p50, p95, p99 = percentiles(http)
    print(f"  HTTP POST         p50 {p50 * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  "
          f"p99 {p99 * 1000:7.1f} ms")  # fmt: skip
    p50, p95, p99 = percentiles(lags)
    print(f"  submitted->routed p50 {p50 * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  "
          f"p99 {p99 * 1000:7.1f} ms")  # fmt: skip
    print(f"  review tasks      {reviews} ({per_declaration} per declaration with the demo rules)")
    if demo_rules and reviews != n * per_declaration:
        raise SystemExit("review task count is wrong: routing lost or duplicated work")


def main() -> None:
    args = parse_args()
    # Plain HTTP on 127.0.0.1, as behind the TLS proxy: no redirect to https.
    os.environ["DJANGO_SSL_REDIRECT"] = "0"
    # One bench client sends far more than a trader's 600 requests a minute (the stack this
    # script starts; a running portal given with --url keeps its own limits).
    os.environ["API_THROTTLE_USER"] = "100000/min"
    with ExitStack() as stack:
        if args.url:
            base_url, token = args.url.rstrip("/"), args.token
            setup_django(args.database_url, args.redis_url)
        else:
            print("Starting the stack (database, gunicorn, worker)...", flush=True)
            base_url, _ = start_stack(args, stack)
            setup_django(args.database_url, args.redis_url)
            _trader, token = bench_trader()
        prefix = f"B{uuid.uuid4().hex[:6].upper()}-"
        declarant = declarant_of(token)
        bodies = [
            json.dumps(build_document(f"{prefix}{i:06d}", args.k, declarant)).encode()
            for i in range(args.n)
        ]
        print(f"Submitting {args.n} declarations with {args.clients} clients to {base_url}")
        started = time.perf_counter()
        http = submit_all(base_url, token, bodies, args.clients)
        submit_seconds = time.perf_counter() - started
        wait_routed(prefix, args.n, args.timeout)
        report(prefix, args.n, args.k, submit_seconds, http, demo_rules=not args.url)


if __name__ == "__main__":
    main()
