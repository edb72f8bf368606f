"""Template tags of the review app."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from ..selectors_assignment import assignments_for_reviewer

register = template.Library()


@register.inclusion_tag("review/_my_assignments.html", takes_context=True)
def my_review_assignments(context) -> dict:
    """The signed-in reviewer's active assignments with their deadlines."""
    return {"assignments": assignments_for_reviewer(context["user"])}


@register.simple_tag(takes_context=True)
def is_reviewer(context) -> bool:
    """Whether the signed-in user has an entry in the reviewer pool."""
    user = context["user"]
    return user.is_authenticated and hasattr(user, "reviewer_profile")


@register.inclusion_tag("review/_case_links.html", takes_context=True)
def case_review_links(context, case) -> dict:
    """The review pages of a case this user may open, for the case page."""
    from applications.workflow import CaseState

    from ..models import Assignment
    from ..selectors_onsite import onsite_links_for

    user = context["user"]
    links: list[tuple[str, str]] = []
    if user.has_perm("review.add_assignment") and case.state in (
        CaseState.ACCEPTED,
        CaseState.DOCUMENT_REVIEW,
        CaseState.ONSITE_REVIEW,
    ):
        links.append((_("评审组与回避"), reverse("review:assign_case", args=[case.pk])))
    in_document_team = Assignment.objects.filter(
        case=case,
        stage=Assignment.Stage.DOCUMENT,
        status=Assignment.Status.ACTIVE,
        reviewer__user=user,
    ).exists()
    if in_document_team and case.state == CaseState.DOCUMENT_REVIEW:
        links.append((_("我的评分表"), reverse("review:scorebook", args=[case.pk])))
    if (in_document_team or user.has_perm("review.view_consensus")) and case.consensuses.exists():
        links.append((_("共识评分"), reverse("review:consensus", args=[case.pk])))
    links += onsite_links_for(case, user)
    return {"review_links": links}
