"""The office's team page per case (draws, manual changes, conflict flags,
recusal) and the reviewer's side: assignments, the declaration, and the way into
the case file, which opens only after the declaration is signed."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications import workflow
from applications.models import Case
from applications.selectors import case_for_user
from applications.workflow import CaseState
from hengyang_award.core.roles import Role
from hengyang_award.core.services import audit_log_write

from ..forms_assignment import (
    AssignmentAddForm,
    AssignmentReplaceForm,
    DeclarationForm,
    DrawConfirmForm,
    DrawForm,
    FlagDecideForm,
    RecuseForm,
    pool_choices,
)
from ..models import Assignment, AssignmentDraw, ConflictFlag, Reviewer
from ..selectors_assignment import (
    assignment_of_reviewer,
    assignments_for_reviewer,
    case_assignments_ended,
    case_draws,
    case_flags,
    case_team,
    declaration_pending,
    draw_replays,
    pool_for_case,
    team_incomplete,
    team_size,
)
from ..services import assignment as services

OFFICE_PERMISSION = "review.view_assignment"
TEMPLATE = "review/assign_case.html"


# --- the office -----------------------------------------------------------------------
def _office_case(request: HttpRequest, pk: int) -> Case:
    """The case if the user may see it (404 otherwise) and organise its review (403)."""
    case = case_for_user(request.user, pk)
    if not request.user.has_perm(OFFICE_PERMISSION):
        raise PermissionDenied(_("只有评审办工作人员可以组织评审和处理回避。"))
    return case


def _stage(value: str | None) -> str:
    return value if value in Assignment.Stage.values else Assignment.Stage.DOCUMENT


def _back(case_id: int, stage: str, anchor: str = "") -> HttpResponse:
    url = reverse("review:assign_case", args=[case_id])
    return redirect(f"{url}?stage={stage}{anchor}")


def _case_context(
    request: HttpRequest, case: Case, stage: str, *, failed: dict[str, forms.Form] | None = None
) -> dict:
    failed = failed or {}
    pool = pool_for_case(case, stage=stage)
    choices = pool_choices(pool)
    team = [
        (
            assignment,
            failed.get(f"recuse-{assignment.pk}") or RecuseForm(prefix=f"recuse-{assignment.pk}"),
            failed.get(f"replace-{assignment.pk}")
            or AssignmentReplaceForm(prefix=f"replace-{assignment.pk}", choices=choices),
        )
        for assignment in case_team(case, stage=stage)
    ]
    ended = [
        (
            assignment,
            (
                failed.get(f"replace-{assignment.pk}")
                or AssignmentReplaceForm(prefix=f"replace-{assignment.pk}", choices=choices)
            )
            if assignment.status == Assignment.Status.RECUSED
            else None,
        )
        for assignment in case_assignments_ended(case, stage=stage)
    ]
    flags = [
        (
            flag,
            (failed.get(f"flag-{flag.pk}") or FlagDecideForm(prefix=f"flag-{flag.pk}"))
            if flag.decision == ConflictFlag.Decision.PENDING
            else None,
        )
        for flag in case_flags(case)
    ]
    blocked = []
    if stage == Assignment.Stage.DOCUMENT and case.state == CaseState.ACCEPTED:
        blocked = workflow.why_blocked(case, "start_document_review")
    return {
        "case": case,
        "stage": stage,
        "stages": Assignment.Stage.choices,
        "size": team_size(case.cycle, stage),
        "team": team,
        "ended": ended,
        "flags": flags,
        "draws": list(case_draws(case, stage=stage)[:5]),
        "incomplete": team_incomplete(case, stage=stage),
        "blocked": blocked,
        "editable": case.state in services.ASSIGNABLE_STATES[stage],
        "conflicted": [entry for entry in pool if entry.conflicts],
        "draw_form": failed.get("draw") or DrawForm(prefix="draw", initial={"stage": stage}),
        "add_form": failed.get("add")
        or AssignmentAddForm(prefix="add", initial={"stage": stage}, choices=choices),
    }


def _failed(request: HttpRequest, case: Case, stage: str, key: str, form) -> HttpResponse:
    return render(request, TEMPLATE, _case_context(request, case, stage, failed={key: form}))


@login_required
@require_GET
def assign_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = _office_case(request, pk)
    stage = _stage(request.GET.get("stage"))
    return render(request, TEMPLATE, _case_context(request, case, stage))


@login_required
@require_POST
def assign_draw(request: HttpRequest, pk: int) -> HttpResponse:
    case = _office_case(request, pk)
    form = DrawForm(request.POST, prefix="draw")
    stage = _stage(request.POST.get("draw-stage"))
    if form.is_valid():
        try:
            draw = services.draw_suggest(
                case.pk, by=request.user, stage=stage, count=form.cleaned_data["count"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已完成随机抽取，请核对后确认指派。"))
            return redirect("review:assign_draw_detail", pk=draw.pk)
    return _failed(request, case, stage, "draw", form)


@login_required
@require_POST
def assign_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _office_case(request, pk)
    stage = _stage(request.POST.get("add-stage"))
    choices = pool_choices(pool_for_case(case, stage=stage))
    form = AssignmentAddForm(request.POST, prefix="add", choices=choices)
    if form.is_valid():
        try:
            services.assignment_create(
                case.pk,
                reviewer_id=form.cleaned_data["reviewer"],
                stage=stage,
                role=form.cleaned_data["role"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已指派评审员，并已通知本人。"))
            return _back(case.pk, stage, "#team")
    return _failed(request, case, stage, "add", form)


def _office_assignment(request: HttpRequest, pk: int) -> tuple[Assignment, Case]:
    assignment = get_object_or_404(Assignment, pk=pk)
    return assignment, _office_case(request, assignment.case_id)


@login_required
@require_POST
def assign_replace(request: HttpRequest, pk: int) -> HttpResponse:
    assignment, case = _office_assignment(request, pk)
    prefix = f"replace-{assignment.pk}"
    choices = pool_choices(pool_for_case(case, stage=assignment.stage))
    form = AssignmentReplaceForm(request.POST, prefix=prefix, choices=choices)
    if form.is_valid():
        try:
            services.assignment_replace(
                assignment.pk,
                by=request.user,
                reviewer_id=form.cleaned_data["reviewer"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已更换评审员。"))
            return _back(case.pk, assignment.stage, "#team")
    return _failed(request, case, assignment.stage, prefix, form)


@login_required
@require_POST
def assign_recuse(request: HttpRequest, pk: int) -> HttpResponse:
    assignment, case = _office_assignment(request, pk)
    prefix = f"recuse-{assignment.pk}"
    form = RecuseForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            services.assignment_recuse(
                assignment.pk, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("评审员已回避，案卷已对其关闭。请指派替补评审员。"))
            return _back(case.pk, assignment.stage, "#team")
    return _failed(request, case, assignment.stage, prefix, form)


@login_required
@require_POST
def assign_flag_decide(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_object_or_404(ConflictFlag, pk=pk)
    case = _office_case(request, flag.case_id)
    stage = _stage(request.GET.get("stage"))
    prefix = f"flag-{flag.pk}"
    form = FlagDecideForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            services.conflict_decide(
                flag.pk,
                by=request.user,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已处理利害关系提示。"))
            return _back(case.pk, stage, "#flags")
    return _failed(request, case, stage, prefix, form)


def _office_draw(request: HttpRequest, pk: int) -> AssignmentDraw:
    draw = get_object_or_404(AssignmentDraw.objects.select_related("drawn_by"), pk=pk)
    draw.case = _office_case(request, draw.case_id)
    return draw


def _draw_context(draw: AssignmentDraw) -> dict:
    pool = draw.pool
    ids = {int(pk) for pk in pool.get("ids", [])} | {int(pk) for pk in draw.result}
    reviewers = Reviewer.objects.in_bulk(ids)
    loads = pool.get("loads", {})
    rows = [
        {
            "reviewer": reviewers.get(int(pk)),
            "pk": int(pk),
            "load": loads.get(str(pk)),
            "excluded": draw.excluded.get(str(pk), []),
            "drawn": int(pk) in draw.result,
        }
        for pk in pool.get("ids", [])
    ]
    names = {pk: r.name for pk, r in reviewers.items()}
    has_leader = Assignment.objects.filter(
        case=draw.case_id,
        stage=draw.stage,
        status=Assignment.Status.ACTIVE,
        role=Assignment.Role.LEADER,
    ).exists()
    return {
        "draw": draw,
        "case": draw.case,
        "rows": rows,
        "result": [reviewers.get(int(pk)) for pk in draw.result],
        "replays": draw_replays(draw),
        "names": names,
        "has_leader": has_leader,
        "form": DrawConfirmForm(draw=draw, names=names, has_leader=has_leader),
        "editable": draw.case.state in services.ASSIGNABLE_STATES[draw.stage],
        "stage_label": Assignment.Stage(draw.stage).label,
    }


@login_required
@require_GET
def assign_draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draw = _office_draw(request, pk)
    return render(request, "review/assign_draw.html", _draw_context(draw))


@login_required
@require_POST
def assign_draw_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    draw = _office_draw(request, pk)
    context = _draw_context(draw)
    form = DrawConfirmForm(
        request.POST, draw=draw, names=context["names"], has_leader=context["has_leader"]
    )
    if form.is_valid():
        try:
            services.draw_confirm(
                draw.pk,
                by=request.user,
                reviewer_ids=form.cleaned_data["reviewers"],
                leader_id=form.cleaned_data.get("leader"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已按抽取结果指派评审员，并已通知本人。"))
            return _back(draw.case_id, draw.stage, "#team")
    context["form"] = form
    return render(request, "review/assign_draw.html", context)


# --- the reviewer ---------------------------------------------------------------------
def _own_assignment(request: HttpRequest, pk: int) -> Assignment:
    """The user's own active assignment; any other is a 404, and the attempt is
    audited (a reviewer probing cases not given to them, or recused from)."""
    try:
        return assignment_of_reviewer(request.user, pk)
    except Http404:
        audit_log_write(
            "review.access_denied",
            actor=request.user,
            ip=request.META.get("REMOTE_ADDR"),
            assignment=pk,
        )
        raise


@login_required
@require_GET
def reviewer_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (hasattr(user, "reviewer_profile") or user.has_role(Role.REVIEWER)):
        raise PermissionDenied(_("此页面仅供评审专家使用。"))
    return render(
        request, "review/reviewer_home.html", {"assignments": assignments_for_reviewer(user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def assign_declare(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    signed = assignment.declared_at is not None
    form = DeclarationForm(request.POST or None, already_signed=signed)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_declare(
                assignment.pk,
                by=request.user,
                relations_text=form.relations,
                no_conflict=form.no_conflict,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if form.no_conflict:
                messages.success(request, _("已签署声明，现在可以查阅申报材料。"))
                return redirect("review:assign_open", pk=assignment.pk)
            messages.info(
                request,
                _("已记录您申报的利害关系并通知评审办。评审办核实处理前，申报材料暂不向您开放。"),
            )
            return redirect("review:reviewer_home")
    return render(
        request,
        "review/assign_declare.html",
        {
            "assignment": assignment,
            "case": assignment.case,
            "form": form,
            "signed": signed,
            "awaiting_office": signed and declaration_pending(request.user, assignment.case),
        },
    )


@login_required
@require_GET
def assign_open(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer's way into the case file: through the declaration first."""
    assignment = _own_assignment(request, pk)
    if declaration_pending(request.user, assignment.case) is not None:
        if assignment.declared_at is None:
            messages.info(request, _("查阅申报材料前，请先签署公正性和保密声明。"))
        else:
            messages.info(
                request, _("您申报的利害关系正在由评审办核实，核实处理前申报材料暂不开放。")
            )
        return redirect("review:assign_declare", pk=assignment.pk)
    return redirect("applications:case_detail", pk=assignment.case_id)
