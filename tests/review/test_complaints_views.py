import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hengyang_award.core.models import AuditLog
from publicity import receipts
from review.models import Reviewer
from review.models_complaints import Complaint, ComplaintFile
from review.services.complaints import complaint_investigation_start
from review.services.pool import reviewer_create
from tests.factories import PATH_TO, tiny_pdf
from tests.factories.complaints import (
    SENTINEL_EMAIL,
    SENTINEL_FACTS,
    SENTINEL_NAME,
    SENTINEL_PERSON,
    SENTINEL_PHONE,
    assigned,
    lodge_complaint,
    reviewed_case,
    sentinel_complaint,
    upheld,
)

pytestmark = pytest.mark.django_db

NOT_FOUND = "未找到与该受理编号和联系电话相符的投诉举报"
SENTINELS = (SENTINEL_NAME, SENTINEL_PHONE, SENTINEL_EMAIL, SENTINEL_PERSON, SENTINEL_FACTS)


def _login(client, user):
    client.force_login(user)
    return client


def _form_data(world, **overrides) -> dict:
    return {
        "kind": "reviewer",
        "cycle": str(world.cycle.pk),
        "case": "",
        "person_concerned": "某评审员",
        "facts": "现场评审期间该评审员接受申报单位宴请，并暗示可以提高评分。",
        "complainant_name": "周实名",
        "phone": "13800001234",
        "email": "zhou@example.invalid",
        "complainant_organisation": "",
        "pledge": "on",
        **overrides,
    }


def _html(response) -> str:
    return response.content.decode()


def test_complaint_new_get_anonymous_visitor_ok_no_store(client, world):
    response = client.get(reverse("public_complaints:new"))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert '<html lang="zh-CN">' in _html(response)
    assert world.cycle.title in _html(response)


def test_complaint_new_logged_in_user_prefilled(client, world):
    world.applicant.full_name = "预填姓名"
    world.applicant.phone = "13911112222"
    world.applicant.save(update_fields=["full_name", "phone"])

    html = _html(_login(client, world.applicant).get(reverse("public_complaints:new")))

    assert 'value="预填姓名"' in html
    assert 'value="13911112222"' in html


def test_complaint_new_lists_only_accepted_cases_by_name_without_state(client, world):
    accepted = world.drive(world.new_case(), PATH_TO["accepted"])
    from applications.services import case_create

    draft = case_create(cycle=world.cycle, organisation=world.other_org, by=world.other_applicant)

    html = _html(client.get(reverse("public_complaints:new")))

    assert f'<option value="{accepted.pk}">{accepted.organisation.name}</option>' in html
    assert draft.organisation.name not in html


def test_complaint_new_never_lists_reviewers(client, world):
    reviewer_create(by=world.office, name="哨兵专家丙", employer="哨兵单位丁")

    html = _html(client.get(reverse("public_complaints:new")))

    assert "哨兵专家丙" not in html
    assert "哨兵单位丁" not in html


def test_complaint_new_post_ok_redirects_to_receipt(client, world):
    response = client.post(reverse("public_complaints:new"), _form_data(world))

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("public_complaints:done")
    done = client.get(response["Location"])
    assert receipts.receipt_display(complaint.receipt) in _html(done)
    assert complaint.complainant_name == "周实名"


def test_complaint_new_post_incomplete_refused_keeps_typed_values(client, world):
    response = client.post(
        reverse("public_complaints:new"),
        _form_data(world, complainant_name="", phone="", facts="评审不公平。"),
    )

    html = _html(response)
    assert response.status_code == 400
    assert 'id="id_complainant_name_error"' in html
    assert 'id="id_phone_error"' in html
    assert 'id="id_facts_error"' in html
    assert "评审不公平。" in html
    assert 'value="zhou@example.invalid"' in html
    assert not Complaint.objects.exists()


def test_complaint_new_post_disguised_evidence_refused_nothing_stored(client, world):
    fake = io.BytesIO(b"<html><script>alert(1)</script></html>")
    fake.name = "证据.pdf"
    good = io.BytesIO(tiny_pdf())
    good.name = "照片.pdf"

    response = client.post(
        reverse("public_complaints:new"), {**_form_data(world), "evidence": [good, fake]}
    )

    assert response.status_code == 400
    assert "证据.pdf" in _html(response)
    assert not Complaint.objects.exists()
    assert not ComplaintFile.objects.exists()


def test_complaint_new_post_anonymous_report_receipt_only(client, world):
    response = client.post(
        reverse("public_complaints:new"),
        _form_data(world, anonymous="on", complainant_name="", phone="", email=""),
        follow=True,
    )

    complaint = Complaint.objects.get()
    assert complaint.anonymous is True
    assert "data-anonymous" in _html(response)
    found = client.post(
        reverse("public_complaints:lookup"), {"receipt": complaint.receipt, "phone": ""}
    )
    assert 'data-complaint-status="received"' in _html(found)


def test_complaint_new_post_extra_fields_ignored(client, world):
    client.post(
        reverse("public_complaints:new"),
        _form_data(world, status="upheld", receipt="AAAAAAAAAAA", outcome_summary="x"),
    )

    complaint = Complaint.objects.get()
    assert complaint.status == Complaint.Status.RECEIVED
    assert complaint.outcome_summary == ""
    assert complaint.receipt != "AAAAAAAAAAA"


def test_complaint_lookup_wrong_receipt_or_phone_same_message(client, world):
    complaint = lodge_complaint(world.cycle, phone="13800005555")
    url = reverse("public_complaints:lookup")

    right = client.post(url, {"receipt": complaint.receipt, "phone": "13800005555"})
    wrong_phone = client.post(url, {"receipt": complaint.receipt, "phone": "13800005556"})
    wrong_receipt = client.post(url, {"receipt": receipts.receipt_new(), "phone": "13800005555"})

    assert 'data-complaint-status="received"' in _html(right)
    assert NOT_FOUND in _html(wrong_phone)
    assert NOT_FOUND in _html(wrong_receipt)

    def without_values(response):
        return re.sub(r'value="[^"]*"', "", _html(response))

    assert without_values(wrong_phone) == without_values(wrong_receipt)


def test_complaint_public_pages_never_show_personal_data(client, world):
    complaint = sentinel_complaint(world.cycle)
    upheld(complaint, by=world.office, summary="经查属实，已依规处理。")

    pages = [
        client.get(reverse("public_complaints:new")),
        client.post(
            reverse("public_complaints:new"),
            _form_data(world, complainant_name="", facts="短"),
        ),
        client.get(reverse("public_complaints:lookup")),
        client.post(
            reverse("public_complaints:lookup"),
            {"receipt": complaint.receipt, "phone": SENTINEL_PHONE},
        ),
    ]

    assert "经查属实，已依规处理。" in _html(pages[-1])
    for response in pages:
        html = _html(response)
        for sentinel in SENTINELS:
            assert sentinel not in html
        assert "调查核实：属实。" not in html


# --- office -----------------------------------------------------------------


def _office_urls(complaint: Complaint, stored: ComplaintFile) -> list[tuple[str, str]]:
    pk = complaint.pk
    return [
        ("get", reverse("review:complaint_list")),
        ("get", reverse("review:complaint_detail", args=[pk])),
        ("post", reverse("review:complaint_start", args=[pk])),
        ("post", reverse("review:complaint_close", args=[pk])),
        ("post", reverse("review:complaint_reviewer_action", args=[pk])),
        ("get", reverse("review:complaint_file", args=[pk, stored.pk])),
    ]


@pytest.fixture
def with_file(world):
    return sentinel_complaint(world.cycle, evidence=[(io.BytesIO(tiny_pdf()), "照片.pdf")])


@pytest.mark.parametrize(
    "role", ["reviewer", "county", "applicant", "member", "director", "mayor", "sysadmin"]
)
def test_complaint_office_urls_other_roles_forbidden(client, world, with_file, role):
    _login(client, world.actor(role))

    for method, url in _office_urls(with_file, with_file.files.get()):
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
        for sentinel in SENTINELS:
            assert sentinel not in _html(response)

    with_file.refresh_from_db()
    assert with_file.status == Complaint.Status.RECEIVED


def test_complaint_office_urls_anonymous_visitor_sent_to_login(client, world, with_file):
    for method, url in _office_urls(with_file, with_file.files.get()):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_complaint_reviewer_concerned_cannot_see_complaint(client, world):
    case = reviewed_case(world)
    reviewer = assigned(case).reviewer
    complaint = upheld(sentinel_complaint(world.cycle, case_id=case.pk), by=world.office)
    _login(client, world.office).post(
        reverse("review:complaint_reviewer_action", args=[complaint.pk]),
        {"reviewer": reviewer.pk, "status": "suspended", "reason": "属实"},
    )
    client.logout()
    _login(client, reviewer.user)

    assert client.get(reverse("review:complaint_list")).status_code == 403
    assert client.get(reverse("review:complaint_detail", args=[complaint.pk])).status_code == 403
    home = client.get("/", follow=True)
    for sentinel in SENTINELS:
        assert sentinel not in _html(home)


def test_complaint_office_list_shows_identity_and_overdue(client, world, time_machine):
    complaint = sentinel_complaint(world.cycle)
    anonymous = lodge_complaint(world.cycle, anonymous=True, complainant_name="", phone="")
    time_machine.move_to(complaint.received_at + datetime.timedelta(days=40))

    response = _login(client, world.office).get(reverse("review:complaint_list"))
    overdue_only = client.get(reverse("review:complaint_list"), {"overdue": "on", "kind": "staff"})

    html = _html(response)
    assert response.status_code == 200
    assert SENTINEL_NAME in html
    assert f'data-complaint="{anonymous.pk}"' in html
    assert html.count("data-overdue") == 2
    assert 'data-complaint="' not in _html(overdue_only)


def test_complaint_office_list_query_count_constant(client, world):
    lodge_complaint(world.cycle)
    _login(client, world.office)
    url = reverse("review:complaint_list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _n in range(5):
        lodge_complaint(world.cycle, case_id=None)

    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(one)


def test_complaint_office_flow_upheld_and_reviewer_suspended(client, world):
    case = reviewed_case(world)
    reviewer = assigned(case).reviewer
    complaint = sentinel_complaint(world.cycle, case_id=case.pk)
    _login(client, world.office)

    detail = client.get(reverse("review:complaint_detail", args=[complaint.pk]))
    start = client.post(reverse("review:complaint_start", args=[complaint.pk]), {"note": "立案"})
    close = client.post(
        reverse("review:complaint_close", args=[complaint.pk]),
        {
            "outcome": "upheld",
            "findings": "调取监控，属实。",
            "outcome_summary": "经查属实，已暂停该评审员资格。",
        },
    )
    page = client.get(reverse("review:complaint_detail", args=[complaint.pk]))
    action = client.post(
        reverse("review:complaint_reviewer_action", args=[complaint.pk]),
        {"reviewer": reviewer.pk, "status": "suspended", "reason": "接受宴请，属实。"},
        follow=True,
    )

    assert SENTINEL_NAME in _html(detail)
    assert SENTINEL_PHONE in _html(detail)
    assert start.status_code == 302
    assert close.status_code == 302
    assert 'action="{}"'.format(
        reverse("review:complaint_reviewer_action", args=[complaint.pk])
    ) in _html(page)
    reviewer.refresh_from_db()
    complaint.refresh_from_db()
    assert reviewer.status == Reviewer.Status.SUSPENDED
    assert complaint.status == Complaint.Status.UPHELD
    assert 'data-reviewer-action="suspended"' in _html(action)
    assert reverse("review:pool_detail", args=[reviewer.pk]) in _html(action)
    assert "data-open-assignments" in _html(action)
    assert f'data-assignment="{assigned(case).pk}"' in _html(action)
    pool = client.get(reverse("review:pool_detail", args=[reviewer.pk]))
    assert receipts.receipt_display(complaint.receipt) in _html(pool)


def test_complaint_office_flow_dismissed(client, world):
    complaint = lodge_complaint(world.cycle)
    complaint_investigation_start(complaint.pk, by=world.office)
    _login(client, world.office)

    response = client.post(
        reverse("review:complaint_close", args=[complaint.pk]),
        {"outcome": "dismissed", "findings": "未发现问题。", "outcome_summary": "经查不属实。"},
    )

    complaint.refresh_from_db()
    assert response.status_code == 302
    assert complaint.status == Complaint.Status.DISMISSED
    page = _html(client.get(reverse("review:complaint_detail", args=[complaint.pk])))
    assert "data-reviewer-action" not in page
    assert 'name="reviewer"' not in page


def test_complaint_office_close_incomplete_keeps_typed(client, world):
    complaint = lodge_complaint(world.cycle)
    complaint_investigation_start(complaint.pk, by=world.office)

    response = _login(client, world.office).post(
        reverse("review:complaint_close", args=[complaint.pk]),
        {"outcome": "upheld", "findings": "已打字的调查情况", "outcome_summary": ""},
    )

    assert response.status_code == 400
    assert "已打字的调查情况" in _html(response)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.INVESTIGATING


def test_complaint_office_file_download_verified_and_audited(client, world, with_file):
    stored = with_file.files.get()

    response = _login(client, world.office).get(
        reverse("review:complaint_file", args=[with_file.pk, stored.pk])
    )

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    assert (
        AuditLog.objects.filter(
            action="file.download", object_id=str(stored.pk), actor=world.office
        ).count()
        == 1
    )


def test_complaint_office_detail_unknown_is_404(client, world):
    response = _login(client, world.office).get(reverse("review:complaint_detail", args=[999999]))

    assert response.status_code == 404
