# Two commands set everything up (see README):
#   make run   — embedded default: SQLite under var/, mail to files, no services needed
#   make test  — the whole suite against PostgreSQL and Redis
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig \
	fonts-noto-cjk fonts-arphic-ukai poppler-utils chromium gettext
PGHOST ?= 127.0.0.1
PGPORT ?= 5432
REDIS_HOST ?= 127.0.0.1
REDIS_PORT ?= 6379

# Bytecode is cached: every test worker and command would otherwise compile the
# project's modules again.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: bench bench-pdf run run-deps test venv system-deps services-check messages lint e2e

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# uv installs the locked set in seconds (pip takes ~15 s even from its cache);
# pip stays the fallback when uv cannot be had.
venv: $(BIN)/python
	@$(BIN)/pip install --quiet uv 2>/dev/null && \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock || \
	  $(BIN)/pip install --quiet -r requirements.lock

messages: venv
	$(BIN)/python manage.py compilemessages -v0 --ignore=.venv

run-deps:
	@command -v msgfmt >/dev/null 2>&1 || { SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gettext >/dev/null; }

run: run-deps venv messages
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py seed_demo
	@# run_jobs stands in for Celery worker + beat (outbox relay, reminders) without Redis.
	$(BIN)/python manage.py run_jobs & jobs=$$!; trap "kill $$jobs 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:8000

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

services-check:
	@$(BIN)/python scripts/check_services.py

test: system-deps venv messages services-check
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=hengyang_award.settings.test -v0
	@# Whole modules per worker: a module's shared objects (tests/shared.py) are built once.
	$(BIN)/python -m pytest -n 2 --dist loadfile -q
	$(MAKE) e2e

e2e:
	DJANGO_ALLOW_ASYNC_UNSAFE=1 $(BIN)/python -m pytest -m e2e -q -p no:xdist tests/e2e || [ $$? -eq 5 ]

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench-pdf: venv
	$(BIN)/python bench/pdf_bench.py

# Pages under load (PF-1…PF-4): gunicorn + wrk, 100 and 10,000 seeded cases.
bench: venv messages
	@command -v wrk >/dev/null 2>&1 || { SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python bench/pages_bench.py
