"""Officers' forms. They only parse: ``agencies.services`` decides what is allowed (a
condition for a release with conditions, a reason for a refusal, a message for an
information request) and its errors are shown at the field they name."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from declarations.forms.base import PortalForm

from .inspections.models import InspectionKind, InspectionResult, LaboratoryResult
from .models import ItemOutcomeKind
from .risk.models import RiskLane
from .services.decisions import (
    APPROVE_ALL,
    DECIDE,
    REFUSE_ALL,
    REQUEST_INFORMATION,
    ItemDecision,
)

MAX_TEXT = 4000

DECISIONS = [
    (DECIDE, _("Record the outcome of each item")),
    (APPROVE_ALL, _("Release all items")),
    (REFUSE_ALL, _("Refuse all items")),
    (REQUEST_INFORMATION, _("Request information from the trader")),
]


class ReviewDecisionForm(PortalForm):
    """One outcome per goods item routed to the agency (``outcome_<sequence>`` with its
    ``note_<sequence>``: the condition of a release with conditions or the reason of a
    refusal), or a shorthand; ``reason``: why all items are refused, or what the trader
    must send. The submit button pressed gives ``decision``."""

    decision = forms.ChoiceField(choices=DECISIONS, required=False)
    reason = forms.CharField(
        label=_("Reason or message to the trader"),
        help_text=_("Required to refuse all items or to request information; the trader sees it."),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, sequences: list[int], **kwargs: Any) -> None:
        self.sequences = sequences
        super().__init__(*args, **kwargs)
        for sequence in sequences:
            self.fields[f"outcome_{sequence}"] = forms.ChoiceField(
                label=_("Outcome for item %(n)s") % {"n": sequence},
                choices=[("", _("Choose…")), *ItemOutcomeKind.choices],
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"note_{sequence}"] = forms.CharField(
                label=_("Condition or reason for item %(n)s") % {"n": sequence},
                required=False,
                max_length=MAX_TEXT,
                widget=forms.TextInput(attrs={"class": "form-control-sm", "autocomplete": "off"}),
            )

    def item_decisions(self) -> list[ItemDecision]:
        """The outcomes the officer chose (items left on "Choose…" are left out: the service
        says which items still need one)."""
        decisions = []
        for sequence in self.sequences:
            outcome = self.cleaned_data.get(f"outcome_{sequence}") or ""
            note = self.cleaned_data.get(f"note_{sequence}") or ""
            conditional = outcome == ItemOutcomeKind.RELEASED_WITH_CONDITIONS
            if outcome:
                decisions.append(
                    ItemDecision(
                        sequence=sequence,
                        outcome=outcome,
                        condition=note if conditional else "",
                        reason=note if outcome == ItemOutcomeKind.REFUSED else "",
                    )
                )
        return decisions

    def add_item_error(self, sequence: int, field: str, message: str) -> None:
        """A service error about one item, at its outcome or note field."""
        name = f"outcome_{sequence}" if field in ("outcome", "sequence") else f"note_{sequence}"
        self.add_error(name if name in self.fields else None, message)

    def item_rows(self) -> list[tuple[int, Any, Any]]:
        return [(s, self[f"outcome_{s}"], self[f"note_{s}"]) for s in self.sequences]


class InspectionOrderForm(PortalForm):
    kind = forms.ChoiceField(label=_("Check"), choices=InspectionKind.choices)
    sample = forms.BooleanField(label=_("Take a sample for a laboratory"), required=False)


class LaneOverrideForm(PortalForm):
    """An officer's change of the task's risk lane: the reason is required."""

    lane = forms.ChoiceField(label=_("New lane"), choices=RiskLane.choices)
    reason = forms.CharField(
        label=_("Reason"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )


class InspectionResultForm(PortalForm):
    result = forms.ChoiceField(
        label=_("Result"), choices=[("", _("Choose…")), *InspectionResult.choices], required=False
    )
    laboratory_result = forms.ChoiceField(
        label=_("Laboratory result"),
        choices=[("", _("Unchanged")), *LaboratoryResult.choices],
        required=False,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=MAX_TEXT)


class AssignForm(PortalForm):
    officer = forms.ChoiceField(label=_("Officer"))

    def __init__(self, *args: Any, officers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = officers


class QueueFilterForm(PortalForm):
    """The queue's filters (GET); ``agencies.selectors.review_queue_filtered`` applies them."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    claimed = forms.ChoiceField(
        label=_("Held by"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("Me")), ("none", _("Nobody (unclaimed)"))],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    origin = forms.RegexField(
        label=_("Origin"),
        regex=r"\A[A-Za-z]{2}\Z",
        required=False,
        max_length=2,
        error_messages={"invalid": _("Two letters (ISO 3166-1), e.g. BR.")},
        widget=forms.TextInput(attrs={"size": 3, "autocomplete": "off"}),
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("LRN, MRN, trader name or EORI, or the start of an HS code."),
    )

    def __init__(self, *args: Any, status_choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Open queue (pending)")), *status_choices]


class DisclaimedFilterForm(PortalForm):
    """The filters of the disclaimed items (GET), like the queue's;
    ``agencies.routing.disclaimed.disclaimed_filtered`` applies them."""

    state = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("Open to a call-in")),
            ("called_in", _("Called in")),
            ("all", _("All disclaimed items")),
        ],
    )
    code = forms.RegexField(
        label=_("Exemption code"),
        regex=r"\A[A-Za-z0-9]{4}\Z",
        required=False,
        max_length=4,
        error_messages={"invalid": _("Four characters (DE 2/3), e.g. Y900.")},
        widget=forms.TextInput(attrs={"size": 5, "autocomplete": "off"}),
    )
    origin = forms.RegexField(
        label=_("Origin"),
        regex=r"\A[A-Za-z]{2}\Z",
        required=False,
        max_length=2,
        error_messages={"invalid": _("Two letters (ISO 3166-1), e.g. BR.")},
        widget=forms.TextInput(attrs={"size": 3, "autocomplete": "off"}),
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("LRN, MRN, trader name or EORI, or the start of an HS code."),
    )


class CallInForm(PortalForm):
    """An officer calls in a disclaimed goods item: the reason is required (the service
    says so at the field) and the trader reads it."""

    reason = forms.CharField(
        label=_("Reason for the call-in"),
        help_text=_("Required. The trader reads it with the declaration."),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
