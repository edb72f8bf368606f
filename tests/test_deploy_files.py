"""Deployment files agree with the code: docker-compose.yml, Dockerfile,
docker/entrypoint.sh, .env.example and README's configuration section.

Plain file checks: no database, no Docker engine, no Django setup needed."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_DIR = ROOT / "hengyang_award" / "settings"
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
ENV_EXAMPLE = ROOT / ".env.example"
README = ROOT / "README.md"

APP_SERVICES = ("web", "worker", "beat")
SERVICES = (*APP_SERVICES, "db", "redis")
VOLUMES = ("postgres_data", "media", "beat_schedule")
MEDIA_PATH = "/app/var/media"
BEAT_SCHEDULE = "/app/var/celerybeat-schedule"

# Read outside the settings, but documented alongside them.
EXTRA_DOCUMENTED = {"DEMO_PASSWORD"}  # seed_demo

# env("X"), env.bool("X"), env.db(\n "X", ...) ... and plain os.environ / os.getenv.
ENV_READ = re.compile(
    r"""(?:\benv(?:\.[a-z_]+)?\(|\bos\.environ\.get\(|\bos\.getenv\(|\bos\.environ\[)"""
    r"""\s*["']([A-Za-z_][A-Za-z0-9_]*)["']"""
)
# ${VAR}, ${VAR:-default}, ${VAR:?error}; "$${VAR}" is the container's own variable.
INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)")
ENV_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _settings_env_vars() -> set[str]:
    names = set()
    for path in sorted(SETTINGS_DIR.glob("*.py")):
        names.update(ENV_READ.findall(path.read_text(encoding="utf-8")))
    return {name for name in names if not name.startswith("TEST_")}


SETTINGS_ENV_VARS = _settings_env_vars()


def _env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = ENV_LINE.match(line.strip())
        if match:
            assert match.group(1) not in values, f"{match.group(1)} set twice in .env.example"
            values[match.group(1)] = match.group(2)
    return values


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text) is not None


def _python_with_yaml() -> list[str]:
    found = [shutil.which("python3"), "/usr/bin/python3", "/usr/local/bin/python3"]
    return list(dict.fromkeys(p for p in found if p and os.access(p, os.X_OK)))


@pytest.fixture(scope="module")
def compose() -> dict:
    text = COMPOSE.read_text(encoding="utf-8")
    try:
        import yaml
    except ImportError:
        # PyYAML is not in requirements.lock; use a system python3 that has it.
        script = "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"
        for python in _python_with_yaml():
            result = subprocess.run(  # noqa: S603 — fixed script, absolute interpreter path
                [python, "-c", script],
                input=text,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            if result.returncode == 0:
                return json.loads(result.stdout)
            if "ModuleNotFoundError" not in result.stderr:
                pytest.fail(f"docker-compose.yml is not valid YAML:\n{result.stderr}")
        pytest.skip("PyYAML is not installed here nor in any system python3")
    return yaml.safe_load(text)


# ---------------------------------------------------------------- docker-compose.yml


def test_compose_uses_the_spec_format_and_defines_the_five_services(compose):
    assert "version" not in compose, "the Compose spec has no top-level `version:`"
    assert set(SERVICES) <= set(compose["services"])


def test_app_services_wait_for_healthy_db_and_redis(compose):
    services = compose["services"]
    for name in APP_SERVICES:
        depends_on = services[name].get("depends_on")
        assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions"
        for dependency in ("db", "redis"):
            assert depends_on.get(dependency, {}).get("condition") == "service_healthy", (
                f"{name} must wait for {dependency} to be healthy"
            )


def test_every_healthcheck_has_a_test_and_healthy_waits_have_one(compose):
    services = compose["services"]
    for name in ("web", "db", "redis"):
        assert "healthcheck" in services[name], f"{name} needs a healthcheck"
    for name, service in services.items():
        if "healthcheck" in service:
            test = service["healthcheck"].get("test")
            assert test, f"{name}: healthcheck without a test"
            assert test not in (["NONE"], "NONE"), f"{name}: healthcheck disabled"
        for dependency, spec in (service.get("depends_on") or {}).items():
            if isinstance(spec, dict) and spec.get("condition") == "service_healthy":
                assert "healthcheck" in services[dependency], (
                    f"{name} waits for {dependency} to be healthy, which has no healthcheck"
                )


def test_healthcheck_commands(compose):
    services = compose["services"]
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]
    web = services["web"]["healthcheck"]["test"]
    assert web[:2] == ["CMD", "python"], "the slim image has no curl"
    script = " ".join(web)
    assert "http://127.0.0.1:8000/healthz/" in script
    # Without it, production's SECURE_SSL_REDIRECT answers 301 to https://.
    assert "X-Forwarded-Proto" in script


def test_volumes_are_declared_and_mounted(compose):
    declared = compose.get("volumes") or {}
    assert set(VOLUMES) <= set(declared)
    services = compose["services"]
    for name, service in services.items():
        for mount in service.get("volumes", []):
            source = mount.split(":")[0] if isinstance(mount, str) else mount.get("source")
            if source and not source.startswith((".", "/", "~")):
                assert source in declared, f"{name}: volume {source} is not declared"

    def targets(name: str) -> dict[str, str]:
        return {m.split(":")[1]: m.split(":")[0] for m in services[name].get("volumes", [])}

    assert targets("db").get("/var/lib/postgresql/data") == "postgres_data"
    assert targets("web").get(MEDIA_PATH) == "media"
    assert targets("worker").get(MEDIA_PATH) == "media"
    beat_mounts = [t for t, v in targets("beat").items() if v == "beat_schedule"]
    assert any(BEAT_SCHEDULE.startswith(t.rstrip("/") + "/") for t in beat_mounts)


def test_app_services_configuration(compose):
    services = compose["services"]
    for name in SERVICES:
        assert services[name].get("restart") == "unless-stopped", name
    for name in APP_SERVICES:
        service = services[name]
        env_file = service.get("env_file")
        assert ".env" in ([env_file] if isinstance(env_file, str) else env_file), name
        environment = service["environment"]
        assert "@db:5432/" in environment["DATABASE_URL"], name
        assert environment["REDIS_URL"].startswith("redis://redis:6379/"), name
        assert service.get("command") == [name]
    assert services["db"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7-alpine"


def test_web_is_published_on_loopback_only_by_default(compose):
    ports = compose["services"]["web"]["ports"]
    assert len(ports) == 1
    port = str(ports[0])
    assert port.endswith(":8000")
    assert port.startswith(("127.0.0.1:", "${WEB_BIND:-127.0.0.1}:"))
    for name in ("db", "redis"):
        assert "ports" not in compose["services"][name], f"{name} must not be published"


def test_media_root_in_env_example_matches_the_volume(compose):
    assert _env_example()["MEDIA_ROOT"] == MEDIA_PATH


# ---------------------------------------------------------------- environment variables


def test_settings_scan_finds_the_known_variables():
    # Guards the regex: if it stopped matching, the checks below would pass vacuously.
    assert {"SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL", "EMAIL_PORT"} <= SETTINGS_ENV_VARS
    assert not any(name.startswith("TEST_") for name in SETTINGS_ENV_VARS)


def test_env_example_documents_every_variable():
    documented = set(_env_example())
    wanted = SETTINGS_ENV_VARS | EXTRA_DOCUMENTED
    wanted |= set(INTERPOLATION.findall(COMPOSE.read_text(encoding="utf-8")))
    wanted |= set(INTERPOLATION.findall(ENTRYPOINT.read_text(encoding="utf-8")))
    missing = sorted(wanted - documented)
    assert not missing, f".env.example lacks {missing}"


def test_env_example_has_a_bilingual_comment_and_safe_placeholders():
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        match = ENV_LINE.match(line.strip())
        if not match:
            continue
        name, value = match.groups()
        comment = lines[index - 1].strip() if index else ""
        assert comment.startswith("#"), f"{name}: no comment line above it"
        assert CJK.search(comment), f"{name}: comment has no Chinese"
        assert re.search(r"[A-Za-z]{3,}", comment), f"{name}: comment has no English"
        assert "$" not in value, f"{name}: docker compose would interpolate '$'"
    values = _env_example()
    # docker/entrypoint.sh refuses to start with a SECRET_KEY starting "change-me".
    assert values["SECRET_KEY"].startswith("change-me")
    assert values["DEBUG"] == "False"
    for name in ("POSTGRES_PASSWORD", "EMAIL_HOST_PASSWORD", "DEMO_PASSWORD"):
        assert values[name].startswith("change-me"), name


def _configuration_section(text: str) -> str | None:
    lines = text.splitlines()
    in_fence = False
    start = level = None
    body: list[str] = []
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        heading = None if in_fence else re.match(r"(#{1,6})\s+(.*)", line)
        if start is None:
            if heading and re.search(r"configuration|配置", heading.group(2), re.IGNORECASE):
                start, level = line, len(heading.group(1))
            continue
        if heading and len(heading.group(1)) <= level:
            break
        body.append(line)
    return None if start is None else "\n".join(body)


@pytest.mark.skipif(not README.exists(), reason="README.md is not written yet")
def test_readme_configuration_section_documents_every_variable():
    section = _configuration_section(README.read_text(encoding="utf-8"))
    assert section is not None, "README.md has no configuration section"
    missing = sorted(n for n in SETTINGS_ENV_VARS | EXTRA_DOCUMENTED if not _mentions(section, n))
    assert not missing, f"README.md's configuration section lacks {missing}"


# ---------------------------------------------------------------- image and entrypoint


def test_entrypoint_commands():
    text = ENTRYPOINT.read_text(encoding="utf-8")
    assert text.startswith("#!/bin/bash\n")
    assert "set -euo pipefail" in text
    assert os.access(ENTRYPOINT, os.X_OK), "docker/entrypoint.sh must be executable"
    web = text.split("web)", 1)[1].split(";;", 1)[0]
    assert web.index("manage.py migrate") < web.index("exec gunicorn")
    assert "hengyang_award.wsgi:application" in web
    assert "--bind 0.0.0.0:8000" in web
    assert '--workers "${WEB_CONCURRENCY:-3}"' in web
    assert "--access-logfile -" in web
    worker = text.split("worker)", 1)[1].split(";;", 1)[0]
    for part in (
        "exec celery -A hengyang_award worker",
        "-Q default,pdf",
        "--max-tasks-per-child 50",
        '--concurrency "${WORKER_CONCURRENCY:-2}"',
    ):
        assert part in worker
    beat = text.split("beat)", 1)[1].split(";;", 1)[0]
    assert "exec celery -A hengyang_award beat" in beat
    assert f"--schedule {BEAT_SCHEDULE}" in beat
    assert 'exec "$@"' in text


def test_dockerfile():
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim-bookworm$", text, re.MULTILINE)
    for package in (
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz-subset0",
        "fontconfig",
        "fonts-noto-cjk",
        "fonts-arphic-ukai",
        "gettext",
    ):
        assert re.search(rf"\s{re.escape(package)}\s", text), package
    assert "chromium" not in text
    assert "pip install -r requirements.lock" in text
    assert "compilemessages" in text
    assert "collectstatic" in text
    assert "DJANGO_SETTINGS_MODULE=hengyang_award.settings.production" in text
    users = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert users, "the image must not run as root"
    assert users[-1] not in ("root", "0")
    assert re.search(r"^EXPOSE 8000$", text, re.MULTILINE)
    assert '"/app/docker/entrypoint.sh"' in text


def test_dockerignore_keeps_local_state_and_secrets_out():
    entries = {
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for entry in (
        ".venv",
        "var",
        "staticfiles",
        ".git",
        "**/__pycache__",
        "test-artifacts",
        ".env",
    ):
        assert entry in entries, entry
    for needed in ("docker", "docker/entrypoint.sh", "requirements.lock", "manage.py"):
        assert needed not in entries, needed
