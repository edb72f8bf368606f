#!/bin/bash
# Container entrypoint: `web`, `worker`, `beat`, or any other command (exec'd as is),
# e.g. `docker compose run --rm web python manage.py createsuperuser`.
set -euo pipefail

cd /app

require_real_secret_key() {
    case "${SECRET_KEY:-}" in
        "" | change-me*)
            echo "entrypoint: SECRET_KEY is unset or still the .env.example placeholder;" \
                "set a long random value in .env." >&2
            exit 1
            ;;
    esac
}

case "${1:-web}" in
    web)
        require_real_secret_key
        python manage.py migrate --no-input
        exec gunicorn hengyang_award.wsgi:application \
            --bind 0.0.0.0:8000 \
            --workers "${WEB_CONCURRENCY:-3}" \
            --access-logfile - \
            --error-logfile -
        ;;
    worker)
        require_real_secret_key
        exec celery -A hengyang_award worker \
            -Q default,pdf \
            --max-tasks-per-child 50 \
            --concurrency "${WORKER_CONCURRENCY:-2}" \
            --loglevel "${LOG_LEVEL:-INFO}"
        ;;
    beat)
        require_real_secret_key
        exec celery -A hengyang_award beat \
            --schedule /app/var/celerybeat-schedule \
            --loglevel "${LOG_LEVEL:-INFO}"
        ;;
    *)
        exec "$@"
        ;;
esac
