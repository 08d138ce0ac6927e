"""Administration of accounts: the searchable access audit, API tokens (an administrator
may issue one for a system account), and on users the actions reset two-factor, unlock
sign-in and sign out everywhere. Non-superusers never see or grant superuser rights."""

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from singlewindow.readonly_admin import ReadOnlyAdmin

from . import services
from .models import AccessEvent, ApiToken

User = get_user_model()


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    """Read-only for everyone: the audit is appended to by the code, never edited."""

    list_display = ["at", "kind", "username", "ip_address", "method", "path", "detail"]
    list_filter = ["kind", ("at", admin.DateFieldListFilter)]
    search_fields = ["username", "ip_address", "path", "detail", "user_agent"]
    date_hierarchy = "at"
    list_select_related = ["user"]


class ApiTokenAddForm(forms.ModelForm):
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=365, initial=30)

    class Meta:
        model = ApiToken
        fields = ["user", "name", "read_only"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "prefix",
        "read_only",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
        "last_used_ip",
    ]
    list_filter = ["read_only", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    actions = ["revoke"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "read_only",
        "created_at",
        "created_by",
        "expires_at",
        "revoked_at",
        "last_used_at",
        "last_used_ip",
    ]
    exclude = ["key_hash"]

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["user", "name", "read_only", "days"]
        return super().get_fields(request, obj)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            return  # tokens are never edited, only revoked
        token, key = services.token_create(
            form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            read_only=form.cleaned_data["read_only"],
            expires_at=timezone.now() + timedelta(days=form.cleaned_data["days"]),
            created_by=request.user,
            request=request,
        )
        obj.pk = token.pk
        messages.warning(
            request,
            _("The key of %(name)s, shown this once: %(key)s") % {"name": token.name, "key": key},
        )

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = sum(services.token_revoke(token, request=request) for token in queryset)
        self.message_user(request, _("%(count)d token(s) revoked.") % {"count": count})


admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Django's user admin, with the account-security actions, and without superuser
    rights for anyone but a superuser (a user administrator cannot make one, nor edit one,
    nor hand out single permissions outside the role groups)."""

    actions = ["reset_two_factor", "unlock_sign_in", "sign_out_everywhere"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if not request.user.is_superuser:
            queryset = queryset.filter(is_superuser=False)
        return queryset

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields

    @admin.action(description=_("Reset two-factor (the user enrols again)"), permissions=["change"])
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for user in queryset:
            services.two_factor_reset(user, request=request)
        self.message_user(
            request, _("Two-factor reset for %(count)d user(s).") % {"count": len(queryset)}
        )

    @admin.action(description=_("Unlock sign-in"), permissions=["change"])
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for user in queryset:
            services.sign_in_unlock(user.get_username(), request=request)
        self.message_user(
            request, _("Sign-in unlocked for %(count)d user(s).") % {"count": len(queryset)}
        )

    @admin.action(description=_("Sign out everywhere"), permissions=["change"])
    def sign_out_everywhere(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for user in queryset:
            services.sessions_end_everywhere(user, request=request)
        self.message_user(
            request, _("%(count)d user(s) signed out everywhere.") % {"count": len(queryset)}
        )


# django-otp's own device admins show the TOTP key, its QR code and the recovery codes to
# anyone who may view a device (an auditor could clone a second factor): replaced by lists
# without the secrets, where deleting a device is the reset.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


@admin.register(TOTPDevice, StaticDevice)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "name"]
    list_select_related = ["user"]
    fields = ["user", "name", "confirmed"]
    readonly_fields = ["user", "name", "confirmed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
