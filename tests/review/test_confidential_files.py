"""Art. 21 / FI-3: files marked confidential reach reviewers only if the cycle allows."""

import io

import pytest
from django.urls import reverse

from applications.services import application as app_services
from hengyang_award.core.models import AuditLog
from review.models import Assignment
from tests.factories import PATH_TO, World, complete_application, make_cycle, tiny_pdf

pytestmark = pytest.mark.django_db


def _case_with_secret(world: World):
    case = world.new_case()
    complete_application(case, by=world.applicant)
    secret = app_services.attachment_upload(
        case.pk,
        by=world.applicant,
        kind="other",
        upload=io.BytesIO(tiny_pdf("secret")),
        name="工艺参数.pdf",
        confidentiality="technical_secret",
        description="核心工艺",
    )
    case = world.drive(case, PATH_TO["document_review"])
    reviewer = (
        Assignment.objects.filter(case=case, stage="document", status="active")
        .select_related("reviewer__user")
        .first()
        .reviewer.user
    )
    return case, secret, reviewer


def _download(client, user, case, attachment):
    client.force_login(user)
    return client.get(reverse("applications:attachment_download", args=[case.pk, attachment.pk]))


def test_confidential_file_hidden_from_reviewer_when_cycle_forbids(client):
    world = World(cycle=make_cycle(confidential_files_to_reviewers=False))
    case, secret, reviewer = _case_with_secret(world)

    response = _download(client, reviewer, case, secret)

    assert response.status_code == 404
    assert (
        AuditLog.objects.filter(
            action="file.download_denied", actor=reviewer, detail__attachment=secret.pk
        ).count()
        == 1
    )


def test_confidential_file_reaches_applicant_and_office_when_cycle_forbids(client):
    world = World(cycle=make_cycle(confidential_files_to_reviewers=False))
    case, secret, _reviewer = _case_with_secret(world)

    statuses = [
        _download(client, u, case, secret).status_code for u in (world.applicant, world.office)
    ]

    assert statuses == [200, 200]


def test_confidential_file_reaches_reviewer_when_cycle_allows_and_is_audited(client):
    world = World()
    case, secret, reviewer = _case_with_secret(world)

    response = _download(client, reviewer, case, secret)

    assert response.status_code == 200
    download = AuditLog.objects.get(action="file.download", actor=reviewer)
    assert download.detail["confidentiality"] == "technical_secret"
