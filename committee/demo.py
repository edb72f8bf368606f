"""Bring cases to where the committee's conditions hold (seed_demo and the tests'
factories), through the real services; and run a whole committee decision for a
cycle (`committee_decide_demo`, for seed_demo). Preparers never fire the
transition they prepare."""

import itertools

from django.utils import timezone

from applications.models import Case
from hengyang_award.core.models import AwardCycle, User
from hengyang_award.core.roles import Role
from hengyang_award.core.services import user_create

from . import selectors, services
from .models import CycleEvaluation, Declaration, Membership, Resolution, ResolutionEntry, Vote

_seq = itertools.count(1)
DEMO_COMPARISON = (
    "各组织的资料评审共识总分与现场评审总分总体一致。现场评审总分达到获奖最低总分的组织，"
    "其卓越绩效管理体系运行有效，经营结果和质量水平在本行业领先，评审组建议授奖；"
    "评审办在对比各组织类目得分、评审组建议和申报单位对评审组的评价后，提出获奖候选名单，提请评委会审议。"
)
DEMO_PLACE = "衡阳市人民政府第三会议室"


def register() -> None:
    from applications.demo import register_preparer

    register_preparer("nominate", prepare_evaluation)
    register_preparer("pass_over", prepare_evaluation)
    register_preparer("propose", prepare_propose)
    register_preparer("committee_reject", prepare_committee_reject)


def committee_form_demo(cycle: AwardCycle, *, office: User) -> list[Membership]:
    """The cycle's committee: when it has none yet, every active user with a
    committee role joins it (the first committee director as its director); new
    users are made when there are none."""
    members = selectors.members_of(cycle)
    if members:
        return members
    users = list(selectors.committee_users())
    if not users:
        n = next(_seq)
        users = [
            user_create(
                username=f"committee-demo-{n}-{i}",
                password=None,
                roles=[Role.COMMITTEE_DIRECTOR if i == 0 else Role.COMMITTEE_MEMBER],
                full_name=f"评委{n}-{i}",
            )
            for i in range(3)
        ]
    director = next((u for u in users if u.has_role(Role.COMMITTEE_DIRECTOR)), None)
    for user in users:
        role = Membership.Role.DIRECTOR if user == director else Membership.Role.MEMBER
        services.membership_add(cycle.pk, by=office, user_id=user.pk, role=role)
    return selectors.members_of(cycle)


def _comparison(cycle: AwardCycle, *, office: User) -> None:
    if not CycleEvaluation.objects.filter(cycle=cycle).exclude(comparison="").exists():
        services.evaluation_comparison_save(cycle.pk, by=office, comparison=DEMO_COMPARISON)


def prepare_evaluation(case: Case, *, office: User) -> None:
    """The comparison is written and the committee formed: `nominate` can fire
    when the on-site total reaches the pass score (the review's demo on-site
    scores give 60 % on every item, i.e. 600 of 1000: check your cycle's
    pass_score), and `pass_over` with a note."""
    _comparison(case.cycle, office=office)
    committee_form_demo(case.cycle, office=office)


def _declare_all(members: list[Membership], case: Case) -> None:
    from review.models import ReviewerRelation

    declared = set(Declaration.objects.filter(case=case).values_list("member_id", flat=True))
    for member in members:
        if member.pk in declared:
            continue
        if selectors.detected_conflicts(member, case):
            services.declaration_make(
                case.pk,
                by=member.user,
                has_conflict=True,
                grounds=ReviewerRelation.Kind.OTHER,
                description="系统提示存在利害关系，申报回避。",
            )
        else:
            services.declaration_make(case.pk, by=member.user, has_conflict=False)


def _meeting_on(case: Case, *, office: User, choice: str) -> None:
    cycle = case.cycle
    _comparison(cycle, office=office)
    members = committee_form_demo(cycle, office=office)
    services.evaluation_dispatch(cycle.pk, by=office)
    meeting = services.meeting_create(
        cycle.pk, by=office, held_on=timezone.localdate(), place=DEMO_PLACE
    )
    services.attendance_record(meeting.pk, by=office, present_ids=[m.pk for m in members])
    _declare_all(members, case)
    round_ = services.round_open(meeting.pk, by=office)
    recused = selectors.recused_member_ids(case)
    for member in members:
        if member.pk not in recused:
            services.vote_cast(round_.pk, by=member.user, case_id=case.pk, choice=choice)
    services.round_close(round_.pk, by=office)


def _prepared(case: Case, outcome: str) -> bool:
    entry = selectors.current_entry(case)
    return entry is not None and entry.outcome == outcome


def prepare_propose(case: Case, *, office: User) -> None:
    """A meeting on the cycle's candidates where every present member approves
    this case: the resolution passes it (not adopted: the caller fires)."""
    if not _prepared(case, ResolutionEntry.Outcome.PROPOSED):
        _meeting_on(case, office=office, choice=Vote.Choice.APPROVE)


def prepare_committee_reject(case: Case, *, office: User) -> None:
    """A meeting where every present member opposes this case."""
    if not _prepared(case, ResolutionEntry.Outcome.NOT_SELECTED):
        _meeting_on(case, office=office, choice=Vote.Choice.OPPOSE)


def committee_decide_demo(cycle: AwardCycle, *, office: User) -> Resolution | None:
    """A whole committee decision for the cycle, as the office and the members
    would make it: comparison, candidate list (cases in evaluation whose on-site
    total reaches the pass score; the others passed over), dispatch, a meeting
    with everyone present, declarations, a secret ballot (every member approves
    every candidate except that one in three members abstains), the tally, and
    the director's adoption. Returns the adopted resolution (None: no candidate)."""
    from applications.workflow import CaseState

    _comparison(cycle, office=office)
    members = committee_form_demo(cycle, office=office)
    for case in Case.objects.filter(cycle=cycle, state=CaseState.EVALUATION).order_by("pk"):
        total = selectors.onsite_total_of(case)
        if total is not None and total >= cycle.pass_score:
            services.evaluation_decide(case.pk, by=office, nominate=True)
        else:
            services.evaluation_decide(
                case.pk, by=office, nominate=False, note="现场评审总分未达到获奖最低总分。"
            )
    candidates = list(Case.objects.filter(cycle=cycle, state=CaseState.CANDIDATE).order_by("pk"))
    if not candidates:
        return None
    services.evaluation_dispatch(cycle.pk, by=office)
    meeting = services.meeting_create(
        cycle.pk, by=office, held_on=timezone.localdate(), place=DEMO_PLACE
    )
    services.attendance_record(meeting.pk, by=office, present_ids=[m.pk for m in members])
    for case in candidates:
        _declare_all(members, case)
    round_ = services.round_open(meeting.pk, by=office)
    for case in candidates:
        recused = selectors.recused_member_ids(case)
        for i, member in enumerate(members):
            if member.pk in recused:
                continue
            choice = Vote.Choice.ABSTAIN if i % 3 == 2 else Vote.Choice.APPROVE
            services.vote_cast(round_.pk, by=member.user, case_id=case.pk, choice=choice)
    resolution = services.round_close(round_.pk, by=office)
    while not resolution.complete and resolution.runoff_case_ids:
        runoff = services.runoff_open(meeting.pk, by=office)
        for n, case_id in enumerate(sorted(resolution.runoff_case_ids)):
            recused = selectors.recused_member_ids(Case.objects.get(pk=case_id))
            for member in members:
                if member.pk in recused:
                    continue
                choice = Vote.Choice.APPROVE if n == 0 else Vote.Choice.OPPOSE
                services.vote_cast(runoff.pk, by=member.user, case_id=case_id, choice=choice)
        resolution = services.round_close(runoff.pk, by=office)
    director = selectors.director_of(cycle)
    if director is None:
        return resolution
    return services.resolution_adopt(meeting.pk, by=director.user)
