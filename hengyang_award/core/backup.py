"""Backup and restore (QUALITY.md DA-3): one archive with a consistent dump of the
database (Django's serializer, natural keys, read in one repeatable-read
transaction), every stored file, and a manifest of row counts and SHA-256 sums.
Restoring needs an empty, migrated database; it checks every file against the
manifest and the row counts afterwards."""

import datetime
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .insert_only import InsertOnlyModel

FORMAT_VERSION = 1
# Data that is derived, per machine or transient: rebuilt by migrate or not worth keeping.
EXCLUDED_MODELS = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}


class RestoreError(Exception):
    pass


@dataclass(frozen=True)
class BackupReport:
    path: Path
    rows: dict[str, int]
    files: int


def _models():
    for model in apps.get_models():
        if model._meta.label_lower in EXCLUDED_MODELS or model._meta.proxy:
            continue
        if not model._meta.managed:
            continue
        yield model


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def backup_write(target: Path) -> BackupReport:
    """Write the archive to `target` (a .tar.gz)."""
    from django.core.serializers import sort_dependencies

    models = list(_models())
    ordered = sort_dependencies([(None, models)], allow_cycles=True)
    # One snapshot for every table (unless already inside a transaction, whose
    # snapshot is then the one read).
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        rows = {m._meta.label_lower: m._base_manager.count() for m in ordered}
        data = io.StringIO()
        serializers.serialize(
            "json",
            _iter_objects(ordered),
            stream=data,
            use_natural_foreign_keys=True,
            # Rows the migrations also create (role groups …) are matched by name.
            use_natural_primary_keys=True,
        )
    files = {}
    root = _media_root()
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            files[path.relative_to(root).as_posix()] = _sha256(path)
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "database": connection.vendor,
        "rows": rows,
        "files": files,
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(target, "w:gz") as archive:
        _add_bytes(archive, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        _add_bytes(archive, "db.json", data.getvalue())
        for name in files:
            archive.add(root / name, arcname=f"files/{name}")
    return BackupReport(path=target, rows=rows, files=len(files))


def _iter_objects(models):
    for model in models:
        yield from model._base_manager.order_by(model._meta.pk.name).iterator(chunk_size=2000)


def _add_bytes(archive: tarfile.TarFile, name: str, text: str) -> None:
    payload = text.encode()
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    info.mtime = int(datetime.datetime.now(tz=datetime.UTC).timestamp())
    archive.addfile(info, io.BytesIO(payload))


def _database_has_user_data() -> bool:
    from applications.models import Case

    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return Case.objects.exists() or user_model.objects.exclude(username="system").exists()


def restore_read(source: Path) -> BackupReport:
    """Load the archive into this (migrated, empty) database and file store. The
    whole archive is checked first; nothing is written unless it is intact."""
    with tarfile.open(source, "r:gz") as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        if manifest.get("format") != FORMAT_VERSION:
            raise RestoreError(_("备份文件格式版本不符。"))
        members = {m.name: m for m in archive.getmembers()}
        root = _media_root().resolve()
        payloads = {}
        for name, checksum in manifest["files"].items():
            member = members.get(f"files/{name}")
            if member is None or not member.isfile():
                raise RestoreError(_("备份中缺少文件：%(name)s") % {"name": name})
            destination = (root / name).resolve()
            if not destination.is_relative_to(root):
                raise RestoreError(_("备份中的文件路径不安全：%(name)s") % {"name": name})
            payload = archive.extractfile(member).read()
            if hashlib.sha256(payload).hexdigest() != checksum:
                raise RestoreError(_("文件校验和不符：%(name)s") % {"name": name})
            payloads[destination] = payload
        data = archive.extractfile("db.json").read().decode()
    if _database_has_user_data():
        raise RestoreError(_("目标数据库不是空的（已有用户或案卷），拒绝恢复。"))
    for destination, payload in payloads.items():
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(payload)
    _load(data)
    rows = {label: apps.get_model(label)._base_manager.count() for label in manifest["rows"]}
    mismatched = {k: (v, rows[k]) for k, v in manifest["rows"].items() if rows[k] != v}
    if mismatched:
        raise RestoreError(_("恢复后的行数与备份不符：%(rows)s") % {"rows": mismatched})
    return BackupReport(path=source, rows=rows, files=len(manifest["files"]))


@transaction.atomic
def _load(data: str) -> None:
    """Insert-only tables get plain INSERTs (their trigger refuses the UPDATE a
    normal save tries first); every other row is saved, replacing the reference
    rows the migrations created."""
    pending: dict[type, list] = {}
    touched = set()
    for item in serializers.deserialize("json", data, handle_forward_references=True):
        model = type(item.object)
        touched.add(model)
        if issubclass(model, InsertOnlyModel):
            pending.setdefault(model, []).append(item.object)
            if len(pending[model]) >= 1000:
                model._base_manager.bulk_create(pending.pop(model))
            continue
        for insert_only, objects in pending.items():
            insert_only._base_manager.bulk_create(objects)
        pending.clear()
        item.save()
    for insert_only, objects in pending.items():
        insert_only._base_manager.bulk_create(objects)
    statements = connection.ops.sequence_reset_sql(no_style(), list(touched))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


__all__ = ["DEFAULT_DB_ALIAS", "BackupReport", "RestoreError", "backup_write", "restore_read"]
