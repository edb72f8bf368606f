"""Conditions the publicity app adds to the case workflow's edges."""

from django.utils.translation import gettext_lazy as _

from applications import workflow
from applications.models import Case

from .models import Notice, Objection


@workflow.condition(_("该组织尚未列入本届拟授奖组织名单公示。"))
def on_publicity_notice(case: Case) -> bool:
    return Notice.objects.filter(
        kind=Notice.Kind.PUBLICITY, cycle_id=case.cycle_id, cases=case
    ).exists()


@workflow.condition(_("没有正在核查的异议：请在异议页面先将异议转入核查。"))
def objection_being_investigated(case: Case) -> bool:
    return Objection.objects.filter(case=case, status=Objection.Status.INVESTIGATING).exists()


@workflow.condition(_("对该组织的异议尚未全部办结。"))
def no_open_objection(case: Case) -> bool:
    return not Objection.objects.filter(case=case, status__in=Objection.OPEN).exists()


@workflow.condition(_("没有经核查认定不成立的异议。"))
def objection_found_unfounded(case: Case) -> bool:
    return Objection.objects.filter(case=case, status=Objection.Status.UNFOUNDED).exists()


@workflow.condition(_("没有经评审办查实的异议。"))
def objection_verified(case: Case) -> bool:
    return Objection.objects.filter(
        case=case, status__in=[Objection.Status.VERIFIED, Objection.Status.DISQUALIFIED]
    ).exists()


@workflow.condition(
    _("有已收到但尚未转入核查的异议：请评审办先处理该异议，公示期满后再转入下一环节。")
)
def no_objection_waiting(case: Case) -> bool:
    return not Objection.objects.filter(case=case, status=Objection.Status.RECEIVED).exists()


def register() -> None:
    """Called from PublicityConfig.ready()."""
    workflow.register_stage_condition("publish", on_publicity_notice)
    workflow.register_stage_condition("raise_objection", objection_being_investigated)
    for name in ("dismiss_objection", "clear_objection"):
        workflow.register_stage_condition(name, no_open_objection)
        workflow.register_stage_condition(name, objection_found_unfounded)
    workflow.register_stage_condition("disqualify", objection_verified)
    # The deadline scan does not close a publicity while an objection lodged in
    # time still waits to be taken up; it tries again on its next run.
    workflow.register_stage_condition("close_publicity", no_objection_waiting)
