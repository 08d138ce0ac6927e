"""Django admin for administrators: agencies and their officers, the routing rules (saved
inactive, previewed, then activated; every change in their history), and the review tasks
(read-only)."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from singlewindow.readonly_admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    Agency,
    ItemCallIn,
    ItemOutcome,
    Officer,
    ReviewTask,
    RoutingRule,
    RoutingRuleChange,
)
from .routing.history import (
    routing_rule_delete,
    routing_rule_save,
    routing_rule_set_active,
    rule_snapshot,
)
from .routing.preview import rule_preview


class OfficerInline(admin.TabularInline):
    model = Officer
    extra = 0
    autocomplete_fields = ["user"]


class RoutingRuleInline(admin.TabularInline):
    """The agency's rules, read here; edited on their own page so each change is previewed
    and recorded."""

    model = RoutingRule
    extra = 0
    fields = ["__str__", "requirement", "valid_from", "valid_to", "active"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RoutingRuleChangeInline(admin.TabularInline):
    model = RoutingRuleChange
    extra = 0
    fields = ["at", "actor", "action", "changes_text"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = gettext_lazy("history")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("old -> new"))
    def changes_text(self, change: RoutingRuleChange) -> str:
        return changes_text(change)


def changes_text(change: RoutingRuleChange) -> str:
    return "; ".join(
        f"{name}: {old or '-'} -> {new or '-'}" for name, (old, new) in change.changes.items()
    )


class ItemOutcomeInline(ReadOnlyInline):
    model = ItemOutcome
    fields = ["item", "outcome", "condition", "reason", "decided_by", "decided_at"]


class ItemCallInInline(ReadOnlyInline):
    """Disclaimed goods items the agency called in to this task."""

    model = ItemCallIn
    fields = ["item", "exemption_code", "reason", "called_by", "called_at"]


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
    """A rule is validated at its fields (``RoutingRule.clean``), saved inactive when new or
    when its conditions change, previewed over recent declarations, then activated."""

    list_display = [
        "__str__",
        "agency",
        "requirement",
        "valid_from",
        "valid_to",
        "active",
        "preview_link",
    ]
    list_filter = ["active", "agency", "requirement", "declaration_type"]
    search_fields = ["hs_prefix", "origin_country", "description", "agency__name"]
    list_select_related = ["agency"]
    readonly_fields = ["active"]
    fieldsets = [
        (None, {"fields": ["agency", "description", "requirement", "active"]}),
        (
            gettext_lazy("Conditions (blank: any)"),
            {
                "fields": [
                    "hs_prefix",
                    "origin_country",
                    "export_country",
                    "destination_country",
                    "declaration_type",
                    "procedure_code",
                    ("value_above", "value_currency"),
                ]
            },
        ),
        (gettext_lazy("Documents"), {"fields": ["document_code", "exemption_codes"]}),
        (gettext_lazy("In force"), {"fields": [("valid_from", "valid_to")]}),
    ]
    inlines = [RoutingRuleChangeInline]
    actions = ["deactivate"]

    @admin.display(description=gettext_lazy("preview"))
    def preview_link(self, rule: RoutingRule) -> str:
        url = reverse("admin:agencies_routingrule_preview", args=[rule.pk])
        return format_html('<a href="{}">{}</a>', url, _("Preview"))

    def get_urls(self) -> list:
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<path:object_id>/preview/", preview, name="agencies_routingrule_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """GET: what the rule would change over the last ``days`` (default 30) days.
        POST ``activate``/``deactivate``: switch the rule, recorded in its history."""
        if not object_id.isdigit():
            raise Http404
        rule = get_object_or_404(RoutingRule.objects.select_related("agency"), pk=int(object_id))
        if not self.has_view_permission(request, rule):
            raise PermissionDenied
        if request.method == "POST":
            if not self.has_change_permission(request, rule):
                raise PermissionDenied
            active = request.POST.get("action") == "activate"
            if routing_rule_set_active(rule.pk, active, actor=request.user):
                message = _("Rule activated.") if active else _("Rule deactivated.")
                self.message_user(request, message, messages.SUCCESS)
            return redirect("admin:agencies_routingrule_change", rule.pk)
        try:
            days = min(max(int(request.GET.get("days", 30)), 1), 366)
        except ValueError:
            days = 30
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "rule": rule,
            "days": days,
            "preview": rule_preview(rule, days=days),
            "can_change": self.has_change_permission(request, rule),
            "title": _("Preview of routing rule: %(rule)s") % {"rule": rule},
        }
        return TemplateResponse(request, "admin/agencies/routingrule/preview.html", context)

    def save_model(self, request: HttpRequest, obj: RoutingRule, form: Any, change: bool) -> None:
        before = None
        if change:
            before = rule_snapshot(RoutingRule.objects.select_related("agency").get(pk=obj.pk))
        routing_rule_save(obj, actor=request.user, before=before)
        if not obj.active:
            self.message_user(
                request,
                _("The rule is saved inactive: preview it, then activate it."),
                messages.WARNING,
            )

    def response_post_save_add(self, request: HttpRequest, obj: RoutingRule) -> HttpResponse:
        return redirect("admin:agencies_routingrule_preview", obj.pk)

    def delete_model(self, request: HttpRequest, obj: RoutingRule) -> None:
        routing_rule_delete(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RoutingRule]) -> None:
        for rule in queryset:
            routing_rule_delete(rule, actor=request.user)

    @admin.action(description=gettext_lazy("Deactivate the selected rules"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[RoutingRule]) -> None:
        count = sum(routing_rule_set_active(r.pk, False, actor=request.user) for r in queryset)
        self.message_user(request, _("%(count)d rule(s) deactivated.") % {"count": count})


@admin.register(RoutingRuleChange)
class RoutingRuleChangeAdmin(admin.ModelAdmin):
    """The history of every rule, also of deleted ones. Read-only."""

    list_display = ["at", "rule_label", "action", "actor", "changes_summary"]
    list_filter = ["action"]
    search_fields = ["rule_label", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["actor"]

    @admin.display(description=gettext_lazy("old -> new"))
    def changes_summary(self, change: RoutingRuleChange) -> str:
        return changes_text(change)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
    inlines = [ItemOutcomeInline, ItemCallInInline]
