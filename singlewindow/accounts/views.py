"""Account pages: sign-in (password, then the second factor when the account has one),
two-factor enrolment, and "Security": two-factor, recovery codes, API tokens, sign out
everywhere. Views are thin: each calls one service."""

import base64
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import selectors, services
from .forms import CodeForm, TokenForm
from .models import AccessEventKind

SETUP_DEVICE = "accounts_setup_device"


class LoginView(auth_views.LoginView):
    """Django's sign-in page; an account with two-factor goes on to give its code."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(two_factor_required=settings.TWO_FACTOR_REQUIRED, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        if selectors.two_factor_required(user):
            step = (
                "two_factor_verify" if selectors.user_has_two_factor(user) else "two_factor_setup"
            )
            return redirect(f"{reverse(step)}?{urlencode({'next': self.get_success_url()})}")
        return response


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of sign-in: a TOTP code or a recovery code. A wrong code counts as
    a failed sign-in for the lockout (django-axes), so codes cannot be guessed either."""
    if request.user.is_verified():
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            services.access_event_record(
                AccessEventKind.TWO_FACTOR_VERIFIED, request=request, detail=device.name
            )
            return redirect(_next(request))
        services.access_event_record(AccessEventKind.TWO_FACTOR_FAILED, request=request)
        user_login_failed.send(
            sender=__name__, credentials={"username": request.user.get_username()}, request=request
        )
        if getattr(request, "axes_locked_out", False):
            logout(request)  # axes' middleware answers with the lockout page
            return HttpResponse(status=429)
        form.add_error("code", _("This code is wrong or has expired. Try the current one."))
    status = 422 if form.errors else 200
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next(request)},
        status=status,
    )


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrolment: scan the QR code (drawn here as SVG, no outside service) or type the key,
    then confirm with the first code; the recovery codes are shown once."""
    device = TOTPDevice.objects.filter(
        user=request.user, pk=request.session.get(SETUP_DEVICE), confirmed=False
    ).first()
    if device is None:
        device = services.two_factor_begin(request.user)
        request.session[SETUP_DEVICE] = device.pk
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.two_factor_confirm(device, form.cleaned_data["code"], request=request)
        if codes is not None:
            del request.session[SETUP_DEVICE]
            otp_login(request, device)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next(request), "enrolled": True},
            )
        form.add_error(
            "code",
            _("This code does not match. Check the time on your phone and try the current code."),
        )
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "next": _next(request),
        # segno writes the SVG markup itself from the otpauth:// URL: nothing user-supplied.
        "qr_svg": mark_safe(qr.svg_inline(scale=5, title=_("QR code for your authenticator app"))),
        "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
    }
    return render(
        request, "accounts/two_factor_setup.html", context, status=422 if form.errors else 200
    )


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The account's security page: two-factor, recovery codes, API tokens, sessions."""
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.token_create(
            request.user,
            name=form.cleaned_data["name"],
            expires_at=timezone.now() + timedelta(days=form.cleaned_data["days"]),
            read_only=form.cleaned_data["read_only"],
            request=request,
        )
        form = TokenForm()
    return render(
        request,
        "accounts/security.html",
        {
            "form": form,
            "new_key": new_key,
            "tokens": selectors.tokens_of(request.user),
            "now": timezone.now(),
            "has_two_factor": selectors.user_has_two_factor(request.user),
            "two_factor_required": settings.TWO_FACTOR_REQUIRED
            and selectors.user_is_privileged(request.user),
            "privileged": selectors.user_is_privileged(request.user),
            "idle_minutes": settings.SESSION_IDLE_TIMEOUT_MINUTES,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(selectors.tokens_of(request.user), pk=pk)
    if services.token_revoke(token, request=request):
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("security")


@login_required
@require_POST
def recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    if not selectors.user_has_two_factor(request.user):
        return redirect("security")
    codes = services.recovery_codes_issue(request.user)
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("security")}
    )


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    services.sessions_end_everywhere(request.user, request=request)
    logout(request)
    messages.success(request, _("You are signed out on every device, this one included."))
    return redirect("login")


# Kept for the type checker: the view names the middleware lets through before two-factor.
__all__ = ["LoginView", "security", "two_factor_setup", "two_factor_verify"]
