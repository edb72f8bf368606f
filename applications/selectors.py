"""Permission-filtered reads of cases. A case a user was not given does not exist
for that user: lookups 404."""

from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from hengyang_award.core.models import User

from .models import Case, CaseGroupObjectPermission, CaseUserObjectPermission


def _object_grants(user: User, codename: str) -> Q:
    """Cases on which the user holds `codename` directly or through a group. The
    subqueries are hashed once; with the index on the list order the planner walks
    the cases in display order and stops at the page's last row (PF-1)."""
    permission = Permission.objects.filter(
        content_type__app_label="applications", codename=codename
    ).values("pk")[:1]
    by_group = CaseGroupObjectPermission.objects.filter(
        permission_id=Subquery(permission), group_id__in=user.groups.values("pk")
    ).values("content_object_id")
    by_user = CaseUserObjectPermission.objects.filter(
        permission_id=Subquery(permission), user=user
    ).values("content_object_id")
    return Q(pk__in=by_group) | Q(pk__in=by_user)


def cases_visible_to(user: User) -> QuerySet[Case]:
    qs = Case.objects.select_related("organisation", "organisation__county", "cycle")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.has_perm("applications.view_case"):
        return qs
    return qs.filter(_object_grants(user, "view_case"))


# Stage apps may require something before a user opens a case file (a reviewer
# signs the impartiality declaration first): `gate(user, case) -> url | None`.
_case_file_gates: list = []


def register_case_file_gate(gate) -> None:
    if gate not in _case_file_gates:
        _case_file_gates.append(gate)


def case_file_gate_url(user: User, case: Case) -> str | None:
    """Where the user must go before the case file opens (None: it opens)."""
    for gate in _case_file_gates:
        url = gate(user, case)
        if url:
            return url
    return None


def case_for_user(user: User, pk: int) -> Case:
    return get_object_or_404(cases_visible_to(user), pk=pk)


def transitions_of_case() -> list[tuple[str, tuple[str, ...], str | None]]:
    """Every edge as (method name, sources, permission), read from the model."""
    field = Case._meta.get_field("state")
    edges: dict[str, tuple[list[str], str | None]] = {}
    for t in field.get_all_transitions(Case):
        sources, _perm = edges.setdefault(t.name, ([], t.permission))
        sources.append(t.source)
    return [(name, tuple(sources), perm) for name, (sources, perm) in edges.items()]


def cases_awaiting(user: User) -> QuerySet[Case]:
    """The cases on which this user has something to do now: derived from the
    workflow's edges and the user's rights, so the list and the buttons agree."""
    awaiting = Q(pk__in=[])
    for _name, sources, permission in transitions_of_case():
        if not permission:
            continue
        if user.has_perm(permission):
            awaiting |= Q(state__in=sources)
        else:
            awaiting |= Q(state__in=sources) & _object_grants(user, permission.split(".", 1)[1])
    return cases_visible_to(user).filter(awaiting)


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    target: str
    note_required: bool
    note_label: str
    blocked_reasons: tuple[str, ...]
    page_url: str = ""


def _page_url(name: str, case: Case) -> str:
    """Transitions with a page of their own (a form with more than a note) link
    there; the page takes the case id, or none (a list for the whole cycle)."""
    from django.urls import NoReverseMatch, reverse

    if not name:
        return ""
    try:
        return reverse(name, args=[case.pk])
    except NoReverseMatch:
        return f"{reverse(name)}?cycle={case.cycle_id}"


def case_actions(case: Case, user: User) -> list[Action]:
    """The transitions this user may fire from the case's state; those whose
    conditions fail are listed with the reasons."""
    from . import workflow
    from .labels import TRANSITION_LABELS

    field = Case._meta.get_field("state")
    actions = []
    for t in field.get_all_transitions(Case):
        if t.source != case.state or t.custom.get("time_driven") or not t.has_perm(case, user):
            continue
        actions.append(
            Action(
                name=t.name,
                label=str(TRANSITION_LABELS[t.name]),
                target=t.target,
                note_required=bool(t.custom.get("note_required")),
                note_label=str(t.custom.get("note_label") or ""),
                blocked_reasons=tuple(
                    workflow.why_blocked(
                        case, t.name, ignoring=t.custom.get("provided_by_form", ())
                    )
                ),
                page_url=_page_url(t.custom.get("page", ""), case),
            )
        )
    order = list(TRANSITION_LABELS)
    return sorted(actions, key=lambda a: order.index(a.name))


# Documents only the organisation and the review office may read (Art. 10(3):
# the feedback report is confidential to the applicant).
APPLICANT_AND_OFFICE_ONLY = ("feedback_report",)


def document_for_user(user: User, case_pk: int, document_pk: int):
    """A document of a case the user can see (404 otherwise)."""
    from .models import CaseDocument

    case = case_for_user(user, case_pk)
    if not (
        user.organisation_id == case.organisation_id or user.has_perm("applications.screen_case")
    ):
        return get_object_or_404(
            CaseDocument.objects.select_related("case__organisation").exclude(
                kind__in=APPLICANT_AND_OFFICE_ONLY
            ),
            case=case,
            pk=document_pk,
        )
    return get_object_or_404(
        CaseDocument.objects.select_related("case__organisation"), case=case, pk=document_pk
    )


def case_file_for(user: User, pk: int, *, ip: str | None = None) -> tuple[Case, str | None]:
    """The case file for this user: (case, url of what must come first or None).
    A case the user was not given is a 404, and the attempt is audited."""
    from django.http import Http404

    from hengyang_award.core.services import audit_log_write

    try:
        case = case_for_user(user, pk)
    except Http404:
        audit_log_write("case.access_denied", actor=user, ip=ip, case=pk)
        raise
    return case, case_file_gate_url(user, case)


def attachments_visible_to(user: User, case: Case):
    """Evidence files of a case for this user. Files marked confidential (Art. 21)
    are kept from reviewers and committee members unless the cycle allows them;
    the organisation, its county and the review office always see them."""
    from .models import Attachment

    files = Attachment.objects.filter(case=case)
    own_side = (
        user.organisation_id == case.organisation_id
        or (user.county_id is not None and user.county_id == case.organisation.county_id)
        or user.has_perm("applications.screen_case")
    )
    if own_side or case.cycle.confidential_files_to_reviewers:
        return files
    return files.filter(confidentiality=Attachment.Confidentiality.NONE)
