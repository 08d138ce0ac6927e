"""A real Celery worker process for the integration tests, and the Celery switches they need.

The worker consumes from the real Redis (``REDIS_URL``) and writes to the real PostgreSQL
database pytest-django created for this run (``test_singlewindow``), so what a test sees is
what production does: messages cross a process boundary and the fan-out commits on its own.
"""

import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# Bounds: generous for a loaded CI machine, small enough that a hang fails fast.
WORKER_START_SECONDS = 60
WAIT_SECONDS = 30


class CeleryWorker:
    """``celery -A singlewindow worker --pool=solo`` in a subprocess, with its log kept.

    The solo pool runs one task at a time in the order Redis hands them out, which the
    tests rely on only where they say so.
    """

    def __init__(self, env: dict[str, str]) -> None:
        self.name = f"itest-{uuid.uuid4().hex[:8]}@%h"
        celery = Path(sys.executable).with_name("celery")  # the venv's own
        self.process = subprocess.Popen(
            [
                str(celery),
                "-A",
                "singlewindow",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                "celery",
                "-l",
                "info",
                "-n",
                self.name,
                # One worker in the cluster: nothing to gossip or sync with; start faster.
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        self._lines: list[str] = []
        self._lock = threading.Lock()
        # A reader thread, so the pipe never fills up and blocks the worker.
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._lock:
                self._lines.append(line.rstrip("\n"))

    @property
    def log(self) -> str:
        with self._lock:
            return "\n".join(self._lines)

    def wait_for_log(self, pattern: str, timeout: float = WAIT_SECONDS) -> re.Match[str]:
        """Wait until a log line matches the regex ``pattern``; fail with the log if not."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = regex.search(self.log)
            if match:
                return match
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited ({self.process.returncode}):\n{self.log}")
            time.sleep(0.05)
        pytest.fail(f"no worker log line matched {pattern!r} within {timeout}s:\n{self.log}")

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL if it does not go within 15 s."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self._reader.join(timeout=5)


def _test_database_url() -> str:
    """A DATABASE_URL for the database pytest-django created for this run."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


@pytest.fixture(scope="module")
def celery_worker(django_db_setup: None) -> Iterator[CeleryWorker]:
    """A real worker on an emptied test Redis database and this run's test database."""
    assert connection.settings_dict["NAME"].startswith("test_"), "not on a test database"
    # The tests' Redis database is theirs alone (scripts/test uses /15): leftovers of an
    # interrupted run must not be delivered to this worker.
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "singlewindow.settings",
        # No idle connection left behind when pytest-django drops the database at the end.
        "DATABASE_CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "INFO",
    }
    worker = CeleryWorker(env)
    try:
        worker.wait_for_log(r" ready\.", timeout=WORKER_START_SECONDS)
        yield worker
    finally:
        worker.stop()


def wait_until(
    condition: Callable[[], bool], what: str, worker: CeleryWorker, timeout: float = WAIT_SECONDS
) -> None:
    """Poll ``condition`` (a database query) until true; fail with the worker log if not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} did not happen within {timeout}s; worker log:\n{worker.log}")
