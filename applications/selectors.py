"""Permission-filtered reads of cases. A case a user was not given does not exist
for that user: lookups 404."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from hengyang_award.core.models import User

from .models import Case, CaseGroupObjectPermission, CaseUserObjectPermission


def _object_grants(user: User, codename: str) -> Q:
    """Cases on which the user holds `codename` directly or through a group."""
    by_group = CaseGroupObjectPermission.objects.filter(
        group__user=user, permission__codename=codename
    ).values("content_object_id")
    by_user = CaseUserObjectPermission.objects.filter(
        user=user, permission__codename=codename
    ).values("content_object_id")
    return Q(pk__in=by_group) | Q(pk__in=by_user)


def cases_visible_to(user: User) -> QuerySet[Case]:
    qs = Case.objects.select_related("organisation", "organisation__county", "cycle")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.has_perm("applications.view_case"):
        return qs
    return qs.filter(_object_grants(user, "view_case"))


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
    page: str = ""


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
                page=t.custom.get("page", ""),
            )
        )
    order = list(TRANSITION_LABELS)
    return sorted(actions, key=lambda a: order.index(a.name))


def document_for_user(user: User, case_pk: int, document_pk: int):
    """A document of a case the user can see (404 otherwise)."""
    from .models import CaseDocument

    case = case_for_user(user, case_pk)
    return get_object_or_404(
        CaseDocument.objects.select_related("case__organisation"), case=case, pk=document_pk
    )
