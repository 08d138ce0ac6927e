# Production image of the portal: the same image runs web (gunicorn), worker and beat;
# docker-compose.yml says which. Build: docker build -t singlewindow .
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. Every package in the lock
# ships manylinux wheels for 3.13: no compiler needed.
COPY requirements.lock .
RUN pip install -r requirements.lock

COPY . .

# Static files are served by whitenoise from the image. Settings need a secret key to load
# with DEBUG off; this one exists only during the build. Translations (*.mo are not in git)
# are compiled here when the project has any.
RUN DJANGO_SECRET_KEY=build-only DJANGO_DEBUG=0 python manage.py collectstatic --noinput \
    && if [ -d locale ]; then \
        apt-get update && apt-get install -y --no-install-recommends gettext \
        && python manage.py compilemessages --ignore '.venv' \
        && apt-get purge -y gettext && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*; \
    fi

# Never run the application as root (Celery also warns about it).
RUN useradd --system --uid 10001 --no-create-home --home-dir /app singlewindow
USER singlewindow

EXPOSE 8000
CMD ["gunicorn", "singlewindow.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*"]
