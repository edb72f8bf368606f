import datetime

import pytest
from django.utils import timezone

from applications import services as case_services
from review.conflicts import conflicts_for, normalise_name
from review.models import Assignment, ConflictFlag, ReviewerRelation
from review.services.assignment import (
    assignment_create,
    assignment_declare,
    assignment_recuse,
)
from tests.factories import World, make_cycle

from .test_assignment_helpers import accepted_case, make_reviewer, relation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("衡阳恒远机械制造有限公司", "衡阳恒远机械制造"),
        ("衡阳恒远机械制造有限责任公司", "衡阳恒远机械制造股份有限公司"),
        ("衡阳 恒远 机械制造 有限公司", "衡阳恒远机械制造有限公司"),
        ("衡阳恒远集团有限公司", "衡阳恒远（集团）有限公司"),
        ("衡阳ＡＢＣ有限公司", "衡阳abc"),
    ],
)
def test_normalise_name_variants_compare_equal(a, b):
    assert normalise_name(a) == normalise_name(b)


def test_normalise_name_different_names_differ():
    assert normalise_name("衡阳恒远机械制造有限公司") != normalise_name("衡阳恒通机械制造有限公司")


def test_conflicts_for_same_employer_by_credit_code_gives_reason(world):
    case = world.new_case()
    reviewer = make_reviewer(
        employer="别名单位", employer_credit_code=world.org.credit_code.lower()
    )

    reasons = conflicts_for(reviewer, case)

    assert reasons == [f"评审员工作单位即申报组织（统一社会信用代码{world.org.credit_code}相同）。"]


def test_conflicts_for_same_employer_by_normalised_name_gives_reason(world):
    case = world.new_case()
    employer = world.org.name.replace("有限公司", " 股份有限公司").translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    reviewer = make_reviewer(employer=employer)

    reasons = conflicts_for(reviewer, case)

    assert reasons == [f"评审员工作单位“{employer}”与申报组织“{world.org.name}”为同一单位。"]


@pytest.mark.parametrize("match_by", ["organisation", "credit_code", "name"])
def test_conflicts_for_relation_recorded_earlier_gives_reason(world, match_by):
    case = world.new_case()
    reviewer = make_reviewer()
    target = {
        "organisation": {"organisation": world.org},
        "credit_code": {"credit_code": world.org.credit_code},
        "name": {"organisation_name": world.org.name.replace("有限公司", "")},
    }[match_by]
    relation(
        reviewer,
        by=world.office,
        kind=ReviewerRelation.Kind.EMPLOYMENT,
        description="配偶任该单位财务主管",
        recorded_at=timezone.now() - datetime.timedelta(days=800),
        **target,
    )
    recorded = (timezone.localdate() - datetime.timedelta(days=800)).isoformat()

    reasons = conflicts_for(reviewer, case)

    assert reasons == [
        f"已登记的利害关系（{recorded}）：本人或配偶、近亲属三年内在该单位任职：配偶任该单位财务主管"
    ]


def test_conflicts_for_relation_to_another_organisation_is_empty(world):
    case = world.new_case()
    reviewer = make_reviewer()
    relation(reviewer, by=world.office, organisation=world.other_org)

    assert conflicts_for(reviewer, case) == []


def test_conflicts_for_unrelated_reviewer_is_empty(world):
    case = world.new_case()

    assert conflicts_for(make_reviewer(), case) == []


def _same_org_in_next_cycle(world: World):
    later = make_cycle(office=world.office)
    return case_services.case_create(cycle=later, organisation=world.org, by=world.applicant)


def test_conflicts_for_relation_declared_in_earlier_cycle_gives_reason(world):
    earlier = accepted_case(world)
    reviewer = make_reviewer()
    assignment = assignment_create(
        earlier.pk,
        reviewer_id=reviewer.pk,
        stage=Assignment.Stage.DOCUMENT,
        role=Assignment.Role.MEMBER,
        by=world.office,
        reason="补充",
    )
    assignment_declare(
        assignment.pk, by=reviewer.user, relations_text="曾为其提供咨询", no_conflict=False
    )
    case = _same_org_in_next_cycle(world)

    reasons = conflicts_for(reviewer, case)

    assert reasons == [f"评审员在{world.cycle.title}中申报过与该单位的利害关系：曾为其提供咨询"]


def test_conflicts_for_recusal_in_earlier_cycle_gives_reason(world):
    earlier = accepted_case(world)
    reviewer = make_reviewer()
    assignment = assignment_create(
        earlier.pk,
        reviewer_id=reviewer.pk,
        stage=Assignment.Stage.DOCUMENT,
        role=Assignment.Role.MEMBER,
        by=world.office,
        reason="补充",
    )
    assignment_recuse(assignment.pk, by=world.office, reason="与该单位负责人为同学")
    case = _same_org_in_next_cycle(world)

    reasons = conflicts_for(reviewer, case)

    assert reasons == [f"评审员在{world.cycle.title}中已就该单位回避：与该单位负责人为同学"]


def test_conflicts_for_relation_declared_on_this_case_gives_flag_reason(world):
    case = accepted_case(world)
    reviewer = make_reviewer()
    assignment = assignment_create(
        case.pk,
        reviewer_id=reviewer.pk,
        stage=Assignment.Stage.DOCUMENT,
        role=Assignment.Role.MEMBER,
        by=world.office,
        reason="补充",
    )

    assignment_declare(
        assignment.pk, by=reviewer.user, relations_text="持有该单位股份", no_conflict=False
    )

    flag = ConflictFlag.objects.get(case=case, reviewer=reviewer)
    assert (flag.source, flag.reason) == ("declared", "评审员本人申报的利害关系：持有该单位股份")
    assert conflicts_for(reviewer, case) == ["评审员本人申报的利害关系：持有该单位股份"]
