"""Output shapes of the declarations API (read-only serializers) and of its errors.

Input is never validated here: a declaration document goes to
``declarations.services.declaration_submit``, which runs it through ``datamodel`` (the one
validation path). These serializers only render stored rows, so the OpenAPI schema can
show the shapes.
"""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Declaration, DeclarationType, GoodsItem, StatusEvent
from .selectors import declaration_history

# Values of ``agencies.models.ReviewStatus``; spelled out because declarations must not
# import agencies (imports point from agencies to declarations).
REVIEW_STATUS_HELP = (
    "pending | info_requested | released | released_with_conditions | partially_released "
    "| refused | closed"
)


class ErrorSerializer(serializers.Serializer):
    """One problem with a request: the shape of ``datamodel.issues.Issue.as_dict()``."""

    code = serializers.CharField(
        help_text="Stable machine code: a validation code of datamodel.issues.IssueCode "
        "(required, bad_format, duplicate_lrn, malformed, too_large, ...) or an HTTP-level "
        "one (not_authenticated, permission_denied, not_found, unsupported_media_type, "
        "not_acceptable, method_not_allowed, decision_invalid, invalid, ...)."
    )
    severity = serializers.ChoiceField(choices=["error", "warning"])
    pointer = serializers.CharField(
        allow_blank=True,
        help_text="WCO error pointer (e.g. 42A/67A/68A[1]/23A/65A/128) for a declaration "
        "document field; the parameter's name (e.g. limit) for a query parameter; empty "
        "for other request fields (e.g. a decision's reason: no WCO element) and for the "
        "request as a whole.",
    )
    path = serializers.CharField(
        allow_blank=True,
        help_text="RFC 6901 JSON pointer to the body field (e.g. /reason); ?name for a "
        "query parameter (e.g. ?limit); empty for the request as a whole.",
    )
    message = serializers.CharField(help_text="Human-readable explanation (translated).")


class ErrorsSerializer(serializers.Serializer):
    """The body of every 4xx answer of the API."""

    errors = ErrorSerializer(many=True)
    warnings = ErrorSerializer(
        many=True,
        help_text="Always present; empty except when validation refused a declaration "
        "document and also found things to warn about.",
    )


class GoodsItemSerializer(serializers.ModelSerializer):
    """One goods item (WCO DM 68A) as stored: masses in kg, value in ``currency``."""

    class Meta:
        model = GoodsItem
        fields = [
            "sequence",
            "hs_code",
            "description",
            "origin_country",
            "net_mass_kg",
            "gross_mass_kg",
            "quantity",
            "quantity_unit",
            "customs_value",
            "currency",
        ]
        read_only_fields = fields


class AgencyReviewSerializer(serializers.Serializer):
    """One agency's review of the declaration as the trader sees it (a ``ReviewTask``)."""

    agency = serializers.CharField(source="agency.code", help_text="Agency code.")
    agency_name = serializers.CharField(source="agency.name")
    status = serializers.CharField(help_text=REVIEW_STATUS_HELP)
    reason = serializers.CharField(
        help_text="Reason of a rejection or the information the agency asks for."
    )
    decided_at = serializers.DateTimeField(allow_null=True)


class StatusEventSerializer(serializers.ModelSerializer):
    """One line of the declaration's history; ``message`` in the request's language
    (``Accept-Language``) when the system composed it."""

    message = serializers.CharField(source="text", read_only=True)

    class Meta:
        model = StatusEvent
        fields = ["at", "kind", "agency", "from_status", "to_status", "message"]
        read_only_fields = fields


class DeclarationLinksSerializer(serializers.Serializer):
    self = serializers.CharField()
    status = serializers.CharField()
    response = serializers.CharField(help_text="Where to answer an information request.")


def declaration_links(declaration: Declaration, request: Any) -> dict[str, str]:
    """Absolute URLs of the declaration's API resources."""

    def url(name: str) -> str:
        path = reverse(f"api:{name}", kwargs={"pk": declaration.pk})
        return request.build_absolute_uri(path) if request is not None else path

    return {
        "self": url("declaration-detail"),
        "status": url("declaration-status"),
        "response": url("declaration-response"),
    }


class DeclarationListSerializer(serializers.ModelSerializer):
    """A declaration in a list: its header, without document or goods items."""

    links = serializers.SerializerMethodField()
    # Blank for a draft that has no type yet (documented so: the schema's enum allows "").
    type_code = serializers.ChoiceField(
        choices=DeclarationType.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Declaration
        fields = [
            "id",
            "lrn",
            "mrn",
            "type_code",
            "status",
            "created_at",
            "submitted_at",
            "routed_at",
            "links",
        ]
        read_only_fields = fields

    @extend_schema_field(DeclarationLinksSerializer)
    def get_links(self, declaration: Declaration) -> dict[str, str]:
        return declaration_links(declaration, self.context.get("request"))


class DeclarationSerializer(DeclarationListSerializer):
    """A stored declaration: header, canonical WCO DM document and goods item rows."""

    document = serializers.JSONField(
        help_text='The canonical WCO DM document, {"Declaration": {...}} (see datamodel).'
    )
    warnings = serializers.JSONField(
        help_text="Warnings of the validation that accepted the declaration, in the error "
        "format: code, severity, pointer, path, message."
    )
    items = GoodsItemSerializer(many=True)

    class Meta(DeclarationListSerializer.Meta):
        fields = [*DeclarationListSerializer.Meta.fields, "document", "warnings", "items"]
        read_only_fields = fields


class DeclarationDetailSerializer(DeclarationSerializer):
    """A declaration with each agency's review and its history, oldest event first."""

    agencies = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta(DeclarationSerializer.Meta):
        fields = [*DeclarationSerializer.Meta.fields, "agencies", "history"]
        read_only_fields = fields

    @extend_schema_field(AgencyReviewSerializer(many=True))
    def get_agencies(self, declaration: Declaration) -> list[dict[str, Any]]:
        return AgencyReviewSerializer(agency_reviews(declaration), many=True).data

    @extend_schema_field(StatusEventSerializer(many=True))
    def get_history(self, declaration: Declaration) -> list[dict[str, Any]]:
        return StatusEventSerializer(declaration_history(declaration), many=True).data


def agency_reviews(declaration: Declaration) -> Any:
    """The declaration's review tasks with their agencies, in agency name order."""
    return declaration.review_tasks.select_related("agency").order_by("agency__name")
