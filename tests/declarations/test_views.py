"""Trader pages through the Django test client: home redirect, declaration list, the
declaration form (submit, field errors, drafts, goods items) and the declaration page."""

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse

from agencies.models import ReviewStatus, ReviewTask
from agencies.services import review_decide
from datamodel.issues import Issue, IssueCode
from declarations import services
from declarations.forms.entry import DeclarationEntry, document_initial
from declarations.models import ClearanceStatus, Declaration, Trader
from tests.conftest import COFFEE, MEDICAMENTS, MakeDeclaration, review_of
from tests.factories import PASSWORD, VALID_DOCUMENT, form_expressible, valid_document

pytestmark = pytest.mark.django_db

NEW = reverse("declaration_new")
LIST = reverse("declaration_list")


# --- helpers ------------------------------------------------------------------------------


def logged_in(user: AbstractBaseUser) -> Client:
    client = Client()
    assert client.login(username=user.get_username(), password=PASSWORD)
    return client


def form_data(document: dict[str, Any], action: str = "submit", **changes: str) -> dict[str, str]:
    """The POST the browser form sends for ``document`` (through the reverse mapping)."""
    header, items = document_initial(document)
    data = {**header, "action": action}
    data["items-TOTAL_FORMS"] = str(len(items))
    data["items-INITIAL_FORMS"] = "0"
    for index, item in enumerate(items):
        data.update({f"items-{index}-{name}": value for name, value in item.items()})
    data.update(changes)
    return data


class LabelCheck(HTMLParser):
    """Collects visible inputs, selects and textareas, and the ``for`` of every label."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[str] = []
        self.labelled: set[str] = set()
        self._in_template = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "template":
            self._in_template += 1
        if self._in_template:
            return
        if tag == "label" and a.get("for"):
            self.labelled.add(a["for"] or "")
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append(a.get("id") or f"<{tag} name={a.get('name')} without id>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._in_template -= 1


def unlabelled_controls(html: str) -> list[str]:
    check = LabelCheck()
    check.feed(html)
    return [c for c in check.controls if c not in check.labelled]


def input_tag(html: str, name: str) -> str:
    match = re.search(rf'<(?:input|select)[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert match, f"no input {name}"
    return match.group(0)


# --- home ---------------------------------------------------------------------------------


def test_home_sends_anonymous_users_to_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_sends_each_role_to_its_work(
    trader_a: Trader, officer_customs: Any, admin: AbstractBaseUser
) -> None:
    assert logged_in(trader_a.user).get("/")["Location"] == LIST
    assert logged_in(officer_customs.user).get("/")["Location"] == reverse("agencies:queue")
    assert logged_in(admin).get("/")["Location"] == reverse("admin:index")


def test_home_refuses_a_user_without_a_role(outsider: AbstractBaseUser) -> None:
    assert logged_in(outsider).get("/").status_code == 403


def test_login_page_renders_with_labels(client: Client) -> None:
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert unlabelled_controls(response.content.decode()) == []


# --- list -----------------------------------------------------------------------------------


def test_list_shows_only_the_company_declarations(
    trader_a: Trader, trader_b: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    mine = make_submitted_declaration(trader_a, [COFFEE], lrn="LRN-MINE-1")
    make_submitted_declaration(trader_b, [COFFEE], lrn="LRN-THEIRS-1")

    response = logged_in(trader_a.user).get(LIST)

    assert response.status_code == 200
    assert "LRN-MINE-1" in response.content.decode()
    assert mine.mrn in response.content.decode()
    assert "LRN-THEIRS-1" not in response.content.decode()


def test_list_is_for_traders_only(client: Client, officer_customs: Any) -> None:
    assert client.get(LIST)["Location"].startswith(reverse("login"))
    assert logged_in(officer_customs.user).get(LIST).status_code == 403
    assert logged_in(officer_customs.user).get(NEW).status_code == 403


# --- the form -------------------------------------------------------------------------------


def test_new_form_has_a_label_for_every_input(trader_a: Trader) -> None:
    response = logged_in(trader_a.user).get(NEW)
    html = response.content.decode()

    assert response.status_code == 200
    assert unlabelled_controls(html) == []
    assert 'id="goods-item-template"' in html  # the empty row the script clones
    assert 'name="items-0-hs_code"' in html  # one goods item row to start with
    assert 'value="A" selected' in html  # additional declaration type defaults to A


def test_submit_lodges_the_declaration_and_routes_it(
    trader_a: Trader, agencies: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(trader_a.user).post(NEW, form_data(VALID_DOCUMENT))

    declaration = Declaration.objects.get(company=trader_a.company)
    assert response.status_code == 302
    assert response["Location"] == reverse("declaration_detail", args=[declaration.pk])
    assert declaration.lrn == "LRN-2026-000001"
    assert declaration.mrn
    assert declaration.type_code == "IM"
    assert declaration.items.count() == 2
    # Celery is eager in tests: the fan-out ran on commit.
    assert set(declaration.review_tasks.values_list("agency__code", flat=True)) == {
        "customs",
        "plant-animal-health",
        "medicines",
    }


def test_submit_sends_the_canonical_document_to_the_service(
    trader_a: Trader, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: dict[str, Any] = {}

    def fake_submit(*, trader: Trader, document: Any, declaration: Any = None) -> Any:
        sent["document"] = document
        raise services.DeclarationInvalid([])

    monkeypatch.setattr(services, "declaration_submit", fake_submit)
    logged_in(trader_a.user).post(NEW, form_data(VALID_DOCUMENT))

    assert sent["document"] == form_expressible(VALID_DOCUMENT)


def test_field_error_is_shown_at_its_field_and_nothing_is_saved(trader_a: Trader) -> None:
    data = form_data(VALID_DOCUMENT, **{"items-1-gross_mass": "150"})  # net mass is 200

    response = logged_in(trader_a.user).post(NEW, data)
    html = response.content.decode()

    assert response.status_code == 422
    assert not Declaration.objects.exists()
    tag = input_tag(html, "items-1-gross_mass")
    assert 'aria-invalid="true"' in tag
    assert 'aria-describedby="id_items-1-gross_mass_error"' in tag
    assert 'id="id_items-1-gross_mass_error"' in html
    assert 'id="error-summary"' in html
    assert 'href="#id_items-1-gross_mass"' in html
    # The other goods item is fine.
    assert "aria-invalid" not in input_tag(html, "items-0-gross_mass")
    # What the trader typed is kept.
    assert 'value="150"' in tag


def test_missing_lrn_is_shown_at_the_lrn_field(trader_a: Trader) -> None:
    response = logged_in(trader_a.user).post(NEW, form_data(VALID_DOCUMENT, lrn=""))

    assert response.status_code == 422
    assert 'aria-invalid="true"' in input_tag(response.content.decode(), "lrn")
    assert not Declaration.objects.exists()


def test_the_lrn_field_holds_the_national_length_and_says_so(trader_a: Trader) -> None:
    # Given the new-declaration form, then an LRN of 23 characters
    form = logged_in(trader_a.user).get(NEW).content.decode()
    response = logged_in(trader_a.user).post(NEW, form_data(VALID_DOCUMENT, lrn="L" * 23))

    # Then the field allows 22 and its help says so; 23 is refused there, nothing saved
    assert 'maxlength="22"' in input_tag(form, "lrn")
    assert "up to 22 letters" in form
    assert response.status_code == 422
    assert 'aria-invalid="true"' in input_tag(response.content.decode(), "lrn")
    assert not Declaration.objects.exists()


def test_issue_without_a_field_goes_to_the_summary_with_its_pointer(
    trader_a: Trader, monkeypatch: pytest.MonkeyPatch
) -> None:
    issue = Issue(
        IssueCode.VALUE_MISMATCH,
        "42A/109",
        "/Declaration/GoodsItemQuantity",
        "The number of goods items does not match.",
    )

    def fake_submit(**kwargs: Any) -> Any:
        raise services.DeclarationInvalid([issue])

    monkeypatch.setattr(services, "declaration_submit", fake_submit)
    response = logged_in(trader_a.user).post(NEW, form_data(VALID_DOCUMENT))
    html = response.content.decode()

    assert response.status_code == 422
    assert "The number of goods items does not match." in html
    assert "<code>42A/109</code>" in html


def test_duplicate_lrn_is_refused_at_the_lrn_field(
    trader_a: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    make_submitted_declaration(trader_a, [COFFEE], lrn="LRN-2026-000001")

    response = logged_in(trader_a.user).post(NEW, form_data(VALID_DOCUMENT))

    # 409 as the API answers, and the words at the field
    assert response.status_code == 409
    assert 'aria-invalid="true"' in input_tag(response.content.decode(), "lrn")
    assert "already used the LRN LRN-2026-000001" in response.content.decode()
    assert Declaration.objects.count() == 1


def test_a_form_over_the_upload_limit_is_told_so_in_words(trader_a: Trader, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    data = form_data(VALID_DOCUMENT) | {"description_1": "x" * (1024 * 1024 + 1)}

    # posted as the browser posts this form (urlencoded), CSRF checks on
    client = logged_in(trader_a.user)
    client.handler.enforce_csrf_checks = True
    response = client.post(
        NEW, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 413
    assert "A form can carry at most 1 MB. Nothing was saved" in response.content.decode()
    assert not Declaration.objects.exists()


# --- the declarant is the trader's company --------------------------------------------------


def test_new_form_names_the_traders_company_as_declarant(trader_b: Trader) -> None:
    html = logged_in(trader_b.user).get(NEW).content.decode()

    declarant_id = input_tag(html, "declarant_id")
    assert 'value="GB987654321000"' in declarant_id
    assert 'value="Northern Traders Ltd"' in input_tag(html, "declarant_name")
    # Editable like any field, and its help text (why it is the company) is tied to it.
    assert "readonly" not in declarant_id and "disabled" not in declarant_id
    assert 'aria-describedby="id_declarant_id_helptext"' in declarant_id
    assert 'id="id_declarant_id_helptext"' in html
    assert unlabelled_controls(html) == []


def test_a_reopened_draft_keeps_its_own_declarant(trader_b: Trader) -> None:
    # Given trader B's draft that names no declarant yet
    document = valid_document()
    del document["Declaration"]["Declarant"]
    draft = services.declaration_save_draft(trader=trader_b, document=document)

    # When it is reopened, the form shows what the draft holds
    html = logged_in(trader_b.user).get(reverse("declaration_edit", args=[draft.pk]))
    assert "value=" not in input_tag(html.content.decode(), "declarant_id")


def test_declarant_of_another_company_is_refused_at_the_declarant_id_field(
    trader_a: Trader,
) -> None:
    # When trader A submits the form naming company B (GB987654321000) as declarant
    data = form_data(VALID_DOCUMENT, declarant_id="GB987654321000")
    response = logged_in(trader_a.user).post(NEW, data)
    html = response.content.decode()

    # Then the refusal is shown at the declarant ID, in the summary too, and nothing is saved
    assert response.status_code == 422
    assert not Declaration.objects.exists()
    tag = input_tag(html, "declarant_id")
    assert 'aria-invalid="true"' in tag
    assert 'value="GB987654321000"' in tag
    assert 'aria-describedby="id_declarant_id_helptext id_declarant_id_error"' in tag
    error = re.search(r'<div[^>]*id="id_declarant_id_error"[^>]*>.*?</div>\s*</div>', html, re.S)
    assert error, "no error at the declarant ID"
    assert (
        "The declarant GB987654321000 is not your company (GB123456789000). Lodge declarations "
        "as your own company; name the importer or exporter you represent in their own fields."
    ) in error.group(0)
    assert 'href="#id_declarant_id"' in html


def test_missing_declarant_is_refused_at_the_declarant_id_field(trader_a: Trader) -> None:
    response = logged_in(trader_a.user).post(NEW, form_data(VALID_DOCUMENT, declarant_id=""))
    html = response.content.decode()

    assert response.status_code == 422
    assert 'aria-invalid="true"' in input_tag(html, "declarant_id")
    assert re.search(r'id="id_declarant_id_error"[^>]*>\s*<div>[^<]*GB123456789000', html)
    assert not Declaration.objects.exists()


def test_add_item_without_javascript_shows_one_more_row_and_saves_nothing(
    trader_a: Trader,
) -> None:
    response = logged_in(trader_a.user).post(NEW, form_data(VALID_DOCUMENT, action="add_item"))
    html = response.content.decode()

    assert response.status_code == 200
    assert 'name="items-2-hs_code"' in html
    assert 'name="items-TOTAL_FORMS" value="3"' in html
    assert not Declaration.objects.exists()


def test_removed_and_blank_goods_items_are_left_out(trader_a: Trader) -> None:
    data = form_data(VALID_DOCUMENT, **{"items-0-DELETE": "on"})
    data["items-TOTAL_FORMS"] = "3"  # a third row added and left blank
    data["items-2-quantity_unit"] = "KGM"
    entry = DeclarationEntry(_querydict(data))

    assert entry.is_valid()
    document = entry.to_document()

    goods = document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"]
    assert [item["Commodity"]["Classification"][0]["ID"] for item in goods] == ["300490"]
    assert goods[0]["SequenceNumeric"] == "1"
    assert document["Declaration"]["GoodsItemQuantity"] == {"value": "1"}


def test_mapping_round_trips_the_valid_document() -> None:
    entry = DeclarationEntry(_querydict(form_data(VALID_DOCUMENT)))
    assert entry.is_valid()
    assert entry.to_document() == form_expressible(VALID_DOCUMENT)


def test_issue_paths_map_to_fields() -> None:
    entry = DeclarationEntry(_querydict(form_data(VALID_DOCUMENT)))
    assert entry.is_valid()
    goods = "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem"
    entry.add_issues(
        [
            Issue(IssueCode.REQUIRED, "42A/57B", "/Declaration/Declarant", "declarant"),
            Issue(IssueCode.UNKNOWN_CURRENCY, "", "/Declaration/InvoiceAmount/currencyID", "cur"),
            Issue(IssueCode.BAD_FORMAT, "", "/Declaration/InvoiceAmount", "amount"),
            Issue(IssueCode.BAD_LRN, "", "/Declaration/TypeCode", "type"),
            Issue(IssueCode.UNKNOWN_HS_CODE, "", f"{goods}/1/Commodity/Classification/0/ID", "hs"),
            Issue(IssueCode.UNKNOWN_COUNTRY, "", f"{goods}/0/Origin/0/CountryCode", "origin"),
            Issue(
                IssueCode.REQUIRED,
                "",
                f"{goods}/0/Commodity/GoodsMeasure/NetNetWeightMeasure",
                "net",
            ),
            Issue(
                IssueCode.SEQUENCE_GAP, "42A/67A/68A[2]/006", f"{goods}/1/SequenceNumeric", "seq"
            ),
            Issue(IssueCode.NO_GOODS_ITEMS, "42A/67A/68A", goods, "none"),
        ]
    )

    assert entry.header.errors["declarant_id"] == ["declarant"]
    assert entry.header.errors["invoice_currency"] == ["cur"]
    assert entry.header.errors["invoice_amount"] == ["amount"]
    assert entry.header.errors["declaration_type"] == ["type"]
    assert entry.items.forms[1].errors["hs_code"] == ["hs"]
    assert entry.items.forms[0].errors["origin_country"] == ["origin"]
    assert entry.items.forms[0].errors["net_mass"] == ["net"]
    assert entry.items.forms[1].non_field_errors() == ["seq"]
    assert [issue.message for issue in entry.unplaced] == ["none"]


def _querydict(data: dict[str, str]) -> Any:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.update(data)
    return query


# --- drafts ---------------------------------------------------------------------------------


def test_save_draft_then_reopen_then_submit(trader_a: Trader, agencies: Any) -> None:
    client = logged_in(trader_a.user)
    incomplete = form_data(VALID_DOCUMENT, action="save_draft", declarant_id="")

    response = client.post(NEW, incomplete)

    draft = Declaration.objects.get()
    assert draft.status == ClearanceStatus.DRAFT
    assert response["Location"] == reverse("declaration_edit", args=[draft.pk])
    assert "Declarant" in draft.document["Declaration"]  # the name is kept
    assert "ID" not in draft.document["Declaration"]["Declarant"]

    reopened = client.get(reverse("declaration_edit", args=[draft.pk])).content.decode()
    assert 'value="LRN-2026-000001"' in input_tag(reopened, "lrn")
    assert 'value="300490"' in input_tag(reopened, "items-1-hs_code")
    assert 'name="items-INITIAL_FORMS" value="2"' in reopened

    data = form_data(VALID_DOCUMENT)
    data["items-INITIAL_FORMS"] = "2"
    response = client.post(reverse("declaration_edit", args=[draft.pk]), data)

    draft.refresh_from_db()
    assert response["Location"] == reverse("declaration_detail", args=[draft.pk])
    assert draft.status != ClearanceStatus.DRAFT
    assert draft.mrn
    assert Declaration.objects.count() == 1


def test_editing_a_draft_keeps_elements_the_form_does_not_show(trader_a: Trader) -> None:
    document = valid_document(
        AdditionalInformation=[{"StatementDescription": "Fragile", "StatementTypeCode": "AAI"}]
    )
    goods = document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"]
    goods[0]["StatisticalValueAmount"] = {"value": "5000", "currencyID": "EUR"}
    draft = services.declaration_save_draft(trader=trader_a, document=document)

    data = form_data(document, action="save_draft", declarant_name="Renamed Ltd")
    data["items-INITIAL_FORMS"] = "2"
    logged_in(trader_a.user).post(reverse("declaration_edit", args=[draft.pk]), data)

    draft.refresh_from_db()
    stored = draft.document["Declaration"]
    assert stored["Declarant"]["Name"] == "Renamed Ltd"
    assert stored["AdditionalInformation"][0]["StatementDescription"] == "Fragile"
    assert stored["GoodsShipment"]["GovernmentAgencyGoodsItem"][0]["StatisticalValueAmount"]


def test_editing_a_draft_keeps_the_xml_attributes_of_a_field(trader_a: Trader) -> None:
    # Given a draft whose goods description carries a languageID (as XML brought it)
    document = valid_document()
    commodity = document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"][0][
        "Commodity"
    ]
    commodity["Description"] = {"value": "Roasted coffee", "languageID": "EN"}
    draft = services.declaration_save_draft(trader=trader_a, document=document)
    client = logged_in(trader_a.user)

    # When the trader opens it, the description shows; and when they change it and save
    page = client.get(reverse("declaration_edit", args=[draft.pk])).content.decode()
    data = form_data(document, action="save_draft")
    data["items-0-description"] = "Roasted coffee beans"
    data["items-INITIAL_FORMS"] = "2"
    client.post(reverse("declaration_edit", args=[draft.pk]), data)

    # Then the new text is stored with its attribute kept
    assert 'value="Roasted coffee"' in page
    draft.refresh_from_db()
    stored = draft.document["Declaration"]["GoodsShipment"]["GovernmentAgencyGoodsItem"][0]
    assert stored["Commodity"]["Description"] == {
        "value": "Roasted coffee beans",
        "languageID": "EN",
    }


def test_submitted_declaration_cannot_be_edited(
    trader_a: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    declaration = make_submitted_declaration(trader_a, [COFFEE])

    response = logged_in(trader_a.user).get(reverse("declaration_edit", args=[declaration.pk]))

    assert response["Location"] == reverse("declaration_detail", args=[declaration.pk])


def test_another_company_cannot_open_or_edit_a_declaration(
    trader_a: Trader, trader_b: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    declaration = make_submitted_declaration(trader_a, [COFFEE])
    draft = services.declaration_save_draft(trader=trader_a, document=valid_document())
    other = logged_in(trader_b.user)

    assert other.get(reverse("declaration_detail", args=[declaration.pk])).status_code == 404
    assert other.get(reverse("declaration_edit", args=[draft.pk])).status_code == 404
    response = other.post(reverse("declaration_edit", args=[draft.pk]), form_data(VALID_DOCUMENT))
    assert response.status_code == 404


# --- the declaration page -------------------------------------------------------------------


def test_declaration_list_is_paged_newest_first(
    trader_a: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    # Given 51 declarations of the trader's company
    declarations = [make_submitted_declaration(trader_a, [COFFEE]) for _ in range(51)]
    client = logged_in(trader_a.user)

    # When the trader opens the list and its second page
    first = client.get(LIST)
    second = client.get(LIST, {"page": "2"})

    # Then the newest 50 come first and the oldest is on page 2
    assert len(first.context["declarations"]) == 50
    assert declarations[-1].mrn in first.content.decode()
    assert [d.pk for d in second.context["declarations"]] == [declarations[0].pk]


def test_declaration_page_shows_status_reviews_items_and_history(
    trader_a: Trader,
    officer_medicines: Any,
    make_routed_declaration: MakeDeclaration,
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE, MEDICAMENTS])
    task = review_of(declaration, officer_medicines.agency)
    review_decide(
        user=officer_medicines.user,
        review_id=task.pk,
        decision="rejected",
        reason="Import licence for medicines missing.",
    )

    response = logged_in(trader_a.user).get(reverse("declaration_detail", args=[declaration.pk]))
    html = response.content.decode()

    # The medicines item is refused; the coffee is still under review by the others
    assert response.status_code == 200
    assert 'data-item="2" data-status="refused"' in html
    assert 'data-item="1" data-status="open"' in html
    assert 'data-status="under_review"' in html
    assert "Import licence for medicines missing." in html
    assert declaration.mrn in html
    assert "090121" in html and "300490" in html
    assert "Customs" in html
    assert "Sent to agencies" in html  # the history


def test_declaration_page_shows_the_warnings_it_was_accepted_with(
    trader_a: Trader, make_submitted_declaration: MakeDeclaration
) -> None:
    # Given a declaration accepted with a warning, and one without
    warned = make_submitted_declaration(
        trader_a,
        [COFFEE],
        warnings=[
            {
                "code": "currency_mismatch",
                "severity": "warning",
                "pointer": "42A/109",
                "path": "/Declaration/InvoiceAmount",
                "message": "The invoice is in EUR but goods items are valued in EUR, USD.",
            }
        ],
    )
    clean = make_submitted_declaration(trader_a, [COFFEE])
    client = logged_in(trader_a.user)

    # When the trader opens each page
    warned_html = client.get(reverse("declaration_detail", args=[warned.pk])).content.decode()
    clean_html = client.get(reverse("declaration_detail", args=[clean.pk])).content.decode()

    # Then the warning shows with its pointer on the first only
    assert "Accepted with warnings" in warned_html
    assert "goods items are valued in EUR, USD." in warned_html
    assert "<code>42A/109</code>" in warned_html
    assert 'data-testid="warnings"' not in clean_html


def test_declaration_page_offers_the_answer_form_when_awaiting_trader(
    trader_a: Trader, officer_customs: Any, make_routed_declaration: MakeDeclaration
) -> None:
    declaration = make_routed_declaration(trader_a, [COFFEE])
    url = reverse("declaration_detail", args=[declaration.pk])
    assert reverse("agencies:respond", args=[declaration.pk]) not in (
        logged_in(trader_a.user).get(url).content.decode()
    )

    task = ReviewTask.objects.get(declaration=declaration, agency=officer_customs.agency)
    review_decide(
        user=officer_customs.user,
        review_id=task.pk,
        decision=ReviewStatus.INFO_REQUESTED,
        reason="Send the commercial invoice.",
    )
    html = logged_in(trader_a.user).get(url).content.decode()

    assert reverse("agencies:respond", args=[declaration.pk]) in html
    assert "Send the commercial invoice." in html
    assert unlabelled_controls(html) == []


def test_draft_page_links_to_the_form(trader_a: Trader) -> None:
    draft = services.declaration_save_draft(trader=trader_a, document=valid_document())

    html = logged_in(trader_a.user).get(reverse("declaration_detail", args=[draft.pk]))

    assert reverse("declaration_edit", args=[draft.pk]) in html.content.decode()


# --- language -------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "brazil"), [("fr", "Brésil (BR)"), ("zh-hans", "巴西 (BR)")])
def test_language_switcher_changes_the_page_language(
    trader_a: Trader, language: str, brazil: str
) -> None:
    client = logged_in(trader_a.user)
    assert f'action="{reverse("set_language")}"' in client.get(NEW).content.decode()

    client.post(reverse("set_language"), {"language": language, "next": NEW})
    html = client.get(NEW).content.decode()

    assert f'<html lang="{language}">' in html
    assert brazil in html  # country names come in the chosen language


def test_unknown_select_value_is_refused_before_the_service(trader_a: Trader) -> None:
    response = logged_in(trader_a.user).post(
        NEW, form_data(VALID_DOCUMENT, **{"items-0-origin_country": "ZZ"})
    )

    assert response.status_code == 422
    assert 'aria-invalid="true"' in input_tag(response.content.decode(), "items-0-origin_country")
    assert not Declaration.objects.exists()


def test_a_draft_with_an_odd_document_still_opens_and_saves(trader_a: Trader) -> None:
    draft = services.declaration_save_draft(
        trader=trader_a,
        document={"Declaration": {"GoodsShipment": {"GovernmentAgencyGoodsItem": ["junk"]}}},
    )
    client = logged_in(trader_a.user)
    url = reverse("declaration_edit", args=[draft.pk])

    assert client.get(url).status_code == 200
    data = form_data(VALID_DOCUMENT, action="save_draft")
    data["items-INITIAL_FORMS"] = "1"
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.document["Declaration"]["FunctionalReferenceID"] == "LRN-2026-000001"
