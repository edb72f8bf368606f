import io

import pytest
from pypdf import PdfReader

from applications import services as case_services
from applications.models import CaseDocument
from review.pdf import render_onsite_report
from review.services import onsite as services
from tests.review.onsite_support import confirmed_report

pytestmark = pytest.mark.django_db

NOTE = "【评分项得分】质量结果得分偏低，请复核。"


def _text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_render_onsite_report_carries_team_scores_and_disagreement(world):
    team = confirmed_report(world, agree=False, note=NOTE)
    services.onsite_report_submit(team.case.pk, by=team.leader_user)

    text = _text(render_onsite_report(team.case))

    assert "现场评审报告" in text
    assert world.org.name in text
    assert team.leader.reviewer.name in text
    assert "现场评审总分" in text
    assert "建议授奖" in text
    assert "申报单位有不同意见" in text
    assert NOTE in text


def test_onsite_report_document_rendered_after_submission(world):
    team = confirmed_report(world, agree=True, note="确认无异议。")
    services.onsite_report_submit(team.case.pk, by=team.leader_user)

    document = case_services.case_document_render(
        team.case.pk, kind=CaseDocument.Kind.ONSITE_REPORT
    )

    text = _text(document.file.read())
    assert document.kind == CaseDocument.Kind.ONSITE_REPORT
    assert "申报单位已确认" in text
    assert "确认无异议。" in text
