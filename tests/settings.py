"""Test settings: real PostgreSQL, Redis and search node; eager Celery; a per-run index prefix."""

import os
import uuid

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("DATABASE_URL", "postgres://maillage@127.0.0.1:5433/maillage")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6380/0")
os.environ.setdefault("SEARCH_URL", "http://127.0.0.1:9200")
# A fresh prefix per run, so parallel or leftover runs never share an index.
RUN_ID = uuid.uuid4().hex[:8]
os.environ["SEARCH_INDEX_PREFIX"] = f"test-{RUN_ID}"

from hub.settings import *

CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False  # The test client speaks plain http.
# One cache per test process, emptied before each test (tests/conftest.py): counters never leak between runs.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# No API throttling, except where a test sets a rate (tests/security/test_throttling.py).
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "login": None}}
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["TEST"] = {"NAME": f"test_maillage_{RUN_ID}"}
STATIC_ROOT = VAR_DIR / "test-static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Uploaded files (proposals' attachments) of this run only, never in the working tree.
MEDIA_ROOT = VAR_DIR / "test-media" / RUN_ID
PAYMENT_PROVIDER = "sandbox"
