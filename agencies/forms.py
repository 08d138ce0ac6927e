"""Officers' forms. They only parse: ``agencies.services.review_decide`` decides what is
allowed (a reason for a rejection, a message for an information request)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from declarations.forms.base import PortalForm

from .models import ReviewStatus

DECISIONS = [
    (ReviewStatus.APPROVED.value, _("Approve")),
    (ReviewStatus.REJECTED.value, _("Reject")),
    (ReviewStatus.INFO_REQUESTED.value, _("Request information from the trader")),
]


class ReviewDecisionForm(PortalForm):
    """Approve, reject (with a reason) or ask the trader for information (with a message)."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=DECISIONS,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    reason = forms.CharField(
        label=_("Reason or message to the trader"),
        help_text=_("Required to reject or to request information; the trader sees it."),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
