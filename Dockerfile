FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
RUN python manage.py compilemessages --ignore=.venv \
    && DJANGO_SETTINGS_MODULE=servicelead.settings.production DJANGO_SECRET_KEY=build ALLOWED_HOSTS=build \
       python manage.py collectstatic --noinput
RUN useradd --create-home app && chown -R app /app
USER app
ENV DJANGO_SETTINGS_MODULE=servicelead.settings.production
EXPOSE 8000
CMD ["gunicorn", "servicelead.wsgi:application", "--bind=0.0.0.0:8000", "--workers=3"]
