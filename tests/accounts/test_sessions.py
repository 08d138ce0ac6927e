"""Sessions: officers' and administrators' end after inactivity; sign out everywhere."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import Officer
from declarations.models import Trader
from singlewindow.accounts.middleware import LAST_SEEN
from singlewindow.accounts.models import AccessEvent, AccessEventKind
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(user: AbstractBaseUser) -> Client:
    client = Client()
    response = client.post(
        reverse("login"), {"username": user.get_username(), "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def idle_for(client: Client, minutes: int) -> None:
    session = client.session
    session[LAST_SEEN] = (timezone.now() - timedelta(minutes=minutes)).isoformat()
    session.save()


def test_an_officer_is_signed_out_after_the_idle_timeout(
    officer_customs: Officer, settings: Any
) -> None:
    client = signed_in(officer_customs.user)
    assert client.get(reverse("agencies:queue")).status_code == 200

    idle_for(client, settings.SESSION_IDLE_TIMEOUT_MINUTES + 1)
    response = client.get(reverse("agencies:queue"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("agencies:queue")).status_code == 302  # the session is gone
    assert AccessEvent.objects.filter(
        kind=AccessEventKind.SESSION_EXPIRED, user=officer_customs.user
    ).exists()


def test_activity_keeps_an_officer_signed_in(officer_customs: Officer, settings: Any) -> None:
    client = signed_in(officer_customs.user)

    idle_for(client, settings.SESSION_IDLE_TIMEOUT_MINUTES - 1)

    assert client.get(reverse("agencies:queue")).status_code == 200


def test_a_trader_is_not_timed_out_after_30_minutes(trader_a: Trader) -> None:
    client = signed_in(trader_a.user)

    idle_for(client, 45)

    assert client.get(reverse("declaration_list")).status_code == 200


def test_sign_out_everywhere_ends_every_session(officer_customs: Officer) -> None:
    laptop, phone = signed_in(officer_customs.user), signed_in(officer_customs.user)

    response = phone.post(reverse("sign_out_everywhere"))

    assert response.status_code == 302
    assert laptop.get(reverse("agencies:queue")).status_code == 302
    assert phone.get(reverse("agencies:queue")).status_code == 302
    # And signing in again afterwards works
    assert signed_in(officer_customs.user).get(reverse("agencies:queue")).status_code == 200
