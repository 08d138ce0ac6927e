"""Account URLs under /accounts/: sign-in and out, password change, two-factor, security.

Django's password-reset views are not mounted: the portal sends no e-mail; a user
administrator resets a password in the admin.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("security/", views.security, name="security"),
    path("security/recovery-codes/", views.recovery_codes_renew, name="recovery_codes_renew"),
    path("security/sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("security/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
