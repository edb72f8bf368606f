"""Document review pages: a reviewer's scorebook, the group's consensus board, and
the office's ranking where the on-site list is fixed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.selectors import case_for_user
from applications.services import TransitionBlocked
from applications.workflow import CaseState
from hengyang_award.core.models import AwardCycle
from hengyang_award.core.selectors import cycles_public

from .. import selectors_scoring as selectors
from ..forms_scoring import ConsensusForm, ScorebookForm, ShortlistForm
from ..models import Scorebook
from ..services import scoring as services


def _form_errors(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


@login_required
@require_http_methods(["GET", "POST"])
def scorebook(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_for_scoring(request.user, pk)
    case = assignment.case
    items = selectors.scoring_items()
    book = Scorebook.objects.filter(assignment=assignment).first()
    submitted = book is not None and book.status == Scorebook.Status.SUBMITTED
    declared = assignment.declared_at is not None
    editable = declared and not submitted and case.state == CaseState.DOCUMENT_REVIEW
    form = None
    if request.method == "POST":
        if not declared:
            raise PermissionDenied(_("请先签署公正性和保密声明，再开始评分。"))
        if not editable:
            raise PermissionDenied(_("评分表已提交或资料评审已结束，不能再修改。"))
        form = ScorebookForm(request.POST, items=items)
        if form.is_valid():
            try:
                services.scorebook_save(assignment.pk, by=request.user, entries=form.entries())
                if request.POST.get("action") == ScorebookForm.SUBMIT:
                    services.scorebook_submit(assignment.pk, by=request.user)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("评分表已提交。")
                    if request.POST.get("action") == ScorebookForm.SUBMIT
                    else _("评分表草稿已保存。"),
                )
                return redirect("review:scorebook", pk=case.pk)
    sheet = selectors.scorebook_sheet(assignment)
    if editable and form is None:
        form = ScorebookForm(
            initial=ScorebookForm.initial_from(
                {
                    row.item.code: {
                        "percent": row.percent,
                        "strengths": row.strengths,
                        "opportunities": row.opportunities,
                    }
                    for category in sheet.categories
                    for row in category.rows
                }
            ),
            items=items,
        )
    if form is not None:
        for row in _rows(sheet):
            row.fields = form.item_fields(row.item.code)
    application = selectors.application_of(case)
    standing = selectors.standing_of(request.user, case)
    return render(
        request,
        "review/score_book.html",
        {
            "case": case,
            "assignment": assignment,
            "book": book,
            "sheet": sheet,
            "form": form,
            "editable": editable,
            "declared": declared,
            "submitted": submitted,
            "application": application,
            "sees_group_scores": standing.sees_group_scores,
        },
    )


def _rows(sheet: selectors.Sheet):
    return [row for category in sheet.categories for row in category.rows]


@login_required
@require_http_methods(["GET", "POST"])
def consensus(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_user(request.user, pk)
    board = selectors.consensus_board(request.user, case)
    items = selectors.scoring_items()
    form = None
    if request.method == "POST":
        if not board.can_edit:
            raise PermissionDenied(
                _("只有本案卷资料评审组组长可以在资料评审阶段修改尚未提交的共识评分。")
            )
        form = ConsensusForm(request.POST, items=items)
        if form.is_valid():
            submitting = request.POST.get("action") == ConsensusForm.SUBMIT
            try:
                # While scorebooks are missing, a submission is refused before
                # anything is saved: a draft built from an incomplete set of
                # scorebooks would later pre-fill the form with stale medians.
                if submitting and board.waiting:
                    raise ValidationError(
                        _("以下评审员尚未提交评分表：%(names)s。")
                        % {"names": "、".join(board.waiting)}
                    )
                services.consensus_save(case.pk, by=request.user, entries=form.entries())
                if submitting:
                    services.consensus_submit(case.pk, by=request.user)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("共识评分已提交。")
                    if request.POST.get("action") == ConsensusForm.SUBMIT
                    else _("共识评分草稿已保存。"),
                )
                return redirect("review:consensus", pk=case.pk)
        board = selectors.consensus_board(request.user, case)
    elif board.can_edit:
        form = ConsensusForm(
            initial=ConsensusForm.initial_from(_consensus_initial(board)), items=items
        )
    if form is not None:
        for category in board.categories:
            for row in category.rows:
                row.fields = form.item_fields(row.item.code)
    return render(
        request, "review/consensus_board.html", {"case": case, "board": board, "form": form}
    )


def _consensus_initial(board: selectors.Board) -> dict[str, dict]:
    """The saved draft where there is one, else the median (to the nearest step)
    and the reviewers' findings merged."""
    initial = {}
    for category in board.categories:
        for row in category.rows:
            entry = row.consensus
            if entry is not None:
                initial[row.item.code] = {
                    "percent": entry.percent,
                    "strengths": entry.strengths,
                    "opportunities": entry.opportunities,
                    "reason": entry.reason,
                }
            else:
                initial[row.item.code] = dict(row.suggested)
    return initial


def _office(request: HttpRequest) -> None:
    if not request.user.has_perm(selectors.OFFICE_PERMISSION):
        raise PermissionDenied(_("只有评审办工作人员可以查看资料评审排名和确定现场评审名单。"))


def _ranking_context(cycles: list[AwardCycle], cycle: AwardCycle | None, form=None) -> dict:
    rows = selectors.ranking(cycle) if cycle else []
    candidates = [(r.case.pk, r.case.organisation.name) for r in rows if r.candidate]
    if form is None:
        form = ShortlistForm(
            initial={"cases": [r.case.pk for r in rows if r.proposed]}, candidates=candidates
        )
    if form.is_bound:
        selected = {str(v) for v in form.data.getlist("cases")}
    else:
        selected = {str(v) for v in form.initial.get("cases", [])}
    return {
        "cycles": cycles,
        "cycle": cycle,
        "rows": rows,
        "form": form,
        "selected": selected,
        "category_heads": rows[0].categories if rows else [],
        "pending": [r for r in rows if r.total is None],
        "has_candidates": bool(candidates),
    }


@login_required
@require_GET
def ranking(request: HttpRequest) -> HttpResponse:
    _office(request)
    cycles = list(cycles_public().order_by("-number"))
    chosen = request.GET.get("cycle", "")
    cycle = next((c for c in cycles if str(c.pk) == chosen), None) or (
        cycles[0] if cycles else None
    )
    return render(request, "review/ranking.html", _ranking_context(cycles, cycle))


@login_required
@require_POST
def shortlist_apply(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    _office(request)
    cycle = get_object_or_404(cycles_public(), pk=cycle_pk)
    rows = selectors.ranking(cycle)
    form = ShortlistForm(
        request.POST,
        candidates=[(r.case.pk, r.case.organisation.name) for r in rows if r.candidate],
    )
    if form.is_valid():
        try:
            result = services.shortlist_apply(
                cycle.pk,
                by=request.user,
                case_ids_in=form.cleaned_data["cases"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        except TransitionBlocked as exc:
            for reason in exc.reasons:
                form.add_error(None, reason)
        else:
            messages.success(
                request,
                _("现场评审名单已确定：%(n)s个组织进入现场评审，%(m)s个组织未进入。")
                % {"n": len(result.shortlisted), "m": len(result.not_shortlisted)},
            )
            return redirect(reverse("review:ranking") + f"?cycle={cycle.pk}")
    cycles = list(cycles_public().order_by("-number"))
    return render(request, "review/ranking.html", _ranking_context(cycles, cycle, form))
