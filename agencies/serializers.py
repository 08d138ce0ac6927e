"""Shapes of the officers' review API and of the trader's answer to an information request.

Input serializers check only types and lengths; what a decision may be is decided by
``agencies.services`` (``DecisionInvalid``).
"""

import copy
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from datamodel.issues import IssueCode
from declarations.models import Declaration, GoodsItem
from declarations.serializers import GoodsItemSerializer

from .models import ReviewMessageKind, ReviewStatus, ReviewTask
from .selectors import review_messages

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


class DecisionSerializer(serializers.Serializer):
    """``{"decision": "approved" | "rejected" | "info_requested", "reason": "..."}``."""

    decision = serializers.ChoiceField(
        choices=[
            (c.value, c.label)
            for c in (ReviewStatus.APPROVED, ReviewStatus.REJECTED, ReviewStatus.INFO_REQUESTED)
        ]
    )
    reason = TextField(
        required=False,
        allow_blank=True,
        max_length=MAX_TEXT,
        trim_whitespace=True,
        help_text="Required to reject (the reason) or to request information (what to send).",
    )


class TraderResponseSerializer(serializers.Serializer):
    """``{"message": "..."}``: the trader's answer to the agencies' information requests."""

    message = TextField(allow_blank=True, max_length=MAX_TEXT)


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


class ReviewLinksSerializer(serializers.Serializer):
    self = serializers.CharField()
    decision = serializers.CharField()


class ReviewSerializer(serializers.ModelSerializer):
    """A review task of the officer's agency, with the declaration's header."""

    agency = serializers.CharField(source="agency.code")
    declaration = DeclarationHeaderSerializer()
    links = serializers.SerializerMethodField()

    class Meta:
        model = ReviewTask
        fields = [
            "id",
            "agency",
            "status",
            "reason",
            "created_at",
            "decided_at",
            "declaration",
            "links",
        ]
        read_only_fields = fields

    @extend_schema_field(ReviewLinksSerializer)
    def get_links(self, task: ReviewTask) -> dict[str, str]:
        request = self.context.get("request")

        def url(name: str) -> str:
            path = reverse(f"api:{name}", kwargs={"pk": task.pk})
            return request.build_absolute_uri(path) if request is not None else path

        return {"self": url("review-detail"), "decision": url("review-decision")}


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


class ReviewDetailSerializer(ReviewSerializer):
    """A review task with only the goods items routed to the agency: as rows (``items``)
    and inside the declaration's document (``document``, other items left out); and the
    agency's information requests with the trader's answers (``messages``, oldest first)."""

    items = serializers.SerializerMethodField()
    document = serializers.SerializerMethodField()
    messages = serializers.SerializerMethodField()

    class Meta(ReviewSerializer.Meta):
        fields = [*ReviewSerializer.Meta.fields, "items", "document", "messages"]
        read_only_fields = fields

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
