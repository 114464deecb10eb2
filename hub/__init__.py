"""The project and what every app shares: settings, URLs, the Celery app, users, public organizations,
notifications and the audit log, accounts and API tokens, sign-in security, the role and membership
rules (roles.py) and the API's permission classes built on them, domain errors (exceptions.py), the
API's error handling, page links (links.py) and how amounts and dates read (formats.py).

Imports only Django and third-party libraries: hub is the bottom of the chain hub ← marketplace ←
matching ← frontend (hub/urls.py names the other apps' URL modules by dotted path: configuration, not an
import). Other apps reach hub's callers through its signals (signals.py)."""

from hub.celery import app as celery_app

__all__ = ["celery_app"]
