"""Committee test data through the real services: cases in comprehensive
evaluation with a chosen on-site score, a cycle's committee, and meetings with
attendance and declarations."""

import itertools

from django.utils import timezone

from applications.models import Case
from committee import services
from committee.models import Meeting, Membership
from hengyang_award.core.models import AwardCycle, User
from hengyang_award.core.roles import Role
from tests.factories import PATH_TO, World, make_user

_seq = itertools.count(1)
COMPARISON = "各组织现场评审得分与资料评审一致，评审组建议均有充分依据。"


def evaluation_case(world: World, *, percent: int = 60) -> Case:
    """A case of the world's cycle (a new organisation) in comprehensive evaluation
    whose document and on-site scores are `percent` on every item (on-site total
    = percent × total points / 100). Taken from the world's pool of such cases
    built once per module when it holds one (tests/committee/conftest.py)."""
    from review.demo_scoring import document_review_complete

    pool = getattr(world, "evaluation_pool", {}).get(percent)
    if pool:
        return Case.objects.get(pk=pool.pop())

    other = World(cycle=world.cycle)
    case = other.drive(other.new_case(), PATH_TO["document_review"])
    document_review_complete(case, office=other.office, percent=percent)
    return other.drive(case, ["shortlist", "finish_onsite"])


def committee_of(
    cycle: AwardCycle, *, office: User, members: int = 4, director: User | None = None
) -> list[Membership]:
    """A director (a committee-director user) and `members` members."""
    director = director or make_user(Role.COMMITTEE_DIRECTOR, username=f"dir-{next(_seq)}")
    services.membership_add(cycle.pk, by=office, user_id=director.pk, role=Membership.Role.DIRECTOR)
    for _ in range(members):
        user = make_user(Role.COMMITTEE_MEMBER, username=f"cm-{next(_seq)}")
        services.membership_add(cycle.pk, by=office, user_id=user.pk, role=Membership.Role.MEMBER)
    return list(Membership.objects.filter(cycle=cycle).select_related("user").order_by("pk"))


def nominate(case: Case, *, office: User) -> Case:
    if not hasattr(case.cycle, "committee_evaluation"):
        services.evaluation_comparison_save(case.cycle_id, by=office, comparison=COMPARISON)
    return services.evaluation_decide(case.pk, by=office, nominate=True)


def meeting_for(
    cycle: AwardCycle, *, office: User, present: list[Membership] | None = None
) -> Meeting:
    """Dispatch, a meeting on the current candidates and its attendance (all the
    committee present unless told otherwise)."""
    services.evaluation_dispatch(cycle.pk, by=office)
    meeting = services.meeting_create(
        cycle.pk, by=office, held_on=timezone.localdate(), place="市政府第一会议室"
    )
    if present is None:
        present = list(Membership.objects.filter(cycle=cycle))
    services.attendance_record(meeting.pk, by=office, present_ids=[m.pk for m in present])
    return meeting


def declare_none(members: list[Membership], case: Case) -> None:
    for member in members:
        services.declaration_make(case.pk, by=member.user, has_conflict=False)


def recuse(member: Membership, case: Case) -> None:
    services.declaration_make(
        case.pk, by=member.user, has_conflict=True, grounds="consulting", description="曾提供咨询"
    )
