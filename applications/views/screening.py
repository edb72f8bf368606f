"""The review office's screening desk and per-case checklist (Art. 10(2))."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hengyang_award.core.models import AwardCycle
from hengyang_award.core.selectors import cycles_public

from .. import selectors, services
from ..deadlines import deadlines_for, with_entered_at
from ..forms import ScreeningDecisionForm
from ..models import Case, ScreeningDecision
from ..screening import CHECK_CODES, ChecklistRow, cases_for_screening, screening_checklist
from ..workflow import CaseState

PERMISSION = "applications.screen_case"
SCREENING_TRANSITIONS = ("accept", "reject", "screening_return")


def _initial(row: ChecklistRow) -> dict[str, str]:
    if row.decision is None or row.stale:
        return {}
    if row.decision.decision == ScreeningDecision.Decision.CONFIRM:
        return {"outcome": ScreeningDecisionForm.CONFIRM, "note": row.decision.note}
    return {"outcome": row.decision.final_result, "note": row.decision.note}


def _screenable_case(request: HttpRequest, pk: int) -> Case:
    """The case if the user may see it (404 otherwise) and screen it (403)."""
    case = selectors.case_for_user(request.user, pk)
    if not (request.user.has_perm(PERMISSION) or request.user.has_perm(PERMISSION, case)):
        raise PermissionDenied(_("只有评审办工作人员可以进行资格审查。"))
    return case


def _checklist_context(
    request: HttpRequest, case: Case, *, failed: tuple[str, ScreeningDecisionForm] | None = None
) -> dict:
    rows = screening_checklist(case)
    editable = case.state == CaseState.RECOMMENDED
    items = []
    for row in rows:
        form = None
        if editable:
            if failed and failed[0] == row.check.code:
                form = failed[1]
            else:
                form = ScreeningDecisionForm(
                    initial=_initial(row), prefix=row.check.code, automatic=row.check.result
                )
        items.append((row, form))
    annotated = with_entered_at(Case.objects.filter(pk=case.pk).select_related("cycle")).get()
    actions = [
        a for a in selectors.case_actions(case, request.user) if a.name in SCREENING_TRANSITIONS
    ]
    return {
        "case": case,
        "items": items,
        "editable": editable,
        "confirmable": sum(1 for row in rows if row.awaits_confirmation),
        "missing": [row.problem for row in rows if row.problem],
        "actions": actions,
        "deadline": deadlines_for([annotated], today=timezone.localdate()).get(case.pk),
    }


@login_required
@require_GET
def screening_desk(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied(_("只有评审办工作人员可以进行资格审查。"))
    cycles = list(cycles_public().order_by("-number"))
    chosen = request.GET.get("cycle", "")
    cycle: AwardCycle | None = next((c for c in cycles if str(c.pk) == chosen), None) or (
        cycles[0] if cycles else None
    )
    cases = list(cases_for_screening(request.user, cycle=cycle)) if cycle else []
    due = deadlines_for(cases, today=timezone.localdate())
    for case in cases:
        case.deadline = due.get(case.pk)
    return render(
        request,
        "applications/screening_desk.html",
        {"cycles": cycles, "cycle": cycle, "cases": cases, "check_count": len(CHECK_CODES)},
    )


@login_required
@require_GET
def screening_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = _screenable_case(request, pk)
    return render(request, "applications/screening_case.html", _checklist_context(request, case))


@login_required
@require_POST
def screening_decision(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    case = _screenable_case(request, pk)
    row = next((r for r in screening_checklist(case) if r.check.code == code), None)
    if row is None:
        raise Http404
    form = ScreeningDecisionForm(request.POST, prefix=code, automatic=row.check.result)
    if form.is_valid():
        try:
            services.screening_decide(
                case.pk,
                by=request.user,
                code=code,
                note=form.cleaned_data["note"],
                **form.decision_arguments(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已确认审查项：%(label)s。") % {"label": row.check.label})
            return redirect(reverse("applications:screening_case", args=[case.pk]) + f"#{code}")
    case.refresh_from_db()
    return render(
        request,
        "applications/screening_case.html",
        _checklist_context(request, case, failed=(code, form)),
    )


@login_required
@require_POST
def screening_confirm_passes(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm every automatic pass not yet decided, in one step; what needs
    judgement stays for the officer, check by check."""
    case = _screenable_case(request, pk)
    try:
        codes = services.screening_confirm_passes(case.pk, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if codes:
            messages.success(request, _("已确认%(n)d项自动检查通过的审查项。") % {"n": len(codes)})
        else:
            messages.info(request, _("没有尚待确认的自动通过项。"))
    return redirect("applications:screening_case", pk=case.pk)
