"""Production settings: what `hub/settings.py` gives with nothing but DEBUG off and a real secret key.

These run the settings module in a fresh process with a production environment, not the test
settings, so they check the defaults production actually gets.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _production_environment(**overrides: str) -> dict:
    """The machine's environment without any Django or service setting, plus production's minimum."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(
            ("DJANGO_", "DATABASE_", "CELERY_", "REDIS_", "SEARCH_", "API_THROTTLE_", "LOGIN_")
        )
    }
    production = {
        "DJANGO_SETTINGS_MODULE": "hub.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "maillage.example.quebec",
    }
    return {**environment, **production, **overrides}


def _run(code: str, **overrides: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_production_environment(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


SETTING_NAMES = [
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "X_FRAME_OPTIONS",
    "AUTH_PASSWORD_VALIDATORS",
    "CACHES",
    "PAYMENT_API_KEY",
    "PAYMENT_WEBHOOK_SECRET",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_HOST_USER",
]


def _settings(**overrides: str) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {SETTING_NAMES!r}}}, default=str))"
    )
    result = _run(code, **overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def production() -> dict:
    """The settings production gets: DEBUG off, a real secret key, a Redis broker, nothing else set."""
    return _settings(CELERY_BROKER_URL="redis://127.0.0.1:6380/0")


def test_production_settings_pass_the_deployment_checks_without_any_warning():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout, result.stdout + result.stderr


def test_a_weak_secret_key_fails_the_deployment_checks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_environment(DJANGO_SECRET_KEY="not-random-enough"),
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key_from_the_environment():
    result = _run("import django; django.setup()", DJANGO_SECRET_KEY="")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_secrets_have_no_default_in_the_code(production):
    secrets_only_from_the_environment = ["PAYMENT_API_KEY", "PAYMENT_WEBHOOK_SECRET", "EMAIL_HOST_PASSWORD"]

    assert {name: production[name] for name in secrets_only_from_the_environment} == dict.fromkeys(
        secrets_only_from_the_environment, ""
    )


def test_production_defaults_are_https_only(production):
    https_settings = [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "X_FRAME_OPTIONS",
    ]

    assert {name: production[name] for name in https_settings} == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        # Preloading is the domain owner's decision (hub/settings.py): off unless asked for.
        "SECURE_HSTS_PRELOAD": False,
        "X_FRAME_OPTIONS": "DENY",
    }


def test_debugging_keeps_plain_http_for_make_run():
    values = _settings(DJANGO_DEBUG="1", DJANGO_SECRET_KEY="")

    assert (
        values["SESSION_COOKIE_SECURE"],
        values["SECURE_SSL_REDIRECT"],
        values["SECURE_HSTS_SECONDS"],
    ) == (False, False, 0)


def test_passwords_are_checked_by_djangos_validators(production):
    names = {validator["NAME"].rsplit(".", 1)[-1] for validator in production["AUTH_PASSWORD_VALIDATORS"]}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
        "ApiTokensDeletedOnPasswordChange",  # Checks nothing: deletes the API tokens once a password changed.
    }


@pytest.mark.parametrize("password", ["password123", "12345678901", "court"])
def test_weak_passwords_are_refused(password):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(password)


def test_the_throttles_and_the_lockout_share_redis_when_a_broker_is_configured(production):
    cache = production["CACHES"]["default"]

    assert (cache["BACKEND"], cache["LOCATION"]) == (
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6380/0",
    )
