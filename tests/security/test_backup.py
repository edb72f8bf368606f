"""DA-3: a backup restored into an empty database gives the same row counts and
the same file checksums."""

import hashlib
import io
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from applications import services as case_services
from hengyang_award.core.backup import EXCLUDED_MODELS, RestoreError, restore_read
from tests.factories import PATH_TO, World


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 — our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _counts(cursor) -> dict[str, int]:
    counts = {}
    for model in apps.get_models():
        if model._meta.label_lower in EXCLUDED_MODELS or model._meta.proxy:
            continue
        cursor.execute(f'SELECT count(*) FROM "{model._meta.db_table}"')
        counts[model._meta.label_lower] = cursor.fetchone()[0]
    return counts


def _checksums(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_empty_database_same_rows_and_files(tmp_path):
    world = World()
    world.drive(world.new_case(), PATH_TO["accepted"])
    case_services.case_create(
        cycle=world.cycle, organisation=world.other_org, by=world.other_applicant
    )
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    with connection.cursor() as cursor:
        source_counts = _counts(cursor)
    assert source_counts["applications.case"] == 2
    assert source_counts["core.auditlog"] > 0
    source_files = _checksums(Path(settings.MEDIA_ROOT))
    assert source_files

    params = connection.get_connection_params()
    name = f"hy_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(
        host=params.get("host"),
        port=params.get("port"),
        user=params.get("user"),
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    media = tmp_path / "restored-media"
    try:
        url = f"postgres://{params.get('user')}@{params.get('host')}:{params.get('port')}/{name}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "hengyang_award.settings.test",
            "TEST_DATABASE_URL": url,
            "TEST_MEDIA_ROOT": str(media),
        }
        result = _manage(env, "restore", str(archive))
        assert result.returncode == 0, result.stdout + result.stderr
        with (
            psycopg.connect(url.replace("postgres://", "postgresql://")) as restored,
            restored.cursor() as cursor,
        ):
            restored_counts = _counts(cursor)
        assert restored_counts == source_counts
        assert _checksums(media) == source_files

        # A second restore into the now filled database is refused.
        again = _manage(env, "restore", str(archive))
        assert again.returncode != 0
        assert "不是空的" in again.stderr
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.django_db
def test_restore_refuses_a_tampered_file(tmp_path, world):
    world.drive(world.new_case(), PATH_TO["submitted"])
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            payload = source.extractfile(member).read() if member.isfile() else None
            if member.name.startswith("files/") and payload is not None:
                payload = payload + b"x"
                member.size = len(payload)
            target.addfile(member, io.BytesIO(payload) if payload is not None else None)
    # The archive is checked before anything else, even before the emptiness test.
    with pytest.raises(RestoreError, match="文件校验和不符"):
        restore_read(tampered)
