"""Committee meetings: calling one (the agenda is the cycle's candidates),
recording attendance, secret ballots in rounds, tallies and the resolution."""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Case
from hengyang_award.core.models import AwardCycle, User
from hengyang_award.core.services import audit_log_write
from hengyang_award.notifications.services import notify

from .. import selectors, tally
from ..models import (
    AgendaItem,
    Attendance,
    BallotCast,
    BallotRound,
    CycleEvaluation,
    Meeting,
    Membership,
    Resolution,
    RoundItem,
    Vote,
)

MEETING_NOTICE = (
    gettext_lazy("评委会会议通知：%(date)s"),
    gettext_lazy(
        "%(cycle)s评委会会议定于%(date)s在%(place)s召开，审议获奖候选组织%(n)s个。"
        "请提前就每个候选组织作出利害关系声明。"
    ),
)


@transaction.atomic
def meeting_create(cycle_id: int, *, by: User, held_on: datetime.date, place: str) -> Meeting:
    """Call a meeting on the cycle's current candidates; the members are told."""
    selectors.require_office(by)
    cycle = AwardCycle.objects.select_for_update().get(pk=cycle_id)
    evaluation = CycleEvaluation.objects.filter(cycle=cycle).first()
    if evaluation is None or evaluation.dispatched_at is None:
        raise ValidationError(_("获奖候选名单尚未送评委会，不能召开评委会会议。"))
    if not place.strip():
        raise ValidationError({"place": _("请填写会议地点。")})
    candidates = list(
        Case.objects.filter(cycle=cycle, state=selectors.S.CANDIDATE).order_by(
            "organisation__name", "pk"
        )
    )
    if not candidates:
        raise ValidationError(_("本届当前没有待审议的获奖候选组织。"))
    members = selectors.members_of(cycle)
    if not members:
        raise ValidationError(_("本届评委会尚无成员，请先组建评委会。"))
    meeting = Meeting.objects.create(
        cycle=cycle, held_on=held_on, place=place.strip(), created_by=by
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, case=case, position=i) for i, case in enumerate(candidates)
    )
    audit_log_write(
        "committee.meeting_create",
        actor=by,
        obj=meeting,
        cycle=cycle.pk,
        held_on=held_on.isoformat(),
        place=meeting.place,
        agenda=[c.pk for c in candidates],
    )
    subject, body = MEETING_NOTICE
    notify(
        [m.user for m in members],
        kind="committee.meeting",
        subject=subject,
        body=body,
        params={
            "cycle": lambda: cycle.title,
            "date": held_on.isoformat(),
            "place": meeting.place,
            "n": len(candidates),
        },
        link=reverse("committee:member_meeting", args=[meeting.pk]),
        dedupe_key=f"committee-meeting:{meeting.pk}",
    )
    return meeting


def _locked_meeting(meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("cycle").get(pk=meeting_id)
    resolution = Resolution.objects.filter(meeting=meeting).first()
    if resolution is not None and resolution.adopted_at is not None:
        raise ValidationError(_("本次会议的决议已经采纳，会议记录不能再修改。"))
    return meeting


@transaction.atomic
def attendance_record(meeting_id: int, *, by: User, present_ids: Iterable[int]) -> Meeting:
    """The office records who is present (every member of the cycle: present or
    absent). Not while a ballot is open."""
    selectors.require_office(by)
    meeting = _locked_meeting(meeting_id)
    if selectors.open_round(meeting) is not None:
        raise ValidationError(_("投票进行中，不能修改出席情况。"))
    members = Membership.objects.filter(cycle=meeting.cycle_id)
    present = {int(i) for i in present_ids}
    unknown = present - {m.pk for m in members}
    if unknown:
        raise ValidationError(_("出席名单中有不属于本届评委会的人员。"))
    for member in members:
        Attendance.objects.update_or_create(
            meeting=meeting, member=member, defaults={"present": member.pk in present}
        )
    meeting.attendance_recorded_at = timezone.now()
    meeting.save(update_fields=["attendance_recorded_at"])
    audit_log_write(
        "committee.attendance",
        actor=by,
        obj=meeting,
        present=sorted(present),
        absent=sorted(m.pk for m in members if m.pk not in present),
    )
    return meeting


def _open(meeting: Meeting, *, by: User, kind: str, cases: list[int]) -> BallotRound:
    number = (meeting.rounds.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    round_ = BallotRound.objects.create(meeting=meeting, number=number, kind=kind, opened_by=by)
    RoundItem.objects.bulk_create(RoundItem(round=round_, case_id=case_id) for case_id in cases)
    audit_log_write(
        "committee.round_open",
        actor=by,
        obj=round_,
        meeting=meeting.pk,
        number=number,
        kind=kind,
        cases=cases,
    )
    return round_


@transaction.atomic
def round_open(meeting_id: int, *, by: User) -> BallotRound:
    """Open the meeting's ballot on every candidate of the agenda."""
    selectors.require_office(by)
    meeting = _locked_meeting(meeting_id)
    if meeting.attendance_recorded_at is None:
        raise ValidationError(_("请先记录出席情况，再开始投票。"))
    if selectors.open_round(meeting) is not None:
        raise ValidationError(_("已有进行中的投票。"))
    if meeting.rounds.filter(kind=BallotRound.Kind.MAIN).exists():
        raise ValidationError(_("本次会议已进行过表决；如有并列，请发起决胜投票。"))
    cases = [
        item.case_id
        for item in selectors.agenda_of(meeting)
        if item.case.state == selectors.S.CANDIDATE
    ]
    if not cases:
        raise ValidationError(_("议程中已没有待审议的获奖候选组织。"))
    return _open(meeting, by=by, kind=BallotRound.Kind.MAIN, cases=cases)


@transaction.atomic
def runoff_open(meeting_id: int, *, by: User) -> BallotRound:
    """Open a run-off among the candidates tied at the boundary (only them)."""
    selectors.require_office(by)
    meeting = _locked_meeting(meeting_id)
    if selectors.open_round(meeting) is not None:
        raise ValidationError(_("已有进行中的投票。"))
    resolution = Resolution.objects.filter(meeting=meeting).first()
    if resolution is None or resolution.complete or not resolution.runoff_case_ids:
        raise ValidationError(_("当前没有需要决胜投票的并列候选组织。"))
    return _open(
        meeting, by=by, kind=BallotRound.Kind.RUNOFF, cases=sorted(resolution.runoff_case_ids)
    )


@transaction.atomic
def vote_cast(round_id: int, *, by: User, case_id: int, choice: str) -> None:
    """A present, non-recused member casts their secret ballot on a candidate.
    The participation row is unique (a second ballot is refused and stores
    nothing); the choice goes to a row that does not name the member."""
    round_ = BallotRound.objects.select_related("meeting").get(pk=round_id)
    member = selectors.membership_of(by, round_.meeting.cycle_id)
    if member is None:
        raise PermissionDenied(_("只有本届评委会成员可以投票。"))
    if choice not in Vote.Choice.values:
        raise ValidationError(_("请选择赞成、反对或弃权。"))
    if round_.closed_at is not None:
        raise ValidationError(_("本轮投票已结束。"))
    if not RoundItem.objects.filter(round=round_, case_id=case_id).exists():
        raise ValidationError(_("该组织不在本轮投票范围内。"))
    case = Case.objects.get(pk=case_id)
    if not Attendance.objects.filter(meeting=round_.meeting, member=member, present=True).exists():
        raise ValidationError(_("出席记录显示您未出席本次会议，不能投票。"))
    declaration = member.declarations.filter(case=case).first()
    if declaration is None:
        raise ValidationError(_("请先就该候选组织作出利害关系声明，再投票。"))
    if declaration.has_conflict:
        raise ValidationError(_("您已就该候选组织申报回避，不能对其投票。"))
    try:
        with transaction.atomic():
            BallotCast.objects.create(round=round_, member=member, case=case)
            Vote.objects.create(round=round_, case=case, choice=choice)
    except IntegrityError as exc:
        raise ValidationError(_("您已就该候选组织在本轮投过票，每人每轮只能投一票。")) from exc
    # The audit names who voted on what in which round, never the choice.
    audit_log_write("committee.ballot_cast", actor=by, obj=round_, case=case.pk, member=member.pk)


@transaction.atomic
def round_close(round_id: int, *, by: User) -> Resolution:
    """Close a round: with the quorum present on every candidate (refused with
    the numbers otherwise), count the secret votes, store the tally and compute
    the meeting's resolution."""
    selectors.require_office(by)
    round_ = (
        BallotRound.objects.select_for_update().select_related("meeting__cycle").get(pk=round_id)
    )
    meeting = _locked_meeting(round_.meeting_id)
    cycle = meeting.cycle
    if round_.closed_at is not None:
        raise ValidationError(_("本轮投票已结束。"))
    members = list(Membership.objects.filter(cycle=cycle))
    present = selectors.present_member_ids(meeting)
    items = list(round_.items.select_related("case__organisation"))
    short = []
    for item in items:
        recused = selectors.recused_member_ids(item.case)
        eligible = [m.pk for m in members if m.pk not in recused]
        item.eligible = len(eligible)
        item.present = len([pk for pk in eligible if pk in present])
        item.quorum = tally.quorum_of(
            item.eligible,
            numerator=cycle.committee_quorum_numerator,
            denominator=cycle.committee_quorum_denominator,
        )
        if item.present < item.quorum or item.present == 0:
            short.append(
                _(
                    "%(org)s：应参加表决%(eligible)s人，法定人数%(quorum)s人，出席且未回避%(present)s人"
                )
                % {
                    "org": item.case.organisation.name,
                    "eligible": item.eligible,
                    "quorum": item.quorum,
                    "present": item.present,
                }
            )
    if short:
        raise ValidationError(
            _("未达到法定人数，不能结束投票：%(detail)s。") % {"detail": "；".join(short)}
        )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Vote.objects.filter(round=round_)
        .values("case_id", "choice")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["case_id"]][row["choice"]] = row["n"]
    for item in items:
        votes = counts[item.case_id]
        item.approve = votes.get(Vote.Choice.APPROVE, 0)
        item.oppose = votes.get(Vote.Choice.OPPOSE, 0)
        item.abstain = votes.get(Vote.Choice.ABSTAIN, 0)
        item.not_cast = max(item.present - item.approve - item.oppose - item.abstain, 0)
        item.passed = tally.majority_reached(
            item.approve, item.present, rule=cycle.committee_majority
        )
        item.save()
    round_.closed_at = timezone.now()
    round_.closed_by = by
    round_.save(update_fields=["closed_at", "closed_by"])
    audit_log_write(
        "committee.round_close",
        actor=by,
        obj=round_,
        meeting=meeting.pk,
        tally={
            str(i.case_id): {
                "approve": i.approve,
                "oppose": i.oppose,
                "abstain": i.abstain,
                "not_cast": i.not_cast,
                "present": i.present,
                "eligible": i.eligible,
                "quorum": i.quorum,
                "passed": i.passed,
            }
            for i in items
        },
    )
    from .resolution import resolution_compute

    return resolution_compute(meeting)
