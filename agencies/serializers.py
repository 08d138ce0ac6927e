"""Shapes of the officers' review API and of the trader's answer to an information request.

Input serializers check only types and lengths; what a decision may be is decided by
``agencies.services`` (``DecisionInvalid``).
"""

import copy
from dataclasses import replace
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from datamodel.issues import IssueCode
from declarations.models import Declaration, GoodsItem
from declarations.serializers import GoodsItemSerializer

from .clearance import item_clearances
from .inspections.models import Inspection, InspectionKind, InspectionResult, LaboratoryResult
from .inspections.selectors import declaration_appointments, task_inspections
from .models import ItemOutcomeKind, ReviewMessageKind, ReviewStatus, ReviewTask
from .risk.serializers import LaneSerializer
from .routing.selectors import declaration_item_reasons
from .selectors import declaration_agencies, display_name, review_messages
from .services.decisions import DECISIONS

REVIEW_STATUS_HELP = " | ".join(ReviewStatus.values)

# Free texts stay readable in a queue and in the history.
MAX_TEXT = 4000


class TextField(serializers.CharField):
    """A free text that must come as a JSON string: a number, boolean, array or object is
    refused (``wrong_type``, as the validation layer says it) rather than turned into text."""

    default_error_messages = {IssueCode.WRONG_TYPE.value: _("Write this as text.")}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail(IssueCode.WRONG_TYPE.value)
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON ``true`` or ``false``; the strings and numbers DRF would also take are refused."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class ItemOutcomeInputSerializer(serializers.Serializer):
    """One goods item's outcome in a ``decide`` decision."""

    sequence = serializers.IntegerField(
        min_value=1, max_value=99999, help_text="The goods item's number (WCO DM 006)."
    )
    outcome = serializers.ChoiceField(choices=ItemOutcomeKind.choices)
    condition = TextField(
        required=False,
        allow_blank=True,
        max_length=MAX_TEXT,
        help_text="Required for released_with_conditions.",
    )
    reason = TextField(
        required=False, allow_blank=True, max_length=MAX_TEXT, help_text="Required for refused."
    )


class DecisionSerializer(serializers.Serializer):
    """``{"decision": "decide", "items": [...]}`` (one outcome per goods item), or the
    shorthands ``approved`` (every item released), ``rejected`` (every item refused,
    ``reason`` required), or ``info_requested`` (``reason``: what the trader must send)."""

    decision = serializers.ChoiceField(choices=[(d, d) for d in DECISIONS])
    reason = TextField(
        required=False,
        allow_blank=True,
        max_length=MAX_TEXT,
        trim_whitespace=True,
        help_text="Required to reject (the reason) or to request information (what to send).",
    )
    items = ItemOutcomeInputSerializer(
        many=True, required=False, max_length=9999, help_text="With decision=decide."
    )


class InspectionOrderSerializer(serializers.Serializer):
    """``{"kind": "documentary" | "identity" | "physical", "sample": false}``."""

    kind = serializers.ChoiceField(choices=InspectionKind.choices)
    sample = StrictBooleanField(
        required=False, default=False, help_text="A sample is taken for a laboratory."
    )


class InspectionResultInputSerializer(serializers.Serializer):
    """``{"result": ..., "laboratory_result": ..., "note": "..."}`` (result or laboratory)."""

    result = serializers.ChoiceField(choices=InspectionResult.choices, required=False)
    laboratory_result = serializers.ChoiceField(choices=LaboratoryResult.choices, required=False)
    note = TextField(required=False, allow_blank=True, max_length=MAX_TEXT)


class AssignSerializer(serializers.Serializer):
    """``{"officer": "<username>"}``: an officer of the same agency."""

    officer = TextField(max_length=150)


class AppointmentSerializer(serializers.Serializer):
    """One inspection appointment; ``agencies`` lists every agency taking part."""

    id = serializers.IntegerField()
    place = serializers.CharField(help_text="The location of goods (UCC DE 5/23).")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    agencies = serializers.ListField(child=serializers.CharField())
    is_joint = serializers.BooleanField()


class InspectionSerializer(serializers.ModelSerializer):
    """A check the agency ordered, with its result (empty until recorded)."""

    appointment = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "kind",
            "sample",
            "result",
            "laboratory_result",
            "note",
            "ordered_at",
            "result_at",
            "appointment",
            "links",
        ]
        read_only_fields = fields

    @extend_schema_field(AppointmentSerializer(allow_null=True))
    def get_appointment(self, inspection: Inspection) -> dict[str, Any] | None:
        if inspection.appointment_id is None:
            return None
        declaration = inspection.task.declaration
        for view in declaration_appointments(declaration):
            if view.id == inspection.appointment_id:
                return AppointmentSerializer(view).data
        return None

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_links(self, inspection: Inspection) -> dict[str, str]:
        return {"result": _url(self.context, "inspection-result", inspection.pk)}


class TraderResponseSerializer(serializers.Serializer):
    """``{"message": "...", "documents": [id, ...]}``: the trader's answer to the agencies'
    information requests; ``documents`` cites supporting documents already attached to the
    declaration (``POST declarations/{id}/documents/``). A message, documents, or both."""

    message = TextField(allow_blank=True, max_length=MAX_TEXT, required=False, default="")
    documents = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        max_length=50,
        help_text="Ids of the declaration's supporting documents the answer sends.",
    )


class DeclarationHeaderSerializer(serializers.ModelSerializer):
    """The declaration as an officer sees it in a queue."""

    company = serializers.CharField(source="company.name")
    company_eori = serializers.CharField(source="company.eori")

    class Meta:
        model = Declaration
        fields = [
            "id",
            "lrn",
            "mrn",
            "type_code",
            "status",
            "submitted_at",
            "company",
            "company_eori",
        ]
        read_only_fields = fields


def _url(context: dict[str, Any], name: str, pk: int) -> str:
    request = context.get("request")
    path = reverse(f"api:{name}", kwargs={"pk": pk})
    return request.build_absolute_uri(path) if request is not None else path


class ReviewLinksSerializer(serializers.Serializer):
    self = serializers.CharField()
    decision = serializers.CharField()
    claim = serializers.CharField()
    release = serializers.CharField()
    assign = serializers.CharField()
    inspections = serializers.CharField()
    lane = serializers.CharField()


class ReviewSerializer(serializers.ModelSerializer):
    """A review task of the officer's agency, with the declaration's header, who holds it
    and its service deadline (``due_at``; empty while the trader is asked, the clock
    stopped; ``overdue``: pending past it)."""

    agency = serializers.CharField(source="agency.code")
    declaration = DeclarationHeaderSerializer()
    claimed_by = serializers.SerializerMethodField(
        help_text="Username of the officer working on it; null: in the shared queue."
    )
    claimed_by_name = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    lane = serializers.SerializerMethodField(
        help_text="The risk lane (green | yellow | red), why, the random draw and overrides; "
        "null for a task routed before the lanes."
    )
    links = serializers.SerializerMethodField()

    class Meta:
        model = ReviewTask
        fields = [
            "id",
            "agency",
            "status",
            "lane",
            "reason",
            "created_at",
            "due_at",
            "overdue",
            "escalated_at",
            "claimed_by",
            "claimed_by_name",
            "claimed_at",
            "decided_at",
            "declaration",
            "links",
        ]
        read_only_fields = fields

    @extend_schema_field(LaneSerializer(allow_null=True))
    def get_lane(self, task: ReviewTask) -> dict[str, Any] | None:
        assignment = getattr(task, "lane_assignment", None)
        return LaneSerializer(assignment).data if assignment is not None else None

    def get_claimed_by(self, task: ReviewTask) -> str | None:
        return task.claimed_by.get_username() if task.claimed_by_id else None

    def get_claimed_by_name(self, task: ReviewTask) -> str:
        return display_name(task.claimed_by) if task.claimed_by_id else ""

    def get_overdue(self, task: ReviewTask) -> bool:
        overdue = getattr(task, "overdue", None)
        if overdue is None:
            overdue = bool(
                task.status == "pending" and task.due_at and task.due_at < timezone.now()
            )
        return bool(overdue)

    @extend_schema_field(ReviewLinksSerializer)
    def get_links(self, task: ReviewTask) -> dict[str, str]:
        names = {
            "self": "review-detail",
            "decision": "review-decision",
            "claim": "review-claim",
            "release": "review-release",
            "assign": "review-assign",
            "inspections": "review-inspections",
            "lane": "review-lane",
        }
        return {key: _url(self.context, name, task.pk) for key, name in names.items()}


class ItemOutcomeSerializer(serializers.Serializer):
    """One agency's outcome for one goods item."""

    sequence = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=ItemOutcomeKind.choices)
    condition = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)


class AgencyClearanceSerializer(serializers.Serializer):
    """One agency's review of a declaration: status, message, outcome per goods item."""

    agency = serializers.CharField(source="code", help_text="Agency code.")
    agency_name = serializers.CharField(source="name")
    status = serializers.CharField(help_text=REVIEW_STATUS_HELP)
    reason = serializers.CharField(
        help_text="The information asked for, a refusal's reason, or why the task closed."
    )
    decided_at = serializers.DateTimeField(allow_null=True)
    items = serializers.SerializerMethodField()

    @extend_schema_field(ItemOutcomeSerializer(many=True))
    def get_items(self, agency: Any) -> list[dict[str, Any]]:
        return [
            {"sequence": seq, "outcome": outcome, "condition": condition, "reason": reason}
            for seq, outcome, condition, reason in agency.items
        ]


class ReviewMessageSerializer(serializers.Serializer):
    """One message of a task's thread with the trader (``selectors.review_messages``)."""

    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(
        choices=ReviewMessageKind.choices,
        help_text="The agency's information request, or the trader's answer.",
    )
    author = serializers.CharField(
        help_text="Who wrote it: the user's full name or username; empty when the account "
        "no longer exists."
    )
    party = serializers.CharField(
        help_text="The agency that asked, or the trader's company that answered."
    )
    message = serializers.CharField()


class RoutingReasonSerializer(serializers.Serializer):
    """Why a goods item went to an agency (``agencies.routing.selectors.ItemReason``)."""

    sequence = serializers.IntegerField(help_text="Goods item number (WCO 006).")
    agency = serializers.CharField()
    agency_code = serializers.CharField()
    rule_id = serializers.IntegerField(allow_null=True, help_text="Empty: customs.")
    rule = serializers.CharField(help_text="The rule's wording when the item was routed.")
    requirement = serializers.CharField(
        help_text="required | may_be_required | disclaimed | customs"
    )
    document_status = serializers.CharField(help_text="'' | present | exempted | missing")
    document_code = serializers.CharField()
    text = serializers.CharField(help_text="The reason in words, in the request's language.")
    rate_missing = serializers.CharField(
        help_text="Currencies without a customs exchange rate on rate_date: the value "
        "threshold could not be compared and the item was sent for review ('' otherwise)."
    )
    rate_date = serializers.DateField(allow_null=True)
    called_in_at = serializers.DateTimeField(
        allow_null=True, help_text="A disclaimed item the agency called in: when (else null)."
    )
    called_in_reason = serializers.CharField(help_text="Why the agency called it in.")


def routing_reasons_data(declaration: Declaration, agency_id: int | None = None) -> list:
    reasons = declaration_item_reasons(declaration, agency_id)
    rows = [reason for sequence in sorted(reasons) for reason in reasons[sequence]]
    return RoutingReasonSerializer(rows, many=True).data


class ReviewDetailSerializer(ReviewSerializer):
    """A review task with only the goods items routed to the agency: as rows (``items``)
    and inside the declaration's document (``document``, other items left out); and the
    agency's information requests with the trader's answers (``messages``, oldest first)."""

    items = serializers.SerializerMethodField()
    document = serializers.SerializerMethodField()
    messages = serializers.SerializerMethodField()
    outcomes = serializers.SerializerMethodField(
        help_text="This agency's outcome per goods item (empty until decided)."
    )
    agencies = serializers.SerializerMethodField(
        help_text="Every agency's review of the declaration (read-only coordination), "
        "with outcomes only for the goods items routed to this agency."
    )
    inspections = serializers.SerializerMethodField()
    routing_reasons = serializers.SerializerMethodField(
        help_text="Why each goods item came to this agency (rule, requirement, document)."
    )

    class Meta(ReviewSerializer.Meta):
        fields = [
            *ReviewSerializer.Meta.fields,
            "items",
            "document",
            "messages",
            "outcomes",
            "agencies",
            "inspections",
            "routing_reasons",
        ]
        read_only_fields = fields

    @extend_schema_field(RoutingReasonSerializer(many=True))
    def get_routing_reasons(self, task: ReviewTask) -> list[dict[str, Any]]:
        return routing_reasons_data(task.declaration, task.agency_id)

    def _agencies(self, task: ReviewTask) -> list[Any]:
        routed = {item.sequence for item in self._items(task)}
        return [
            replace(agency, items=tuple(i for i in agency.items if i[0] in routed))
            for agency in declaration_agencies(task.declaration)
        ]

    @extend_schema_field(ItemOutcomeSerializer(many=True))
    def get_outcomes(self, task: ReviewTask) -> list[dict[str, Any]]:
        own = next((a for a in self._agencies(task) if a.code == task.agency.code), None)
        return AgencyClearanceSerializer(own).data["items"] if own else []

    @extend_schema_field(AgencyClearanceSerializer(many=True))
    def get_agencies(self, task: ReviewTask) -> list[dict[str, Any]]:
        return AgencyClearanceSerializer(self._agencies(task), many=True).data

    @extend_schema_field(InspectionSerializer(many=True))
    def get_inspections(self, task: ReviewTask) -> list[dict[str, Any]]:
        return InspectionSerializer(task_inspections(task), many=True, context=self.context).data

    @extend_schema_field(ReviewMessageSerializer(many=True))
    def get_messages(self, task: ReviewTask) -> list[dict[str, Any]]:
        return ReviewMessageSerializer(review_messages(task), many=True).data

    def _items(self, task: ReviewTask) -> list[GoodsItem]:
        return list(task.items.order_by("sequence"))

    @extend_schema_field(GoodsItemSerializer(many=True))
    def get_items(self, task: ReviewTask) -> list[dict[str, Any]]:
        return GoodsItemSerializer(self._items(task), many=True).data

    @extend_schema_field(serializers.JSONField())
    def get_document(self, task: ReviewTask) -> dict[str, Any]:
        sequences = {item.sequence for item in self._items(task)}
        return routed_document(task.declaration.document, sequences)


def _sequence(item: Any) -> int | None:
    try:
        return int(item["SequenceNumeric"])
    except (KeyError, TypeError, ValueError):
        return None


def routed_document(document: dict[str, Any], sequences: set[int]) -> dict[str, Any]:
    """A copy of a canonical document keeping only the goods items (WCO DM 68A) whose
    SequenceNumeric is in ``sequences``: an agency sees the items routed to it, no others."""
    shown = copy.deepcopy(document)
    shipment = shown.get("Declaration", {}).get("GoodsShipment")
    if isinstance(shipment, dict) and isinstance(shipment.get("GovernmentAgencyGoodsItem"), list):
        shipment["GovernmentAgencyGoodsItem"] = [
            item for item in shipment["GovernmentAgencyGoodsItem"] if _sequence(item) in sequences
        ]
    return shown


class ItemClearanceSerializer(serializers.Serializer):
    """One goods item's merged status and each agency's outcome and condition on it."""

    sequence = serializers.IntegerField()
    status = serializers.CharField(help_text="open | released | released_with_conditions | refused")
    agencies = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_agencies(self, item: Any) -> list[dict[str, Any]]:
        return [
            {"agency": name, "outcome": outcome, "condition": condition, "reason": reason}
            for name, (outcome, condition, reason) in item.agencies.items()
        ]


class ClearanceStatusSerializer(serializers.ModelSerializer):
    """The trader's view of the clearance: the merged status, each agency's status and
    outcome per goods item, each item's merged status, and the inspection appointments
    (one per joint inspection, however many agencies take part)."""

    agencies = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()
    inspection_appointments = serializers.SerializerMethodField()
    review_tasks_queued = serializers.SerializerMethodField(
        help_text="True once every agency concerned has its review task (fan-out done)."
    )
    routing_reasons = serializers.SerializerMethodField(
        help_text="Why each goods item went to each agency: one entry per item, agency, rule."
    )

    class Meta:
        model = Declaration
        fields = [
            "id",
            "status",
            "agencies",
            "items",
            "inspection_appointments",
            "submitted_at",
            "routed_at",
            "review_tasks_queued",
            "routing_reasons",
        ]
        read_only_fields = fields

    @extend_schema_field(RoutingReasonSerializer(many=True))
    def get_routing_reasons(self, declaration: Declaration) -> list[dict[str, Any]]:
        return routing_reasons_data(declaration)

    @extend_schema_field(AgencyClearanceSerializer(many=True))
    def get_agencies(self, declaration: Declaration) -> list[dict[str, Any]]:
        return AgencyClearanceSerializer(declaration_agencies(declaration), many=True).data

    @extend_schema_field(ItemClearanceSerializer(many=True))
    def get_items(self, declaration: Declaration) -> list[dict[str, Any]]:
        return ItemClearanceSerializer(item_clearances(declaration), many=True).data

    @extend_schema_field(AppointmentSerializer(many=True))
    def get_inspection_appointments(self, declaration: Declaration) -> list[dict[str, Any]]:
        return AppointmentSerializer(declaration_appointments(declaration), many=True).data

    def get_review_tasks_queued(self, declaration: Declaration) -> bool:
        return declaration.routed_at is not None
