"""Conditions this review area adds to the case workflow's edges: document review
starts only with a complete, declared team and every conflict flag decided."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from applications import workflow

from .models import Assignment, ConflictFlag

DOCUMENT = Assignment.Stage.DOCUMENT


def _document_team(case):
    return Assignment.objects.filter(case=case, stage=DOCUMENT, status=Assignment.Status.ACTIVE)


@workflow.condition(_("资料评审组人数与本届规定的评审员人数不符，或尚未确定唯一的组长。"))
def document_team_formed(case) -> bool:
    counts = _document_team(case).aggregate(
        n=Count("pk"), leaders=Count("pk", filter=Q(role=Assignment.Role.LEADER))
    )
    return counts["n"] == case.cycle.reviewers_per_case and counts["leaders"] == 1


@workflow.condition(_("资料评审组尚有评审员未签署公正性和保密声明。"))
def document_team_declared(case) -> bool:
    return not _document_team(case).filter(declared_at__isnull=True).exists()


@workflow.condition(_("尚有利害关系提示未经评审办处理（决定回避或排除）。"))
def conflict_flags_decided(case) -> bool:
    return not ConflictFlag.objects.filter(
        case=case, decision=ConflictFlag.Decision.PENDING
    ).exists()


def register() -> None:
    """Called from ReviewConfig.ready()."""
    from applications.selectors import register_case_file_gate

    from .selectors_assignment import case_file_gate

    for check in (document_team_formed, document_team_declared, conflict_flags_decided):
        workflow.register_stage_condition("start_document_review", check)
    register_case_file_gate(case_file_gate)
