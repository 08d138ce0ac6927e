"""Lockout after ``AXES_FAILURE_LIMIT`` failures on each entry point (the login page, the
admin login, ``auth/token/``), what the person is told, the audit, and the unlock."""

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.models import Officer
from singlewindow.accounts.models import AccessEvent, AccessEventKind
from singlewindow.accounts.services import sign_in_unlock
from tests.api.helpers import errors_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ENTRY_POINTS = ["login", "admin", "token"]


def attempt(entry: str, username: str, password: str, address: str = "10.0.0.1") -> Any:
    """One sign-in attempt at ``entry`` from ``address``."""
    if entry == "token":
        return APIClient(REMOTE_ADDR=address).post(
            reverse("api:auth-token"), {"username": username, "password": password}, format="json"
        )
    url = reverse("login") if entry == "login" else reverse("admin:login")
    return Client(REMOTE_ADDR=address).post(url, {"username": username, "password": password})


def signed_in(entry: str, response: Any) -> bool:
    if entry == "token":
        return response.status_code == 200 and "token" in response.json()
    return response.status_code == 302


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_the_account_locks_after_the_limit_and_the_right_password_is_refused(
    entry: str, officer_customs: Officer, admin: AbstractBaseUser, settings: Any
) -> None:
    user = admin if entry == "admin" else officer_customs.user
    username = user.get_username()
    # Given AXES_FAILURE_LIMIT wrong passwords, each from another address (per account)
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = attempt(entry, username, "wrong-password", address=f"10.0.1.{n}")
        assert not signed_in(entry, response)
        assert response.status_code != 429 or n == settings.AXES_FAILURE_LIMIT - 1

    # When the right password comes next, from yet another address
    response = attempt(entry, username, PASSWORD, address="10.0.2.1")

    # Then it is refused with 429, the time to retry in Retry-After and said plainly
    assert response.status_code == 429
    cool_off = int(settings.AXES_COOLOFF_TIME.total_seconds())
    assert int(response["Retry-After"]) == cool_off
    minutes = cool_off // 60
    if entry == "token":
        [error] = errors_of(response, 429)
        assert error["code"] == "locked_out"
        assert f"Try again in {minutes} minutes" in error["message"]
    else:
        assert f"Try again in {minutes} minutes" in response.content.decode()
    # And every failure and the lock are in the access audit, with the address
    failures = AccessEvent.objects.filter(kind=AccessEventKind.SIGN_IN_FAILED, username=username)
    assert failures.count() >= settings.AXES_FAILURE_LIMIT
    assert set(failures.values_list("ip_address", flat=True)) >= {"10.0.1.0", "10.0.2.1"}
    assert AccessEvent.objects.filter(kind=AccessEventKind.LOCKED_OUT, username=username).exists()


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_an_address_locks_after_the_limit_whatever_the_usernames(
    entry: str, officer_customs: Officer, admin: AbstractBaseUser, settings: Any
) -> None:
    user = admin if entry == "admin" else officer_customs.user
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(entry, f"guess{n}", "wrong-password", address="10.9.9.9")

    assert attempt(entry, user.get_username(), PASSWORD, address="10.9.9.9").status_code == 429
    # Another address still signs in
    assert signed_in(entry, attempt(entry, user.get_username(), PASSWORD, address="10.9.9.8"))


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_an_administrator_unlocks_the_account(
    entry: str, officer_customs: Officer, admin: AbstractBaseUser, settings: Any
) -> None:
    user = admin if entry == "admin" else officer_customs.user
    username = user.get_username()
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(entry, username, "wrong-password", address=f"10.0.3.{n}")
    assert attempt(entry, username, PASSWORD, address="10.0.4.1").status_code == 429

    assert sign_in_unlock(username) > 0

    assert signed_in(entry, attempt(entry, username, PASSWORD, address="10.0.4.1"))
    assert AccessEvent.objects.filter(kind=AccessEventKind.UNLOCKED, username=username).exists()


def test_unlock_from_the_user_admin(
    officer_customs: Officer, admin: AbstractBaseUser, settings: Any
) -> None:
    username = officer_customs.user.get_username()
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt("login", username, "wrong-password", address=f"10.0.5.{n}")
    assert AccessAttempt.objects.filter(username=username).exists()
    client = Client()
    client.force_login(admin)

    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [officer_customs.user.pk]},
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=username).exists()
    assert signed_in("login", attempt("login", username, PASSWORD))


def test_a_success_before_the_limit_starts_the_count_again(
    officer_customs: Officer, settings: Any
) -> None:
    username = officer_customs.user.get_username()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt("login", username, "wrong-password")
    assert signed_in("login", attempt("login", username, PASSWORD))

    attempt("login", username, "wrong-password")

    assert signed_in("login", attempt("login", username, PASSWORD))
