"""Builders shared by the assignment tests (no tests here)."""

import itertools

from applications.models import Case
from hengyang_award.core.models import Organisation, User
from hengyang_award.core.roles import Role
from review.models import Assignment, Reviewer, ReviewerRelation
from tests.factories import PATH_TO, World, make_user

_seq = itertools.count(1)
DOCUMENT = Assignment.Stage.DOCUMENT


def make_reviewer(
    *,
    name: str | None = None,
    industries: str = "装备制造",
    employer: str = "衡阳市质量协会",
    employer_credit_code: str = "",
    status: str = Reviewer.Status.ACTIVE,
    with_user: bool = True,
) -> Reviewer:
    n = next(_seq)
    user = make_user(Role.REVIEWER, username=f"assign-reviewer-{n}") if with_user else None
    return Reviewer.objects.create(
        user=user,
        name=name or f"评审员{n}",
        employer=employer,
        employer_credit_code=employer_credit_code,
        industries=industries,
        years_in_quality=8,
        status=status,
    )


def make_pool(n: int, **fields) -> list[Reviewer]:
    return [make_reviewer(**fields) for _ in range(n)]


def accepted_case(world: World) -> Case:
    from tests.shared import take_prepared

    return take_prepared(world, "accepted") or world.drive(world.new_case(), PATH_TO["accepted"])


def relation(
    reviewer: Reviewer, *, by: User, organisation: Organisation | None = None, **fields
) -> ReviewerRelation:
    return ReviewerRelation.objects.create(
        reviewer=reviewer,
        organisation=organisation,
        kind=fields.pop("kind", ReviewerRelation.Kind.CONSULTING),
        recorded_by=by,
        **fields,
    )
