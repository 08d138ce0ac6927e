"""Forms of the account pages: the two-factor code, and a new API token."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

TOKEN_LIFETIMES = (7, 30, 90, 365)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. the ERP link.")
    )
    days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        initial=30,
        choices=[],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    read_only = forms.BooleanField(
        label=_("Read-only (may read declarations and statuses, not lodge or decide)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = [
            (days, _("%(days)d days") % {"days": days})
            for days in TOKEN_LIFETIMES
            if days <= settings.API_TOKEN_MAX_DAYS
        ]
