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


def document_reviewers_pending(case):
    """Users of the document team whose scorebook is not submitted yet (the
    audience of the scoring deadline's reminders)."""
    from hengyang_award.core.models import User

    from .models import Assignment, Scorebook

    pending = (
        Assignment.objects.filter(
            case=case, stage=Assignment.Stage.DOCUMENT, status=Assignment.Status.ACTIVE
        )
        .exclude(scorebook__status=Scorebook.Status.SUBMITTED)
        .values("reviewer__user")
    )
    return User.objects.filter(pk__in=pending)


def register() -> None:
    """Called from ReviewConfig.ready(): workflow.register_stage_condition(...)."""
    from applications.notices import register_audience

    for transition in ("shortlist", "not_shortlist"):
        workflow.register_stage_condition(transition, has_submitted_document_consensus)
    register_audience("document_reviewers_pending", document_reviewers_pending)
