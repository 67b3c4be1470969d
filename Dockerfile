# The image docker-compose.yml runs as migrate, web, worker and beat (their commands: scripts/prod_commands.py).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# Dependencies first, so a code change does not reinstall them (the project itself has no package to build).
COPY pyproject.toml README.md ./
RUN pip install .

# Only what the running application needs: no virtualenv, database file or tests from a work tree.
COPY manage.py ./
COPY servicelead ./servicelead
COPY competencies ./competencies
COPY teams ./teams
COPY operations ./operations
COPY qualification ./qualification
COPY jobs ./jobs
COPY templates ./templates
COPY static ./static
COPY locale ./locale

# Translations and static files are built into the image; whitenoise serves the hashed, compressed files.
RUN python manage.py compilemessages \
    && DJANGO_SETTINGS_MODULE=servicelead.settings.production DJANGO_SECRET_KEY=image-build-only \
       ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput

RUN useradd --create-home --uid 10001 app && mkdir -p /app/media && chown app /app/media
USER app
ENV DJANGO_SETTINGS_MODULE=servicelead.settings.production
EXPOSE 8000
CMD ["gunicorn", "servicelead.wsgi:application", "--bind=0.0.0.0:8000", "--worker-class=gthread", "--threads=4", "--keep-alive=75", "--timeout=60", "--graceful-timeout=20", "--max-requests=10000", "--max-requests-jitter=1000"]
