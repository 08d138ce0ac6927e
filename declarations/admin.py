"""Django admin for administrators: trading companies and their traders, and the
declarations (read-only: a declaration changes only through the services)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Company, Declaration, GoodsItem, StatusEvent, Trader

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
