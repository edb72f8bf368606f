"""The director's and the mayor's approval pages: the cycle's cases waiting at their
level, decided one by one or all listed at once."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications.selectors import case_for_user
from applications.services import TransitionBlocked
from hengyang_award.core.models import AwardCycle
from hengyang_award.core.selectors import cycles_public

from . import approval
from .forms_approval import ApprovalDecisionForm, ApproveListedForm


def _page(
    request: HttpRequest,
    level: approval.Level,
    cycle: AwardCycle | None,
    *,
    failed: tuple[int, ApprovalDecisionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    cycles = list(cycles_public().order_by("-number"))
    rows = approval.approval_rows(request.user, level, cycle) if cycle else []
    for row in rows:
        row.form = (
            failed[1]
            if failed and failed[0] == row.case.pk
            else ApprovalDecisionForm(auto_id=f"id_{row.case.pk}_%s")
        )
    return render(
        request,
        "committee/approval/review.html",
        {
            "level": level,
            "cycles": cycles,
            "cycle": cycle,
            "rows": rows,
            "page_url": reverse(f"approvals:{level.key}"),
        },
        status=status,
    )


@login_required
@require_GET
def approval_list(request: HttpRequest, level: str) -> HttpResponse:
    spec = approval.LEVELS[level]
    approval.approval_require(request.user, spec)
    cycles = list(cycles_public().order_by("-number"))
    chosen = request.GET.get("cycle", "")
    cycle = next((c for c in cycles if str(c.pk) == chosen), None) or (
        cycles[0] if cycles else None
    )
    return _page(request, spec, cycle)


def _back(level: approval.Level, cycle_id: int) -> HttpResponse:
    return redirect(reverse(f"approvals:{level.key}") + f"?cycle={cycle_id}")


@login_required
@require_POST
def approval_decide(request: HttpRequest, level: str, pk: int) -> HttpResponse:
    spec = approval.LEVELS[level]
    approval.approval_require(request.user, spec)
    case = case_for_user(request.user, pk)
    form = ApprovalDecisionForm(request.POST, auto_id=f"id_{case.pk}_%s")
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            approval.approval_decide(
                case.pk,
                level=spec,
                approve=approve,
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        except TransitionBlocked as exc:
            for reason in exc.reasons:
                messages.error(request, f"{case.organisation.name}：{reason}")
            return _back(spec, case.cycle_id)
        else:
            messages.success(
                request,
                (_("已同意：%(org)s") if approve else _("已退回评委会：%(org)s"))
                % {"org": case.organisation.name},
            )
            return _back(spec, case.cycle_id)
    return _page(request, spec, case.cycle, failed=(case.pk, form), status=400)


@login_required
@require_POST
def approval_approve_listed(request: HttpRequest, level: str, cycle_pk: int) -> HttpResponse:
    spec = approval.LEVELS[level]
    approval.approval_require(request.user, spec)
    cycle = get_object_or_404(cycles_public(), pk=cycle_pk)
    listed = [pk for pk in request.POST.getlist("cases") if pk.isdigit()]
    form = ApproveListedForm(request.POST, case_ids=[int(pk) for pk in listed])
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(spec, cycle.pk)
    result = approval.approval_approve_listed(
        form.cleaned_data["cases"],
        level=spec,
        cycle=cycle,
        by=request.user,
        note=form.cleaned_data["note"],
    )
    if result.approved:
        messages.success(
            request,
            _("已同意%(n)s个组织：%(orgs)s")
            % {
                "n": len(result.approved),
                "orgs": "、".join(c.organisation.name for c in result.approved),
            },
        )
    for _case_id, reasons in result.refused:
        messages.error(request, "；".join(reasons))
    return _back(spec, cycle.pk)
