"""Conditions the document review adds to the case workflow's edges: the on-site
list is fixed from the groups' consensus scores, so neither outcome of the
document review can fire before the case has one."""

from django.utils.translation import gettext_lazy as _

from applications import workflow


@workflow.condition(_("资料评审组组长尚未提交共识评分。"))
def has_submitted_document_consensus(case) -> bool:
    from .models import Assignment, Consensus

    return Consensus.objects.filter(
        case=case, stage=Assignment.Stage.DOCUMENT, status=Consensus.Status.SUBMITTED
    ).exists()


def register() -> None:
    """Called from ReviewConfig.ready(): workflow.register_stage_condition(...)."""
    for transition in ("shortlist", "not_shortlist"):
        workflow.register_stage_condition(transition, has_submitted_document_consensus)
