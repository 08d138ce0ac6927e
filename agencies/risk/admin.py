"""Risk profiles in the admin (validated at their fields, every change in their history),
their history, and the lanes assigned (read-only)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from singlewindow.readonly_admin import ReadOnlyAdmin, ReadOnlyInline

from .history import profile_snapshot, risk_profile_delete, risk_profile_recorded
from .models import LaneAssignment, LaneOverride, RiskProfile, RiskProfileChange


def changes_text(change: RiskProfileChange) -> str:
    return "; ".join(
        f"{name}: {old or '-'} -> {new or '-'}" for name, (old, new) in change.changes.items()
    )


class RiskProfileChangeInline(admin.TabularInline):
    model = RiskProfileChange
    extra = 0
    fields = ["at", "actor", "action", "changes_text"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = gettext_lazy("history")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("old -> new"))
    def changes_text(self, change: RiskProfileChange) -> str:
        return changes_text(change)


@admin.register(RiskProfile)
class RiskProfileAdmin(admin.ModelAdmin):
    """A profile is checked at its fields (``RiskProfile.clean``); each save and delete is
    recorded (``agencies.risk.history``), the traders included."""

    list_display = ["name", "agency", "lane", "random_rate", "valid_from", "valid_to", "active"]
    list_filter = ["active", "lane", "agency"]
    search_fields = ["name", "hs_prefix", "origin_country", "agency__name", "traders__eori"]
    list_select_related = ["agency"]
    autocomplete_fields = ["traders"]
    fieldsets = [
        (None, {"fields": ["agency", "name", "lane", "random_rate", "active"]}),
        (
            gettext_lazy("Criteria (blank: any)"),
            {
                "fields": [
                    "hs_prefix",
                    "origin_country",
                    "procedure_code",
                    "traders",
                    ("value_per_kg_below", "value_per_kg_above", "value_currency"),
                ]
            },
        ),
        (gettext_lazy("In force"), {"fields": [("valid_from", "valid_to")]}),
    ]
    inlines = [RiskProfileChangeInline]

    def save_model(self, request: HttpRequest, obj: RiskProfile, form: Any, change: bool) -> None:
        # The traders are saved after the profile (save_related): the change is recorded
        # there, against the state read here.
        self._before = profile_snapshot(RiskProfile.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        risk_profile_recorded(form.instance, actor=request.user, before=self._before)

    def delete_model(self, request: HttpRequest, obj: RiskProfile) -> None:
        risk_profile_delete(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RiskProfile]) -> None:
        for profile in queryset:
            risk_profile_delete(profile, actor=request.user)


@admin.register(RiskProfileChange)
class RiskProfileChangeAdmin(ReadOnlyAdmin):
    """The history of every profile, also of deleted ones."""

    list_display = ["at", "profile_label", "action", "actor", "changes_summary"]
    list_filter = ["action"]
    search_fields = ["profile_label", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["actor"]

    @admin.display(description=gettext_lazy("old -> new"))
    def changes_summary(self, change: RiskProfileChange) -> str:
        return changes_text(change)


class LaneOverrideInline(ReadOnlyInline):
    model = LaneOverride
    fields = ["at", "actor", "from_lane", "to_lane", "reason"]


@admin.register(LaneAssignment)
class LaneAssignmentAdmin(ReadOnlyAdmin):
    """Each task's lane, why, and the draw; read-only (officers override on the task)."""

    list_display = ["task", "lane", "assessed_lane", "escalated", "rate", "assigned_at"]
    list_filter = ["lane", "assessed_lane", "escalated"]
    search_fields = ["task__declaration__mrn", "task__declaration__lrn"]
    date_hierarchy = "assigned_at"
    list_select_related = ["task", "task__declaration", "task__agency"]
    readonly_fields = [
        "task",
        "lane",
        "assessed_lane",
        "reason",
        "matched",
        "draw_key",
        "draw",
        "rate",
        "escalated",
        "assigned_at",
    ]
    inlines = [LaneOverrideInline]
