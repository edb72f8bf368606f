from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hengyang_award.core.paging import page_without_count
from hengyang_award.core.selectors import cycle_current_open
from hengyang_award.core.services import audit_log_write

from .. import files, selectors, services
from ..completeness import application_missing
from ..deadlines import deadlines_for, with_entered_at
from ..forms import CaseActionForm
from ..labels import TRANSITION_LABELS
from ..models import Case
from ..services.application import EDITABLE_STATES
from ..workflow import CaseState
from .downloads import verified_download


def _detail_context(
    request: HttpRequest, case, *, failed: tuple[str, CaseActionForm] | None = None
):
    annotated = with_entered_at(Case.objects.filter(pk=case.pk).select_related("cycle")).get()
    deadline = deadlines_for([annotated], today=timezone.localdate()).get(case.pk)
    actions = selectors.case_actions(case, request.user)
    forms = []
    for action in actions:
        if failed and failed[0] == action.name:
            form = failed[1]
        else:
            form = CaseActionForm(
                initial={"expected_state": case.state},
                prefix=action.name,
                note_required=action.note_required,
                note_label=action.note_label,
            )
        forms.append((action, form))
    events = list(case.events.select_related("actor").order_by("at", "pk"))
    for event in events:
        event.label = TRANSITION_LABELS.get(event.name, event.name)
    can_edit_file = case.state in EDITABLE_STATES and request.user.has_perm(
        "applications.change_case", case
    )
    return {
        "case": case,
        "can_edit_file": can_edit_file,
        "missing": application_missing(case) if can_edit_file else [],
        "deadline": deadline,
        "actions": forms,
        "events": events,
        "recommendations": case.recommendations.select_related("signed_by").order_by("round"),
        "documents": case.documents.order_by("-round", "kind"),
    }


LIST_COLUMNS = (
    "state",
    "updated_at",
    "organisation__name",
    "organisation__county__name",
    "cycle__number",
)


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    cases = selectors.cases_visible_to(request.user)
    state = request.GET.get("state", "")
    if state in CaseState.values:
        cases = cases.filter(state=state)
    # Only what the rows show (PF-1): a cycle carries dozens of rule parameters.
    cases = cases.only(*LIST_COLUMNS)
    page = page_without_count(cases, per_page=50, number=request.GET.get("page"))
    return render(
        request,
        "applications/case_list.html",
        {"page": page, "states": CaseState.choices, "state": state},
    )


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case, first = selectors.case_file_for(request.user, pk, ip=request.META.get("REMOTE_ADDR"))
    if first:
        return redirect(first)
    return render(request, "applications/case_detail.html", _detail_context(request, case))


@login_required
@require_POST
def case_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    if name not in TRANSITION_LABELS:
        raise Http404
    action = next((a for a in selectors.case_actions(case, request.user) if a.name == name), None)
    if action is None:
        if request.user.has_perm("applications.view_case", case):
            raise PermissionDenied(
                _("当前状态为“%(state)s”，您不能执行此操作（可能已由他人处理）。")
                % {"state": case.get_state_display()}
            )
        raise PermissionDenied
    if action.page_url:
        raise PermissionDenied(
            _("此操作需要填写专门的表单，请使用%(label)s表单：%(url)s")
            % {"label": action.label, "url": action.page_url}
        )
    form = CaseActionForm(
        request.POST, prefix=name, note_required=action.note_required, note_label=action.note_label
    )
    if form.is_valid():
        try:
            services.case_transition(
                case.pk,
                name,
                by=request.user,
                note=form.cleaned_data["note"],
                expected_state=form.cleaned_data["expected_state"],
            )
        except services.AlreadyHandled as exc:
            raise PermissionDenied(str(exc)) from exc
        except services.TransitionBlocked as exc:
            for reason in exc.reasons:
                form.add_error(None, reason)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("已完成：%(action)s。") % {"action": action.label})
            return redirect("applications:case_detail", pk=case.pk)
    case.refresh_from_db()
    return render(
        request,
        "applications/case_detail.html",
        _detail_context(request, case, failed=(name, form)),
    )


@login_required
@require_POST
def case_start(request: HttpRequest) -> HttpResponse:
    user = request.user
    cycle = cycle_current_open()
    if user.organisation is None or not user.has_role("applicant"):
        raise PermissionDenied
    if cycle is None:
        messages.error(request, _("当前没有处于申报受理期的评审届次。"))
        return redirect("core:home")
    try:
        case = services.case_create(cycle=cycle, organisation=user.organisation, by=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("core:home")
    messages.success(request, _("已创建申报草稿。"))
    return redirect("applications:case_detail", pk=case.pk)


@login_required
@require_GET
def case_document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """Download a case document: authorised per object, audited (denials too),
    checksum verified; a corrupted file is reported, never served."""
    ip = request.META.get("REMOTE_ADDR")
    try:
        case, first = selectors.case_file_for(request.user, pk, ip=ip)
        if first:
            return redirect(first)
        document = selectors.document_for_user(request.user, case.pk, document_pk)
    except Http404:
        audit_log_write(
            "file.download_denied", actor=request.user, ip=ip, case=pk, document=document_pk
        )
        raise
    return verified_download(
        request,
        document,
        content_disposition=files.content_disposition(document.download_name),
        content_type="application/pdf",
    )
