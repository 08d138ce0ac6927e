"""Browser tests: headless Debian Chromium (never a downloaded build) against
``live_server``, with Celery eager so routing happens when the submission commits.

Playwright's sync API runs an event loop in the test thread, so Django's guard against ORM
calls from async code must be lifted for the test's own database look-ups.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from playwright.sync_api import Page, expect

from singlewindow.celery import app as celery_app
from tests.factories import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Explicit waits on text, never sleeps; generous for a loaded 2-core CI machine.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}, "locale": "en-GB"}


@pytest.fixture(autouse=True)
def celery_eager(settings: Any) -> Iterator[None]:
    """Routing runs in the live server's thread when the submission commits.

    The Celery app read its configuration at import, so the setting alone is not enough;
    with ``REDIS_URL`` set it would otherwise wait for a worker.
    """
    settings.CELERY_TASK_ALWAYS_EAGER = True
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


@pytest.fixture
def csp_violations(page: Page) -> Iterator[list[str]]:
    """Console errors that report a Content Security Policy violation; a test asserts none."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield violations


def screenshot(page: Page, name: str) -> None:
    """Save a full-page screenshot under ``$E2E_SCREENSHOTS`` when it is set."""
    folder = os.environ.get("E2E_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def log_in(page: Page, base_url: str, user: AbstractBaseUser) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("current-user")).to_contain_text(user.get_username())


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
