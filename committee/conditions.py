"""Conditions the comprehensive evaluation and the committee add to the case
workflow's edges (registered from CommitteeConfig.ready).

Some refusals must name numbers of the case at hand ("on-site total 580, pass
score 600"). A condition's message is read right after the condition ran (see
`workflow.why_blocked`), so such conditions leave their sentence in a
thread-local `Detail` that the message object renders."""

import threading

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import workflow
from applications.models import Case

from . import selectors
from .models import CycleEvaluation, ResolutionEntry


class Detail:
    """A condition message whose text is set by the last run of its condition in
    this thread (falls back to a general sentence)."""

    def __init__(self, fallback) -> None:
        self.fallback = fallback
        self.local = threading.local()

    def set(self, text: str) -> None:
        self.local.text = text

    def __str__(self) -> str:
        return getattr(self.local, "text", "") or str(self.fallback)


_below_pass = Detail(gettext_lazy("现场评审总分低于本届获奖最低总分，不能列为获奖候选。"))


@workflow.condition(_below_pass)
def onsite_total_reaches_pass_score(case: Case) -> bool:
    total = selectors.onsite_total_of(case)
    if total is not None and total >= case.cycle.pass_score:
        return True
    if total is None:
        _below_pass.set(_("尚无提交的现场评审总分，不能列为获奖候选。"))
    else:
        _below_pass.set(
            _("现场评审总分%(total)s分，低于本届获奖最低总分%(pass)s分，不能列为获奖候选。")
            % {"total": total, "pass": case.cycle.pass_score}
        )
    return False


@workflow.condition(gettext_lazy("评审办尚未填写本届综合评价意见（各组织的书面比较）。"))
def comparison_written(case: Case) -> bool:
    return CycleEvaluation.objects.filter(cycle=case.cycle_id).exclude(comparison="").exists()


@workflow.condition(
    gettext_lazy("评委会表决结果未确定该组织为拟获奖组织（或尚未表决、待决胜投票）。")
)
def resolution_passes(case: Case) -> bool:
    entry = selectors.current_entry(case)
    return entry is not None and entry.outcome == ResolutionEntry.Outcome.PROPOSED


_too_many = Detail(gettext_lazy("拟获奖组织将超过本届获奖组织上限。"))


@workflow.condition(_too_many)
def within_max_winners(case: Case) -> bool:
    taken = selectors.winners_taken(case.cycle, excluding=[case.pk])
    if taken < case.cycle.max_winners:
        return True
    _too_many.set(
        _("本届已有%(taken)s个拟获奖或获奖组织，达到获奖组织上限%(max)s个，不能再确定拟获奖组织。")
        % {"taken": taken, "max": case.cycle.max_winners}
    )
    return False


@workflow.condition(gettext_lazy("评委会表决结果并未否决该组织（或尚未表决、待决胜投票）。"))
def resolution_rejects(case: Case) -> bool:
    entry = selectors.current_entry(case)
    return entry is not None and entry.outcome == ResolutionEntry.Outcome.NOT_SELECTED


def register() -> None:
    for check in (comparison_written, onsite_total_reaches_pass_score):
        workflow.register_stage_condition("nominate", check)
    workflow.register_stage_condition("pass_over", comparison_written)
    for check in (resolution_passes, within_max_winners):
        workflow.register_stage_condition("propose", check)
    workflow.register_stage_condition("committee_reject", resolution_rejects)
