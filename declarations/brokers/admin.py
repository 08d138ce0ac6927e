from django.contrib import admin

from .models import BrokerAuthorisation


@admin.register(BrokerAuthorisation)
class BrokerAuthorisationAdmin(admin.ModelAdmin):
    """Administrators register who may act for whom (UCC Art. 19: the representative
    shows the authorisation; here the administration records it)."""

    list_display = ["broker", "client", "representation", "valid_from", "valid_to"]
    list_filter = ["representation"]
    search_fields = ["broker__eori", "broker__name", "client__eori", "client__name"]
    autocomplete_fields = ["broker", "client"]
