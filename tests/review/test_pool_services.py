import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import Workbook

from applications.services import case_create, case_transition
from hengyang_award.core.models import AuditLog, User
from hengyang_award.core.roles import Role
from review.models import Assignment, Reviewer
from review.services.pool import (
    IMPORT_COLUMNS,
    reviewer_create,
    reviewer_status_change,
    reviewer_update,
    reviewers_import,
)
from tests.factories import make_organisation, make_user, valid_credit_code

pytestmark = pytest.mark.django_db

HEADER = [column for column, _field in IMPORT_COLUMNS]


@pytest.fixture
def office(db) -> User:
    return make_user(Role.OFFICE_STAFF)


def _reviewer(office: User, **overrides) -> Reviewer:
    values = {"name": "王建国", "employer": "衡阳市质量技术研究院", "years_in_quality": 12}
    return reviewer_create(by=office, **{**values, **overrides})


def _case(cycle):
    organisation = make_organisation()
    applicant = make_user(Role.APPLICANT, organisation=organisation)
    return case_create(cycle=cycle, organisation=organisation, by=applicant), applicant


def _assign(case, reviewer: Reviewer, office: User, **overrides) -> Assignment:
    values = {"stage": Assignment.Stage.DOCUMENT, "assigned_by": office, **overrides}
    return Assignment.objects.create(case=case, reviewer=reviewer, **values)


def _sheet(*rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _audit(action: str) -> list[AuditLog]:
    return list(AuditLog.objects.filter(action=action).order_by("pk"))


def test_reviewer_create_with_valid_fields_stores_normalised_values_and_audits(office):
    code = valid_credit_code()

    reviewer = reviewer_create(
        by=office,
        name=" 李敏 ",
        employer="衡阳钢管集团",
        employer_credit_code=f" {code.lower()} ",
        title="高级工程师",
        industries="冶金、装备制造",
        years_in_quality=8,
        email="limin@example.invalid",
    )

    stored = Reviewer.objects.get(pk=reviewer.pk)
    assert (stored.name, stored.employer_credit_code, stored.status, stored.user) == (
        "李敏",
        code,
        Reviewer.Status.ACTIVE,
        None,
    )
    assert stored.industry_list == ["冶金", "装备制造"]
    audit = _audit("reviewer.create")
    assert [(a.actor, a.object_id, a.detail["user"]) for a in audit] == [
        (office, str(reviewer.pk), None)
    ]
    assert audit[0].detail["values"]["employer_credit_code"] == code


def test_reviewer_create_with_username_opens_reviewer_login_without_password(office):
    reviewer = _reviewer(office, username="wangjg", email="wjg@example.invalid")

    user = User.objects.get(username="wangjg")
    assert reviewer.user == user
    assert user.has_usable_password() is False
    assert user.role_names == frozenset({Role.REVIEWER})
    assert (user.full_name, user.email) == ("王建国", "wjg@example.invalid")


def test_reviewer_create_with_taken_username_raises_and_creates_nothing(office):
    make_user(Role.APPLICANT, username="taken", organisation=make_organisation())

    with pytest.raises(ValidationError) as exc:
        _reviewer(office, username="taken")

    assert exc.value.message_dict == {"username": ["该登录账号名已被使用。"]}
    assert Reviewer.objects.count() == 0


def test_reviewer_create_with_invalid_fields_raises_every_field_error(office):
    with pytest.raises(ValidationError) as exc:
        reviewer_create(
            by=office,
            name="  ",
            employer="",
            employer_credit_code="12345",
            years_in_quality=-1,
            email="not-an-address",
        )

    assert exc.value.message_dict == {
        "name": ["请填写姓名。"],
        "employer": ["请填写工作单位。"],
        "employer_credit_code": ["统一社会信用代码应为18位，当前为5位。"],
        "years_in_quality": ["质量工作年限应为非负整数。"],
        "email": ["电子邮箱格式不正确。"],
    }
    assert Reviewer.objects.count() == 0


def test_reviewer_create_same_name_and_employer_as_pool_raises(office):
    _reviewer(office)

    with pytest.raises(ValidationError) as exc:
        _reviewer(office, title="教授")

    assert exc.value.messages == ["专家库中已有同名且工作单位相同的评审员。"]
    assert Reviewer.objects.count() == 1


def test_reviewer_create_by_applicant_raises_permission_denied(office):
    applicant = make_user(Role.APPLICANT, organisation=make_organisation())

    with pytest.raises(PermissionDenied):
        _reviewer(applicant)

    assert Reviewer.objects.count() == 0


def test_reviewer_update_changes_fields_and_audits_the_changes(office):
    reviewer = _reviewer(office)

    reviewer_update(reviewer.pk, by=office, title="正高级工程师", years_in_quality=13)

    stored = Reviewer.objects.get(pk=reviewer.pk)
    assert (stored.name, stored.title, stored.years_in_quality) == ("王建国", "正高级工程师", 13)
    assert [a.detail["changed"] for a in _audit("reviewer.update")] == [
        {"title": ["", "正高级工程师"], "years_in_quality": [12, 13]}
    ]


def test_reviewer_update_to_name_and_employer_of_another_reviewer_raises(office):
    _reviewer(office)
    other = _reviewer(office, name="赵磊")

    with pytest.raises(ValidationError) as exc:
        reviewer_update(other.pk, by=office, name="王建国")

    assert exc.value.messages == ["专家库中已有同名且工作单位相同的评审员。"]
    assert Reviewer.objects.get(pk=other.pk).name == "赵磊"


def test_reviewer_update_with_username_opens_login_for_reviewer_without_one(office):
    reviewer = _reviewer(office)

    reviewer_update(reviewer.pk, by=office, username="wangjg")

    assert Reviewer.objects.get(pk=reviewer.pk).user.username == "wangjg"


def test_reviewer_status_change_without_reason_raises_and_keeps_status(office):
    reviewer = _reviewer(office)

    with pytest.raises(ValidationError) as exc:
        reviewer_status_change(reviewer.pk, by=office, status="suspended", reason="  ")

    assert exc.value.message_dict == {"reason": ["请填写状态变更理由。"]}
    assert Reviewer.objects.get(pk=reviewer.pk).status == Reviewer.Status.ACTIVE
    assert _audit("reviewer.status") == []


def test_reviewer_status_change_suspension_returns_open_assignments_and_audits(office, cycle):
    reviewer = _reviewer(office)
    other = _reviewer(office, name="赵磊")
    open_case, _applicant = _case(cycle)
    second_case, _applicant = _case(cycle)
    closed_case, closed_applicant = _case(cycle)
    document = _assign(open_case, reviewer, office)
    onsite = _assign(second_case, reviewer, office, stage=Assignment.Stage.ONSITE)
    _assign(second_case, reviewer, office, status=Assignment.Status.REPLACED)
    _assign(closed_case, reviewer, office)
    _assign(open_case, other, office)
    case_transition(closed_case.pk, "withdraw", by=closed_applicant, note="不再申报")

    open_assignments = reviewer_status_change(
        reviewer.pk, by=office, status="suspended", reason="涉嫌泄露申报材料", evidence="举报信"
    )

    assert [a.pk for a in open_assignments] == [document.pk, onsite.pk]
    stored = Reviewer.objects.get(pk=reviewer.pk)
    assert (stored.status, stored.status_reason) == (Reviewer.Status.SUSPENDED, "涉嫌泄露申报材料")
    assert stored.status_changed_at is not None
    assert [(a.actor, a.object_id, a.detail) for a in _audit("reviewer.status")] == [
        (
            office,
            str(reviewer.pk),
            {
                "source": "active",
                "target": "suspended",
                "reason": "涉嫌泄露申报材料",
                "evidence": "举报信",
                "open_assignments": [document.pk, onsite.pk],
            },
        )
    ]


def test_reviewer_status_change_reinstatement_returns_no_assignments(office, cycle):
    reviewer = _reviewer(office)
    case, _applicant = _case(cycle)
    _assign(case, reviewer, office)
    reviewer_status_change(reviewer.pk, by=office, status="suspended", reason="接受调查")

    open_assignments = reviewer_status_change(
        reviewer.pk, by=office, status="active", reason="调查结论：不存在违规"
    )

    assert open_assignments == []
    assert Reviewer.objects.get(pk=reviewer.pk).status == Reviewer.Status.ACTIVE


def test_reviewer_status_change_of_disqualified_reviewer_raises(office):
    reviewer = _reviewer(office)
    reviewer_status_change(reviewer.pk, by=office, status="disqualified", reason="弄虚作假")

    with pytest.raises(ValidationError) as exc:
        reviewer_status_change(reviewer.pk, by=office, status="active", reason="申请恢复")

    stored = Reviewer.objects.get(pk=reviewer.pk)
    day = timezone.localtime(stored.status_changed_at).date()
    assert exc.value.messages == [
        f"该评审员已于{day.isoformat()}被取消评审员资格，不能恢复或变更状态。"
    ]
    assert (stored.status, stored.status_reason) == (Reviewer.Status.DISQUALIFIED, "弄虚作假")
    assert len(_audit("reviewer.status")) == 1


def test_reviewer_status_change_to_current_status_raises(office):
    reviewer = _reviewer(office)

    with pytest.raises(ValidationError) as exc:
        reviewer_status_change(reviewer.pk, by=office, status="active", reason="无")

    assert exc.value.message_dict == {"status": ["该评审员当前已是“在库可用”状态。"]}


def test_reviewer_status_change_by_reviewer_raises_permission_denied(office):
    reviewer = _reviewer(office)

    with pytest.raises(PermissionDenied):
        reviewer_status_change(
            reviewer.pk, by=make_user(Role.REVIEWER), status="suspended", reason="x"
        )

    assert Reviewer.objects.get(pk=reviewer.pk).status == Reviewer.Status.ACTIVE


def test_reviewers_import_good_sheet_creates_every_row_and_audits(office):
    code = valid_credit_code()
    workbook = _sheet(
        ["李敏", "衡阳钢管集团", code, "高级工程师", "质量管理", "冶金", 8, "", 13807340000, ""],
        [None] * 10,
        ["赵磊", "南华大学", "", "教授", "", "教育、医疗", "15", "", "", "zl@example.invalid"],
    )

    report = reviewers_import(workbook, by=office)

    assert report.ok is True
    stored = list(
        Reviewer.objects.order_by("pk").values_list(
            "name", "employer", "employer_credit_code", "years_in_quality", "phone", "email"
        )
    )
    assert stored == [
        ("李敏", "衡阳钢管集团", code, 8, "13807340000", ""),
        ("赵磊", "南华大学", "", 15, "", "zl@example.invalid"),
    ]
    assert [r.pk for r in report.created] == list(
        Reviewer.objects.order_by("pk").values_list("pk", flat=True)
    )
    assert [(a.actor, a.detail) for a in _audit("reviewer.import")] == [
        (office, {"count": 2, "reviewers": [r.pk for r in report.created]})
    ]


def test_reviewers_import_sheet_with_two_bad_rows_imports_nothing_and_reports_both(office):
    workbook = _sheet(
        ["李敏", "衡阳钢管集团", "", "", "", "", 8, "", "", ""],
        ["", "南华大学", "", "", "", "", 5, "", "", ""],
        ["赵磊", "南华大学", "", "", "", "", 15, "", "", ""],
        ["孙丽", "衡阳电力公司", "", "", "", "", "十年", "", "", "sunli@"],
    )

    report = reviewers_import(workbook, by=office)

    assert report.ok is False
    assert report.error_rows == [3, 5]
    assert [str(e) for e in report.errors] == [
        "第3行“姓名”列：请填写姓名。",
        "第5行“质量工作年限”列：质量工作年限应为非负整数。",
        "第5行“邮箱”列：电子邮箱格式不正确。",
    ]
    assert Reviewer.objects.count() == 0
    assert _audit("reviewer.import") == []


def test_reviewers_import_duplicate_within_sheet_imports_nothing(office):
    workbook = _sheet(
        ["李敏", "衡阳钢管集团", "", "", "", "", 8, "", "", ""],
        ["赵磊", "南华大学", "", "", "", "", 15, "", "", ""],
        ["李敏", "衡阳钢管集团", "", "", "", "", 9, "", "", ""],
    )

    report = reviewers_import(workbook, by=office)

    assert [str(e) for e in report.errors] == ["第4行：与第2行重复（姓名和工作单位相同）。"]
    assert Reviewer.objects.count() == 0


def test_reviewers_import_duplicate_of_pool_imports_nothing(office):
    _reviewer(office)
    workbook = _sheet(
        ["赵磊", "南华大学", "", "", "", "", 15, "", "", ""],
        ["王建国", "衡阳市质量技术研究院", "", "", "", "", 12, "", "", ""],
    )

    report = reviewers_import(workbook, by=office)

    assert [str(e) for e in report.errors] == [
        "第3行：专家库中已有同名且工作单位相同的评审员（王建国，衡阳市质量技术研究院）。"
    ]
    assert list(Reviewer.objects.values_list("name", flat=True)) == ["王建国"]


def test_reviewers_import_bad_header_reports_missing_and_unknown_columns(office):
    workbook = _sheet(["李敏", "x@example.invalid"], header=["姓名", "Email"])

    report = reviewers_import(workbook, by=office)

    assert [str(e) for e in report.errors] == [
        "第1行：表头缺少必需的列：工作单位。",
        "第1行：表头有无法识别的列：Email。请使用导入模板。",
    ]
    assert Reviewer.objects.count() == 0


def test_reviewers_import_file_that_is_not_a_workbook_reports_it(office):
    report = reviewers_import(b"%PDF-1.4 not a workbook", by=office)

    assert [str(e) for e in report.errors] == ["无法读取该文件，请上传 .xlsx 格式的 Excel 工作簿。"]


def test_reviewers_import_by_reviewer_raises_permission_denied(office):
    with pytest.raises(PermissionDenied):
        reviewers_import(_sheet(["李敏", "衡阳钢管集团"]), by=make_user(Role.REVIEWER))

    assert Reviewer.objects.count() == 0
