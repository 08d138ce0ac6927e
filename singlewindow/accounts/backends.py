"""The lockout backend (first of ``AUTHENTICATION_BACKENDS``)."""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lock check for every sign-in that comes with a request (the login
    page, the admin login, ``auth/token/``, the two-factor step). A call without a request
    (``manage.py`` code, Django's test client ``login()``) has no client address to count
    against, so it is left to the next backend instead of failing as axes' own would."""

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
