import io
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from applications import services
from applications.models import CaseDocument
from hengyang_award.core.models import AuditLog
from hengyang_award.jobs.models import OutboxMessage

pytestmark = pytest.mark.django_db

SUMMARY = CaseDocument.Kind.APPLICATION_SUMMARY


def _url(document):
    return reverse("applications:case_document", args=[document.case_id, document.pk])


def test_submit_queues_the_summary_once_per_round(world):
    case = world.drive(world.new_case(), ["submit", "return_to_applicant", "submit"])

    queued = list(
        OutboxMessage.objects.filter(task="pdf.render_case_document")
        .order_by("pk")
        .values_list("kwargs", "dedupe_key")
    )

    assert queued == [
        ({"case_id": case.pk, "kind": SUMMARY}, f"document:{case.pk}:{SUMMARY}:1"),
        ({"case_id": case.pk, "kind": SUMMARY}, f"document:{case.pk}:{SUMMARY}:2"),
    ]


def test_document_render_stores_pdf_with_checksum_and_is_idempotent(world):
    case = world.drive(world.new_case(), ["submit"])

    first = services.case_document_render(case.pk, kind=SUMMARY)
    second = services.case_document_render(case.pk, kind=SUMMARY)

    assert first.pk == second.pk
    assert CaseDocument.objects.filter(case=case).count() == 1
    content = first.file.read()
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert world.org.name in text
    assert world.org.credit_code in text
    assert first.size == len(content)


def test_document_download_is_attachment_no_store_and_audited(client, world):
    case = world.drive(world.new_case(), ["submit"])
    document = services.case_document_render(case.pk, kind=SUMMARY)
    client.force_login(world.county)

    response = client.get(_url(document))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert list(
        AuditLog.objects.filter(action="file.download").values_list("actor", "object_id")
    ) == [(world.county.pk, str(document.pk))]


def test_document_download_by_foreign_user_is_404_and_audited(client, world):
    case = world.drive(world.new_case(), ["submit"])
    document = services.case_document_render(case.pk, kind=SUMMARY)
    client.force_login(world.other_county)

    response = client.get(_url(document))

    assert response.status_code == 404
    denied = AuditLog.objects.get(action="file.download_denied")
    assert (denied.actor_id, denied.detail) == (
        world.other_county.pk,
        {"case": case.pk, "document": document.pk},
    )


def test_corrupted_document_is_reported_not_served(client, world):
    case = world.drive(world.new_case(), ["submit"])
    document = services.case_document_render(case.pk, kind=SUMMARY)
    with open(document.file.path, "r+b") as handle:
        handle.seek(100)
        handle.write(b"XXXX")
    client.force_login(world.applicant)

    response = client.get(_url(document))

    assert response.status_code == 500
    assert b"%PDF" not in response.content
    assert AuditLog.objects.filter(action="file.corrupt", object_id=str(document.pk)).count() == 1
    assert AuditLog.objects.filter(action="file.download").count() == 0


def test_missing_document_is_reported_not_a_traceback(client, world):
    case = world.drive(world.new_case(), ["submit"])
    document = services.case_document_render(case.pk, kind=SUMMARY)
    Path(document.file.path).unlink()
    client.force_login(world.applicant)

    response = client.get(_url(document))

    assert response.status_code == 500
    assert "该文件已缺失或其校验值与存档记录不一致" in response.content.decode()
    assert AuditLog.objects.filter(action="file.missing", object_id=str(document.pk)).count() == 1
    assert AuditLog.objects.filter(action="file.download").count() == 0


def test_document_render_failure_leaves_the_case_as_it_was_and_is_retried(
    world, settings, tmp_path
):
    """RE-4: the file store cannot be written (its folder is a file): each attempt
    fails, the task is retried up to its limit, and the case, its events and its
    documents are as they were."""
    from celery.signals import task_retry

    from applications.tasks import render_case_document_task

    case = world.drive(world.new_case(), ["submit"])
    before = (case.state, case.updated_at, case.events.count())
    blocked = tmp_path / "media"
    blocked.write_text("a file where the file store's folder should be")
    settings.MEDIA_ROOT = str(blocked)
    retries = []

    def retried(sender=None, **_signal):
        retries.append(sender.name)

    task_retry.connect(retried, weak=False)
    try:
        result = render_case_document_task.apply(kwargs={"case_id": case.pk, "kind": SUMMARY})
    finally:
        task_retry.disconnect(retried)

    case.refresh_from_db()
    assert result.state == "FAILURE"
    assert retries == ["pdf.render_case_document"] * render_case_document_task.max_retries
    assert (case.state, case.updated_at, case.events.count()) == before
    assert not CaseDocument.objects.filter(case=case).exists()
