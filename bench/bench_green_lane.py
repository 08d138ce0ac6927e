"""Green-lane benchmark: time from submission to ``cleared`` for fully green declarations.

Starts the production-like stack of ``bench_submit.py`` (a fresh PostgreSQL database,
emptied Redis database, gunicorn, a real Celery worker), gives the bench trader's company a
green risk profile at every agency (a trusted operator: blank criteria but the trader),
submits N declarations of k goods items over the REST API and waits until each one is
cleared by the system, with no person. It prints p50/p95/p99 of ``cleared - submitted``
(the ``cleared`` status event's time minus ``submitted_at``, read from the database) and
how many declarations the random draw sent out of the green lane.

By default the random green -> yellow rate is 0 so every declaration is fully green; with
``--random-rate 2`` (the portal's default minimum) about 2 % of the tasks go to yellow and
only the declarations left fully green are timed.

Run from the project root, PostgreSQL and Redis running::

    .venv/bin/python bench/bench_green_lane.py -n 1000 -k 3
"""

import argparse
import json
import os
import sys
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_submit import (  # noqa: E402
    DEFAULT_REDIS_URL,
    GOODS,
    bench_trader,
    build_document,
    percentiles,
    setup_django,
    start_stack,
    submit_all,
    wait_routed,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/singlewindow_green_bench"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="declarations to submit (1000)")
    parser.add_argument("-k", type=int, default=3, help="goods items per declaration (3)")
    parser.add_argument("--clients", type=int, default=4, help="client threads (4)")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--celery-concurrency", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--random-rate", default="0", help="green -> yellow percent (0)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait (900)")
    return parser.parse_args()


def green_profiles_for(company: object) -> int:
    """A green profile for ``company`` at every agency; how many."""
    from agencies.models import Agency
    from agencies.risk.models import RiskLane, RiskProfile

    count = 0
    for agency in Agency.objects.all():
        profile, _ = RiskProfile.objects.get_or_create(
            agency=agency, name=f"Bench trusted operator {company.eori}", lane=RiskLane.GREEN
        )
        profile.traders.set([company])
        count += 1
    return count


def report(prefix: str, n: int, k: int, submit_seconds: float, http: list[float]) -> None:
    from agencies.risk.models import LaneAssignment
    from declarations.models import ClearanceStatus, Declaration, StatusEvent

    cleared_at = dict(
        StatusEvent.objects.filter(
            declaration__lrn__startswith=prefix,
            kind=StatusEvent.Kind.STATUS_CHANGED,
            to_status=ClearanceStatus.CLEARED,
        ).values_list("declaration_id", "at")
    )
    rows = Declaration.objects.filter(lrn__startswith=prefix).values_list("pk", "submitted_at")
    lags = [
        (cleared_at[pk] - submitted).total_seconds() for pk, submitted in rows if pk in cleared_at
    ]
    lanes = LaneAssignment.objects.filter(task__declaration__lrn__startswith=prefix)
    out_of_green = lanes.exclude(lane="green").count()
    by_person = Declaration.objects.filter(
        lrn__startswith=prefix, review_tasks__decided_by__isnull=False
    ).count()
    print(f"\n{n} declarations x {k} goods items ({1 + min(k, len(GOODS))} agencies each)")
    print(f"  submit phase       {submit_seconds:8.2f} s  {n / submit_seconds:8.1f} declarations/s")
    p50, p95, p99 = percentiles(http)
    print(f"  HTTP POST          p50 {p50 * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  "
          f"p99 {p99 * 1000:7.1f} ms")  # fmt: skip
    p50, p95, p99 = percentiles(lags)
    print(f"  submitted->cleared p50 {p50 * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  "
          f"p99 {p99 * 1000:7.1f} ms  max {max(lags) * 1000:7.1f} ms")  # fmt: skip
    print(
        f"  cleared with no person {len(lags)}/{n}; tasks sent out of green at random "
        f"{out_of_green}/{lanes.count()}; tasks decided by a person {by_person}"
    )
    print(f"  share within 1 s   {sum(lag < 1 for lag in lags) / len(lags) * 100:6.2f} %")


def main() -> None:
    args = parse_args()
    os.environ["RISK_GREEN_RANDOM_RATE"] = str(args.random_rate)
    # Plain HTTP on 127.0.0.1, as behind the TLS proxy: no redirect to https.
    os.environ["DJANGO_SSL_REDIRECT"] = "0"
    # One bench client sends far more than a trader's 600 requests a minute.
    os.environ["API_THROTTLE_USER"] = "100000/min"
    with ExitStack() as stack:
        print("Starting the stack (database, gunicorn, worker)...", flush=True)
        base_url, _ = start_stack(args, stack)
        setup_django(args.database_url, args.redis_url)
        trader, token = bench_trader()
        print(f"Green profiles at {green_profiles_for(trader.company)} agencies")
        prefix = f"G{uuid.uuid4().hex[:6].upper()}-"
        declarant = {"ID": trader.company.eori, "Name": trader.company.name}
        bodies = [
            json.dumps(build_document(f"{prefix}{i:06d}", args.k, declarant)).encode()
            for i in range(args.n)
        ]
        print(f"Submitting {args.n} declarations with {args.clients} clients to {base_url}")
        started = time.perf_counter()
        http = submit_all(base_url, token, bodies, args.clients)
        submit_seconds = time.perf_counter() - started
        # A green declaration is cleared in the routing's own transaction: once every one
        # is routed, each is cleared or was sent out of green by the draw.
        wait_routed(prefix, args.n, args.timeout)
        report(prefix, args.n, args.k, submit_seconds, http)


if __name__ == "__main__":
    main()
