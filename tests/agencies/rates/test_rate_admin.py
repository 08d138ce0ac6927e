"""Customs exchange rates in the admin: the rules editor adds, changes and deletes them,
a rate that could not be used is refused at its field, and every change is in the history
(who, when, old -> new), as for routing rules and risk profiles. Invented figures."""

from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse

from agencies.rates.models import ExchangeRate, ExchangeRateChange
from singlewindow.accounts import roles
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules_editor(db: None) -> AbstractBaseUser:
    groups = roles.roles_sync()
    user = UserFactory(username="rates.editor", is_staff=True)
    user.groups.set([groups[roles.ROUTING_EDITOR]])
    return user


@pytest.fixture
def editor_client(rules_editor: AbstractBaseUser) -> Client:
    client = Client()
    assert client.login(username=rules_editor.get_username(), password=PASSWORD)
    return client


def rate_form(**fields: str) -> dict[str, Any]:
    data = {
        "currency": "usd",
        "rate": "1.5",
        "source": "Test figures, December 2026",
        "active": "on",
        "valid_from": "2026-12-01",
        "valid_to": "2026-12-31",
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
    }
    return {**data, **fields}


ADD = reverse("admin:rates_exchangerate_add")


def test_the_rules_editor_adds_a_rate_and_its_creation_is_recorded(
    editor_client: Client, rules_editor: AbstractBaseUser
) -> None:
    answer = editor_client.post(ADD, rate_form())
    assert answer.status_code == 302, answer.content.decode()[:2000]
    stored = ExchangeRate.objects.get()
    assert (stored.currency, str(stored.rate)) == ("USD", "1.50000000")
    [change] = ExchangeRateChange.objects.all()
    assert (change.action, change.actor, change.exchange_rate) == ("created", rules_editor, stored)
    assert change.changes["rate"] == ["", "1.50000000"]
    assert change.changes["currency"] == ["", "USD"]


def test_a_change_records_old_and_new_and_a_deletion_keeps_the_last_state(
    editor_client: Client,
) -> None:
    editor_client.post(ADD, rate_form())
    stored = ExchangeRate.objects.get()
    change_url = reverse("admin:rates_exchangerate_change", args=[stored.pk])

    editor_client.post(change_url, rate_form(rate="1.55"))
    # Saving again unchanged records nothing
    editor_client.post(change_url, rate_form(rate="1.55"))
    editor_client.post(
        reverse("admin:rates_exchangerate_delete", args=[stored.pk]), {"post": "yes"}
    )

    actions = list(ExchangeRateChange.objects.order_by("pk").values_list("action", "changes"))
    assert [a for a, _c in actions] == ["created", "changed", "deleted"]
    assert actions[1][1] == {"rate": ["1.50000000", "1.55000000"]}
    assert actions[2][1]["rate"] == ["1.55000000", ""]
    assert not ExchangeRate.objects.exists()
    # The history outlives the rate, and its page opens
    history = editor_client.get(reverse("admin:rates_exchangeratechange_changelist"))
    assert history.status_code == 200 and "USD" in history.content.decode()


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"currency": "XQX"}, "not an ISO 4217"),
        ({"currency": "GBP"}, "national currency"),
        ({"rate": "0"}, "above zero"),
        ({"valid_to": "2026-11-01"}, "cannot end before"),
        ({"valid_from": "2026-12-31", "valid_to": "2027-01-30"}, "in force on some of these days"),
    ],
)
def test_the_admin_refuses_a_rate_at_its_field(
    editor_client: Client, settings: Any, fields: dict[str, str], words: str
) -> None:
    settings.NATIONAL_CURRENCY = "GBP"
    assert editor_client.post(ADD, rate_form()).status_code == 302
    answer = editor_client.post(ADD, rate_form(**fields))
    assert answer.status_code == 200
    assert words in answer.content.decode()
    assert ExchangeRate.objects.count() == 1
    assert ExchangeRateChange.objects.count() == 1


def test_the_form_says_how_the_rate_is_quoted(editor_client: Client, settings: Any) -> None:
    settings.NATIONAL_CURRENCY = "GBP"
    page = editor_client.get(ADD).content.decode()
    assert "Units of this currency for one GBP" in page
