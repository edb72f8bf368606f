import pytest

from applications import services as case_services
from applications.demo import prepare
from applications.services import TransitionBlocked
from review.models import Assignment, ConflictFlag
from review.services.assignment import assignment_create, assignment_declare, conflict_decide
from tests.factories import PATH_TO, World
from tests.shared import prepared_world, world_with_prepared_case

from .test_assignment_helpers import DOCUMENT, accepted_case, make_pool, make_reviewer

pytestmark = pytest.mark.django_db
# The world's accepted case is driven once per module (tests/shared.py).
shared = prepared_world("accepted")
world = world_with_prepared_case()

TEAM_NOT_FORMED = "资料评审组人数与本届规定的评审员人数不符，或尚未确定唯一的组长。"
NOT_DECLARED = "资料评审组尚有评审员未签署公正性和保密声明。"
FLAGS_PENDING = "尚有利害关系提示未经评审办处理（决定回避或排除）。"


def start(world, case):
    return case_services.case_transition(case.pk, "start_document_review", by=world.office)


def team(world, case, n: int) -> list[Assignment]:
    return [
        assignment_create(
            case.pk,
            reviewer_id=reviewer.pk,
            stage=DOCUMENT,
            role=Assignment.Role.LEADER if i == 0 else Assignment.Role.MEMBER,
            by=world.office,
            reason="指定",
        )
        for i, reviewer in enumerate(make_pool(n))
    ]


def blocked_reasons(world, case) -> list[str]:
    with pytest.raises(TransitionBlocked) as exc:
        start(world, case)
    return exc.value.reasons


def test_start_document_review_without_team_blocked_with_message(world):
    case = accepted_case(world)

    assert blocked_reasons(world, case) == [TEAM_NOT_FORMED]


def test_start_document_review_team_too_small_blocked(world):
    case = accepted_case(world)
    for assignment in team(world, case, 4):
        assignment_declare(
            assignment.pk, by=assignment.reviewer.user, relations_text="", no_conflict=True
        )

    assert blocked_reasons(world, case) == [TEAM_NOT_FORMED]


def test_start_document_review_without_leader_blocked(world):
    case = accepted_case(world)
    members = [
        assignment_create(
            case.pk,
            reviewer_id=r.pk,
            stage=DOCUMENT,
            role=Assignment.Role.MEMBER,
            by=world.office,
            reason="指定",
        )
        for r in make_pool(5)
    ]
    for assignment in members:
        assignment_declare(
            assignment.pk, by=assignment.reviewer.user, relations_text="", no_conflict=True
        )

    assert blocked_reasons(world, case) == [TEAM_NOT_FORMED]


def test_start_document_review_undeclared_member_blocked(world):
    case = accepted_case(world)
    assignments = team(world, case, 5)
    for assignment in assignments[1:]:
        assignment_declare(
            assignment.pk, by=assignment.reviewer.user, relations_text="", no_conflict=True
        )

    assert blocked_reasons(world, case) == [NOT_DECLARED]


def test_start_document_review_pending_flag_blocked_then_allowed_once_decided(world):
    case = accepted_case(world)
    assignments = team(world, case, 5)
    for assignment in assignments:
        assignment_declare(
            assignment.pk, by=assignment.reviewer.user, relations_text="", no_conflict=True
        )
    flag = ConflictFlag.objects.create(
        case=case, reviewer=make_reviewer(), reason="同一单位", source="detected"
    )

    reasons = blocked_reasons(world, case)
    conflict_decide(flag.pk, by=world.office, decision="recuse", note="")
    moved = start(world, case)

    assert reasons == [FLAGS_PENDING]
    assert moved.state == "document_review"


def test_start_document_review_complete_declared_team_allowed(world):
    case = accepted_case(world)
    for assignment in team(world, case, 5):
        assignment_declare(
            assignment.pk, by=assignment.reviewer.user, relations_text="", no_conflict=True
        )

    moved = start(world, case)

    assert moved.state == "document_review"


def test_start_document_review_team_size_is_the_cycles(world):
    world.cycle.reviewers_per_case = 3
    world.cycle.save(update_fields=["reviewers_per_case"])
    case = accepted_case(world)
    for assignment in team(world, case, 3):
        assignment_declare(
            assignment.pk, by=assignment.reviewer.user, relations_text="", no_conflict=True
        )

    assert start(world, case).state == "document_review"


def test_demo_prepare_forms_a_declared_team_through_the_services(world):
    case = accepted_case(world)

    prepare(case, "start_document_review", office=world.office)
    prepare(case, "start_document_review", office=world.office)

    active = Assignment.objects.filter(case=case, status="active")
    assert active.count() == 5
    assert active.filter(role="leader").count() == 1
    assert active.filter(declared_at__isnull=True).exists() is False
    assert active.filter(draw__isnull=True).exists() is False
    assert start(world, case).state == "document_review"


def test_world_drive_through_document_review_keeps_working():
    world = World()  # from draft, not from the module's accepted case
    case = world.drive(world.new_case(), PATH_TO["document_review"])

    assert case.state == "document_review"


def test_case_file_gate_points_to_the_declaration_until_signed(world):
    from review.selectors_assignment import case_file_gate

    case = accepted_case(world)
    reviewer = make_reviewer()
    assignment = team_member(world, case, reviewer)

    before = case_file_gate(reviewer.user, case)
    assignment_declare(assignment.pk, by=reviewer.user, relations_text="", no_conflict=True)
    after = case_file_gate(reviewer.user, case)

    assert before == f"/review/my/{assignment.pk}/declaration/"
    assert after is None
    assert case_file_gate(world.office, case) is None


def team_member(world, case, reviewer) -> Assignment:
    return assignment_create(
        case.pk,
        reviewer_id=reviewer.pk,
        stage=DOCUMENT,
        role=Assignment.Role.MEMBER,
        by=world.office,
        reason="指定",
    )
