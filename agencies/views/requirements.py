"""The public "What do I need?" page (UN/CEFACT Rec. 38): agencies, documents and
exemption codes for an HS code and origin, and the HS code search. Open without login."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from datamodel.rules.context import is_country
from declarations.models import DeclarationType

from ..routing.conditions import ItemFacts
from ..routing.hs_search import hs_search
from ..routing.requirements import requirements_for


class RequirementsForm(forms.Form):
    hs = forms.RegexField(
        label=_("HS code"),
        regex=r"^\s*[0-9][0-9 .]{1,13}\s*$",
        error_messages={"invalid": _("Give 2 to 10 digits, e.g. 0901.21.")},
        required=False,
    )
    origin = forms.CharField(label=_("Country of origin"), max_length=2, required=False)
    type = forms.ChoiceField(
        label=_("Declaration type"),
        choices=[("", _("any")), *DeclarationType.choices],
        required=False,
    )
    q = forms.CharField(label=_("Or describe the goods"), max_length=200, required=False)

    def clean_hs(self) -> str:
        digits = self.cleaned_data["hs"].replace(".", "").replace(" ", "")
        if digits and not 2 <= len(digits) <= 10:
            raise forms.ValidationError(_("Give 2 to 10 digits, e.g. 0901.21."))
        return digits

    def clean_origin(self) -> str:
        code = self.cleaned_data["origin"].strip().upper()
        if code and not is_country(code):
            raise forms.ValidationError(_("Not an ISO 3166-1 country code, e.g. BR."))
        return code


def requirements_page(request: HttpRequest) -> HttpResponse:
    """GET ``?hs=&origin=&type=`` (what the agencies need) and ``?q=`` (HS code search)."""
    form = RequirementsForm(request.GET or None)
    needs, hits = None, None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["hs"]:
            facts = ItemFacts(
                hs_code=data["hs"], origin_country=data["origin"], declaration_type=data["type"]
            )
            needs = requirements_for(facts)
        if data["q"]:
            hits = hs_search(data["q"])
    return render(
        request, "agencies/requirements.html", {"form": form, "needs": needs, "hits": hits}
    )
