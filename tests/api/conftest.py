"""Fixtures of the API tests, on top of the shared cast of ``tests/conftest.py``."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractBaseUser
from rest_framework.test import APIClient

ApiAs = Callable[[AbstractBaseUser | None], APIClient]


@pytest.fixture
def api_as(db: None) -> ApiAs:
    """``api_as(user)``: a REST framework test client logged in as ``user`` with a session,
    as the browser has (``None``: anonymous)."""

    def make(user: AbstractBaseUser | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return make
