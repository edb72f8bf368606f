import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from applications.services import case_create
from hengyang_award.core.models import User
from hengyang_award.core.roles import Role
from review.models import Assignment, Reviewer, ReviewerEvaluation
from review.services.pool import IMPORT_COLUMNS, reviewer_create, reviewer_status_change
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.django_db

HEADER = [column for column, _field in IMPORT_COLUMNS]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def office(db) -> User:
    return make_user(Role.OFFICE_STAFF)


@pytest.fixture
def office_client(client, office):
    client.force_login(office)
    return client


def _reviewer(office: User, name: str = "王建国", **overrides) -> Reviewer:
    values = {"employer": "衡阳市质量技术研究院", "years_in_quality": 12, **overrides}
    return reviewer_create(by=office, name=name, **values)


def _assignment(cycle, reviewer: Reviewer, office: User, **overrides) -> Assignment:
    organisation = make_organisation()
    applicant = make_user(Role.APPLICANT, organisation=organisation)
    case = case_create(cycle=cycle, organisation=organisation, by=applicant)
    values = {"stage": Assignment.Stage.ONSITE, "assigned_by": office, **overrides}
    return Assignment.objects.create(case=case, reviewer=reviewer, **values)


def _upload(*rows, name: str = "评审员.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def _form_data(**overrides) -> dict:
    return {
        "name": "李敏",
        "employer": "衡阳钢管集团",
        "employer_credit_code": "",
        "title": "高级工程师",
        "specialties": "",
        "industries": "冶金",
        "years_in_quality": "8",
        "qualifications": "",
        "phone": "",
        "email": "",
        "username": "",
        **overrides,
    }


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.APPLICANT, Role.COMMITTEE_MEMBER])
@pytest.mark.parametrize(
    ("method", "name", "needs_reviewer"),
    [
        ("get", "review:pool_list", False),
        ("get", "review:pool_create", False),
        ("post", "review:pool_create", False),
        ("get", "review:pool_detail", True),
        ("get", "review:pool_edit", True),
        ("post", "review:pool_edit", True),
        ("post", "review:pool_status", True),
        ("get", "review:pool_import", False),
        ("post", "review:pool_import", False),
        ("get", "review:pool_import_template", False),
    ],
)
def test_pool_pages_for_non_office_user_are_403(client, office, role, method, name, needs_reviewer):
    reviewer = _reviewer(office)
    bodies = {"organisation": make_organisation()} if role == Role.APPLICANT else {}
    client.force_login(make_user(role, **bodies))
    url = reverse(name, args=[reviewer.pk] if needs_reviewer else [])
    data = _form_data(name="改名", status="disqualified", reason="x") if method == "post" else {}

    response = getattr(client, method)(url, data)

    assert response.status_code == 403
    assert list(Reviewer.objects.values_list("name", "status")) == [("王建国", "active")]


def test_pool_list_for_anonymous_redirects_to_login(client):
    response = client.get(reverse("review:pool_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_pool_list_filters_by_text_status_and_industry(office_client, office):
    li = _reviewer(office, "李敏", employer="衡阳钢管集团", industries="冶金")
    zhao = _reviewer(office, "赵磊", industries="冶金、电力")
    reviewer_status_change(zhao.pk, by=office, status="suspended", reason="调查中")
    url = reverse("review:pool_list")

    by_text = office_client.get(url, {"q": "钢管"})
    by_status = office_client.get(url, {"status": "suspended"})
    by_industry = office_client.get(url, {"industry": "电力"})

    assert [r.pk for r in by_text.context["page"]] == [li.pk]
    assert [r.pk for r in by_status.context["page"]] == [zhao.pk]
    assert [r.pk for r in by_industry.context["page"]] == [zhao.pk]
    assert by_industry.context["industries"] == sorted(["冶金", "电力"])


def test_pool_list_query_count_is_the_same_for_1_and_20_reviewers(office_client, office, cycle):
    first = _reviewer(office, "评审员0", industries="冶金")
    _assignment(cycle, first, office)
    url = reverse("review:pool_list")
    office_client.get(url)
    with CaptureQueriesContext(connection) as one:
        office_client.get(url)
    for n in range(1, 20):
        reviewer = _reviewer(office, f"评审员{n}", industries=f"行业{n}")
        _assignment(cycle, reviewer, office)

    with CaptureQueriesContext(connection) as twenty:
        response = office_client.get(url)

    assert len(response.context["page"]) == 20
    assert len(twenty) == len(one)


def test_pool_list_shows_nav_link_to_office_only(client, office_client):
    applicant = make_user(Role.APPLICANT, organisation=make_organisation())
    link = f'href="{reverse("review:pool_list")}"'

    office_page = office_client.get(reverse("core:home"))
    client.force_login(applicant)
    applicant_page = client.get(reverse("core:home"))

    assert link in office_page.content.decode()
    assert link not in applicant_page.content.decode()


def test_pool_create_with_valid_form_adds_reviewer_and_redirects(office_client):
    response = office_client.post(reverse("review:pool_create"), _form_data(username="limin"))

    reviewer = Reviewer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("review:pool_detail", args=[reviewer.pk])
    assert (reviewer.name, reviewer.user.username) == ("李敏", "limin")


def test_pool_create_with_errors_keeps_typed_input_and_shows_errors(office_client):
    data = _form_data(employer="", employer_credit_code="91430408MA1234", email="bad@")

    response = office_client.post(reverse("review:pool_create"), data)

    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors == {
        "employer": ["这个字段是必填项。"],
        "email": ["输入一个有效的 Email 地址。"],
    }
    assert form["name"].value() == "李敏"
    assert 'value="91430408MA1234"' in response.content.decode()
    assert Reviewer.objects.count() == 0


def test_pool_create_with_bad_credit_code_shows_service_error(office_client):
    data = _form_data(employer_credit_code="91430408MA1234")

    response = office_client.post(reverse("review:pool_create"), data)

    assert response.context["form"].errors == {
        "employer_credit_code": ["统一社会信用代码应为18位，当前为14位。"]
    }
    assert Reviewer.objects.count() == 0


def test_pool_create_duplicate_shows_non_field_error(office_client, office):
    _reviewer(office, "李敏", employer="衡阳钢管集团")

    response = office_client.post(reverse("review:pool_create"), _form_data())

    assert response.context["form"].non_field_errors() == [
        "专家库中已有同名且工作单位相同的评审员。"
    ]
    assert Reviewer.objects.count() == 1


def test_pool_edit_saves_changes_and_redirects(office_client, office):
    reviewer = _reviewer(office)
    data = _form_data(name="王建国", employer="衡阳市质量技术研究院", title="研究员")

    response = office_client.post(reverse("review:pool_edit", args=[reviewer.pk]), data)

    assert response.status_code == 302
    assert Reviewer.objects.get(pk=reviewer.pk).title == "研究员"


def test_pool_edit_with_errors_keeps_typed_input_and_stored_values(office_client, office):
    reviewer = _reviewer(office)
    data = _form_data(name="王建国二", employer="衡阳市质量技术研究院", years_in_quality="-3")

    response = office_client.post(reverse("review:pool_edit", args=[reviewer.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors == {"years_in_quality": ["确保该值大于或等于0。"]}
    assert response.context["form"]["name"].value() == "王建国二"
    assert response.context["reviewer"].name == "王建国"
    assert Reviewer.objects.get(pk=reviewer.pk).name == "王建国"


def test_pool_edit_of_reviewer_with_login_has_no_username_field(office_client, office):
    reviewer = _reviewer(office, username="wangjg")

    response = office_client.get(reverse("review:pool_edit", args=[reviewer.pk]))

    assert "username" not in response.context["form"].fields


def test_pool_status_without_reason_shows_error_and_keeps_status(office_client, office):
    reviewer = _reviewer(office)

    response = office_client.post(
        reverse("review:pool_status", args=[reviewer.pk]), {"status": "suspended", "reason": ""}
    )

    assert response.status_code == 200
    assert response.context["status_form"].errors == {"reason": ["请填写状态变更理由。"]}
    assert Reviewer.objects.get(pk=reviewer.pk).status == Reviewer.Status.ACTIVE


def test_pool_status_disqualification_lists_open_assignments_for_reassignment(
    office_client, office, cycle
):
    reviewer = _reviewer(office)
    assignment = _assignment(cycle, reviewer, office)
    _assignment(cycle, reviewer, office, status=Assignment.Status.RECUSED)

    response = office_client.post(
        reverse("review:pool_status", args=[reviewer.pk]),
        {"status": "disqualified", "reason": "现场评审期间收受礼金", "evidence": "调查报告"},
        follow=True,
    )

    page = response.content.decode()
    assert response.redirect_chain == [(reverse("review:pool_detail", args=[reviewer.pk]), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "已变更评审员状态。",
        "该评审员有1项未完成的评审任务，请重新分配（见“待重新分配的评审任务”）。",
    ]
    assert [a.pk for a in response.context["record"].open_assignments] == [assignment.pk]
    assert f'data-assignment="{assignment.pk}"' in page
    assert "data-open-assignments" in page
    assert response.context["status_form"] is None
    assert Reviewer.objects.get(pk=reviewer.pk).status == Reviewer.Status.DISQUALIFIED


def test_pool_status_of_disqualified_reviewer_is_refused(office_client, office):
    reviewer = _reviewer(office)
    reviewer_status_change(reviewer.pk, by=office, status="disqualified", reason="弄虚作假")

    response = office_client.post(
        reverse("review:pool_status", args=[reviewer.pk]),
        {"status": "active", "reason": "申请恢复"},
    )

    stored = Reviewer.objects.get(pk=reviewer.pk)
    day = timezone.localtime(stored.status_changed_at).date().isoformat()
    assert response.status_code == 200
    assert response.context["status_form"].non_field_errors() == [
        f"该评审员已于{day}被取消评审员资格，不能恢复或变更状态。"
    ]
    assert stored.status == Reviewer.Status.DISQUALIFIED


def test_pool_detail_shows_evaluation_averages_to_the_office(office_client, office, cycle):
    reviewer = _reviewer(office)
    first = _assignment(cycle, reviewer, office)
    second = _assignment(cycle, reviewer, office)
    applicant = make_user(Role.APPLICANT, organisation=first.case.organisation)
    ReviewerEvaluation.objects.create(assignment=first, quality=4, discipline=3, by=applicant)
    ReviewerEvaluation.objects.create(assignment=second, quality=5, discipline=4, by=applicant)

    response = office_client.get(reverse("review:pool_detail", args=[reviewer.pk]))

    page = response.content.decode()
    assert response.context["show_evaluations"] is True
    assert "<dd data-evaluation-count>2</dd>" in page
    assert "<dd data-quality-average>4.50</dd>" in page
    assert "<dd data-discipline-average>3.50</dd>" in page


def test_pool_detail_query_count_does_not_grow_with_assignments(office_client, office, cycle):
    reviewer = _reviewer(office)
    _assignment(cycle, reviewer, office)
    url = reverse("review:pool_detail", args=[reviewer.pk])
    office_client.get(url)
    with CaptureQueriesContext(connection) as one:
        office_client.get(url)
    for _n in range(4):
        _assignment(cycle, reviewer, office)

    with CaptureQueriesContext(connection) as five:
        response = office_client.get(url)

    assert len(response.context["record"].assignments) == 5
    assert len(five) == len(one)


def test_pool_import_good_sheet_creates_reviewers_and_redirects(office_client):
    upload = _upload(
        ["李敏", "衡阳钢管集团", "", "", "", "冶金", 8, "", "", ""],
        ["赵磊", "南华大学", "", "", "", "", 15, "", "", ""],
    )

    response = office_client.post(reverse("review:pool_import"), {"file": upload})

    assert response.status_code == 302
    assert response["Location"] == reverse("review:pool_list")
    assert sorted(Reviewer.objects.values_list("name", flat=True)) == sorted(["李敏", "赵磊"])


def test_pool_import_sheet_with_errors_lists_them_and_imports_nothing(office_client):
    upload = _upload(
        ["", "衡阳钢管集团", "", "", "", "", 8, "", "", ""],
        ["赵磊", "南华大学", "", "", "", "", 15, "", "", ""],
        ["孙丽", "", "", "", "", "", 3, "", "", ""],
    )

    response = office_client.post(reverse("review:pool_import"), {"file": upload})

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["report"].error_rows == [2, 4]
    assert '<li data-row="2">第2行“姓名”列：请填写姓名。</li>' in page
    assert '<li data-row="4">第4行“工作单位”列：请填写工作单位。</li>' in page
    assert Reviewer.objects.count() == 0


def test_pool_import_of_other_file_type_is_refused_by_the_form(office_client):
    upload = SimpleUploadedFile("评审员.csv", "姓名,工作单位\n".encode(), content_type="text/csv")

    response = office_client.post(reverse("review:pool_import"), {"file": upload})

    assert response.context["form"].errors == {"file": ["请上传 .xlsx 格式的 Excel 文件。"]}
    assert response.context["report"] is None


def test_pool_import_template_is_a_workbook_with_the_header(office_client):
    response = office_client.get(reverse("review:pool_import_template"))

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet.max_row == 1
