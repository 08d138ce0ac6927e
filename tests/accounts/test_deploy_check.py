"""``manage.py check --deploy`` with the production settings (``DJANGO_DEBUG=0``): no
warning at all, and the settings that the check cannot see are as documented."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production(*code_or_args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # A clean environment: what other tests put in os.environ must not change the check.
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SETTINGS_MODULE": "singlewindow.settings",
        **env,
    }
    return subprocess.run(
        [sys.executable, *code_or_args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_gives_no_warning() -> None:
    result = production("manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings() -> None:
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_REFERRER_POLICY, "
        "s.SECURE_PROXY_SSL_HEADER, s.TWO_FACTOR_REQUIRED)"
    )

    result = production("-c", probe, DJANGO_SECURE_PROXY_SSL_HEADER="1")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 6)[:6] == [
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "same-origin",
    ]
    assert "('HTTP_X_FORWARDED_PROTO', 'https') True" in result.stdout
