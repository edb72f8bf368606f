"""The county's recommendation form: opinion text plus the stamped scan (AC-1, FI-1)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from applications import services
from applications.models import Attachment, Case, CaseEvent, Recommendation
from hengyang_award.notifications.models import Notification
from tests.factories import tiny_pdf

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
OPINION = "该单位质量管理体系健全，同意推荐。"


def _url(case: Case) -> str:
    return reverse("applications:case_recommend", args=[case.pk])


def _scan(content: bytes | None = None, name: str = "推荐意见.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, tiny_pdf("盖章") if content is None else content, content_type="application/pdf"
    )


def _scans(case: Case) -> list[Attachment]:
    return list(Attachment.objects.filter(case=case, kind=Attachment.Kind.RECOMMENDATION_SCAN))


@pytest.fixture
def submitted(world) -> Case:
    return world.drive(world.new_case(), ["submit"])


def test_case_recommend_get_by_county_is_200(client, world, submitted):
    client.force_login(world.county)

    response = client.get(_url(submitted))

    assert response.status_code == 200
    assert response.context["form"].initial == {"expected_state": "submitted"}
    assert response.context["snapshot"].round == 1


def test_case_recommend_get_by_applicant_is_403(client, world, submitted):
    client.force_login(world.applicant)

    response = client.get(_url(submitted))

    assert response.status_code == 403


def test_case_recommend_get_by_other_county_is_404(client, world, submitted):
    client.force_login(world.other_county)

    response = client.get(_url(submitted))

    assert response.status_code == 404


def test_case_recommend_post_by_applicant_is_403_and_nothing_stored(client, world, submitted):
    client.force_login(world.applicant)

    response = client.post(
        _url(submitted), {"opinion": "自荐", "scan": _scan(), "expected_state": "submitted"}
    )

    assert response.status_code == 403
    assert Case.objects.get(pk=submitted.pk).state == "submitted"
    assert (Recommendation.objects.count(), _scans(submitted)) == (0, [])


def test_case_recommend_post_without_scan_refused_keeping_opinion(client, world, submitted):
    client.force_login(world.county)

    response = client.post(_url(submitted), {"opinion": OPINION, "expected_state": "submitted"})

    html = response.content.decode()
    assert response.status_code == 400
    assert response.context["form"].errors == {"scan": ["请上传盖章的推荐意见扫描件。"]}
    assert "请上传盖章的推荐意见扫描件。" in html
    assert OPINION in html
    assert Case.objects.get(pk=submitted.pk).state == "submitted"
    assert Recommendation.objects.count() == 0


def test_case_recommend_post_html_scan_refused_and_nothing_stored(client, world, submitted):
    client.force_login(world.county)

    response = client.post(
        _url(submitted),
        {"opinion": OPINION, "scan": _scan(HTML, "推荐意见.pdf"), "expected_state": "submitted"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "scan": [
            "文件名显示为 PDF，但文件内容不是 PDF 文件（可能只是改了扩展名）。"
            "请用原程序重新导出为 PDF 后再上传。"
        ]
    }
    assert OPINION in response.content.decode()
    assert Case.objects.get(pk=submitted.pk).state == "submitted"
    assert (Recommendation.objects.count(), _scans(submitted)) == (0, [])
    assert CaseEvent.objects.filter(case=submitted, name="recommend").count() == 0


def test_case_recommend_valid_post_recommends_with_scan_and_notifies(client, world, submitted):
    content = tiny_pdf("盖章")
    client.force_login(world.county)

    response = client.post(
        _url(submitted),
        {"opinion": OPINION, "scan": _scan(content), "expected_state": "submitted"},
    )

    recommendation = Recommendation.objects.get(case=submitted)
    event = CaseEvent.objects.get(case=submitted, name="recommend")
    assert response.status_code == 302
    assert response.url == reverse("applications:case_detail", args=[submitted.pk])
    assert Case.objects.get(pk=submitted.pk).state == "recommended"
    assert (recommendation.round, recommendation.opinion, recommendation.signed_by) == (
        1,
        OPINION,
        world.county,
    )
    assert (recommendation.scan.kind, recommendation.scan.original_name) == (
        "recommendation_scan",
        "推荐意见.pdf",
    )
    assert recommendation.scan.size == len(content)
    assert (event.actor, event.source, event.target, event.note) == (
        world.county,
        "submitted",
        "recommended",
        OPINION,
    )
    office_notices = Notification.objects.filter(kind="case.recommend", recipient=world.office)
    assert [n.subject for n in office_notices] == [f"有新的申报待资格审查：{world.org.name}"]
    assert set(
        Notification.objects.filter(kind="case.recommend").values_list("recipient", flat=True)
    ) == {world.office.pk, world.applicant.pk}


def test_case_recommend_stale_form_after_return_is_403(client, world, submitted):
    services.case_transition(
        submitted.pk, "return_to_applicant", by=world.county, note="请补充材料。"
    )
    client.force_login(world.county)

    response = client.post(
        _url(submitted), {"opinion": OPINION, "scan": _scan(), "expected_state": "submitted"}
    )

    assert response.status_code == 403
    assert Case.objects.get(pk=submitted.pk).state == "returned"
    assert (Recommendation.objects.count(), _scans(submitted)) == (0, [])


def test_case_recommend_on_returned_case_with_current_state_is_refused(client, world, submitted):
    services.case_transition(
        submitted.pk, "return_to_applicant", by=world.county, note="请补充材料。"
    )
    client.force_login(world.county)

    response = client.post(
        _url(submitted), {"opinion": OPINION, "scan": _scan(), "expected_state": "returned"}
    )

    assert response.status_code == 403
    assert Case.objects.get(pk=submitted.pk).state == "returned"
    assert (Recommendation.objects.count(), _scans(submitted)) == (0, [])


def test_case_action_recommend_without_form_does_not_bypass_scan(world, submitted):
    client = Client(raise_request_exception=False)
    client.force_login(world.county)

    response = client.post(
        reverse("applications:case_action", args=[submitted.pk, "recommend"]),
        {"recommend-note": "同意推荐", "recommend-expected_state": "submitted"},
    )

    assert response.status_code != 302
    assert Case.objects.get(pk=submitted.pk).state == "submitted"
    assert Recommendation.objects.count() == 0
    assert CaseEvent.objects.filter(case=submitted, name="recommend").count() == 0


def test_case_action_recommend_refusal_is_shown_not_a_server_error(world, submitted):
    # services.case_transition raises ValueError for "recommend"; case_action only
    # catches AlreadyHandled, TransitionBlocked and ValidationError, so this is a 500.
    client = Client(raise_request_exception=False)
    client.force_login(world.county)

    response = client.post(
        reverse("applications:case_action", args=[submitted.pk, "recommend"]),
        {"recommend-note": "同意推荐", "recommend-expected_state": "submitted"},
    )

    assert response.status_code < 500
    assert "请使用推荐表单" in response.content.decode()
