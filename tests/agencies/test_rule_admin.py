"""Routing rules in the admin: refused at the field when they can never match, saved
inactive, previewed (also by ``manage.py routing_preview``), activated, and every change in
the history (who, when, old -> new)."""

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from agencies.models import Agency, RoutingRule, RoutingRuleChange
from agencies.routing.preview import rule_preview
from declarations.models import Trader
from tests.conftest import COFFEE, LAPTOPS, MEDICAMENTS, MakeDeclaration
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(admin: AbstractBaseUser) -> Client:
    client = Client()
    assert client.login(username=admin.get_username(), password=PASSWORD)
    return client


def rule_form(agency: Agency, **fields: str) -> dict[str, Any]:
    data = {
        "agency": str(agency.pk),
        "description": "",
        "requirement": "required",
        "hs_prefix": "",
        "origin_country": "",
        "export_country": "",
        "destination_country": "",
        "declaration_type": "",
        "procedure_code": "",
        "value_above": "",
        "value_currency": "",
        "document_code": "",
        "exemption_codes": "",
        "valid_from": "",
        "valid_to": "",
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
    }
    return {**data, **fields}


ADD = "admin:agencies_routingrule_add"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        # The example: a chapter 61 prefix typed with a dot is fine, "zz" is no country.
        ({"hs_prefix": "61.09", "origin_country": "zz"}, "origin_country", "ZZ is not"),
        ({"hs_prefix": "9999"}, "hs_prefix", "No HS code in force"),
        ({"hs_prefix": "0"}, "hs_prefix", "2 to 10 digits"),
        ({"hs_prefix": "09x1"}, "hs_prefix", "2 to 10 digits"),
        ({"export_country": "XX"}, "export_country", "not an ISO 3166-1"),
        ({"destination_country": "QQ"}, "destination_country", "not an ISO 3166-1"),
        ({"procedure_code": "4"}, "procedure_code", "2 digits"),
        ({"procedure_code": "4099"}, "procedure_code", "99 is not a procedure code"),
        ({"value_above": "1000"}, "value_currency", "both the amount and its currency"),
        ({"value_above": "1000", "value_currency": "EUX"}, "value_currency", "ISO 4217"),
        ({"document_code": "Q999"}, "document_code", "not a document code"),
        ({"exemption_codes": "Y929, ZZZZ"}, "exemption_codes", "ZZZZ"),
        ({"requirement": "may_be_required"}, "exemption_codes", "needs the exemption codes"),
        ({"valid_from": "2026-05-01", "valid_to": "2026-04-01"}, "valid_to", "cannot end"),
    ],
)
def test_admin_refuses_a_rule_that_can_never_match_at_its_field(
    admin_client_: Client, agency_medicines: Agency, fields: dict[str, str], field: str, words: str
) -> None:
    count = RoutingRule.objects.count()

    response = admin_client_.post(reverse(ADD), rule_form(agency_medicines, **fields))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert words in " ".join(errors[field])
    assert RoutingRule.objects.count() == count


def test_a_new_rule_is_saved_inactive_normalised_and_recorded(
    admin_client_: Client, admin: AbstractBaseUser, agency_medicines: Agency
) -> None:
    response = admin_client_.post(
        reverse(ADD),
        rule_form(agency_medicines, hs_prefix="6109.10", origin_country="cn", description="T"),
    )

    rule = RoutingRule.objects.get(description="T")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:agencies_routingrule_preview", args=[rule.pk])
    assert (rule.hs_prefix, rule.origin_country, rule.active) == ("610910", "CN", False)
    change = rule.changes.get()
    assert (change.action, change.actor, change.changes["hs_prefix"]) == (
        "created",
        admin,
        ["", "610910"],
    )


def test_editing_a_rule_records_old_and_new_and_deactivates_it(
    admin_client_: Client, agencies: dict[str, Agency], agency_medicines: Agency
) -> None:
    rule = RoutingRule.objects.get(agency=agency_medicines, hs_prefix="30")

    admin_client_.post(
        reverse("admin:agencies_routingrule_change", args=[rule.pk]),
        rule_form(agency_medicines, hs_prefix="3004", description=rule.description),
    )

    rule.refresh_from_db()
    change = rule.changes.get()
    assert change.action == "changed"
    assert change.changes == {"hs_prefix": ["30", "3004"], "active": ["True", "False"]}
    assert not rule.active


def test_editing_only_the_description_keeps_the_rule_active(
    admin_client_: Client, agencies: dict[str, Agency], agency_medicines: Agency
) -> None:
    rule = RoutingRule.objects.get(agency=agency_medicines, hs_prefix="30")

    admin_client_.post(
        reverse("admin:agencies_routingrule_change", args=[rule.pk]),
        rule_form(agency_medicines, hs_prefix="30", description="Medicinal products"),
    )

    rule.refresh_from_db()
    assert rule.active
    assert rule.changes.get().changes == {"description": ["HS chapter 30", "Medicinal products"]}


def test_deleting_a_rule_keeps_its_history(
    admin_client_: Client, agencies: dict[str, Agency], agency_medicines: Agency
) -> None:
    rule = RoutingRule.objects.get(agency=agency_medicines, hs_prefix="30")

    admin_client_.post(
        reverse("admin:agencies_routingrule_delete", args=[rule.pk]), {"post": "yes"}
    )

    change = RoutingRuleChange.objects.get(action="deleted")
    assert change.rule is None and change.rule_label == "HS chapter 30"
    assert change.changes["hs_prefix"] == ["30", ""]


# --- preview ---------------------------------------------------------------------------------


@pytest.fixture
def lodged(
    agencies: dict[str, Agency], trader_a: Trader, make_routed_declaration: MakeDeclaration
) -> list:
    """A fixed data set: coffee + medicaments, medicaments alone, laptops from China."""
    return [
        make_routed_declaration(trader_a, [COFFEE, MEDICAMENTS]),
        make_routed_declaration(trader_a, [MEDICAMENTS]),
        make_routed_declaration(trader_a, [LAPTOPS]),
    ]


def test_preview_counts_what_a_new_rule_adds_per_agency(
    lodged: list, agency_medicines: Agency
) -> None:
    # Given a new, inactive medicines rule for goods from India (the medicaments)
    # and one from China (the laptops) — only the laptops are new to medicines
    rule = RoutingRule.objects.create(agency=agency_medicines, origin_country="CN")

    preview = rule_preview(rule, days=30)

    assert preview.declarations == 3
    [change] = preview.changes
    assert change.agency == agency_medicines
    assert (change.declarations_added, change.items_added) == (1, 1)
    assert (change.declarations_removed, change.items_removed) == (0, 0)
    assert change.examples_added == [f"{lodged[2].mrn} item 1"]
    # And the preview changed nothing
    assert not rule.active and not lodged[2].review_tasks.filter(agency=agency_medicines).exists()


def test_preview_counts_what_an_edited_rule_removes(lodged: list, agency_medicines: Agency) -> None:
    # Given the medicines chapter rule narrowed to goods from China (edited, not yet active)
    rule = RoutingRule.objects.get(agency=agency_medicines, hs_prefix="30")
    rule.origin_country = "CN"

    [change] = rule_preview(rule, days=30).changes

    # Then both declarations with medicaments from India leave medicines' queue
    assert (change.declarations_removed, change.items_removed) == (2, 2)
    assert change.examples_removed == [f"{lodged[1].mrn} item 1", f"{lodged[0].mrn} item 2"]


def test_preview_command_and_admin_page_show_the_counts_then_activate(
    admin_client_: Client, lodged: list, agency_medicines: Agency
) -> None:
    rule = RoutingRule.objects.create(agency=agency_medicines, origin_country="CN")
    out = StringIO()

    call_command("routing_preview", str(rule.pk), "--days", "30", stdout=out)

    assert "Medicines Agency: declarations +1 -0, goods items +1 -0" in out.getvalue()
    url = reverse("admin:agencies_routingrule_preview", args=[rule.pk])
    page = admin_client_.get(url)
    assert page.status_code == 200
    assert lodged[2].mrn in page.content.decode()
    # When the administrator activates it
    admin_client_.post(url, {"action": "activate"})
    rule.refresh_from_db()
    assert rule.active
    assert rule.changes.get().action == "activated"
