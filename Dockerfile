# Production image: gunicorn for web, the same image runs the Celery worker and beat.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PYTHON_DOWNLOADS=never
WORKDIR /app
# WeasyPrint lays out our PDFs with Pango (the CJK font itself comes from PyPI).
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv
COPY requirements/prod.lock requirements/prod.lock
RUN uv pip install --system --no-cache -r requirements/prod.lock
COPY . .
RUN DEBUG=false python manage.py collectstatic --noinput \
    && useradd --create-home wuxing && mkdir -p /app/media && chown wuxing /app/media
USER wuxing
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "-c", "config/gunicorn.py"]
