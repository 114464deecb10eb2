# Production image: the web app (gunicorn), the Celery worker and beat all run from it.
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
RUN pip install --no-deps -e . \
    && DJANGO_SECRET_KEY=build-only-not-a-secret python manage.py compilemessages \
    && DJANGO_SECRET_KEY=build-only-not-a-secret python manage.py collectstatic --noinput

RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /app app
USER app

EXPOSE 8000
CMD ["gunicorn", "hub.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
