"""The trader's answer to an agency's information request."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .base import PortalForm


class InformationResponseForm(PortalForm):
    """The trader's answer to an agency's request for information."""

    message = forms.CharField(
        label=_("Your answer to the agency"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
