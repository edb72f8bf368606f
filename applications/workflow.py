"""The case's states, the stage each belongs to, and the named conditions of its
edges. The edges themselves are declared once, on `Case` (models.py)."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from .models import Case


class CaseState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("case state", "草稿")
    SUBMITTED = "submitted", pgettext_lazy("case state", "已提交，待县市区推荐")
    RETURNED = "returned", pgettext_lazy("case state", "退回修改")
    RECOMMENDED = "recommended", pgettext_lazy("case state", "已推荐，待资格审查")
    NOT_RECOMMENDED = "not_recommended", pgettext_lazy("case state", "未获推荐")
    ACCEPTED = "accepted", pgettext_lazy("case state", "已受理")
    INELIGIBLE = "ineligible", pgettext_lazy("case state", "资格审查未通过")
    DOCUMENT_REVIEW = "document_review", pgettext_lazy("case state", "资料评审")
    NOT_SHORTLISTED = "not_shortlisted", pgettext_lazy("case state", "未进入现场评审")
    ONSITE_REVIEW = "onsite_review", pgettext_lazy("case state", "现场评审")
    EVALUATION = "evaluation", pgettext_lazy("case state", "综合评价")
    CANDIDATE = "candidate", pgettext_lazy("case state", "获奖候选")
    NOT_SELECTED = "not_selected", pgettext_lazy("case state", "未入选")
    PROPOSED = "proposed", pgettext_lazy("case state", "拟获奖")
    IN_PUBLICITY = "in_publicity", pgettext_lazy("case state", "公示中")
    UNDER_OBJECTION = "under_objection", pgettext_lazy("case state", "异议核查中")
    DISQUALIFIED = "disqualified", pgettext_lazy("case state", "取消获奖资格")
    DIRECTOR_REVIEW = "director_review", pgettext_lazy("case state", "评委会主任审核")
    MAYOR_APPROVAL = "mayor_approval", pgettext_lazy("case state", "市长审定")
    AWARDED = "awarded", pgettext_lazy("case state", "已获奖")
    REVOKED = "revoked", pgettext_lazy("case state", "已撤销")
    EXPIRED = "expired", pgettext_lazy("case state", "已到期")
    WITHDRAWN = "withdrawn", pgettext_lazy("case state", "已撤回")


S = CaseState


class Stage(models.TextChoices):
    APPLICATION = "application", _("申报")
    RECOMMENDATION = "recommendation", _("县市区推荐")
    SCREENING = "screening", _("资格审查")
    DOCUMENT_REVIEW = "document_review", _("资料评审")
    ONSITE_REVIEW = "onsite_review", _("现场评审")
    EVALUATION = "evaluation", _("综合评价")
    COMMITTEE = "committee", _("评委会审议")
    PUBLICITY = "publicity", _("公示")
    APPROVAL = "approval", _("审批")
    AWARDED = "awarded", _("获奖")
    CLOSED = "closed", _("已结束")


STAGE_OF_STATE: dict[str, str] = {
    S.DRAFT: Stage.APPLICATION,
    S.RETURNED: Stage.APPLICATION,
    S.SUBMITTED: Stage.RECOMMENDATION,
    S.RECOMMENDED: Stage.SCREENING,
    S.ACCEPTED: Stage.DOCUMENT_REVIEW,
    S.DOCUMENT_REVIEW: Stage.DOCUMENT_REVIEW,
    S.ONSITE_REVIEW: Stage.ONSITE_REVIEW,
    S.EVALUATION: Stage.EVALUATION,
    S.CANDIDATE: Stage.COMMITTEE,
    S.PROPOSED: Stage.PUBLICITY,
    S.IN_PUBLICITY: Stage.PUBLICITY,
    S.UNDER_OBJECTION: Stage.PUBLICITY,
    S.DIRECTOR_REVIEW: Stage.APPROVAL,
    S.MAYOR_APPROVAL: Stage.APPROVAL,
    S.AWARDED: Stage.AWARDED,
    S.NOT_RECOMMENDED: Stage.CLOSED,
    S.INELIGIBLE: Stage.CLOSED,
    S.NOT_SHORTLISTED: Stage.CLOSED,
    S.NOT_SELECTED: Stage.CLOSED,
    S.DISQUALIFIED: Stage.CLOSED,
    S.REVOKED: Stage.CLOSED,
    S.EXPIRED: Stage.CLOSED,
    S.WITHDRAWN: Stage.CLOSED,
}

# "Any state before proposed" (the applicant may withdraw), terminal states excluded.
WITHDRAWABLE = (
    S.DRAFT,
    S.SUBMITTED,
    S.RETURNED,
    S.RECOMMENDED,
    S.ACCEPTED,
    S.DOCUMENT_REVIEW,
    S.ONSITE_REVIEW,
    S.EVALUATION,
    S.CANDIDATE,
)
TERMINAL = frozenset(s for s, stage in STAGE_OF_STATE.items() if stage == Stage.CLOSED)


# Conditions: `(case) -> bool`, each carrying the sentence a user reads when it fails.
Condition = Callable[["Case"], bool]


def condition(message) -> Callable[[Condition], Condition]:
    def wrap(func: Condition) -> Condition:
        func.message = message  # type: ignore[attr-defined]
        return func

    return wrap


@condition(_("本届市长质量奖当前不在申报受理期内。"))
def cycle_accepts_applications(case: "Case") -> bool:
    return case.cycle.accepts_applications()


@condition(_("申报材料尚不完整，请先补齐“完整性检查”中列出的内容。"))
def application_complete(case: "Case") -> bool:
    from .completeness import application_missing

    return not application_missing(case)


@condition(_("尚未填写推荐意见或上传盖章扫描件。"))
def has_recommendation_opinion(case: "Case") -> bool:
    return (
        case.recommendations.filter(round=case.submission_round, scan__isnull=False)
        .exclude(opinion="")
        .exists()
    )


@condition(_("资格审查清单尚未全部确认，或存在未通过的条件。"))
def screening_complete(case: "Case") -> bool:
    from .screening import screening_missing

    return not screening_missing(case)


@condition(_("公示期尚未结束。"))
def publicity_period_over(case: "Case") -> bool:
    return case.publicity_ends_on is not None and timezone.localdate() > case.publicity_ends_on


@condition(_("公示期已结束，异议不成立时应直接转入评委会主任审核。"))
def publicity_period_running(case: "Case") -> bool:
    return case.publicity_ends_on is not None and timezone.localdate() <= case.publicity_ends_on


@condition(_("称号有效期尚未届满。"))
def validity_ended(case: "Case") -> bool:
    return case.award_valid_until is not None and timezone.localdate() > case.award_valid_until


# Stage apps (review, committee, publicity) add conditions to named edges at start-up
# (`register_stage_condition` in their AppConfig.ready): the edge keeps one declared
# condition, `stage_conditions(name)`, and applications never imports a stage app.
_stage_checks: dict[str, list[Condition]] = {}


def register_stage_condition(transition: str, check: Condition) -> None:
    checks = _stage_checks.setdefault(transition, [])
    if check not in checks:
        checks.append(check)


def stage_conditions(transition: str) -> Condition:
    def check(case: "Case") -> bool:
        return all(c(case) for c in _stage_checks.get(transition, ()))

    check.message = ""  # type: ignore[attr-defined]
    check.stage_transition = transition  # type: ignore[attr-defined]
    check.__name__ = f"stage_conditions_{transition}"
    return check


def _failing_messages(condition_: Condition, case: "Case") -> list[str]:
    transition = getattr(condition_, "stage_transition", None)
    if transition is not None:
        return [str(c.message) for c in _stage_checks.get(transition, ()) if not c(case)]
    return [] if condition_(case) else [str(condition_.message)]


def why_blocked(case: "Case", name: str, *, ignoring: tuple[Condition, ...] = ()) -> list[str]:
    """The readable reasons a transition cannot fire from the case's current state
    (conditions in `ignoring` are left out: the action's own form satisfies them)."""
    meta = getattr(type(case), name)._django_fsm
    transition = meta.get_transition(case.state)
    if transition is None:
        return [
            str(
                _("当前状态为“%(state)s”，不能执行此操作（可能已由他人处理）。")
                % {"state": case.get_state_display()}
            )
        ]
    return [
        message
        for c in transition.conditions
        if c not in ignoring
        for message in _failing_messages(c, case)
    ]
