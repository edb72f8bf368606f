"""The feedback report (反馈报告, Art. 10(3)): bands, never the exact score; the
applicant downloads it from the case page."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from applications import services as case_services
from applications.models import CaseDocument
from review.services import scoring as services
from tests.review.scoring_support import agree, document_review_case, make_reviewer, score

pytestmark = pytest.mark.django_db

FEEDBACK = CaseDocument.Kind.FEEDBACK_REPORT


def _not_shortlisted(world):
    """A case whose consensus is 575.50: all 60 % except 4.1.2 at 35 % and 4.7.2 at
    45 % (600 − 50×25 % − 80×15 % = 600 − 12.5 − 12 = 575.5). 领导 = 17.5 + 18 + 18
    = 53.5 of 110 (48.6 %, band 30–45); the total is 57.6 % (band 50–65)."""
    case, group = document_review_case(world, ("张组长", "李评审"))
    for assignment in group:
        score(assignment, 60, _4_1_2=35, _4_7_2=45)
    agree(case, group[0], 60, _4_1_2=35, _4_7_2=45)
    services.shortlist_apply(world.cycle.pk, by=world.office, case_ids_in=[], note="未进入。")
    return case


def _text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_feedback_report_shows_bands_and_findings_not_the_exact_score(world):
    case = _not_shortlisted(world)

    document = case_services.case_document_render(case.pk, kind=FEEDBACK)

    text = _text(document.file.read())
    assert "资料评审反馈报告" in text
    assert world.org.name in text
    assert "总体得分区间 50%–65%" in text
    assert "4.1 领导　得分区间：30%–45%" in text
    assert "4.1.2方法系统，展开充分。（高层领导的作用）" in text
    assert "4.7.2缺少与标杆的对比数据。（产品和服务结果）" in text
    assert "保密" in text
    # The organisation's test name carries a sequence number (…5575…): leave it out.
    without_name = text.replace(world.org.name, "")
    for exact in ("575.5", "575", "53.5", "48.6"):
        assert exact not in without_name
    assert "张组长" not in text  # reviewers stay anonymous to the applicant


def test_feedback_report_render_is_idempotent(world):
    case = _not_shortlisted(world)

    first = case_services.case_document_render(case.pk, kind=FEEDBACK)
    second = case_services.case_document_render(case.pk, kind=FEEDBACK)

    assert first.pk == second.pk
    assert CaseDocument.objects.filter(case=case, kind=FEEDBACK).count() == 1


def test_feedback_report_downloaded_by_applicant_404_for_a_stranger(client, world):
    case = _not_shortlisted(world)
    document = case_services.case_document_render(case.pk, kind=FEEDBACK)
    url = reverse("applications:case_document", args=[case.pk, document.pk])
    stranger = make_reviewer("外部评审")

    client.force_login(world.applicant)
    mine = client.get(url)
    client.force_login(stranger.user)
    theirs = client.get(url)

    assert mine.status_code == 200
    assert mine["Content-Type"] == "application/pdf"
    assert theirs.status_code == 404
