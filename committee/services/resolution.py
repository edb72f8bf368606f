"""The resolution of a meeting (决议): computed from its closed rounds whenever a
round closes, adopted by the committee director (which fires the transitions)."""

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hengyang_award.core.models import User
from hengyang_award.core.services import audit_log_write

from .. import selectors, tally
from ..models import BallotRound, Meeting, Resolution, ResolutionEntry, RoundItem
from .meeting import _locked_meeting


def _latest_main_items(meeting: Meeting) -> dict[int, RoundItem]:
    items = {}
    for item in RoundItem.objects.filter(
        round__meeting=meeting, round__kind=BallotRound.Kind.MAIN, round__closed_at__isnull=False
    ).order_by("round__number"):
        items[item.case_id] = item
    return items


def _summary(item: RoundItem, runoffs: list[RoundItem]) -> str:
    text = _(
        "应参加表决%(eligible)s人，出席且未回避%(present)s人；赞成%(approve)s票，"
        "反对%(oppose)s票，弃权%(abstain)s票，未投票%(not_cast)s人"
    ) % {
        "eligible": item.eligible,
        "present": item.present,
        "approve": item.approve,
        "oppose": item.oppose,
        "abstain": item.abstain,
        "not_cast": item.not_cast,
    }
    for runoff in runoffs:
        text += _("；第%(n)s轮决胜投票赞成%(approve)s票") % {
            "n": runoff.round.number,
            "approve": runoff.approve,
        }
    return text


def resolution_compute(meeting: Meeting) -> Resolution:
    """The meeting's result from its closed rounds (see `tally`): winners in rank
    order, the others, or the candidates who must go to a run-off first."""
    cycle = meeting.cycle
    main = _latest_main_items(meeting)
    agenda_cases = [
        item.case
        for item in selectors.agenda_of(meeting)
        if item.case.state == selectors.S.CANDIDATE and item.case_id in main
    ]
    ids = [c.pk for c in agenda_cases]
    totals = selectors.onsite_totals(ids)
    standings = [
        tally.Standing(
            case_id=case.pk,
            approvals=main[case.pk].approve or 0,
            onsite=totals.get(case.pk) or 0,
            majority=bool(main[case.pk].passed),
            pass_score=cycle.pass_score,
        )
        for case in agenda_cases
    ]
    runoff_items: dict[int, list[RoundItem]] = defaultdict(list)
    runoffs: dict[frozenset[int], list[dict[int, int]]] = defaultdict(list)
    for round_ in meeting.rounds.filter(
        kind=BallotRound.Kind.RUNOFF, closed_at__isnull=False
    ).order_by("number"):
        items = list(round_.items.select_related("round"))
        runoffs[frozenset(i.case_id for i in items)].append(
            {i.case_id: i.approve or 0 for i in items}
        )
        for i in items:
            runoff_items[i.case_id].append(i)
    places = max(cycle.max_winners - selectors.winners_taken(cycle, excluding=ids), 0)
    outcome = tally.winners_of(
        standings, places=places, onsite_first=cycle.tie_break_onsite_first, runoffs=runoffs
    )
    resolution, _created = Resolution.objects.update_or_create(
        meeting=meeting,
        defaults={
            "computed_at": timezone.now(),
            "complete": outcome.complete and bool(standings),
            "runoff_case_ids": sorted(outcome.runoff or ()),
            "capacity": places,
        },
    )
    resolution.entries.all().delete()
    rank = {case_id: i + 1 for i, case_id in enumerate(outcome.winners)}
    by_id = {s.case_id: s for s in standings}
    entries = []
    for case in agenda_cases:
        event = selectors.latest_candidate_event(case)
        if case.pk in rank:
            outcome_value = ResolutionEntry.Outcome.PROPOSED
        elif outcome.runoff and case.pk in outcome.runoff:
            outcome_value = ResolutionEntry.Outcome.PENDING
        else:
            outcome_value = ResolutionEntry.Outcome.NOT_SELECTED
        entries.append(
            ResolutionEntry(
                resolution=resolution,
                case=case,
                candidate_event=event,
                outcome=outcome_value,
                rank=rank.get(case.pk),
                approvals=by_id[case.pk].approvals,
                onsite_total=totals.get(case.pk),
                summary=_summary(main[case.pk], runoff_items.get(case.pk, [])),
            )
        )
    ResolutionEntry.objects.bulk_create(entries)
    audit_log_write(
        "committee.resolution_compute",
        actor=None,
        obj=resolution,
        meeting=meeting.pk,
        winners=list(outcome.winners),
        others=list(outcome.others),
        runoff=sorted(outcome.runoff or ()),
        places=places,
    )
    return resolution


@transaction.atomic
def resolution_adopt(meeting_id: int, *, by: User) -> Resolution:
    """The committee director adopts the resolution: the winners are proposed and
    the others rejected (the tally is the note), through the workflow; the
    minutes are rendered by a worker afterwards."""
    from applications.services import fire
    from hengyang_award.jobs.outbox import outbox_enqueue

    selectors.require_director(by)
    meeting = _locked_meeting(meeting_id)
    director = selectors.director_of(meeting.cycle)
    if director is None or director.user_id != by.pk:
        raise PermissionDenied(_("只有本届评委会主任可以采纳决议。"))
    resolution = Resolution.objects.select_for_update().filter(meeting=meeting).first()
    if resolution is None or not resolution.complete:
        raise ValidationError(_("表决尚未完成（或有并列需决胜投票），决议不能采纳。"))
    if selectors.open_round(meeting) is not None:
        raise ValidationError(_("投票进行中，决议不能采纳。"))
    entries = list(resolution.entries.select_related("case").order_by("rank", "pk"))
    fired = []
    for entry in entries:
        if entry.case.state != selectors.S.CANDIDATE:
            continue
        if entry.outcome == ResolutionEntry.Outcome.PROPOSED:
            note = _("评委会表决通过（第%(rank)s名）：%(summary)s") % {
                "rank": entry.rank,
                "summary": entry.summary,
            }
            fire(entry.case_id, "propose", by=by, note=note)
        else:
            note = _("评委会表决未通过：%(summary)s") % {"summary": entry.summary}
            fire(entry.case_id, "committee_reject", by=by, note=note)
        fired.append(entry.case_id)
    resolution.adopted_at = timezone.now()
    resolution.adopted_by = by
    resolution.save(update_fields=["adopted_at", "adopted_by"])
    audit_log_write("committee.resolution_adopt", actor=by, obj=resolution, cases=fired)
    outbox_enqueue(
        "committee.render_minutes",
        dedupe_key=f"committee-minutes:{meeting.pk}",
        meeting_id=meeting.pk,
    )
    return resolution
