from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from applications.services import case_create
from hengyang_award.core.models import User
from hengyang_award.core.roles import Role
from review.models import Assignment, Reviewer, ReviewerEvaluation
from review.selectors_pool import (
    EvaluationSummary,
    reviewer_industries,
    reviewer_record,
    reviewers_assignable,
    reviewers_search,
)
from review.services.pool import reviewer_create, reviewer_status_change
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db) -> User:
    return make_user(Role.OFFICE_STAFF)


def _reviewer(office: User, name: str, **overrides) -> Reviewer:
    values = {"employer": "衡阳市质量技术研究院", "years_in_quality": 10, **overrides}
    return reviewer_create(by=office, name=name, **values)


def _assignment(cycle, reviewer: Reviewer, office: User, **overrides) -> Assignment:
    organisation = make_organisation()
    applicant = make_user(Role.APPLICANT, organisation=organisation)
    case = case_create(cycle=cycle, organisation=organisation, by=applicant)
    values = {"stage": Assignment.Stage.ONSITE, "assigned_by": office, **overrides}
    return Assignment.objects.create(case=case, reviewer=reviewer, **values)


def test_reviewers_search_matches_text_status_and_industry(office):
    li = _reviewer(office, "李敏", employer="衡阳钢管集团", industries="冶金、装备制造")
    zhao = _reviewer(office, "赵磊", specialties="卓越绩效", industries="电力")
    sun = _reviewer(office, "孙丽", industries="装备制造")
    reviewer_status_change(sun.pk, by=office, status="suspended", reason="暂停")

    by_employer = reviewers_search(q="钢管")
    by_specialty = reviewers_search(q="绩效")
    by_industry = reviewers_search(industry="装备制造")
    active_in_industry = reviewers_search(industry="装备制造", status="active")

    assert list(by_employer) == [li]
    assert list(by_specialty) == [zhao]
    assert set(by_industry) == {sun, li}
    assert list(active_in_industry) == [li]


def test_reviewers_search_counts_open_assignments_only(office, cycle):
    reviewer = _reviewer(office, "李敏")
    _assignment(cycle, reviewer, office)
    _assignment(cycle, reviewer, office, status=Assignment.Status.RECUSED)

    found = reviewers_search().get()

    assert found.open_assignment_count == 1


def test_reviewer_industries_lists_every_industry_once_sorted(office):
    _reviewer(office, "李敏", industries="装备制造、冶金")
    _reviewer(office, "赵磊", industries="冶金，电力")
    _reviewer(office, "孙丽")

    industries = reviewer_industries()

    assert industries == sorted(["冶金", "电力", "装备制造"])


def test_reviewers_assignable_leaves_out_suspended_and_disqualified(office):
    active = _reviewer(office, "李敏")
    suspended = _reviewer(office, "赵磊")
    disqualified = _reviewer(office, "孙丽")
    reviewer_status_change(suspended.pk, by=office, status="suspended", reason="调查中")
    reviewer_status_change(disqualified.pk, by=office, status="disqualified", reason="弄虚作假")

    assignable = reviewers_assignable()

    assert list(assignable) == [active]


def test_reviewer_record_has_history_evaluation_averages_and_status_history(office, cycle):
    reviewer = _reviewer(office, "李敏")
    first = _assignment(cycle, reviewer, office)
    second = _assignment(cycle, reviewer, office)
    unevaluated = _assignment(cycle, reviewer, office, stage=Assignment.Stage.DOCUMENT)
    applicant = make_user(Role.APPLICANT, organisation=first.case.organisation)
    ReviewerEvaluation.objects.create(assignment=first, quality=4, discipline=5, by=applicant)
    ReviewerEvaluation.objects.create(assignment=second, quality=5, discipline=4, by=applicant)
    other = _reviewer(office, "赵磊")
    ReviewerEvaluation.objects.create(
        assignment=_assignment(cycle, other, office), quality=1, discipline=1, by=applicant
    )
    reviewer_status_change(reviewer.pk, by=office, status="suspended", reason="接受调查")

    record = reviewer_record(reviewer.pk)

    assert [a.pk for a in record.assignments] == [unevaluated.pk, second.pk, first.pk]
    assert [
        (a.evaluation_received.quality if a.evaluation_received else None)
        for a in record.assignments
    ] == [None, 5, 4]
    assert [a.pk for a in record.open_assignments] == [first.pk, second.pk, unevaluated.pk]
    assert record.evaluations == EvaluationSummary(
        count=2, quality=Decimal("4.50"), discipline=Decimal("4.50")
    )
    assert [(e.source_label, e.target_label) for e in record.status_history] == [
        ("在库可用", "暂停")
    ]


def test_reviewer_record_query_count_does_not_grow_with_assignments(office, cycle):
    reviewer = _reviewer(office, "李敏")
    _assignment(cycle, reviewer, office)
    with CaptureQueriesContext(connection) as one:
        reviewer_record(reviewer.pk)
    for _n in range(4):
        _assignment(cycle, reviewer, office)

    with CaptureQueriesContext(connection) as five:
        record = reviewer_record(reviewer.pk)

    assert len(record.assignments) == 5
    assert len(five) == len(one)


def test_reviewer_record_of_unknown_reviewer_raises_404():
    with pytest.raises(Http404):
        reviewer_record(987654)
