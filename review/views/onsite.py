"""Pages of the on-site review: the team and schedule (office), the scorebook and
the report (team), the confirmation and the evaluations (applicant), and the
evaluations as the office and the committee read them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.models import Case
from applications.selectors import case_actions, case_for_user
from applications.workflow import CaseState

from .. import selectors_onsite as selectors
from ..forms_onsite import (
    OnsiteConfirmationForm,
    OnsiteReportForm,
    OnsiteScheduleForm,
    OnsiteScoresForm,
    OnsiteTeamForm,
    ReviewerEvaluationForm,
)
from ..models import Assignment, OnsiteReport
from ..services import onsite as services
from ..services.onsite.common import LEADER_SECTIONS, MEMBER_SECTIONS

Confirmation = OnsiteReport.Confirmation


def _add_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _is_leader(assignment: Assignment | None) -> bool:
    return assignment is not None and assignment.role == Assignment.Role.LEADER


def _status_context(case: Case, report: OnsiteReport | None) -> dict:
    return {
        "case": case,
        "report": report,
        "team": selectors.onsite_team(case),
        "deadlines": selectors.onsite_deadlines(case, report),
        "editable": selectors.onsite_editable(case, report),
    }


# --- Team and schedule -------------------------------------------------------------


def _team_page(
    request: HttpRequest,
    case: Case,
    assignment: Assignment | None,
    *,
    team_form: OnsiteTeamForm | None = None,
    schedule_form: OnsiteScheduleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    report = selectors.onsite_report_of(case)
    context = _status_context(case, report)
    office = selectors.is_review_office(request.user, case)
    # A refused form is shown with its errors even where the page would hide it.
    schedule_refused, team_refused = schedule_form is not None, team_form is not None
    team = context["team"]
    if office and team_form is None:
        leader = next((a.reviewer_id for a in team if a.role == Assignment.Role.LEADER), None)
        team_form = OnsiteTeamForm(
            reviewers=selectors.onsite_pool(),
            initial={
                "leader": leader,
                "members": [a.reviewer_id for a in team if a.role == Assignment.Role.MEMBER],
            },
        )
    if (office or _is_leader(assignment)) and schedule_form is None:
        schedule_form = OnsiteScheduleForm(
            initial={
                "starts_on": report.visit_starts_on if report else None,
                "ends_on": report.visit_ends_on if report else None,
                "agenda": report.agenda if report else "",
                "issues_to_verify": (report.issues_to_verify if report else "")
                or selectors.onsite_issues_suggested(case),
            }
        )
    finish = next((a for a in case_actions(case, request.user) if a.name == "finish_onsite"), None)
    context.update(
        {
            "office": office,
            "assignment": assignment,
            "team_form": team_form
            if team_refused or (office and case.state == CaseState.ONSITE_REVIEW)
            else None,
            "schedule_form": schedule_form if context["editable"] or schedule_refused else None,
            "finish": finish,
            "can_view_evaluations": selectors.can_view_evaluations(request.user, case),
        }
    )
    return render(request, "review/onsite_team.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def onsite_team(request: HttpRequest, pk: int) -> HttpResponse:
    case, assignment = selectors.onsite_case_for_team(request.user, pk)
    if request.method == "GET":
        return _team_page(request, case, assignment)
    if not selectors.is_review_office(request.user, case):
        raise PermissionDenied(_("只有评审办工作人员可以组建现场评审组。"))
    form = OnsiteTeamForm(request.POST, reviewers=selectors.onsite_pool())
    if form.is_valid():
        try:
            services.onsite_team_set(
                case.pk,
                by=request.user,
                leader_id=form.cleaned_data["leader"].pk,
                member_ids=[r.pk for r in form.cleaned_data["members"]],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("现场评审组已保存。"))
            return redirect("review:onsite_team", pk=case.pk)
    return _team_page(request, case, assignment, team_form=form, status=400)


@login_required
@require_POST
def onsite_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    case, assignment = selectors.onsite_case_for_team(request.user, pk)
    form = OnsiteScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.onsite_schedule_save(case.pk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("现场评审日程已保存。"))
            return redirect("review:onsite_team", pk=case.pk)
    return _team_page(request, case, assignment, schedule_form=form, status=400)


# --- Scores --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def onsite_scores(request: HttpRequest, pk: int) -> HttpResponse:
    case, assignment = selectors.onsite_case_for_team(request.user, pk)
    report = selectors.onsite_report_of(case)
    rows = selectors.onsite_score_rows(case)
    can_edit = _is_leader(assignment) and selectors.onsite_editable(case, report)
    form = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有现场评审组组长可以在报告提交前修改现场评分。"))
        form = OnsiteScoresForm(request.POST, rows=rows)
        if form.is_valid():
            try:
                services.onsite_scores_save(case.pk, by=request.user, entries=form.entries())
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("现场评分已保存。"))
                return redirect("review:onsite_scores", pk=case.pk)
    elif can_edit:
        form = OnsiteScoresForm(rows=rows)
    context = _status_context(case, report)
    context.update(
        {
            "assignment": assignment,
            "rows": rows,
            "form": form,
            "total": selectors.onsite_total(rows),
            "document_consensus": selectors.consensus_of(case, "document"),
        }
    )
    status = 400 if form is not None and form.errors else 200
    return render(request, "review/onsite_scores.html", context, status=status)


# --- Report --------------------------------------------------------------------------


def _report_page(
    request: HttpRequest,
    case: Case,
    assignment: Assignment | None,
    *,
    form: OnsiteReportForm | None = None,
    action_errors: tuple[str, ...] = (),
    status: int = 200,
) -> HttpResponse:
    report = selectors.onsite_report_of(case)
    context = _status_context(case, report)
    refused = form is not None
    if assignment is not None and context["editable"] and form is None:
        sections = LEADER_SECTIONS if _is_leader(assignment) else MEMBER_SECTIONS
        form = OnsiteReportForm(instance=report, sections=sections)
    rows = selectors.onsite_score_rows(case)
    context.update(
        {
            "assignment": assignment,
            "is_leader": _is_leader(assignment),
            "form": form if context["editable"] or refused else None,
            "missing": selectors.onsite_report_missing(
                case, report, team=context["team"], rows=rows
            ),
            "rows": rows,
            "total": selectors.onsite_total(rows),
            "action_errors": action_errors,
        }
    )
    return render(request, "review/onsite_report.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def onsite_report(request: HttpRequest, pk: int) -> HttpResponse:
    case, assignment = selectors.onsite_case_for_team(request.user, pk)
    if request.method == "GET":
        return _report_page(request, case, assignment)
    if assignment is None:
        raise PermissionDenied(_("您不是该案卷现场评审组的成员。"))
    sections = LEADER_SECTIONS if _is_leader(assignment) else MEMBER_SECTIONS
    form = OnsiteReportForm(
        request.POST, instance=selectors.onsite_report_of(case), sections=sections
    )
    if form.is_valid():
        try:
            services.onsite_report_save(
                case.pk,
                by=request.user,
                version=form.cleaned_data["version"] or None,
                **form.sections(),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("现场评审报告已保存。"))
            return redirect("review:onsite_report", pk=case.pk)
    return _report_page(request, case, assignment, form=form, status=400)


def _report_action(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    case, assignment = selectors.onsite_case_for_team(request.user, pk)
    try:
        action(case.pk, by=request.user)
    except ValidationError as exc:
        return _report_page(
            request, case, assignment, action_errors=tuple(exc.messages), status=400
        )
    messages.success(request, done)
    return redirect("review:onsite_report", pk=case.pk)


@login_required
@require_POST
def onsite_report_send(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_action(
        request,
        pk,
        services.onsite_report_send_for_confirmation,
        _("报告已发送申报单位确认。"),
    )


@login_required
@require_POST
def onsite_report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_action(
        request, pk, services.onsite_report_submit, _("现场评审报告已提交评审办。")
    )


# --- The applicant: confirmation and evaluations ---------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def onsite_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.onsite_case_for_applicant(request.user, pk)
    report = selectors.onsite_report_of(case)
    if report is None or report.sent_for_confirmation_at is None:
        report = None
    awaiting = report is not None and report.confirmation == Confirmation.PENDING
    form = None
    if request.method == "POST":
        form = OnsiteConfirmationForm(request.POST)
        if form.is_valid():
            try:
                services.onsite_report_confirm(
                    case.pk, by=request.user, agree=form.agree, note=form.note()
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("您的确认意见已提交。"))
                return redirect("review:onsite_confirm", pk=case.pk)
    elif awaiting:
        form = OnsiteConfirmationForm()
    rows = selectors.onsite_score_rows(case) if report else []
    context = {
        "case": case,
        "report": report,
        "team": selectors.onsite_team(case) if report else [],
        "rows": rows,
        "total": selectors.onsite_total(rows) if report else None,
        "form": form,
        "deadlines": selectors.onsite_deadlines(case, report),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "review/onsite_confirm.html", context, status=status)


def _evaluation_page(
    request: HttpRequest, case: Case, *, failed: tuple[int, ReviewerEvaluationForm] | None = None
) -> HttpResponse:
    members = []
    for assignment, evaluation in selectors.onsite_members_to_evaluate(case):
        form = None
        if evaluation is None:
            form = (
                failed[1]
                if failed and failed[0] == assignment.pk
                else ReviewerEvaluationForm(prefix=f"a{assignment.pk}")
            )
        members.append((assignment, evaluation, form))
    report = selectors.onsite_report_of(case)
    started = bool(
        report and report.visit_starts_on and report.visit_starts_on <= timezone.localdate()
    )
    return render(
        request,
        "review/onsite_evaluate.html",
        {"case": case, "members": members, "started": started},
        status=400 if failed else 200,
    )


@login_required
@require_GET
def onsite_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.onsite_case_for_applicant(request.user, pk)
    return _evaluation_page(request, case)


@login_required
@require_POST
def onsite_evaluate_member(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    case = selectors.onsite_case_for_applicant(request.user, pk)
    assignment = get_object_or_404(
        Assignment, pk=assignment_pk, case=case, stage=Assignment.Stage.ONSITE
    )
    form = ReviewerEvaluationForm(request.POST, prefix=f"a{assignment.pk}")
    if form.is_valid():
        try:
            services.reviewer_evaluation_submit(assignment.pk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("已提交对%(name)s的评价。") % {"name": assignment.reviewer.name}
            )
            return redirect("review:onsite_evaluate", pk=case.pk)
    return _evaluation_page(request, case, failed=(assignment.pk, form))


# --- The office and the committee ------------------------------------------------------


@login_required
@require_GET
def onsite_evaluations(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_user(request.user, pk)
    if not selectors.can_view_evaluations(request.user, case):
        raise PermissionDenied(_("只有评审办和评委会可以查看申报单位对评审员的评价。"))
    evaluations = list(selectors.onsite_evaluations_for(request.user, case))
    return render(
        request, "review/onsite_evaluations.html", {"case": case, "evaluations": evaluations}
    )
