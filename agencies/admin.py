"""Django admin for administrators: agencies and their officers, the routing rules (switched
on and off from the list), and the review tasks (read-only)."""

from django.contrib import admin

from singlewindow.readonly_admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Agency, ItemOutcome, Officer, ReviewTask, RoutingRule


class OfficerInline(admin.TabularInline):
    model = Officer
    extra = 0
    autocomplete_fields = ["user"]


class RoutingRuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 0
    fields = ["hs_prefix", "origin_country", "declaration_type", "description", "active"]


class ItemOutcomeInline(ReadOnlyInline):
    model = ItemOutcome
    fields = ["item", "outcome", "condition", "reason", "decided_by", "decided_at"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_customs", "service_hours"]
    list_filter = ["is_customs"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [OfficerInline, RoutingRuleInline]


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "is_supervisor"]
    list_filter = ["agency", "is_supervisor"]
    search_fields = ["user__username", "user__email", "agency__name"]
    autocomplete_fields = ["user", "agency"]
    list_select_related = ["user", "agency"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = [
        "hs_prefix",
        "agency",
        "origin_country",
        "declaration_type",
        "description",
        "active",
    ]
    list_display_links = ["hs_prefix", "agency"]
    list_editable = ["active"]
    list_filter = ["active", "agency", "declaration_type"]
    search_fields = ["hs_prefix", "origin_country", "description", "agency__name"]
    list_select_related = ["agency"]


@admin.register(ReviewTask)
class ReviewTaskAdmin(ReadOnlyAdmin):
    """Read-only: decisions are taken by officers on their review page."""

    list_display = [
        "declaration",
        "agency",
        "status",
        "claimed_by",
        "due_at",
        "escalated_at",
        "decided_at",
        "decided_by",
    ]
    list_filter = ["status", "agency", ("escalated_at", admin.EmptyFieldListFilter)]
    search_fields = ["declaration__mrn", "declaration__lrn", "declaration__company__name"]
    date_hierarchy = "created_at"
    list_select_related = ["declaration", "agency", "decided_by", "claimed_by"]
    readonly_fields = [
        "declaration",
        "agency",
        "items",
        "status",
        "reason",
        "created_at",
        "claimed_by",
        "claimed_at",
        "due_at",
        "time_left",
        "escalated_at",
        "decided_at",
        "decided_by",
    ]
    inlines = [ItemOutcomeInline]
