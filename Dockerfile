# syntax=docker/dockerfile:1
# 衡阳市市长质量奖 — one image for the web, worker and beat services (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    XDG_CACHE_HOME=/tmp/.cache \
    DJANGO_SETTINGS_MODULE=hengyang_award.settings.production

# WeasyPrint runtime (Pango/HarfBuzz), CJK fonts for the PDFs, gettext for compilemessages.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fontconfig \
        fonts-noto-cjk \
        fonts-arphic-ukai \
        gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, so code changes do not invalidate this layer. The lock also
# pins the dev tools (pytest, ruff, playwright without browsers); harmless here.
COPY requirements.lock ./
RUN pip install -r requirements.lock

# The code stays owned by root (read-only for the app user); only var/ is writable.
COPY . .
RUN chmod 0755 docker/entrypoint.sh

# Build-time steps. The SECRET_KEY here exists only for this RUN step; it is not
# kept in the image environment, and the real one comes from .env at runtime.
RUN SECRET_KEY=build-only-not-a-secret python manage.py compilemessages -v0 \
    && SECRET_KEY=build-only-not-a-secret python manage.py collectstatic --no-input -v0

# var/ holds media files (MEDIA_ROOT=/app/var/media) and the beat schedule. These
# directories exist in the image owned by the app user, so a new named volume
# mounted over them starts with that ownership.
RUN mkdir -p /app/var/media /app/var/mail \
    && chown -R app:app /app/var

USER app

EXPOSE 8000

# No HEALTHCHECK here: worker and beat run from this image too and serve no HTTP;
# the web check lives in docker-compose.yml.
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
