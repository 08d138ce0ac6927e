"""Hostile posts of the browser form (new declaration and draft edit): a valid form with
random fields replaced by random Unicode, huge or malformed numbers and very long texts;
unknown and malformed field names; a tampered management form and many goods items;
undecodable bytes. Only the invariants are asserted: never a 5xx, nothing half-saved (no
row added, a draft's document unchanged), and a refusal shows its errors at the fields
(an error summary whose every link leads to an input on the page)."""

import re
import urllib.parse
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from declarations.forms.entry import HEADER_FIELDS, ITEM_FIELDS, document_initial
from declarations.models import Declaration
from declarations.services import declaration_save_draft
from tests.adversarial.conftest import TALLY, _rows
from tests.adversarial.strategies import hostile_text, huge_numbers
from tests.factories import VALID_DOCUMENT

pytestmark = pytest.mark.django_db

NEW = "/declarations/new/"
FORM = "application/x-www-form-urlencoded"
FIXTURES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
HEADER_NAMES = [f.field for f in HEADER_FIELDS] + ["additional_type"]
ITEM_NAMES = [f.field for f in ITEM_FIELDS] + ["DELETE"]
ACTIONS = st.sampled_from(["submit", "save_draft", "add_item", "", "delete", "💥"])

Fields = list[tuple[str, str | bytes]]


def valid_fields(action: str = "submit") -> Fields:
    """What the browser posts for ``VALID_DOCUMENT``."""
    header, items = document_initial(VALID_DOCUMENT)
    fields: Fields = [(name, value) for name, value in header.items()]
    fields += [("items-TOTAL_FORMS", str(len(items))), ("items-INITIAL_FORMS", "0")]
    for index, item in enumerate(items):
        fields += [(f"items-{index}-{name}", value) for name, value in item.items()]
    return fields + [("action", action)]


def replaced(fields: Fields, name: str, value: str | bytes) -> Fields:
    return [(k, v) for k, v in fields if k != name] + [(name, value)]


def encoded(value: str | bytes) -> bytes:
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value


form_values = st.one_of(
    hostile_text,
    huge_numbers.map(str),
    st.sampled_from(["1e999999", "NaN", "-Infinity", "0x10", "1,000.5", "١٢٣", "9" * 400]),
    st.binary(max_size=40),
)
field_names = st.one_of(
    st.sampled_from(HEADER_NAMES),
    st.builds(
        "items-{}-{}".format,
        st.one_of(st.integers(-2, 1200), st.sampled_from(["x", "", "__prefix__", "1e3"])),
        st.sampled_from(ITEM_NAMES),
    ),
    st.sampled_from(["items-TOTAL_FORMS", "items-INITIAL_FORMS", "items-MAX_NUM_FORMS"]),
    hostile_text,
)


def post_form(client: Client, path: str, fields: Fields) -> Any:
    """POST ``fields`` urlencoded; assert the invariants. Returns the response."""
    before = _rows()
    body = urllib.parse.urlencode([(encoded(k), encoded(v)) for k, v in fields])
    response = client.generic("POST", path, body, content_type=FORM)
    TALLY.requests += 1
    if response.status_code >= 500:
        TALLY.server_errors += 1
    assert response.status_code < 500, (response.status_code, body[:500])
    if response.status_code == 302:  # saved as a draft or lodged: a real success
        return response
    assert _rows() == before, "a refused form left rows behind"
    if response.status_code in (409, 422):
        html = response.content.decode()
        summary = re.search(r'<div class="alert alert-danger error-summary".*?</div>', html, re.S)
        assert summary, "a refused form without its error summary"
        assert "<li" in summary.group(0)
        for target in re.findall(r'href="#([^"]+)"', summary.group(0)):
            assert f'id="{target}"' in html, f"a summary link to no field: {target}"
    else:
        assert response.status_code in (200, 400, 413), response.status_code
    return response


@pytest.fixture
def browser(trader_a: Any, agencies: Any) -> Client:
    client = Client()
    client.force_login(trader_a.user)
    return client


@FIXTURES
@given(
    changes=st.lists(st.tuples(field_names, form_values), min_size=1, max_size=6),
    action=ACTIONS,
)
@example(changes=[("items-TOTAL_FORMS", ":")], action="add_item")  # was a 500
def test_a_valid_form_with_hostile_fields(browser: Client, changes: list, action: str) -> None:
    fields = valid_fields(action)
    for name, value in changes:
        fields = replaced(fields, name, value)
    post_form(browser, NEW, fields)


@FIXTURES
@given(
    total=st.one_of(
        st.integers(-5, 1100).map(str), st.sampled_from(["", "abc", "1e9", "9" * 30, "½"])
    ),
    initial=st.one_of(st.integers(-5, 1100).map(str), st.sampled_from(["", "x"])),
    filled=st.integers(0, 12),
)
def test_a_tampered_management_form(browser: Client, total: str, initial: str, filled: int) -> None:
    fields = [(k, v) for k, v in valid_fields() if not k.startswith("items-")]
    fields += [("items-TOTAL_FORMS", total), ("items-INITIAL_FORMS", initial)]
    for index in range(filled):
        fields += [(f"items-{index}-hs_code", "090121"), (f"items-{index}-description", "Tea")]
    post_form(browser, NEW, fields)


@settings(max_examples=3, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(count=st.sampled_from([999, 1000]), bad=st.integers(0, 998))
def test_many_goods_items(browser: Client, count: int, bad: int) -> None:
    # WCO DM 68A: at most 999 goods items; one of them is wrong.
    header = [(k, v) for k, v in valid_fields() if not k.startswith("items-")]
    item = {k.split("-", 2)[2]: v for k, v in valid_fields() if k.startswith("items-0-")}
    fields = header + [("items-TOTAL_FORMS", str(count)), ("items-INITIAL_FORMS", "0")]
    for index in range(count):
        values = {**item, "hs_code": "09012X" if index == bad else item["hs_code"]}
        fields += [(f"items-{index}-{name}", value) for name, value in values.items()]
    post_form(browser, NEW, fields)


@FIXTURES
@given(
    raw=st.one_of(
        st.binary(max_size=300),
        st.sampled_from([b"lrn=%ff%fe&action=submit", b"%" * 50, b"a=" + b"%00" * 100]),
    )
)
def test_undecodable_bytes(browser: Client, raw: bytes) -> None:
    before = _rows()
    response = browser.generic("POST", NEW, raw + b"&action=submit", content_type=FORM)
    TALLY.requests += 1
    if response.status_code >= 500:
        TALLY.server_errors += 1
    assert response.status_code < 500
    if response.status_code != 302:
        assert _rows() == before


@FIXTURES
@given(changes=st.lists(st.tuples(field_names, form_values), min_size=1, max_size=4))
def test_a_draft_saved_with_hostile_fields_is_kept_whole_or_not_at_all(
    browser: Client, trader_a: Any, changes: list
) -> None:
    draft = declaration_save_draft(trader=trader_a, document={"Declaration": {"TypeCode": "IM"}})
    fields = valid_fields("save_draft")
    for name, value in changes:
        fields = replaced(fields, name, value)

    response = post_form(browser, f"/declarations/{draft.pk}/edit/", fields)

    stored = Declaration.objects.get(pk=draft.pk).document
    if response.status_code != 302:
        assert stored == {"Declaration": {"TypeCode": "IM"}}
    Declaration.objects.filter(pk=draft.pk).delete()
