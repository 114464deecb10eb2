"""Settings of the Celery workers that fault tests start in subprocesses: the production settings
(hub.settings, driven by the environment the test passes), with emails written to files."""

import os

from hub.settings import *

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["RELIABILITY_MAIL_DIR"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Production keeps Redis's default of an hour (see docs/reliability.md): a message a killed worker had
# taken is redelivered only after this long. Tests cannot wait an hour, so they shorten it, and sweep
# for such messages every second instead of every ~100 s.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": int(os.environ["RELIABILITY_VISIBILITY_TIMEOUT"]),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
