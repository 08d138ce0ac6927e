"""The site under a frozen Redis: gunicorn with 2 workers, its broker and cache on a Redis
that accepts connections and never answers (``tests.frozen_redis.FrozenRedis``).

Four client threads, each with its own session, do what traders do for ``--rounds``
rounds: open the declaration list, the new declaration form, the "What do I need?" page,
call the API's declaration list (throttled: the cache) and lodge a declaration through the
API (its fan-out goes to the broker). It prints each kind of request's count, statuses,
median and worst latency: the site stays usable when every answer is normal and no
request is held much past the Redis socket timeout (``REDIS_SOCKET_TIMEOUT``, 2 s).

Run from the project root against a migrated database with the demo agencies
(``manage.py migrate && manage.py seed_demo``)::

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_frozen_broker.py --port 8074
"""

import argparse
import http.cookiejar
import json
import os
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_form  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8074, help="gunicorn port (8074)")
    parser.add_argument("--clients", type=int, default=4, help="client threads (4)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per client (5)")
    return parser.parse_args()


class Trader:
    """One browser-like client: a cookie jar, a logged-in session, an API token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.token = ""

    def request(self, path: str, data: bytes | None = None, **headers: str) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def log_in(self) -> None:
        _status, page = self.request("/accounts/login/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {
                "username": bench_form.USERNAME,
                "password": bench_form.PASSWORD,
                "csrfmiddlewaretoken": csrf,
            }
        ).encode()
        self.request("/accounts/login/", body, Referer=self.base + "/accounts/login/")
        credentials = json.dumps(
            {"username": bench_form.USERNAME, "password": bench_form.PASSWORD}
        ).encode()
        status, answer = self.request(
            "/api/v1/auth/token/", credentials, **{"Content-Type": "application/json"}
        )
        assert status in (200, 201), (status, answer[:500])
        self.token = json.loads(answer)["token"]

    def api(self, path: str, document: dict[str, Any] | None = None) -> tuple[int, str]:
        body = json.dumps(document).encode() if document is not None else None
        return self.request(
            path,
            body,
            Authorization=f"Token {self.token}",
            Accept="application/json",
            **({"Content-Type": "application/json"} if body else {}),
        )


def client_rounds(trader: Trader, rounds: int, results: dict[str, list], lock: Any) -> None:
    from tests.factories import valid_document

    pages = {
        "declaration list": lambda: trader.request("/declarations/"),
        "new declaration form": lambda: trader.request("/declarations/new/"),
        "what do I need": lambda: trader.request("/requirements/?hs=090121&origin=BR"),
        "API list (throttled)": lambda: trader.api("/api/v1/declarations/"),
    }
    for _round in range(rounds):
        for name, call in pages.items():
            record(name, call, results, lock)
        document = valid_document(
            FunctionalReferenceID=f"FRZ-{uuid.uuid4().hex[:12]}",
            Declarant={"ID": "GB123456789000", "Name": "Example Importers Ltd"},
        )
        record(
            "API submit (broker)",
            lambda document=document: trader.api("/api/v1/declarations/", document),
            results,
            lock,
        )


def record(name: str, call: Any, results: dict[str, list], lock: Any) -> None:
    start = time.perf_counter()
    status, _body = call()
    with lock:
        results[name].append((status, time.perf_counter() - start))


def main() -> None:
    args = parse_args()
    bench_form.django_setup()
    bench_form.bench_trader()
    bench_form.free_port_or_die(args.port)
    from tests.frozen_redis import FrozenRedis

    with FrozenRedis() as frozen:
        os.environ["REDIS_URL"] = f"redis://{frozen.address}/0"
        print(f"broker and cache: {os.environ['REDIS_URL']} (accepts, never answers)")
        with bench_form.gunicorn(args.port) as base:
            traders = [Trader(base) for _ in range(args.clients)]
            start = time.perf_counter()
            for trader in traders:
                trader.log_in()
            print(f"{args.clients} traders logged in in {time.perf_counter() - start:.1f} s")
            results: dict[str, list] = defaultdict(list)
            lock = threading.Lock()
            threads = [
                threading.Thread(target=client_rounds, args=(t, args.rounds, results, lock))
                for t in traders
            ]
            start = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - start
        print(f"connections the frozen Redis accepted: {len(frozen.accepted)}")
    print(f"{sum(len(v) for v in results.values())} requests in {wall:.1f} s")
    print(f"{'request':24} {'n':>4}  {'statuses':18} {'median':>7} {'worst':>7}")
    for name, rows in results.items():
        statuses = ",".join(f"{s}x{n}" for s, n in sorted(_counts(r[0] for r in rows).items()))
        times = [r[1] for r in rows]
        print(
            f"{name:24} {len(rows):4}  {statuses:18} "
            f"{statistics.median(times):6.2f}s {max(times):6.2f}s"
        )
    failures = [s for rows in results.values() for s, _t in rows if s >= 500]
    print("server errors:", len(failures))


def _counts(values: Any) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for value in values:
        counts[value] += 1
    return counts


if __name__ == "__main__":
    main()
