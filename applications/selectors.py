"""Permission-filtered reads of cases. A case a user was not given does not exist
for that user: lookups 404."""

import functools
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db.models import Exists, Q, QuerySet
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.shortcuts import get_object_or_404

from hengyang_award.core.models import User

from .models import Case, CaseGroupObjectPermission, CaseUserObjectPermission


@dataclass(frozen=True)
class _GrantKeys:
    group_ids: list[int]
    by_group: bool  # whether any case grant reaches the user through a group
    by_user: bool  # whether any is held by the user directly


def _grant_keys(user: User) -> _GrantKeys:
    """The user's groups and which kinds of case grants the user has at all.
    Passed as values, and with only the kinds that exist, the grants become a
    plain semi-join the planner walks a page at a time (PF-1, PF-3)."""
    group_ids = list(user.groups.values_list("pk", flat=True))
    flags = User.objects.filter(pk=user.pk).values(
        by_group=Exists(CaseGroupObjectPermission.objects.filter(group_id__in=group_ids)),
        by_user=Exists(CaseUserObjectPermission.objects.filter(user_id=user.pk)),
    )[0]
    return _GrantKeys(group_ids, flags["by_group"], flags["by_user"])


_permission_ids: dict[str, int] = {}


@receiver(post_migrate)
def _forget_permission_ids(**kwargs) -> None:
    """Permissions are re-created after a migration or a flush: ids may change."""
    _permission_ids.clear()


def _permission_id(codename: str) -> int | None:
    if not _permission_ids:
        _permission_ids.update(
            Permission.objects.filter(content_type__app_label="applications").values_list(
                "codename", "pk"
            )
        )
    return _permission_ids.get(codename)


def _object_grants(user: User, keys: _GrantKeys, *codenames: str) -> Q:
    """Cases on which the user holds one of `codenames`, directly or through a
    group."""
    permission_ids = [_permission_id(codename) for codename in codenames]
    found = Q(pk__in=[])
    if keys.by_group:
        found |= Q(
            pk__in=CaseGroupObjectPermission.objects.filter(
                permission_id__in=permission_ids, group_id__in=keys.group_ids
            ).values("content_object_id")
        )
    if keys.by_user:
        found |= Q(
            pk__in=CaseUserObjectPermission.objects.filter(
                permission_id__in=permission_ids, user=user
            ).values("content_object_id")
        )
    return found


def cases_visible_to(user: User, keys: _GrantKeys | None = None) -> QuerySet[Case]:
    qs = Case.objects.select_related("organisation", "organisation__county", "cycle")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.has_perm("applications.view_case"):
        return qs
    return qs.filter(_object_grants(user, keys or _grant_keys(user), "view_case"))


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


@functools.cache
def transitions_of_case() -> list[tuple[str, tuple[str, ...], str | None]]:
    """Every edge as (method name, sources, permission), read from the model."""
    field = Case._meta.get_field("state")
    edges: dict[str, tuple[list[str], str | None]] = {}
    for t in field.get_all_transitions(Case):
        sources, _perm = edges.setdefault(t.name, ([], t.permission))
        sources.append(t.source)
    return [(name, tuple(sources), perm) for name, (sources, perm) in edges.items()]


def _awaiting_terms(user: User) -> tuple[set[str], dict[str, set[str]]]:
    """The states where the user acts: those where a right held on every case
    lets them, and per right held on single cases only, its states."""
    everywhere: set[str] = set()
    per_case: dict[str, set[str]] = {}
    for _name, sources, permission in transitions_of_case():
        if not permission:
            continue
        if user.has_perm(permission):
            everywhere.update(sources)
        else:
            per_case.setdefault(permission.split(".", 1)[1], set()).update(sources)
    per_case = {codename: states - everywhere for codename, states in per_case.items()}
    return everywhere, {codename: states for codename, states in per_case.items() if states}


def cases_awaiting(user: User) -> QuerySet[Case]:
    """The cases on which this user has something to do now: derived from the
    workflow's edges and the user's rights, so the list and the buttons agree.
    One `state IN` for the rights held everywhere and one term per right held on
    single cases (PF-1: a handful of terms, not one per edge)."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    everywhere, per_case = _awaiting_terms(user)
    keys = _grant_keys(user)
    awaiting = Q(state__in=sorted(everywhere)) if everywhere else Q(pk__in=[])
    for codename, states in sorted(per_case.items()):
        awaiting |= Q(state__in=sorted(states)) & _object_grants(user, keys, codename)
    return cases_visible_to(user, keys).filter(awaiting)


def worklist(user: User, *, per_state: int) -> list[tuple[str, list[Case], bool]]:
    """The home page's work, by state in workflow order: for each state the
    `per_state` cases changed longest ago, and whether there are more. The cost
    does not grow with the number of cases (PF-3): one index walk per state,
    united in one query, then one query for the rows shown."""
    from .deadlines import DEADLINE_COLUMNS, with_entered_at
    from .workflow import CaseState

    if not user.is_authenticated or not user.is_active:
        return []
    everywhere, per_case = _awaiting_terms(user)
    keys = _grant_keys(user)
    visible = cases_visible_to(user, keys).order_by("updated_at", "pk")
    parts = []
    for state in sorted(everywhere.union(*per_case.values())):
        if state in everywhere:
            part = visible.filter(state=state)
        else:
            codenames = sorted(c for c, states in per_case.items() if state in states)
            part = visible.filter(_object_grants(user, keys, *codenames), state=state)
        parts.append(part.values_list("pk", "state")[: per_state + 1])
    if not parts:
        return []
    picked: dict[str, list[int]] = {}
    for pk, state in parts[0].union(*parts[1:], all=True):
        picked.setdefault(state, []).append(pk)
    shown = [pk for pks in picked.values() for pk in pks[:per_state]]
    rows = {
        case.pk: case
        for case in with_entered_at(
            Case.objects.filter(pk__in=shown)
            .select_related("organisation", "organisation__county", "cycle")
            .only("state", "organisation__name", "organisation__county__name", *DEADLINE_COLUMNS)
        )
    }
    return [
        (state, [rows[pk] for pk in picked[state][:per_state]], len(picked[state]) > per_state)
        for state in CaseState.values
        if state in picked
    ]


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
