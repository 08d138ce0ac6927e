"""The form's directly written widgets (``declarations.forms.base``) give the HTML of
Django's widget templates, and the goods item selects of long code lists carry only their
chosen option, with the list once per page."""

from typing import Any

import pytest
from django import forms
from django.test import Client

from declarations.forms.base import CheckboxInput, Select, SharedOptionsSelect, TextInput
from declarations.forms.choices import country_choices
from declarations.models import Trader

ATTRS: list[dict[str, Any]] = [
    {},
    {"class": "form-control is-invalid", "aria-invalid": "true", "id": "id_x"},
    {"required": True, "disabled": False, "data-x": 'a"<b>&', "size": 10},
]
CHOICES = [("", "— choose —"), ("BR", "Brazil (BR)"), ("<&>", 'Odd "label" <&>')]


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, "", "x", 'a "quoted" <value> & more', 12])
def test_text_input_writes_what_django_s_template_writes(attrs: dict, value: Any) -> None:
    ours = TextInput(attrs=attrs).render("items-0-hs_code", value)
    django = forms.TextInput(attrs=attrs).render("items-0-hs_code", value)
    assert ours == django


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [True, False, None])
def test_checkbox_writes_what_django_s_template_writes(attrs: dict, value: Any) -> None:
    ours = CheckboxInput(attrs=attrs).render("items-0-DELETE", value)
    assert ours == forms.CheckboxInput(attrs=attrs).render("items-0-DELETE", value)


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, "", "BR", "<&>", "ZZ"])
def test_select_writes_what_django_s_template_writes(attrs: dict, value: Any) -> None:
    ours = Select(attrs=attrs, choices=CHOICES).render("origin", value)
    assert ours == forms.Select(attrs=attrs, choices=CHOICES).render("origin", value)


def test_a_shared_list_select_carries_its_blank_and_its_chosen_option_only() -> None:
    widget = SharedOptionsSelect("countries")
    widget.choices = country_choices()

    html = widget.render("items-0-origin_country", "BR")

    assert 'data-options="countries"' in html
    assert html.count("<option") == 2
    assert '<option value="BR" selected>' in html
    assert widget.render("items-0-origin_country", "ZZ").count("<option") == 1


@pytest.mark.django_db
def test_the_form_page_holds_each_long_list_once(client: Client, trader_a: Trader) -> None:
    client.force_login(trader_a.user)

    html = client.get("/declarations/new/").content.decode()

    assert html.count('<template id="options-countries">') == 1
    assert html.count('<template id="options-currencies">') == 1
    countries = len(country_choices())
    # Four header country selects, and the list once: not once more per goods item.
    assert html.count('<option value="BR"') == 5
    assert countries > 200
