"""Arrangements shared by the scoring tests: a case in document review with a
group of reviewers chosen by the test. Assignments are written as
`review.services.assignment.assignment_create` leaves them (the row and the
reviewer's object rights on the case)."""

from django.utils import timezone
from guardian.shortcuts import assign_perm

from applications.models import Case
from hengyang_award.core.models import ScoringItem
from hengyang_award.core.roles import Role
from review.models import Assignment, Reviewer
from review.services import scoring as services
from tests.factories import PATH_TO, World, make_user
from tests.shared import take_prepared

DOCUMENT = Assignment.Stage.DOCUMENT


def make_reviewer(name: str) -> Reviewer:
    user = make_user(Role.REVIEWER, full_name=name)
    return Reviewer.objects.create(user=user, name=name, employer="湖南某大学质量研究院")


def assign(case: Case, reviewer: Reviewer, *, by, role=Assignment.Role.MEMBER) -> Assignment:
    assignment = Assignment.objects.create(
        case=case,
        reviewer=reviewer,
        stage=DOCUMENT,
        role=role,
        assigned_by=by,
        declared_at=timezone.now(),
    )
    assign_perm("applications.view_case", reviewer.user, case)
    assign_perm("applications.review_case", reviewer.user, case)
    return assignment


def document_review_case(
    world: World, names: tuple[str, ...] = ("张组长", "李评审", "王评审")
) -> tuple[Case, list[Assignment]]:
    """A case in document review whose active group is exactly `names` (the first
    leads). Any group another area's preparer made is ended first."""
    case = take_prepared(world, "document_review") or world.drive(
        world.new_case(), PATH_TO["document_review"]
    )
    Assignment.objects.filter(case=case, stage=DOCUMENT, status=Assignment.Status.ACTIVE).update(
        status=Assignment.Status.REPLACED, ended_at=timezone.now()
    )
    group = [
        assign(
            case,
            make_reviewer(name),
            by=world.office,
            role=Assignment.Role.LEADER if index == 0 else Assignment.Role.MEMBER,
        )
        for index, name in enumerate(names)
    ]
    return case, group


def another_case(world: World, names: tuple[str, ...] = ("赵组长", "钱评审")):
    """A second organisation's case in the same cycle, in document review."""
    return document_review_case(World(cycle=world.cycle), names)


def codes() -> list[str]:
    return list(ScoringItem.objects.order_by("position", "code").values_list("code", flat=True))


def entries(percent: int | None = 60, *, reason: str | None = None, **overrides) -> dict:
    """Every item at `percent` (overrides by item code with dots as underscores,
    e.g. `_4_1_2=80`), one strength and one opportunity each."""
    found = {}
    for code in codes():
        value = overrides.get("_" + code.replace(".", "_"), percent)
        found[code] = {
            "percent": value,
            "strengths": [f"{code}方法系统，展开充分。"],
            "opportunities": [f"{code}缺少与标杆的对比数据。"],
        }
        if reason is not None:
            found[code]["reason"] = reason
    return found


def score(assignment: Assignment, percent: int = 60, **overrides) -> None:
    user = assignment.reviewer.user
    services.scorebook_save(assignment.pk, by=user, entries=entries(percent, **overrides))
    services.scorebook_submit(assignment.pk, by=user)


def agree(case: Case, leader: Assignment, percent: int = 60, **overrides) -> None:
    user = leader.reviewer.user
    services.consensus_save(case.pk, by=user, entries=entries(percent, reason="", **overrides))
    services.consensus_submit(case.pk, by=user)
