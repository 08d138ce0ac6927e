"""Customs exchange rates in the admin: checked at their fields (``ExchangeRate.clean``),
every save and deletion in their history (``agencies.rates.history``)."""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from singlewindow.readonly_admin import ReadOnlyAdmin

from .history import exchange_rate_delete, exchange_rate_save, rate_snapshot
from .models import ExchangeRate, ExchangeRateChange


def changes_text(change: ExchangeRateChange) -> str:
    return "; ".join(
        f"{name}: {old or '-'} -> {new or '-'}" for name, (old, new) in change.changes.items()
    )


class ExchangeRateChangeInline(admin.TabularInline):
    model = ExchangeRateChange
    extra = 0
    fields = ["at", "actor", "action", "changes_text"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = gettext_lazy("history")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("old -> new"))
    def changes_text(self, change: ExchangeRateChange) -> str:
        return changes_text(change)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    """One row per currency and period, as published (e.g. the monthly rates)."""

    list_display = ["currency", "rate", "valid_from", "valid_to", "source", "active"]
    list_filter = ["active", "currency"]
    search_fields = ["currency", "source"]
    date_hierarchy = "valid_from"
    fieldsets = [
        (None, {"fields": ["currency", "rate", "source", "active"]}),
        (gettext_lazy("In force"), {"fields": [("valid_from", "valid_to")]}),
    ]
    inlines = [ExchangeRateChangeInline]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change=change, **kwargs)
        # Which way the rate is quoted, with the national currency named (a reader's
        # form has no editable field).
        if "rate" in form.base_fields:
            form.base_fields["rate"].help_text = _(
                "Units of this currency for one %(national)s, as the customs administration "
                "publishes it (currency units per 1 %(national)s)."
            ) % {"national": settings.NATIONAL_CURRENCY}
        return form

    def save_model(self, request: HttpRequest, obj: ExchangeRate, form: Any, change: bool) -> None:
        before = rate_snapshot(ExchangeRate.objects.get(pk=obj.pk)) if change else None
        exchange_rate_save(obj, actor=request.user, before=before)

    def delete_model(self, request: HttpRequest, obj: ExchangeRate) -> None:
        exchange_rate_delete(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ExchangeRate]) -> None:
        for rate in queryset:
            exchange_rate_delete(rate, actor=request.user)


@admin.register(ExchangeRateChange)
class ExchangeRateChangeAdmin(ReadOnlyAdmin):
    """The history of every rate, also of deleted ones."""

    list_display = ["at", "rate_label", "action", "actor", "changes_summary"]
    list_filter = ["action"]
    search_fields = ["rate_label", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["actor"]

    @admin.display(description=gettext_lazy("old -> new"))
    def changes_summary(self, change: ExchangeRateChange) -> str:
        return changes_text(change)
