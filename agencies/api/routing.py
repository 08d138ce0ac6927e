"""Routing over the API: "what do I need?" (``requirements/``) and the HS code search
(``hs/``), open without login (UN/CEFACT Rec. 38: trade information for anyone about to
trade); the routing rules, readable by officers (``routing-rules/``)."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from datamodel.rules.context import is_country
from declarations.api.base import ApiView, query_filters
from declarations.api.schema import ERROR_RESPONSES
from declarations.models import DeclarationType

from ..models import RoutingRequirement, RoutingRule
from ..routing.conditions import ItemFacts
from ..routing.hs_search import hs_search
from ..routing.requirements import requirements_for
from .base import OFFICER_ERRORS, OfficerApiView


def _country(value: str) -> str:
    code = value.strip().upper()
    if not is_country(code):
        raise serializers.ValidationError(f"{value} is not an ISO 3166-1 alpha-2 country code.")
    return code


class RequirementsQuery(serializers.Serializer):
    hs = serializers.RegexField(
        r"\A[0-9][0-9 .]{1,13}\Z", help_text="HS code, 2 to 10 digits (dots allowed): 0901.21."
    )
    origin = serializers.CharField(required=False, help_text="Country of origin (ISO 3166-1).")
    export = serializers.CharField(required=False, help_text="Country of export (ISO 3166-1).")
    destination = serializers.CharField(required=False, help_text="Country of destination.")
    type = serializers.ChoiceField(
        choices=DeclarationType.choices, required=False, help_text="IM, EX or CO."
    )
    procedure = serializers.RegexField(
        r"\A[0-9]{2}([0-9]{2})?\Z", required=False, help_text="DE 1/10: 40 or 4000."
    )
    value = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    currency = serializers.RegexField(r"\A[A-Za-z]{3}\Z", required=False)
    documents = serializers.CharField(
        required=False, help_text="DE 2/3 codes you will declare, comma-separated: C640,Y929."
    )

    def validate_hs(self, value: str) -> str:
        digits = value.replace(".", "").replace(" ", "")
        if not 2 <= len(digits) <= 10:
            raise serializers.ValidationError("Give 2 to 10 digits.")
        return digits

    validate_origin = staticmethod(_country)
    validate_export = staticmethod(_country)
    validate_destination = staticmethod(_country)


def facts_from_query(query: dict[str, Any]) -> ItemFacts:
    """The goods item a trader describes before filing, as routing sees it."""
    documents = frozenset(
        c.strip().upper() for c in query.get("documents", "").split(",") if c.strip()
    )
    return ItemFacts(
        hs_code=query["hs"],
        origin_country=query.get("origin", ""),
        export_country=query.get("export", ""),
        destination_country=query.get("destination", ""),
        declaration_type=query.get("type", ""),
        procedure_code=query.get("procedure", ""),
        customs_value=query.get("value"),
        currency=query.get("currency", "").upper(),
        document_codes=documents,
    )


class DocumentNeedSerializer(serializers.Serializer):
    code = serializers.CharField()
    description = serializers.CharField()
    exemption_codes = serializers.ListField(child=serializers.CharField())


class AgencyRequirementSerializer(serializers.Serializer):
    agency = serializers.CharField(source="agency.name")
    agency_code = serializers.CharField(source="agency.code")
    requirement = serializers.CharField(
        help_text=" | ".join(value for value, _label in RoutingRequirement.choices)
    )
    requirement_label = serializers.CharField()
    reviews = serializers.BooleanField(help_text="False: disclaimed, the agency is informed.")
    rules = serializers.ListField(child=serializers.CharField())
    documents = DocumentNeedSerializer(many=True)
    exemption_codes = serializers.ListField(child=serializers.CharField())
    notes = serializers.ListField(
        child=serializers.CharField(),
        help_text="Why a rule matched without its value threshold being compared: no "
        "customs exchange rate for the currency on the day (routing errs toward review).",
    )
    text = serializers.SerializerMethodField()

    def get_text(self, need: Any) -> str:
        return f"{need.agency.name}: {need.requirement_label}"


class RequirementsSerializer(serializers.Serializer):
    hs = serializers.CharField()
    agencies = AgencyRequirementSerializer(many=True)


class PublicApiView(ApiView):
    """Open without login; anonymous callers are held to the ``anon`` rate."""

    permission_classes = [AllowAny]


class RequirementsView(PublicApiView):
    @extend_schema(
        operation_id="requirements",
        summary="Which agencies review goods of this HS code and origin, and what they need",
        description="From the routing rules in force today, through the same matching as "
        "the fan-out of a lodged declaration. Open without login.",
        parameters=[RequirementsQuery],
        responses={200: RequirementsSerializer, **ERROR_RESPONSES},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        query = query_filters(RequirementsQuery, request.query_params)
        needs = requirements_for(facts_from_query(query))
        return Response(RequirementsSerializer({"hs": query["hs"], "agencies": needs}).data)


class HsQuery(serializers.Serializer):
    q = serializers.CharField(max_length=200, help_text="A goods description: roasted coffee.")


class HsHitSerializer(serializers.Serializer):
    hs_code = serializers.CharField()
    description = serializers.CharField()
    score = serializers.FloatField(help_text="0-1, higher is better.")
    cleared = serializers.IntegerField(help_text="Cleared goods items described alike.")


class HsSearchSerializer(serializers.Serializer):
    q = serializers.CharField()
    results = HsHitSerializer(many=True)


class HsSearchView(PublicApiView):
    @extend_schema(
        operation_id="hs_search",
        summary="HS codes for a goods description, ranked",
        description="Over the HS 2022 texts and the descriptions of cleared goods items.",
        parameters=[HsQuery],
        responses={200: HsSearchSerializer, **ERROR_RESPONSES},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        query = query_filters(HsQuery, request.query_params)
        hits = hs_search(query["q"])
        return Response(HsSearchSerializer({"q": query["q"], "results": hits}).data)


class RoutingRuleSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.name")
    agency_code = serializers.CharField(source="agency.code")
    text = serializers.CharField(source="conditions_text")

    class Meta:
        model = RoutingRule
        fields = [
            "id",
            "agency",
            "agency_code",
            "description",
            "text",
            "hs_prefix",
            "origin_country",
            "export_country",
            "destination_country",
            "declaration_type",
            "procedure_code",
            "value_above",
            "value_currency",
            "document_code",
            "exemption_codes",
            "requirement",
            "valid_from",
            "valid_to",
            "active",
        ]
        read_only_fields = fields


class RoutingRuleListView(OfficerApiView):
    """Every routing rule, active or not (read-only: rules are edited in the admin)."""

    serializer_class = RoutingRuleSerializer

    @extend_schema(
        operation_id="routing_rules_list",
        summary="The routing rules (officers, read-only)",
        responses={200: RoutingRuleSerializer(many=True), **OFFICER_ERRORS},
    )
    def get(self, request: Request) -> Response:
        rules = RoutingRule.objects.select_related("agency").order_by("agency__name", "pk")
        page = self.paginate_queryset(rules)
        return self.get_paginated_response(RoutingRuleSerializer(page, many=True).data)
