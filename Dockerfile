# Production image: the web app (gunicorn), the Celery worker and beat all run from it.

# The Québec government design system from npm (docs/design-system.md): only its dist/ folder is needed, so
# the package is fetched alone, without the build tools it depends on. Same version as the Makefile's.
FROM node:22-slim AS design-system
ARG SDG_VERSION=1.5.1
WORKDIR /sdg
RUN npm pack --silent qc-trousse-sdg@${SDG_VERSION} && tar -xzf qc-trousse-sdg-${SDG_VERSION}.tgz

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext: compilemessages turns locale/*.po into the .mo files Django reads.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt

# Settings refuse to load without a secret key when DEBUG is off; the build needs
# one only to import them, and it never reaches the running containers.
COPY . .
# Where hub/settings.py (DESIGN_SYSTEM_DIR) and `make frontend-deps` put it; collectstatic copies it under sdg/.
COPY --from=design-system /sdg/package/dist .var/design-system/qc-trousse-sdg/dist
RUN pip install --no-deps -e . \
    && DJANGO_SECRET_KEY=build-only-not-a-secret python manage.py compilemessages \
    && DJANGO_SECRET_KEY=build-only-not-a-secret python manage.py collectstatic --noinput

RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /app app \
    && mkdir -p /var/lib/maillage/media && chown app:app /var/lib/maillage/media
# Uploaded files (proposals' attachments) when no S3 bucket is set: docker-compose.yml mounts a volume here.
ENV DJANGO_MEDIA_ROOT=/var/lib/maillage/media
USER app

EXPOSE 8000
CMD ["gunicorn", "hub.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
