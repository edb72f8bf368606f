"""The office's comprehensive evaluation page: scores, the team's
recommendations, the written comparison and the candidate list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications.selectors import case_for_user
from applications.services import TransitionBlocked
from hengyang_award.core.selectors import cycles_public

from .. import selectors, services
from ..forms import ComparisonForm, DecideForm
from .common import back_to


def _context(cycles, cycle, comparison_form=None, decide_errors=None, typed_note=None) -> dict:
    """The page's content; `decide_errors` maps a case to the reasons its
    nomination (or passing over) was refused."""
    evaluation = selectors.evaluation_of(cycle) if cycle else None
    rows = selectors.evaluation_rows(cycle) if cycle else []
    for row in rows:
        row.errors = (decide_errors or {}).get(row.case.pk, [])
        row.typed_note = (typed_note or {}).get(row.case.pk, "")
    if comparison_form is None:
        comparison_form = ComparisonForm(
            initial={"comparison": evaluation.comparison if evaluation else ""}
        )
    return {
        "cycles": cycles,
        "cycle": cycle,
        "rows": rows,
        "category_heads": rows[0].categories if rows else [],
        "evaluation": evaluation,
        "comparison_form": comparison_form,
        "candidates": [r for r in rows if r.case.state == selectors.S.CANDIDATE],
        "members": selectors.members_of(cycle) if cycle else [],
    }


@login_required
@require_GET
def evaluation(request: HttpRequest) -> HttpResponse:
    selectors.require_office(request.user)
    cycles, cycle = selectors.cycle_choice(request.GET.get("cycle"))
    return render(request, "committee/evaluation.html", _context(cycles, cycle))


@login_required
@require_POST
def comparison_save(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    selectors.require_office(request.user)
    cycle = get_object_or_404(cycles_public(), pk=cycle_pk)
    form = ComparisonForm(request.POST)
    if form.is_valid():
        try:
            services.evaluation_comparison_save(
                cycle.pk, by=request.user, comparison=form.cleaned_data["comparison"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("综合评价意见已保存。"))
            return back_to("committee:evaluation", cycle=cycle)
    cycles, _cycle = selectors.cycle_choice(str(cycle.pk))
    return render(request, "committee/evaluation.html", _context(cycles, cycle, form), status=400)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_office(request.user)
    case = case_for_user(request.user, pk)
    form = DecideForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.evaluation_decide(
                case.pk,
                by=request.user,
                nominate=form.cleaned_data["action"] == DecideForm.NOMINATE,
                note=form.cleaned_data["note"],
                expected_state=form.cleaned_data["expected_state"] or None,
            )
        except TransitionBlocked as exc:
            errors = list(exc.reasons)
        else:
            done = (
                _("%(org)s已列为获奖候选。")
                if form.cleaned_data["action"] == DecideForm.NOMINATE
                else _("%(org)s未列入获奖候选。")
            )
            messages.success(request, done % {"org": case.organisation.name})
            return back_to("committee:evaluation", cycle=case.cycle)
    else:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
    cycles, cycle = selectors.cycle_choice(str(case.cycle_id))
    return render(
        request,
        "committee/evaluation.html",
        _context(
            cycles,
            cycle,
            decide_errors={case.pk: errors},
            typed_note={case.pk: request.POST.get("note", "")},
        ),
        status=400,
    )


@login_required
@require_POST
def dispatch(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    selectors.require_office(request.user)
    cycle = get_object_or_404(cycles_public(), pk=cycle_pk)
    try:
        services.evaluation_dispatch(cycle.pk, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("获奖候选名单已送评委会，评委会成员已收到通知。"))
    return back_to("committee:evaluation", cycle=cycle)
