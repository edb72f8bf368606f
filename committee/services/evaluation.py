"""The office's comprehensive evaluation: the written comparison, the candidate
list (nominate / pass over, through `fire`) and its dispatch to the committee."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Case
from applications.services import fire
from hengyang_award.core.models import AwardCycle, User
from hengyang_award.core.services import audit_log_write
from hengyang_award.notifications.services import notify

from .. import selectors
from ..models import CycleEvaluation


@transaction.atomic
def evaluation_comparison_save(cycle_id: int, *, by: User, comparison: str) -> CycleEvaluation:
    """Write (or rewrite) the cycle's comparison of its cases; required, audited."""
    selectors.require_office(by)
    text = comparison.strip()
    if not text:
        raise ValidationError({"comparison": _("请填写综合评价意见。")})
    cycle = AwardCycle.objects.select_for_update().get(pk=cycle_id)
    evaluation = CycleEvaluation.objects.filter(cycle=cycle).first()
    previous = evaluation.comparison if evaluation else ""
    if evaluation is None:
        evaluation = CycleEvaluation.objects.create(cycle=cycle, comparison=text, written_by=by)
    else:
        evaluation.comparison = text
        evaluation.written_by = by
        evaluation.written_at = timezone.now()
        evaluation.save(update_fields=["comparison", "written_by", "written_at"])
    audit_log_write(
        "committee.comparison_save",
        actor=by,
        obj=evaluation,
        cycle=cycle.pk,
        comparison=text,
        previous=previous,
    )
    return evaluation


def evaluation_decide(
    case_id: int, *, by: User, nominate: bool, note: str = "", expected_state: str | None = None
) -> Case:
    """Put a case on the candidate list or pass over it (note required), through
    the workflow: its conditions (pass score, comparison) are checked there."""
    name = "nominate" if nominate else "pass_over"
    return fire(case_id, name, by=by, note=note, expected_state=expected_state)


DISPATCH_NOTICE = (
    gettext_lazy("获奖候选名单已送评委会：%(cycle)s"),
    gettext_lazy(
        "评审办已将%(cycle)s的获奖候选名单（%(n)s个组织）及评审材料送评委会，"
        "请在“我的评委会”中查看，并就每个候选组织作出利害关系声明。"
    ),
)


@transaction.atomic
def evaluation_dispatch(cycle_id: int, *, by: User) -> CycleEvaluation:
    """Send the candidate list to the committee: recorded, audited, members told.
    The members already hold the candidates' files (granted at nomination)."""
    selectors.require_office(by)
    cycle = AwardCycle.objects.select_for_update().get(pk=cycle_id)
    evaluation = CycleEvaluation.objects.filter(cycle=cycle).first()
    if evaluation is None or not evaluation.comparison:
        raise ValidationError(_("请先填写综合评价意见，再将候选名单送评委会。"))
    candidates = list(
        Case.objects.filter(cycle=cycle, state=selectors.S.CANDIDATE).values_list("pk", flat=True)
    )
    if not candidates:
        raise ValidationError(_("本届尚无获奖候选组织，无需送评委会。"))
    members = selectors.members_of(cycle)
    if not members:
        raise ValidationError(_("本届评委会尚无成员，请先组建评委会。"))
    evaluation.dispatched_at = timezone.now()
    evaluation.dispatched_by = by
    evaluation.save(update_fields=["dispatched_at", "dispatched_by"])
    audit_log_write(
        "committee.dispatch", actor=by, obj=evaluation, cycle=cycle.pk, candidates=candidates
    )
    subject, body = DISPATCH_NOTICE
    notify(
        [m.user for m in members],
        kind="committee.dispatch",
        subject=subject,
        body=body,
        params={"cycle": lambda: cycle.title, "n": len(candidates)},
        link=reverse("committee:candidates"),
        dedupe_key=f"committee-dispatch:{cycle.pk}:{evaluation.dispatched_at.isoformat()}",
    )
    return evaluation
