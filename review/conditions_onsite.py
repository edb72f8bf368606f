"""Conditions this review area adds to the case workflow's edges."""

from django.utils.translation import gettext_lazy as _

from applications import workflow
from applications.models import Case

from .models import OnsiteReport


@workflow.condition(_("现场评审报告尚未由评审组组长提交评审办。"))
def onsite_report_submitted(case: Case) -> bool:
    return OnsiteReport.objects.filter(case=case, submitted_at__isnull=False).exists()


def register() -> None:
    """Called from ReviewConfig.ready(): workflow.register_stage_condition(...)."""
    workflow.register_stage_condition("finish_onsite", onsite_report_submitted)
