import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models import Case
from applications.selectors import cases_visible_to
from hengyang_award.core.models import AuditLog
from hengyang_award.notifications.models import Notification
from review.models import Assignment, AssignmentDraw, ConflictFlag, Reviewer
from review.selectors_assignment import case_team, draw_replays
from review.services.assignment import (
    assignment_create,
    assignment_declare,
    assignment_recuse,
    assignment_replace,
    conflict_decide,
    draw_confirm,
    draw_suggest,
)
from tests.factories import World
from tests.shared import prepared_world, world_with_prepared_case

from .test_assignment_helpers import DOCUMENT, accepted_case, make_pool, make_reviewer

pytestmark = pytest.mark.django_db
# The world's accepted case is driven once per module (tests/shared.py).
shared = prepared_world("accepted")
world = world_with_prepared_case()

LEADER, MEMBER = Assignment.Role.LEADER, Assignment.Role.MEMBER


def assign(case: Case, reviewer: Reviewer, by, *, role=MEMBER, reason="人工指定") -> Assignment:
    return assignment_create(
        case.pk, reviewer_id=reviewer.pk, stage=DOCUMENT, role=role, by=by, reason=reason
    )


def audit(action: str) -> list[dict]:
    return list(
        AuditLog.objects.filter(action=action).order_by("pk").values_list("detail", flat=True)
    )


def visible(user) -> set[int]:
    return set(cases_visible_to(user).values_list("pk", flat=True))


# --- the draw ---------------------------------------------------------------------------
def test_draw_suggest_same_seed_gives_same_result_and_is_recorded(world):
    case = accepted_case(world)
    pool = make_pool(8)

    first = draw_suggest(case.pk, by=world.office, seed="公正抽取-1")
    second = draw_suggest(case.pk, by=world.office, seed="公正抽取-1")

    assert first.result == second.result
    assert len(first.result) == 5
    assert set(first.result) <= {r.pk for r in pool}
    assert first.seed == "公正抽取-1"
    assert first.pool["basis"] == "industry"
    assert first.pool["ids"] == sorted(r.pk for r in pool)
    assert first.pool["candidates"] == sorted(r.pk for r in pool)
    assert first.excluded == {}
    assert draw_replays(first) is True
    assert audit("review.draw")[0] == {
        "case": case.pk,
        "stage": "document",
        "basis": "industry",
        "pool": 8,
        "excluded": [],
        "seed": "公正抽取-1",
        "result": first.result,
    }


def test_draw_suggest_without_seed_records_a_random_one(world):
    case = accepted_case(world)
    make_pool(6)

    draw = draw_suggest(case.pk, by=world.office)

    assert len(draw.seed) == 32
    assert draw_replays(draw) is True


def test_draw_replays_detects_a_result_changed_by_hand(world):
    case = accepted_case(world)
    pool = make_pool(7)
    draw = draw_suggest(case.pk, by=world.office, seed="s")
    outsider = next(r.pk for r in pool if r.pk not in draw.result)
    AssignmentDraw.objects.filter(pk=draw.pk).update(result=[outsider, *draw.result[1:]])

    assert draw_replays(AssignmentDraw.objects.get(pk=draw.pk)) is False


def test_draw_suggest_excludes_conflicted_inactive_and_accountless_reviewers(world):
    case = accepted_case(world)
    fit = make_pool(5)
    conflicted = make_reviewer(employer_credit_code=world.org.credit_code)
    suspended = make_reviewer(status=Reviewer.Status.SUSPENDED)
    disqualified = make_reviewer(status=Reviewer.Status.DISQUALIFIED)
    accountless = make_reviewer(with_user=False)

    draw = draw_suggest(case.pk, by=world.office, seed="x")

    assert sorted(draw.result) == sorted(r.pk for r in fit)
    assert suspended.pk not in draw.pool["ids"]
    assert disqualified.pk not in draw.pool["ids"]
    assert draw.excluded == {
        str(conflicted.pk): [
            f"评审员工作单位即申报组织（统一社会信用代码{world.org.credit_code}相同）。"
        ],
        str(accountless.pk): ["没有可用的登录账号。"],
    }
    flag = ConflictFlag.objects.get(case=case)
    assert (flag.reviewer_id, flag.source, flag.decision) == (conflicted.pk, "detected", "pending")


def test_draw_suggest_excludes_reviewers_on_the_team_and_recused(world):
    case = accepted_case(world)
    pool = make_pool(8)
    on_team = assign(case, pool[0], world.office)
    recused = assign(case, pool[1], world.office)
    assignment_recuse(recused.pk, by=world.office, reason="回避")

    draw = draw_suggest(case.pk, by=world.office, seed="y")

    assert draw.pool["count"] == 4
    assert draw.excluded == {
        str(on_team.reviewer_id): ["已在本案该阶段的评审组中。"],
        str(recused.reviewer_id): ["已就本案回避。"],
    }
    assert len(draw.result) == 4


def test_draw_suggest_few_industry_matches_draws_from_all_active(world):
    case = accepted_case(world)
    make_pool(2)
    others = make_pool(4, industries="食品加工")

    draw = draw_suggest(case.pk, by=world.office, seed="z")

    assert draw.pool["basis"] == "all"
    assert len(draw.pool["ids"]) == 6
    assert len(draw.result) == 5
    assert {r.pk for r in others} & set(draw.result)


def test_draw_suggest_prefers_reviewers_with_fewer_assignments_in_the_cycle(world):
    case = accepted_case(world)
    busy = make_pool(3)
    idle = make_pool(3)
    other_case = accepted_case(World(cycle=world.cycle))
    for reviewer in busy:
        assign(other_case, reviewer, world.office)

    results = [
        set(draw_suggest(case.pk, by=world.office, count=3, seed=str(seed)).result)
        for seed in range(5)
    ]

    assert results == [{r.pk for r in idle}] * 5


def test_draw_suggest_full_team_refused(world):
    case = accepted_case(world)
    for index, reviewer in enumerate(make_pool(5)):
        assign(case, reviewer, world.office, role=LEADER if index == 0 else MEMBER)

    with pytest.raises(ValidationError) as exc:
        draw_suggest(case.pk, by=world.office)

    assert exc.value.messages == ["评审组人数已满，无需抽取。"]


def test_draw_suggest_by_reviewer_denied(world):
    case = accepted_case(world)
    reviewer = make_reviewer()

    with pytest.raises(PermissionDenied):
        draw_suggest(case.pk, by=reviewer.user)


def test_draw_confirm_assigns_chosen_with_leader_and_links_the_draw(world):
    case = accepted_case(world)
    make_pool(6)
    draw = draw_suggest(case.pk, by=world.office, seed="c")

    created = draw_confirm(
        draw.pk, by=world.office, reviewer_ids=draw.result, leader_id=draw.result[2]
    )

    assert [a.reviewer_id for a in created] == draw.result
    assert [a.role for a in created] == [MEMBER, MEMBER, LEADER, MEMBER, MEMBER]
    assert {a.draw_id for a in created} == {draw.pk}
    assert audit("review.draw_confirm") == [
        {"case": case.pk, "assigned": draw.result, "leader": draw.result[2]}
    ]


def test_draw_confirm_reviewer_outside_the_result_refused(world):
    case = accepted_case(world)
    pool = make_pool(6)
    draw = draw_suggest(case.pk, by=world.office, seed="c")
    outsider = next(r.pk for r in pool if r.pk not in draw.result)

    with pytest.raises(ValidationError) as exc:
        draw_confirm(draw.pk, by=world.office, reviewer_ids=[outsider])

    assert exc.value.messages == ["只能确认本次抽取结果中的评审员。"]
    assert Assignment.objects.filter(case=case).exists() is False


# --- assignment -------------------------------------------------------------------------
def test_assignment_create_grants_access_notifies_and_audits(world):
    case = accepted_case(world)
    reviewer = make_reviewer()

    assignment = assign(case, reviewer, world.office, role=LEADER, reason="熟悉该行业")

    user = type(reviewer.user).objects.get(pk=reviewer.user_id)
    assert visible(user) == {case.pk}
    assert user.has_perm("applications.view_case", case) is True
    assert user.has_perm("applications.review_case", case) is True
    assert audit("review.assign") == [
        {
            "case": case.pk,
            "reviewer": reviewer.pk,
            "stage": "document",
            "role": "leader",
            "draw": None,
            "reason": "熟悉该行业",
            "granted": ["applications.view_case", "applications.review_case"],
        }
    ]
    notice = Notification.objects.get(recipient=reviewer.user)
    assert notice.kind == "review.assigned"
    assert notice.subject == f"评审任务：{world.org.name}"
    assert notice.link == f"/review/my/{assignment.pk}/declaration/"
    assert "资料评审的组长" in notice.body
    assert "评分须在" in notice.body


def test_assignment_create_beyond_team_size_refused(world):
    case = accepted_case(world)
    pool = make_pool(6)
    for reviewer in pool[:5]:
        assign(case, reviewer, world.office)

    with pytest.raises(ValidationError) as exc:
        assign(case, pool[5], world.office)

    assert exc.value.messages == ["资料评审评审组已有5人，达到本届规定人数，不能再增加。"]


def test_assignment_create_second_leader_refused_with_clear_message(world):
    case = accepted_case(world)
    first, second = make_pool(2)
    assign(case, first, world.office, role=LEADER)

    with pytest.raises(ValidationError) as exc:
        assign(case, second, world.office, role=LEADER)

    assert exc.value.messages == ["该阶段评审组已有组长，每个评审组只能有一名组长。"]
    assert [a.reviewer_id for a in case_team(case, stage=DOCUMENT)] == [first.pk]


def test_assignment_create_same_reviewer_twice_refused(world):
    case = accepted_case(world)
    reviewer = make_reviewer()
    assign(case, reviewer, world.office)

    with pytest.raises(ValidationError) as exc:
        assign(case, reviewer, world.office)

    assert exc.value.messages == ["该评审员已在本案该阶段的评审组中。"]


@pytest.mark.parametrize(("status", "label"), [("suspended", "暂停"), ("disqualified", "取消资格")])
def test_assignment_create_reviewer_out_of_service_refused(world, status, label):
    case = accepted_case(world)
    reviewer = make_reviewer(name="周某", status=status)

    with pytest.raises(ValidationError) as exc:
        assign(case, reviewer, world.office)

    assert exc.value.messages == [f"评审员周某当前状态为“{label}”，不能指派。"]


def test_assignment_create_without_draw_or_reason_refused(world):
    case = accepted_case(world)

    with pytest.raises(ValidationError) as exc:
        assign(case, make_reviewer(), world.office, reason="  ")

    assert exc.value.message_dict == {"reason": ["人工指定或调整评审员须填写理由。"]}


def test_assignment_create_before_acceptance_refused():
    world = World()  # the module's world already has its case accepted
    case = world.drive(world.new_case(), ["submit", "recommend"])

    with pytest.raises(ValidationError) as exc:
        assign(case, make_reviewer(), world.office)

    assert exc.value.messages == ["案卷当前状态为“已推荐，待资格审查”，不能调整资料评审评审组。"]


def test_assignment_create_by_applicant_denied(world):
    case = accepted_case(world)

    with pytest.raises(PermissionDenied):
        assign(case, make_reviewer(), world.applicant)


def test_assignment_create_conflicted_refused_keeps_flag_then_cleared_allowed(world):
    case = accepted_case(world)
    reviewer = make_reviewer(name="吴某", employer=world.org.name)

    with pytest.raises(ValidationError) as exc:
        assign(case, reviewer, world.office)
    flag = ConflictFlag.objects.get(case=case, reviewer=reviewer)
    conflict_decide(flag.pk, by=world.office, decision="cleared", note="已调离该单位五年")
    assignment = assign(case, reviewer, world.office)

    assert exc.value.messages[0] == "评审员吴某可能与申报组织存在利害关系，不能指派："
    assert flag.source == "detected"
    assert assignment.status == "active"
    assert audit("review.conflict_decide") == [
        {
            "case": case.pk,
            "reviewer": reviewer.pk,
            "decision": "cleared",
            "note": "已调离该单位五年",
        }
    ]


def test_assignment_create_recused_reviewer_refused(world):
    case = accepted_case(world)
    reviewer = make_reviewer(name="郑某")
    assignment_recuse(assign(case, reviewer, world.office).pk, by=world.office, reason="回避")

    with pytest.raises(ValidationError) as exc:
        assign(case, reviewer, world.office)

    assert exc.value.messages == ["评审员郑某已就本案回避，不能再指派。"]


# --- declaration ------------------------------------------------------------------------
def test_assignment_declare_no_conflict_signs_and_audits(world):
    case = accepted_case(world)
    reviewer = make_reviewer()
    assignment = assign(case, reviewer, world.office)

    signed = assignment_declare(
        assignment.pk, by=reviewer.user, relations_text="", no_conflict=True
    )

    assert signed.declared_at is not None
    assert ConflictFlag.objects.filter(case=case).exists() is False
    assert audit("review.declare") == [
        {"case": case.pk, "signed": True, "no_conflict": True, "relations": ""}
    ]


def test_assignment_declare_relation_raises_flag_and_tells_the_office(world):
    case = accepted_case(world)
    reviewer = make_reviewer(name="冯某")
    assignment = assign(case, reviewer, world.office)

    assignment_declare(
        assignment.pk, by=reviewer.user, relations_text="表弟任该单位副总经理", no_conflict=False
    )

    flag = ConflictFlag.objects.get(case=case)
    assert (flag.source, flag.decision) == ("declared", "pending")
    notice = Notification.objects.get(recipient=world.office, kind="review.conflict_declared")
    assert notice.subject == f"评审员申报利害关系：{world.org.name}"
    assert notice.body == (
        f"评审员冯某申报了与{world.org.name}的利害关系：表弟任该单位副总经理。"
        "请核实后决定回避或排除。"
    )


def test_assignment_declare_by_another_user_denied(world):
    case = accepted_case(world)
    assignment = assign(case, make_reviewer(), world.office)

    with pytest.raises(PermissionDenied):
        assignment_declare(
            assignment.pk, by=make_reviewer().user, relations_text="", no_conflict=True
        )


@pytest.mark.parametrize(
    ("text", "no_conflict", "error"),
    [
        ("有关系", True, "声明与申报组织无利害关系时，不应填写利害关系说明。"),
        ("", False, "请说明与申报组织的利害关系。"),
    ],
)
def test_assignment_declare_inconsistent_input_refused(world, text, no_conflict, error):
    case = accepted_case(world)
    reviewer = make_reviewer()
    assignment = assign(case, reviewer, world.office)

    with pytest.raises(ValidationError) as exc:
        assignment_declare(
            assignment.pk, by=reviewer.user, relations_text=text, no_conflict=no_conflict
        )

    assert exc.value.message_dict == {"relations_text": [error]}


# --- decisions, recusal, replacement ----------------------------------------------------
def test_conflict_decide_cleared_without_note_refused(world):
    case = accepted_case(world)
    reviewer = make_reviewer()
    assignment = assign(case, reviewer, world.office)
    assignment_declare(assignment.pk, by=reviewer.user, relations_text="同学", no_conflict=False)
    flag = ConflictFlag.objects.get(case=case)

    with pytest.raises(ValidationError) as exc:
        conflict_decide(flag.pk, by=world.office, decision="cleared", note=" ")

    assert exc.value.message_dict == {"note": ["排除利害关系须说明核实情况。"]}


def test_conflict_decide_recuse_ends_assignment_and_closes_the_case_at_once(world):
    case = accepted_case(world)
    reviewer = make_reviewer(name="陈某")
    assignment = assign(case, reviewer, world.office)
    assignment_declare(
        assignment.pk, by=reviewer.user, relations_text="曾任顾问", no_conflict=False
    )
    flag = ConflictFlag.objects.get(case=case)

    conflict_decide(flag.pk, by=world.office, decision="recuse", note="两年内提供过咨询")

    assignment.refresh_from_db()
    user = type(reviewer.user).objects.get(pk=reviewer.user_id)
    assert (assignment.status, assignment.end_reason) == ("recused", "两年内提供过咨询")
    assert assignment.ended_at is not None
    assert visible(user) == set()
    assert user.has_perm("applications.review_case", case) is False
    assert audit("review.recuse") == [
        {
            "case": case.pk,
            "reviewer": reviewer.pk,
            "stage": "document",
            "role": "member",
            "reason": "两年内提供过咨询",
            "revoked": ["applications.view_case", "applications.review_case"],
        }
    ]
    assert (
        Notification.objects.filter(recipient=world.office, kind="review.replace_needed").count()
        == 1
    )
    assert Notification.objects.filter(recipient=reviewer.user, kind="review.recused").count() == 1


def test_conflict_decide_twice_refused(world):
    case = accepted_case(world)
    reviewer = make_reviewer()
    assignment = assign(case, reviewer, world.office)
    assignment_declare(assignment.pk, by=reviewer.user, relations_text="同学", no_conflict=False)
    flag = ConflictFlag.objects.get(case=case)
    conflict_decide(flag.pk, by=world.office, decision="cleared", note="已核实")

    with pytest.raises(ValidationError) as exc:
        conflict_decide(flag.pk, by=world.office, decision="recuse", note="")

    assert exc.value.messages == ["该利害关系提示已处理。"]


def test_conflict_decide_by_reviewer_denied(world):
    case = accepted_case(world)
    reviewer = make_reviewer()
    assignment = assign(case, reviewer, world.office)
    assignment_declare(assignment.pk, by=reviewer.user, relations_text="同学", no_conflict=False)
    flag = ConflictFlag.objects.get(case=case)

    with pytest.raises(PermissionDenied):
        conflict_decide(flag.pk, by=reviewer.user, decision="cleared", note="我自己核实过")


def test_assignment_recuse_on_office_initiative_records_a_decided_flag(world):
    case = accepted_case(world)
    reviewer = make_reviewer()
    assignment = assign(case, reviewer, world.office)

    recused = assignment_recuse(assignment.pk, by=world.office, reason="举报反映与该单位有往来")

    flag = ConflictFlag.objects.get(case=case)
    assert recused.status == "recused"
    assert (flag.source, flag.decision, flag.reason, flag.decided_by) == (
        "office",
        "recuse",
        "举报反映与该单位有往来",
        world.office,
    )
    assert visible(reviewer.user) == set()


def test_assignment_recuse_without_reason_refused(world):
    case = accepted_case(world)
    assignment = assign(case, make_reviewer(), world.office)

    with pytest.raises(ValidationError) as exc:
        assignment_recuse(assignment.pk, by=world.office, reason="")

    assert exc.value.message_dict == {"reason": ["请填写回避理由。"]}


def test_assignment_replace_keeps_the_role_and_moves_the_access(world):
    case = accepted_case(world)
    leaving, coming = make_pool(2)
    old = assign(case, leaving, world.office, role=LEADER)

    new = assignment_replace(old.pk, by=world.office, reviewer_id=coming.pk, reason="出差无法参加")

    old.refresh_from_db()
    assert (old.status, old.end_reason) == ("replaced", "出差无法参加")
    assert (new.role, new.reviewer_id, new.reason) == ("leader", coming.pk, "出差无法参加")
    assert visible(leaving.user) == set()
    assert visible(coming.user) == {case.pk}
    assert audit("review.replace")[0]["replacement"] == coming.pk


def test_assignment_replace_a_recused_member_fills_the_place(world):
    case = accepted_case(world)
    leaving, coming = make_pool(2)
    old = assign(case, leaving, world.office)
    assignment_recuse(old.pk, by=world.office, reason="回避")

    new = assignment_replace(old.pk, by=world.office, reviewer_id=coming.pk, reason="替补")

    old.refresh_from_db()
    assert old.status == "recused"
    assert [a.pk for a in case_team(case, stage=DOCUMENT)] == [new.pk]


# --- visibility -------------------------------------------------------------------------
@pytest.mark.parametrize("situation", ["assigned", "unassigned", "recused", "other_cycle"])
def test_case_visibility_for_reviewers(world, situation):
    case = accepted_case(world)
    reviewer = make_reviewer()
    if situation in ("assigned", "recused"):
        assignment = assign(case, reviewer, world.office)
        if situation == "recused":
            assignment_recuse(assignment.pk, by=world.office, reason="回避")
    other = None
    if situation == "other_cycle":
        from tests.factories import make_cycle

        other = accepted_case(World(cycle=make_cycle(office=world.office)))
        assign(other, reviewer, world.office)

    seen = visible(reviewer.user)

    expected = {
        "assigned": {case.pk},
        "unassigned": set(),
        "recused": set(),
        "other_cycle": {other.pk} if other else set(),
    }[situation]
    assert seen == expected
