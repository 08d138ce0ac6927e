"""Shapes of the risk lanes in the officers' API: a task's lane, an override, a profile."""

from typing import Any

from rest_framework import serializers

from .models import LaneAssignment, RiskLane, RiskProfile

LANE_HELP = " | ".join(RiskLane.values)


class LaneOverrideSerializer(serializers.Serializer):
    """One officer's change of the lane."""

    from_lane = serializers.CharField()
    to_lane = serializers.CharField()
    reason = serializers.CharField()
    by = serializers.SerializerMethodField()
    at = serializers.DateTimeField()

    def get_by(self, override: Any) -> str | None:
        return override.actor.get_username() if override.actor_id else None


class LaneSerializer(serializers.ModelSerializer):
    """A task's lane (``lane``: in force; ``assessed_lane``: from the profiles), why, the
    random draw (``draw`` in [0, 1), ``rate`` in percent, ``escalated``: sent one lane up)
    and the officers' overrides."""

    overrides = LaneOverrideSerializer(many=True)
    lane_label = serializers.CharField(source="get_lane_display")

    class Meta:
        model = LaneAssignment
        fields = [
            "lane",
            "lane_label",
            "assessed_lane",
            "reason",
            "matched",
            "draw_key",
            "draw",
            "rate",
            "escalated",
            "assigned_at",
            "overrides",
        ]
        read_only_fields = fields


class LaneInputSerializer(serializers.Serializer):
    """``{"lane": "green" | "yellow" | "red", "reason": "..."}``."""

    lane = serializers.ChoiceField(choices=RiskLane.choices)
    reason = serializers.CharField(max_length=4000, help_text="Why the lane changes (required).")


class RiskProfileSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.name")
    agency_code = serializers.CharField(source="agency.code")
    traders = serializers.SerializerMethodField(help_text="EORI numbers of the declarants.")

    class Meta:
        model = RiskProfile
        fields = [
            "id",
            "agency",
            "agency_code",
            "name",
            "lane",
            "hs_prefix",
            "origin_country",
            "procedure_code",
            "traders",
            "value_per_kg_below",
            "value_per_kg_above",
            "value_currency",
            "random_rate",
            "valid_from",
            "valid_to",
            "active",
        ]
        read_only_fields = fields

    def get_traders(self, profile: RiskProfile) -> list[str]:
        return sorted(company.eori for company in profile.traders.all())
