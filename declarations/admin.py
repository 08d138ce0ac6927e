"""Django admin for administrators: trading companies and their traders, the
declarations (read-only: a declaration changes only through the services), and the routing
outbox, where fan-outs that failed are seen and retried."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Company, Declaration, GoodsItem, RoutingOutbox, StatusEvent, Trader
from .services import routing_retry

admin.site.site_header = _("National Single Window administration")
admin.site.site_title = _("National Single Window")
admin.site.index_title = _("Agencies, routing rules, traders and declarations")


class TraderInline(admin.TabularInline):
    model = Trader
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "eori", "country"]
    list_filter = ["country"]
    search_fields = ["name", "eori"]
    inlines = [TraderInline]


@admin.register(Trader)
class TraderAdmin(admin.ModelAdmin):
    list_display = ["user", "company"]
    list_filter = ["company"]
    search_fields = ["user__username", "user__email", "company__name", "company__eori"]
    autocomplete_fields = ["user", "company"]
    list_select_related = ["user", "company"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class GoodsItemInline(ReadOnlyInline):
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
    readonly_fields = fields


class StatusEventInline(ReadOnlyInline):
    model = StatusEvent
    fields = ["at", "kind", "actor", "agency", "from_status", "to_status", "message"]
    readonly_fields = fields
    verbose_name_plural = _("history")


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    """Read-only: administrators look, the services write (MRNs, statuses, history)."""

    list_display = ["__str__", "lrn", "mrn", "company", "type_code", "status", "submitted_at"]
    list_filter = ["status", "type_code", "company"]
    search_fields = ["lrn", "mrn", "company__name", "company__eori"]
    date_hierarchy = "created_at"
    list_select_related = ["company"]
    readonly_fields = [
        "company",
        "created_by",
        "lrn",
        "mrn",
        "type_code",
        "status",
        "document",
        "created_at",
        "updated_at",
        "submitted_at",
        "routed_at",
    ]
    inlines = [GoodsItemInline, StatusEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The states of a routing outbox row (``RoutingOutbox.state``) as people read them.
ROUTING_STATES = {"failed": _("Failed"), "pending": _("Pending"), "done": _("Done")}


class RoutingStateFilter(admin.SimpleListFilter):
    title = _("routing")
    parameter_name = "routing"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(ROUTING_STATES.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        match self.value():
            case "failed":
                return queryset.filter(done_at=None).exclude(failed_at=None)
            case "pending":
                return queryset.filter(done_at=None, failed_at=None)
            case "done":
                return queryset.exclude(done_at=None)
        return queryset


@admin.register(RoutingOutbox)
class RoutingOutboxAdmin(admin.ModelAdmin):
    """The fan-out of each submitted declaration: failed rows (no agency for an item, or
    ``ROUTING_MAX_ATTEMPTS`` re-drives without success) keep their last error here until
    an administrator fixes the cause and retries them (action "Retry routing")."""

    list_display = ["declaration", "state", "attempts", "last_sent_at", "failed_at", "last_error"]
    list_filter = [RoutingStateFilter]
    search_fields = ["declaration__lrn", "declaration__mrn", "last_error"]
    list_select_related = ["declaration"]
    ordering = ["-created_at"]
    readonly_fields = [
        "declaration",
        "created_at",
        "attempts",
        "last_sent_at",
        "done_at",
        "failed_at",
        "last_error",
    ]
    actions = ["retry_routing"]

    @admin.display(description=_("state"))
    def state(self, outbox: RoutingOutbox) -> str:
        return str(ROUTING_STATES[outbox.state])

    @admin.action(description=_("Retry routing"), permissions=["change"])
    def retry_routing(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = routing_retry(queryset.values_list("declaration_id", flat=True))
        self.message_user(
            request,
            ngettext(
                "Routing of %(count)d declaration sent again.",
                "Routing of %(count)d declarations sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
