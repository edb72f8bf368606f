"""FI-4: the periodic check of every stored file against the SHA-256 recorded
when it was stored. Downloads verify the same checksum
(`applications.views.downloads.verified_download`); this check finds a corrupt
or missing file before anyone asks for it.

Every model with a `file` FileField and a `sha256` field takes part, found from
the app registry: a new kind of stored file is checked without being listed here.
A problem is reported once, when first seen (an audit record and a notification
to the review office); later runs only move its `last_seen_at`; a file that
verifies again (restored from a backup) resolves it."""

import functools
import hashlib
import logging
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.files.storage import FileSystemStorage, Storage
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from hengyang_award.jobs.models import OutboxMessage
from hengyang_award.jobs.outbox import outbox_enqueue
from hengyang_award.notifications.services import notify

from .models import FileCheckRun, FileProblem, User
from .selectors import office_users
from .services import audit_log_write

log = logging.getLogger(__name__)

TASK = "core.files_verify"
# Bytes read at a time: a file is never held in memory whole.
READ_SIZE = 1 << 20
# Rows fetched at a time from each table.
ROWS_PER_FETCH = 500
# The key of the session-level PostgreSQL advisory lock that keeps two runs
# (a redelivered task, the command beside the daily job) from overlapping.
RUN_LOCK = 7_195_800_002
# How far the page looks along foreign keys for the case and the organisation a
# stored file belongs to (SharingAttachment → entry → award → case).
CONTEXT_DEPTH = 3

OK = "ok"
CORRUPT = FileProblem.Kind.CORRUPT
MISSING = FileProblem.Kind.MISSING

FOUND = {
    CORRUPT: (
        gettext_lazy("文件完整性检查：发现损坏的文件"),
        gettext_lazy(
            "%(record)s（编号 %(id)s）的存储文件 %(path)s 与登记的 SHA-256 校验值不符，"
            "系统已停止提供下载。请从备份中恢复该文件。"
        ),
    ),
    MISSING: (
        gettext_lazy("文件完整性检查：发现缺失的文件"),
        gettext_lazy(
            "%(record)s（编号 %(id)s）的存储文件 %(path)s 已不存在，"
            "无法提供下载。请从备份中恢复该文件。"
        ),
    ),
}


class FileStoreUnavailableError(RuntimeError):
    """The file store itself is gone (an unmounted volume): every file would read
    as missing, so the run stops instead of reporting each one."""


def stored_file_models() -> list[type[models.Model]]:
    """Every concrete model with a `file` FileField and a `sha256` field."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        try:
            file_field = model._meta.get_field("file")
            model._meta.get_field("sha256")
        except FieldDoesNotExist:
            continue
        if isinstance(file_field, models.FileField):
            found.append(model)
    return sorted(found, key=lambda m: m._meta.label)


def file_digest(storage: Storage, name: str) -> str | None:
    """The SHA-256 of a stored file, read in chunks; None when it is not there."""
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError):
        return None
    digest = hashlib.sha256()
    with handle:
        for chunk in iter(lambda: handle.read(READ_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _store_present(storage: Storage) -> bool:
    if isinstance(storage, FileSystemStorage):
        return Path(storage.location).is_dir()
    return True


@contextmanager
def _run_lock() -> Iterator[bool]:
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [RUN_LOCK])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [RUN_LOCK])


def files_verify(*, rows_per_fetch: int = ROWS_PER_FETCH) -> FileCheckRun | None:
    """Check every stored file once; None when another run holds the lock. Safe
    to run again at any time: a problem already open is not reported twice.
    Memory stays constant in the number and size of files (rows are streamed,
    files read in chunks); only the open problems are held."""
    with _run_lock() as acquired:
        if not acquired:
            log.info("files_verify: another run holds the lock")
            return None
        return _files_verify(rows_per_fetch)


def _files_verify(rows_per_fetch: int) -> FileCheckRun:
    run = FileCheckRun.objects.create(started_at=timezone.now())
    open_problems = {
        (p.content_type_id, p.object_id): p
        for p in FileProblem.objects.filter(resolved_at=None).select_related("content_type")
    }
    counts: Counter[str] = Counter()
    for model in stored_file_models():
        content_type = ContentType.objects.get_for_model(model)
        storage = model._meta.get_field("file").storage
        rows = (
            model._base_manager.exclude(file="")
            .exclude(file__isnull=True)
            .exclude(sha256="")
            .order_by("pk")
            .values_list("pk", "file", "sha256")
            .iterator(chunk_size=rows_per_fetch)
        )
        for pk, name, expected in rows:
            actual = file_digest(storage, name)
            if actual is None and not _store_present(storage):
                raise FileStoreUnavailableError(getattr(storage, "location", type(storage)))
            outcome = OK if actual == expected else (MISSING if actual is None else CORRUPT)
            counts[outcome] += 1
            problem = open_problems.pop((content_type.pk, str(pk)), None)
            if outcome == OK:
                if problem is not None:
                    _problem_resolve(problem, model=model, run=run)
            else:
                _problem_seen(
                    problem,
                    model=model,
                    content_type=content_type,
                    pk=pk,
                    path=name,
                    kind=outcome,
                    expected=expected,
                    actual=actual,
                    run=run,
                )
    # Problems whose row was not checked: the row is gone or stores no file now.
    for problem in open_problems.values():
        _problem_close(problem, run=run)
    return _run_finish(run, counts)


@transaction.atomic
def _run_finish(run: FileCheckRun, counts: Counter[str]) -> FileCheckRun:
    run.finished_at = timezone.now()
    run.ok, run.corrupt, run.missing = counts[OK], counts[CORRUPT], counts[MISSING]
    run.checked = run.ok + run.corrupt + run.missing
    run.save(update_fields=["finished_at", "checked", "ok", "corrupt", "missing"])
    audit_log_write(
        "files.verified",
        obj=run,
        checked=run.checked,
        ok=run.ok,
        corrupt=run.corrupt,
        missing=run.missing,
    )
    return run


@transaction.atomic
def _problem_seen(
    problem: FileProblem | None,
    *,
    model: type[models.Model],
    content_type: ContentType,
    pk: int | str,
    path: str,
    kind: str,
    expected: str,
    actual: str | None,
    run: FileCheckRun,
) -> FileProblem:
    now = timezone.now()
    if problem is not None and problem.kind == kind and problem.path == path:
        problem.last_seen_at = now
        problem.save(update_fields=["last_seen_at"])
        return problem
    if problem is None:
        problem = FileProblem.objects.create(
            content_type=content_type,
            object_id=str(pk),
            path=path,
            kind=kind,
            first_seen_at=now,
            last_seen_at=now,
        )
    else:
        # Still broken, but differently (a missing file put back with other
        # bytes): a new finding, reported as such.
        problem.kind, problem.path, problem.last_seen_at = kind, path, now
        problem.save(update_fields=["kind", "path", "last_seen_at"])
    stored = model._base_manager.get(pk=pk)
    audit_log_write(
        f"file.{kind}",
        obj=stored,
        path=path,
        sha256=expected,
        found=actual or "",
        problem=problem.pk,
        run=run.pk,
    )
    subject, body = FOUND[kind]
    notify(
        office_users(),
        kind=f"file.{kind}",
        subject=subject,
        body=body,
        params={"record": _verbose_name(model), "id": pk, "path": path},
        link=reverse("core:file_check"),
        dedupe_key=f"file.{kind}:{problem.pk}",
    )
    return problem


def _verbose_name(model: type[models.Model]):
    # Called in each recipient's language by `notify`.
    return lambda: str(model._meta.verbose_name)


@transaction.atomic
def _problem_resolve(
    problem: FileProblem, *, model: type[models.Model], run: FileCheckRun
) -> FileProblem:
    problem.resolved_at = timezone.now()
    problem.save(update_fields=["resolved_at"])
    audit_log_write(
        "file.restored",
        obj=model._base_manager.get(pk=problem.object_id),
        path=problem.path,
        kind=problem.kind,
        problem=problem.pk,
        first_seen_at=problem.first_seen_at,
        run=run.pk,
    )
    return problem


@transaction.atomic
def _problem_close(problem: FileProblem, *, run: FileCheckRun) -> FileProblem:
    problem.resolved_at = timezone.now()
    problem.save(update_fields=["resolved_at"])
    audit_log_write(
        "file.problem_closed",
        obj=problem,
        reason="no_longer_stored",
        record=f"{problem.content_type.app_label}.{problem.content_type.model}",
        object_id=problem.object_id,
        path=problem.path,
        run=run.pk,
    )
    return problem


# --- the office's page --------------------------------------------------------------


@transaction.atomic
def files_verify_request(*, by: User) -> bool:
    """Queue a run now (after commit, through the outbox). False when one is
    already waiting to be handed to a worker."""
    waiting = OutboxMessage.objects.filter(task=TASK, sent_at=None, given_up_at=None)
    if waiting.exists():
        return False
    outbox_enqueue(TASK)
    audit_log_write("files.verify_requested", actor=by)
    return True


def file_check_runs(*, limit: int = 10) -> list[FileCheckRun]:
    return list(FileCheckRun.objects.order_by("-started_at", "-pk")[:limit])


def file_check_waiting() -> bool:
    return OutboxMessage.objects.filter(task=TASK, sent_at=None, given_up_at=None).exists()


def file_problems_open() -> models.QuerySet[FileProblem]:
    return (
        FileProblem.objects.filter(resolved_at=None)
        .select_related("content_type")
        .order_by("first_seen_at", "pk")
    )


@dataclass(frozen=True)
class ProblemRow:
    problem: FileProblem
    record: str
    stored: models.Model | None
    case: models.Model | None
    organisation: models.Model | None


def file_problem_rows(problems: list[FileProblem]) -> list[ProblemRow]:
    """Each problem with its record and the case and organisation it belongs to,
    if any: one query per kind of record, however many problems."""
    by_type: dict[int, list[FileProblem]] = {}
    for problem in problems:
        by_type.setdefault(problem.content_type_id, []).append(problem)
    loaded: dict[tuple[int, str], models.Model] = {}
    paths: dict[int, tuple[str | None, str | None]] = {}
    for type_id, group in by_type.items():
        model = group[0].content_type.model_class()
        if model is None:
            continue
        paths[type_id] = case_path, org_path = context_paths(model)
        related = [p for p in (case_path, org_path) if p]
        rows = model._base_manager.filter(pk__in=[p.object_id for p in group])
        if related:
            rows = rows.select_related(*related)
        for row in rows:
            loaded[(type_id, str(row.pk))] = row
    result = []
    for problem in problems:
        model = problem.content_type.model_class()
        stored = loaded.get((problem.content_type_id, problem.object_id))
        case_path, org_path = paths.get(problem.content_type_id, (None, None))
        result.append(
            ProblemRow(
                problem=problem,
                record=str(model._meta.verbose_name) if model else problem.content_type.model,
                stored=stored,
                case=_follow(stored, case_path),
                organisation=_follow(stored, org_path),
            )
        )
    return result


def _follow(obj: models.Model | None, path: str | None) -> models.Model | None:
    if obj is None or not path:
        return None
    for name in path.split("__"):
        obj = getattr(obj, name)
        if obj is None:
            return None
    return obj


@functools.cache
def context_paths(model: type[models.Model]) -> tuple[str | None, str | None]:
    """The shortest foreign-key paths from `model` to its case and organisation
    (`"award__case"`, `"award__organisation"`), or None. Users are not followed:
    an uploader's organisation is not the file's."""
    case_model = apps.get_model("applications", "Case")
    org_model = apps.get_model("core", "Organisation")
    skip = {get_user_model(), ContentType, Group}
    found: dict[type[models.Model], str] = {}
    queue = deque([(model, "", 0)])
    visited = {model}
    while queue and len(found) < 2:
        current, prefix, depth = queue.popleft()
        for field in current._meta.concrete_fields:
            if not (field.many_to_one or field.one_to_one) or field.related_model in skip:
                continue
            target = field.related_model
            path = f"{prefix}{field.name}"
            if target in (case_model, org_model):
                found.setdefault(target, path)
            if target is not org_model and target not in visited and depth + 1 < CONTEXT_DEPTH:
                visited.add(target)
                queue.append((target, f"{path}__", depth + 1))
    return found.get(case_model), found.get(org_model)
