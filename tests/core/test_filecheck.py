"""FI-4: the periodic check of every stored file against its SHA-256
(`hengyang_award/core/filecheck.py`), its daily job, command and office page."""

import hashlib
import io
import os
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services as case_services
from applications.models import Attachment, CaseDocument
from hengyang_award.celery import registered_task
from hengyang_award.core import filecheck
from hengyang_award.core.filecheck import files_verify
from hengyang_award.core.models import AuditLog, FileCheckRun, FileProblem
from hengyang_award.core.roles import Role
from hengyang_award.jobs.models import OutboxMessage
from hengyang_award.notifications.models import Notification
from supervision.models import Certificate
from tests.factories import make_user
from tests.factories.awards import announce, drive_to

pytestmark = pytest.mark.django_db

SUMMARY = CaseDocument.Kind.APPLICATION_SUMMARY
PROBLEM_ACTIONS = ("file.corrupt", "file.missing", "file.restored", "file.problem_closed")


@pytest.fixture
def stored(world):
    """A submitted case with its evidence files and its rendered summary."""
    case = world.drive(world.new_case(), ["submit"])
    document = case_services.case_document_render(case.pk, kind=SUMMARY)
    attachments = list(Attachment.objects.filter(case=case).order_by("pk"))
    assert len(attachments) >= 2
    return document, attachments


def _corrupt(row) -> bytes:
    path = Path(row.file.path)
    original = path.read_bytes()
    path.write_bytes(b"not the stored bytes")
    return original


def _problems() -> set[tuple[str, str, str]]:
    return {
        (p.content_type.model, p.object_id, p.kind)
        for p in FileProblem.objects.filter(resolved_at=None)
    }


def _audit(*actions: str) -> list[tuple]:
    return list(
        AuditLog.objects.filter(action__in=actions or PROBLEM_ACTIONS)
        .order_by("pk")
        .values_list("action", "actor_id", "object_type", "object_id")
    )


def _notified() -> list[tuple[int, str, str]]:
    return sorted(
        Notification.objects.filter(kind__startswith="file.").values_list(
            "recipient_id", "kind", "subject"
        )
    )


# --- the check ----------------------------------------------------------------------


def test_stored_file_models_are_every_model_with_file_and_checksum():
    labels = [model._meta.label for model in filecheck.stored_file_models()]

    assert labels == [
        "applications.Attachment",
        "applications.CaseDocument",
        "committee.Minutes",
        "publicity.Notice",
        "publicity.ObjectionFile",
        "publicity.SharingAttachment",
        "review.ComplaintFile",
        "supervision.AfterAwardFile",
        "supervision.Certificate",
    ]


def test_context_paths_lead_each_stored_file_to_its_case_and_organisation():
    paths = {
        model._meta.label: filecheck.context_paths(model)
        for model in filecheck.stored_file_models()
    }

    assert paths == {
        "applications.Attachment": ("case", "case__organisation"),
        "applications.CaseDocument": ("case", "case__organisation"),
        "committee.Minutes": (None, None),
        "publicity.Notice": (None, None),
        "publicity.ObjectionFile": ("objection__case", "objection__case__organisation"),
        "publicity.SharingAttachment": ("entry__award__case", "entry__award__organisation"),
        "review.ComplaintFile": ("complaint__case", "complaint__case__organisation"),
        "supervision.AfterAwardFile": ("award__case", "award__organisation"),
        "supervision.Certificate": ("award__case", "award__organisation"),
    }


def test_file_problem_rows_of_every_model_without_its_row():
    problems = [
        FileProblem(
            content_type=ContentType.objects.get_for_model(model),
            object_id="999999",
            path="gone.pdf",
            kind=FileProblem.Kind.MISSING,
        )
        for model in filecheck.stored_file_models()
    ]

    rows = filecheck.file_problem_rows(problems)

    assert [(r.record, r.stored, r.case, r.organisation) for r in rows] == [
        (str(model._meta.verbose_name), None, None, None)
        for model in filecheck.stored_file_models()
    ]


def test_file_digest_reads_in_chunks_same_as_whole_file():
    content = os.urandom(filecheck.READ_SIZE * 2 + 17)
    name = default_storage.save("filecheck-test/large.bin", ContentFile(content))

    digest = filecheck.file_digest(default_storage, name)

    assert digest == hashlib.sha256(content).hexdigest()
    assert filecheck.file_digest(default_storage, "filecheck-test/absent.bin") is None


def test_files_verify_all_intact_reports_no_problem(world, stored):
    _document, attachments = stored

    run = files_verify()

    assert (run.checked, run.ok, run.corrupt, run.missing) == (
        len(attachments) + 1,
        len(attachments) + 1,
        0,
        0,
    )
    assert run.finished_at is not None
    assert FileProblem.objects.count() == 0
    verified = AuditLog.objects.get(action="files.verified")
    assert (verified.actor_id, verified.object_id, verified.detail) == (
        None,
        str(run.pk),
        {"checked": run.checked, "ok": run.ok, "corrupt": 0, "missing": 0},
    )


def test_files_verify_corrupt_and_missing_reported_once_to_office(world, stored):
    document, attachments = stored
    gone = attachments[0]
    _corrupt(document)
    os.remove(gone.file.path)
    colleague = make_user(Role.OFFICE_STAFF)
    retired = make_user(Role.OFFICE_STAFF)
    retired.is_active = False
    retired.save(update_fields=["is_active"])

    run = files_verify()

    assert (run.checked, run.corrupt, run.missing) == (len(attachments) + 1, 1, 1)
    assert run.ok == len(attachments) - 1
    assert _problems() == {
        ("casedocument", str(document.pk), "corrupt"),
        ("attachment", str(gone.pk), "missing"),
    }
    assert _audit() == [
        ("file.missing", None, "applications.Attachment", str(gone.pk)),
        ("file.corrupt", None, "applications.CaseDocument", str(document.pk)),
    ]
    corrupt = AuditLog.objects.get(action="file.corrupt")
    assert corrupt.detail["path"] == document.file.name
    assert corrupt.detail["sha256"] == document.sha256
    assert corrupt.detail["found"] == hashlib.sha256(b"not the stored bytes").hexdigest()
    assert _notified() == sorted(
        [
            (world.office.pk, "file.corrupt", "文件完整性检查：发现损坏的文件"),
            (world.office.pk, "file.missing", "文件完整性检查：发现缺失的文件"),
            (colleague.pk, "file.corrupt", "文件完整性检查：发现损坏的文件"),
            (colleague.pk, "file.missing", "文件完整性检查：发现缺失的文件"),
        ]
    )
    body = Notification.objects.get(recipient=colleague, kind="file.missing").body
    assert gone.file.name in body
    assert "申报材料" in body


def test_files_verify_second_run_only_moves_last_seen(world, stored):
    document, attachments = stored
    _corrupt(document)
    os.remove(attachments[0].file.path)
    files_verify()
    before = {p.pk: (p.first_seen_at, p.last_seen_at) for p in FileProblem.objects.all()}
    audited, notified = _audit(), _notified()

    again = files_verify()

    assert (again.corrupt, again.missing) == (1, 1)
    assert _audit() == audited
    assert _notified() == notified
    assert FileProblem.objects.count() == 2
    for problem in FileProblem.objects.all():
        assert problem.resolved_at is None
        first_seen_at, last_seen_at = before[problem.pk]
        assert problem.first_seen_at == first_seen_at
        assert problem.last_seen_at > last_seen_at
    assert AuditLog.objects.filter(action="files.verified").count() == 2


def test_files_verify_restored_bytes_resolve_the_problem(world, stored):
    document, _attachments = stored
    original = _corrupt(document)
    files_verify()

    Path(document.file.path).write_bytes(original)
    run = files_verify()

    assert (run.corrupt, run.missing, run.ok) == (0, 0, run.checked)
    problem = FileProblem.objects.get()
    assert problem.resolved_at is not None
    assert _problems() == set()
    assert _audit() == [
        ("file.corrupt", None, "applications.CaseDocument", str(document.pk)),
        ("file.restored", None, "applications.CaseDocument", str(document.pk)),
    ]
    assert AuditLog.objects.get(action="file.restored").detail["problem"] == problem.pk


def test_files_verify_broken_again_after_restore_reported_again(world, stored):
    document, _attachments = stored
    original = _corrupt(document)
    files_verify()
    Path(document.file.path).write_bytes(original)
    files_verify()

    os.remove(document.file.path)
    files_verify()

    assert _problems() == {("casedocument", str(document.pk), "missing")}
    assert [a[0] for a in _audit()] == ["file.corrupt", "file.restored", "file.missing"]


def test_files_verify_problem_of_a_row_no_longer_stored_is_closed(world, stored):
    document, _attachments = stored
    os.remove(document.file.path)
    files_verify()
    problem = FileProblem.objects.get()

    CaseDocument.objects.filter(pk=document.pk).delete()
    files_verify()

    problem.refresh_from_db()
    assert problem.resolved_at is not None
    closed = AuditLog.objects.get(action="file.problem_closed")
    assert (closed.object_type, closed.object_id, closed.detail["object_id"]) == (
        "core.FileProblem",
        str(problem.pk),
        str(document.pk),
    )


def test_files_verify_unrendered_certificate_skipped(world):
    drive_to(world, "awarded")
    certificate = announce(world.cycle, office=world.office).awards.get().certificate
    assert certificate.file.name == ""
    assert certificate.sha256 == ""

    run = files_verify()

    certificate_type = ContentType.objects.get_for_model(Certificate)
    assert (run.corrupt, run.missing) == (0, 0)
    assert not FileProblem.objects.filter(content_type=certificate_type).exists()
    stored_rows = sum(
        model._base_manager.exclude(file="").exclude(sha256="").count()
        for model in filecheck.stored_file_models()
    )
    assert run.checked == stored_rows


def test_files_verify_while_another_run_holds_the_lock_returns_none(world, stored):
    database = settings.DATABASES["default"]
    other = psycopg.connect(
        host=database["HOST"],
        port=database["PORT"] or 5432,
        user=database["USER"],
        password=database["PASSWORD"] or None,
        dbname=connection.settings_dict["NAME"],
        autocommit=True,
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [filecheck.RUN_LOCK])

        skipped = files_verify()

    finally:
        other.close()

    assert skipped is None
    assert FileCheckRun.objects.count() == 0
    assert files_verify() is not None


def test_files_verify_store_gone_stops_without_reporting(world, stored, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "unmounted"

    with pytest.raises(filecheck.FileStoreUnavailableError):
        files_verify()

    assert FileProblem.objects.count() == 0
    assert _notified() == []


# --- the daily job and the command --------------------------------------------------


def test_beat_entry_runs_the_registered_task():
    entry = settings.CELERY_BEAT_SCHEDULE["files-verify"]

    task = registered_task(entry["task"])

    assert entry == {"task": "core.files_verify", "schedule": 86400.0}
    assert task.name == "core.files_verify"


def test_files_verify_task_twice_reports_once(world, stored):
    document, _attachments = stored
    _corrupt(document)
    task = registered_task("core.files_verify")

    first = task.apply().get()
    second = task.apply().get()

    assert {k: v for k, v in first.items() if k != "run"} == {
        "checked": first["ok"] + 1,
        "ok": first["ok"],
        "corrupt": 1,
        "missing": 0,
    }
    assert second["corrupt"] == 1
    assert second["run"] != first["run"]
    assert _audit("file.corrupt") == [
        ("file.corrupt", None, "applications.CaseDocument", str(document.pk))
    ]


def test_files_verify_command_all_intact_exits_zero(world, stored):
    out, err = io.StringIO(), io.StringIO()

    call_command("files_verify", stdout=out, stderr=err)

    run = FileCheckRun.objects.get()
    assert out.getvalue().strip() == (
        f"已检查 {run.checked} 个文件：完好 {run.checked}，损坏 0，缺失 0。"
    )
    assert err.getvalue() == ""


def test_files_verify_command_problem_exits_non_zero_and_names_it(world, stored):
    document, attachments = stored
    _corrupt(document)
    os.remove(attachments[1].file.path)
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("files_verify", stdout=out, stderr=err)

    assert raised.value.returncode == 1
    assert str(raised.value) == "2 个存储文件损坏或缺失。"
    assert "损坏 1，缺失 1" in out.getvalue()
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 2
    assert any(document.file.name in line and line.startswith("损坏") for line in lines)
    assert any(attachments[1].file.name in line and line.startswith("缺失") for line in lines)


# --- the office's page --------------------------------------------------------------


def test_file_check_page_office_sees_open_problems_with_organisation(client, world, stored):
    _document, attachments = stored
    os.remove(attachments[0].file.path)
    files_verify()
    client.force_login(world.office)

    response = client.get(reverse("core:file_check"))

    page = response.content.decode()
    assert response.status_code == 200
    problem = FileProblem.objects.get()
    assert f'data-file-problem="{problem.pk}" data-kind="missing"' in page
    assert attachments[0].file.name in page
    assert world.org.name in page
    assert reverse("applications:case_detail", args=[attachments[0].case_id]) in page
    assert "data-file-check-run-row" in page


@pytest.mark.parametrize("role", ["reviewer", "applicant", "sysadmin"])
def test_file_check_page_other_roles_refused(client, world, role):
    client.force_login(world.actor(role))

    response = client.get(reverse("core:file_check"))
    queued = client.post(reverse("core:file_check_run"))

    assert (response.status_code, queued.status_code) == (403, 403)
    assert not OutboxMessage.objects.filter(task="core.files_verify").exists()


def test_file_check_page_anonymous_sent_to_login(client):
    response = client.get(reverse("core:file_check"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_file_check_run_queues_the_task_once(client, world):
    client.force_login(world.office)

    first = client.post(reverse("core:file_check_run"), follow=True)
    second = client.post(reverse("core:file_check_run"), follow=True)

    assert list(OutboxMessage.objects.values_list("task", "kwargs", "sent_at")) == [
        ("core.files_verify", {}, None)
    ]
    assert [str(m) for m in first.context["messages"]] == [
        "已安排文件完整性检查，完成后结果将显示在本页。"
    ]
    assert [str(m) for m in second.context["messages"]] == [
        "文件完整性检查已在排队，无需重复提交。"
    ]
    assert "data-file-check-waiting" in second.content.decode()
    assert _audit("files.verify_requested") == [("files.verify_requested", world.office.pk, "", "")]


def test_file_check_queued_run_runs_from_the_outbox(client, world, stored):
    document, _attachments = stored
    _corrupt(document)
    client.force_login(world.office)
    client.post(reverse("core:file_check_run"))
    message = OutboxMessage.objects.get(task="core.files_verify")

    registered_task(message.task).apply(kwargs=message.kwargs)

    page = client.get(reverse("core:file_check")).content.decode()
    assert 'data-kind="corrupt"' in page
    assert FileCheckRun.objects.get().corrupt == 1


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:file_check"))
    assert response.status_code == 200
    return len(queries)


def test_file_check_page_query_count_same_for_one_and_many_problems(client, world, stored):
    _document, attachments = stored
    client.force_login(world.office)
    os.remove(attachments[0].file.path)
    files_verify()
    one = _page_queries(client)

    for attachment in attachments[1:]:
        os.remove(attachment.file.path)
    files_verify()
    many = _page_queries(client)

    assert FileProblem.objects.filter(resolved_at=None).count() == len(attachments) > 1
    assert many == one
