import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hengyang_award.core.models import AuditLog
from review.models import Assignment, AssignmentDraw, ConflictFlag
from review.services.assignment import (
    assignment_create,
    assignment_declare,
    assignment_recuse,
    draw_suggest,
)
from tests.shared import prepared_world, world_with_prepared_case

from .test_assignment_helpers import DOCUMENT, accepted_case, make_pool, make_reviewer

pytestmark = pytest.mark.django_db
# The world's accepted case is driven once per module (tests/shared.py).
shared = prepared_world("accepted")
world = world_with_prepared_case()


def assign(case, reviewer, by, *, role=Assignment.Role.MEMBER) -> Assignment:
    return assignment_create(
        case.pk, reviewer_id=reviewer.pk, stage=DOCUMENT, role=role, by=by, reason="人工指定"
    )


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


def case_url(case) -> str:
    return reverse("review:assign_case", args=[case.pk])


# --- access ------------------------------------------------------------------------------
def _office_requests(case, assignment, flag, draw) -> list[tuple[str, str, dict]]:
    return [
        ("get", case_url(case), {}),
        ("post", reverse("review:assign_draw", args=[case.pk]), {"draw-stage": "document"}),
        ("post", reverse("review:assign_add", args=[case.pk]), {"add-stage": "document"}),
        ("get", reverse("review:assign_draw_detail", args=[draw.pk]), {}),
        ("post", reverse("review:assign_draw_confirm", args=[draw.pk]), {}),
        ("post", reverse("review:assign_recuse", args=[assignment.pk]), {}),
        ("post", reverse("review:assign_replace", args=[assignment.pk]), {}),
        ("post", reverse("review:assign_flag_decide", args=[flag.pk]), {}),
    ]


@pytest.mark.parametrize(
    ("actor", "status"),
    [("team_reviewer", 403), ("applicant", 403), ("other_applicant", 404), ("reviewer", 404)],
)
def test_office_pages_refused_to_everyone_but_the_office(client, world, actor, status):
    case = accepted_case(world)
    make_pool(6)
    member = make_reviewer()
    assignment = assign(case, member, world.office)
    assignment_declare(assignment.pk, by=member.user, relations_text="同学", no_conflict=False)
    flag = ConflictFlag.objects.get(case=case)
    draw = draw_suggest(case.pk, by=world.office, seed="s")
    user = member.user if actor == "team_reviewer" else world.actor(actor)
    login(client, user)
    before = (Assignment.objects.count(), AssignmentDraw.objects.count())

    statuses = {
        url: getattr(client, method)(url, data).status_code
        for method, url, data in _office_requests(case, assignment, flag, draw)
    }

    assert set(statuses.values()) == {status}
    assert (Assignment.objects.count(), AssignmentDraw.objects.count()) == before


def test_assign_case_office_sees_team_flags_and_blocked_reasons(client, world):
    case = accepted_case(world)
    member = make_reviewer(name="韩评审")
    assign(case, member, world.office, role=Assignment.Role.LEADER)
    make_reviewer(name="同单位专家", employer=world.org.name)

    response = login(client, world.office).get(case_url(case))

    body = response.content.decode()
    assert response.status_code == 200
    assert "韩评审" in body
    assert "同单位专家" in body
    assert "资料评审组人数与本届规定的评审员人数不符，或尚未确定唯一的组长。" in body


def test_office_post_without_csrf_token_refused(world):
    case = accepted_case(world)
    make_pool(5)
    client = login(Client(enforce_csrf_checks=True), world.office)

    response = client.post(
        reverse("review:assign_draw", args=[case.pk]), {"draw-stage": "document"}
    )

    assert response.status_code == 403
    assert AssignmentDraw.objects.exists() is False


def test_assign_draw_get_not_allowed(client, world):
    case = accepted_case(world)

    response = login(client, world.office).get(reverse("review:assign_draw", args=[case.pk]))

    assert response.status_code == 405


# --- the office's success paths --------------------------------------------------------
def test_assign_draw_then_confirm_assigns_the_drawn_team(client, world):
    case = accepted_case(world)
    make_pool(7)
    login(client, world.office)

    drawn = client.post(reverse("review:assign_draw", args=[case.pk]), {"draw-stage": "document"})
    draw = AssignmentDraw.objects.get(case=case)
    page = client.get(reverse("review:assign_draw_detail", args=[draw.pk]))
    confirmed = client.post(
        reverse("review:assign_draw_confirm", args=[draw.pk]),
        {"reviewers": draw.result, "leader": draw.result[0]},
    )

    assert drawn.status_code == 302
    assert drawn["Location"] == reverse("review:assign_draw_detail", args=[draw.pk])
    assert draw.seed in page.content.decode()
    assert confirmed.status_code == 302
    team = Assignment.objects.filter(case=case, status="active")
    assert sorted(team.values_list("reviewer_id", flat=True)) == sorted(draw.result)
    assert team.get(role="leader").reviewer_id == draw.result[0]


def test_assign_draw_posted_seed_is_ignored(client, world):
    case = accepted_case(world)
    make_pool(6)

    login(client, world.office).post(
        reverse("review:assign_draw", args=[case.pk]),
        {"draw-stage": "document", "seed": "chosen", "draw-seed": "chosen"},
    )

    assert AssignmentDraw.objects.get(case=case).seed != "chosen"


def test_assign_add_conflicted_reviewer_shows_reasons_and_keeps_the_input(client, world):
    case = accepted_case(world)
    reviewer = make_reviewer(name="同单位专家", employer=world.org.name)

    response = login(client, world.office).post(
        reverse("review:assign_add", args=[case.pk]),
        {
            "add-stage": "document",
            "add-reviewer": reviewer.pk,
            "add-role": "member",
            "add-reason": "该专家最熟悉本行业",
        },
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "评审员同单位专家可能与申报组织存在利害关系，不能指派：" in body
    assert "该专家最熟悉本行业" in body
    assert Assignment.objects.filter(case=case).exists() is False
    assert (
        ConflictFlag.objects.filter(case=case, reviewer=reviewer, decision="pending").count() == 1
    )


def test_assign_add_success_redirects_to_the_team(client, world):
    case = accepted_case(world)
    reviewer = make_reviewer()

    response = login(client, world.office).post(
        reverse("review:assign_add", args=[case.pk]),
        {
            "add-stage": "document",
            "add-reviewer": reviewer.pk,
            "add-role": "leader",
            "add-reason": "抽取人数不足",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"{case_url(case)}?stage=document#team"
    assert Assignment.objects.get(case=case).reason == "抽取人数不足"


def test_assign_flag_decide_cleared_without_note_keeps_choice_with_error(client, world):
    case = accepted_case(world)
    member = make_reviewer()
    assignment = assign(case, member, world.office)
    assignment_declare(assignment.pk, by=member.user, relations_text="同学", no_conflict=False)
    flag = ConflictFlag.objects.get(case=case)

    response = login(client, world.office).post(
        reverse("review:assign_flag_decide", args=[flag.pk]),
        {f"flag-{flag.pk}-decision": "cleared", f"flag-{flag.pk}-note": ""},
    )

    assert response.status_code == 200
    assert "排除利害关系须说明核实情况。" in response.content.decode()
    flag.refresh_from_db()
    assert flag.decision == "pending"


def test_assign_flag_decide_cleared_with_note_redirects(client, world):
    case = accepted_case(world)
    member = make_reviewer()
    assignment = assign(case, member, world.office)
    assignment_declare(assignment.pk, by=member.user, relations_text="同学", no_conflict=False)
    flag = ConflictFlag.objects.get(case=case)

    response = login(client, world.office).post(
        reverse("review:assign_flag_decide", args=[flag.pk]) + "?stage=document",
        {f"flag-{flag.pk}-decision": "cleared", f"flag-{flag.pk}-note": "同学关系，无利益往来"},
    )

    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.decision, flag.note) == ("cleared", "同学关系，无利益往来")


def test_assign_recuse_closes_the_case_file_to_the_reviewer(client, world):
    case = accepted_case(world)
    member = make_reviewer()
    assignment = assign(case, member, world.office)
    assignment_declare(assignment.pk, by=member.user, relations_text="", no_conflict=True)
    reviewer_client = login(Client(), member.user)
    before = reviewer_client.get(reverse("applications:case_detail", args=[case.pk]))

    response = login(client, world.office).post(
        reverse("review:assign_recuse", args=[assignment.pk]),
        {f"recuse-{assignment.pk}-reason": "评审办掌握其与该单位存在业务往来"},
    )
    after = reviewer_client.get(reverse("applications:case_detail", args=[case.pk]))

    assert response.status_code == 302
    assert (before.status_code, after.status_code) == (200, 404)


def test_assign_replace_without_reason_keeps_the_choice(client, world):
    case = accepted_case(world)
    leaving, coming = make_pool(2)
    assignment = assign(case, leaving, world.office)
    prefix = f"replace-{assignment.pk}"

    response = login(client, world.office).post(
        reverse("review:assign_replace", args=[assignment.pk]),
        {f"{prefix}-reviewer": coming.pk, f"{prefix}-reason": ""},
    )

    assert response.status_code == 200
    assert f'<option value="{coming.pk}" selected' in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == "active"


# --- the reviewer -------------------------------------------------------------------------
def test_assign_open_before_declaration_redirects_to_the_declaration(client, world):
    case = accepted_case(world)
    member = make_reviewer()
    assignment = assign(case, member, world.office)

    response = login(client, member.user).get(reverse("review:assign_open", args=[assignment.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("review:assign_declare", args=[assignment.pk])


def test_assign_declare_no_conflict_then_the_case_file_opens(client, world):
    case = accepted_case(world)
    member = make_reviewer()
    assignment = assign(case, member, world.office)
    login(client, member.user)

    signed = client.post(
        reverse("review:assign_declare", args=[assignment.pk]),
        {"pledge": "on", "relation": "none", "relations_text": ""},
    )
    opened = client.get(reverse("review:assign_open", args=[assignment.pk]))
    page = client.get(reverse("applications:case_detail", args=[case.pk]))

    assert signed["Location"] == reverse("review:assign_open", args=[assignment.pk])
    assert opened["Location"] == reverse("applications:case_detail", args=[case.pk])
    assert page.status_code == 200


def test_assign_declare_without_pledge_keeps_the_text(client, world):
    case = accepted_case(world)
    member = make_reviewer()
    assignment = assign(case, member, world.office)

    response = login(client, member.user).post(
        reverse("review:assign_declare", args=[assignment.pk]),
        {"relation": "some", "relations_text": "曾在该单位兼职"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "请确认承诺后再签署声明。" in body
    assert "曾在该单位兼职" in body
    assignment.refresh_from_db()
    assert assignment.declared_at is None


def test_assign_declare_relation_keeps_the_case_file_closed(client, world):
    case = accepted_case(world)
    member = make_reviewer()
    assignment = assign(case, member, world.office)
    login(client, member.user)

    declared = client.post(
        reverse("review:assign_declare", args=[assignment.pk]),
        {"pledge": "on", "relation": "some", "relations_text": "曾在该单位兼职"},
    )
    opened = client.get(reverse("review:assign_open", args=[assignment.pk]))

    assert declared["Location"] == reverse("review:reviewer_home")
    assert opened["Location"] == reverse("review:assign_declare", args=[assignment.pk])


@pytest.mark.parametrize("situation", ["foreign", "recused"])
def test_assign_declare_not_own_active_assignment_is_404_and_audited(client, world, situation):
    case = accepted_case(world)
    owner, intruder = make_pool(2)
    assignment = assign(case, owner, world.office)
    user = intruder.user
    if situation == "recused":
        assignment_recuse(assignment.pk, by=world.office, reason="回避")
        user = owner.user

    response = login(client, user).get(reverse("review:assign_declare", args=[assignment.pk]))

    assert response.status_code == 404
    denied = AuditLog.objects.get(action="review.access_denied")
    assert (denied.actor, denied.detail) == (user, {"assignment": assignment.pk})


def test_reviewer_home_lists_assignments_with_the_deadline(client, world):
    case = accepted_case(world)
    member = make_reviewer()
    assign(case, member, world.office)

    response = login(client, member.user).get(reverse("review:reviewer_home"))

    body = response.content.decode()
    assert response.status_code == 200
    assert world.org.name in body
    assert "资料评审评分截止" in body
    assert "签署声明" in body


def test_reviewer_home_for_an_applicant_refused(client, world):
    response = login(client, world.applicant).get(reverse("review:reviewer_home"))

    assert response.status_code == 403


def test_home_page_shows_the_reviewers_assignments(client, world):
    case = accepted_case(world)
    member = make_reviewer()
    assign(case, member, world.office)

    response = login(client, member.user).get(reverse("core:home"))

    body = response.content.decode()
    assert 'id="review-assignments"' in body
    assert world.org.name in body


def test_home_page_of_an_applicant_has_no_review_section(client, world):
    response = login(client, world.applicant).get(reverse("core:home"))

    assert 'id="review-assignments"' not in response.content.decode()


# --- query counts -------------------------------------------------------------------------
def test_reviewer_home_query_count_does_not_grow_with_assignments(client, world):
    from tests.factories import World

    member = make_reviewer()
    login(client, member.user)
    assign(accepted_case(world), member, world.office)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("review:reviewer_home"))
    for _ in range(3):
        other = World(cycle=world.cycle)
        assign(accepted_case(other), member, world.office)

    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("review:reviewer_home"))

    assert response.content.decode().count("data-assignment=") == 4
    assert len(many) == len(one)


def test_assign_case_query_count_does_not_grow_with_the_team(client, world):
    case = accepted_case(world)
    pool = make_pool(5)
    assign(case, pool[0], world.office, role=Assignment.Role.LEADER)
    login(client, world.office)
    with CaptureQueriesContext(connection) as one:
        client.get(case_url(case))
    for reviewer in pool[1:]:
        assignment = assign(case, reviewer, world.office)
        assignment_declare(assignment.pk, by=reviewer.user, relations_text="", no_conflict=True)

    with CaptureQueriesContext(connection) as many:
        response = client.get(case_url(case))

    assert response.content.decode().count("data-role=") == 5
    assert len(many) == len(one)
