"""Pages of the supervision after the award: the office's dashboard, an award's
supervision page (office and winner), fund reports, inspections, misuse reports
and the revocation procedure."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications import files
from applications.services import TransitionBlocked
from applications.views.downloads import verified_download

from . import selectors_after as sel
from . import services
from .forms_after import (
    AnswerForm,
    CityDecisionForm,
    CommitteeDecisionForm,
    FindingsForm,
    FundReportForm,
    FundReviewForm,
    InspectionPlanForm,
    InspectionRecordForm,
    MisuseForm,
    PrizePaymentForm,
    RecoveryForm,
    RevocationOpenForm,
    StatementForm,
    uploads,
)
from .models import FundReport, RecoveryTask
from .services._common import is_winner_user


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(_("只有评审办工作人员可以办理此事项。"))


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_GET
def after_dashboard(request: HttpRequest) -> HttpResponse:
    _require(request, "supervision.view_fundreport")
    today = timezone.localdate()
    return render(
        request,
        "supervision/after_dashboard.html",
        {"board": sel.after_dashboard(today=today), "today": today},
    )


def _award_page(request: HttpRequest, award, **forms) -> HttpResponse:
    context = sel.award_after_context(award, user=request.user, today=timezone.localdate())
    context["winner"] = is_winner_user(request.user, award)
    context["payment_form"] = forms.get("payment_form") or PrizePaymentForm()
    return render(request, "supervision/award_after.html", context)


@login_required
@require_GET
def award_after(request: HttpRequest, pk: int) -> HttpResponse:
    award = sel.award_after_for_user(request.user, pk)
    return _award_page(request, award)


@login_required
@require_POST
def prize_payment(request: HttpRequest, pk: int) -> HttpResponse:
    award = sel.award_after_for_user(request.user, pk)
    _require(request, "supervision.add_prizepayment")
    form = PrizePaymentForm(request.POST)
    if form.is_valid():
        try:
            services.prize_payment_record(award.pk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已登记奖金拨付。"))
            return redirect("supervision:award_after", pk=award.pk)
    return _award_page(request, award, payment_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def fund_report_new(request: HttpRequest, pk: int) -> HttpResponse:
    award = sel.award_after_for_user(request.user, pk)
    if not is_winner_user(request.user, award):
        raise PermissionDenied(_("只有获奖组织的用户可以报告奖金使用情况。"))
    form = FundReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.fund_report_submit(
                award.pk,
                by=request.user,
                period_start=data["period_start"],
                period_end=data["period_end"],
                total=data["total"],
                lines=form.lines(),
                summary=data["summary"],
                evidence=uploads(data["evidence"]),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("奖金使用情况报告已提交。"))
            return redirect("supervision:fund_report_detail", pk=report.pk)
    return render(request, "supervision/fund_report_form.html", {"award": award, "form": form})


def _report_page(request: HttpRequest, report, **forms) -> HttpResponse:
    return render(
        request,
        "supervision/fund_report_detail.html",
        {
            "report": report,
            "award": report.award,
            "office": sel.is_office(request.user),
            "winner": is_winner_user(request.user, report.award),
            "can_review": request.user.has_perm("supervision.review_fundreport")
            and report.status == FundReport.Status.SUBMITTED,
            "review_form": forms.get("review_form") or FundReviewForm(),
            "answer_form": forms.get("answer_form") or AnswerForm(),
        },
    )


@login_required
@require_GET
def fund_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_page(request, sel.fund_report_for_user(request.user, pk))


@login_required
@require_POST
def fund_report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = sel.fund_report_for_user(request.user, pk)
    _require(request, "supervision.review_fundreport")
    form = FundReviewForm(request.POST)
    if form.is_valid():
        try:
            services.fund_report_review(report.pk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("审核结论已登记。"))
            return redirect("supervision:fund_report_detail", pk=report.pk)
    return _report_page(request, report, review_form=form)


@login_required
@require_POST
def fund_report_answer(request: HttpRequest, pk: int) -> HttpResponse:
    report = sel.fund_report_for_user(request.user, pk)
    if not is_winner_user(request.user, report.award):
        raise PermissionDenied(_("只有获奖组织的用户可以答复。"))
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.fund_report_answer(
                report.pk,
                by=request.user,
                answer=form.cleaned_data["answer"],
                evidence=uploads(form.cleaned_data["evidence"]),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("答复已提交。"))
            return redirect("supervision:fund_report_detail", pk=report.pk)
    return _report_page(request, report, answer_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest, pk: int) -> HttpResponse:
    award = sel.award_after_for_user(request.user, pk)
    _require(request, "supervision.add_inspection")
    form = InspectionPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_plan(award.pk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已登记检查计划。"))
            return redirect("supervision:inspection_detail", pk=inspection.pk)
    return render(
        request,
        "supervision/after_form.html",
        {"award": award, "form": form, "title": _("安排监督检查")},
    )


def _inspection_page(request: HttpRequest, inspection, **forms) -> HttpResponse:
    return render(
        request,
        "supervision/inspection_detail.html",
        {
            "inspection": inspection,
            "award": inspection.award,
            "can_record": request.user.has_perm("supervision.change_inspection")
            and not inspection.is_recorded,
            "can_answer": is_winner_user(request.user, inspection.award)
            and inspection.follow_up_open,
            "overdue": inspection.follow_up_overdue_on(timezone.localdate()),
            "record_form": forms.get("record_form") or InspectionRecordForm(),
            "answer_form": forms.get("answer_form") or AnswerForm(),
        },
    )


@login_required
@require_GET
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _inspection_page(request, sel.inspection_for_user(request.user, pk))


@login_required
@require_POST
def inspection_record(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = sel.inspection_for_user(request.user, pk)
    _require(request, "supervision.change_inspection")
    form = InspectionRecordForm(request.POST)
    if form.is_valid():
        try:
            services.inspection_record(inspection.pk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("检查结果已登记。"))
            return redirect("supervision:inspection_detail", pk=inspection.pk)
    return _inspection_page(request, inspection, record_form=form)


@login_required
@require_POST
def inspection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = sel.inspection_for_user(request.user, pk)
    if not is_winner_user(request.user, inspection.award):
        raise PermissionDenied(_("只有获奖组织的用户可以答复整改要求。"))
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.inspection_answer(
                inspection.pk,
                by=request.user,
                answer=form.cleaned_data["answer"],
                evidence=uploads(form.cleaned_data["evidence"]),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("整改情况已答复。"))
            return redirect("supervision:inspection_detail", pk=inspection.pk)
    return _inspection_page(request, inspection, answer_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def misuse_new(request: HttpRequest, pk: int) -> HttpResponse:
    award = sel.award_after_for_user(request.user, pk)
    _require(request, "supervision.add_misusereport")
    form = MisuseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.misuse_record(
                award.pk,
                by=request.user,
                kind=data["kind"],
                observed_on=data["observed_on"],
                description=data["description"],
                action_taken=data["action_taken"],
                evidence=uploads(data["evidence"]),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已登记称号不当使用情况。"))
            return redirect("supervision:award_after", pk=award.pk)
    return render(
        request,
        "supervision/after_form.html",
        {"award": award, "form": form, "title": _("登记称号不当使用"), "multipart": True},
    )


@login_required
@require_GET
def revocation_list(request: HttpRequest) -> HttpResponse:
    if not (request.user.has_perm(sel.OFFICE) or request.user.has_perm(sel.DIRECTOR)):
        raise PermissionDenied(_("您无权查看撤销程序。"))
    page = Paginator(sel.revocations_for_user(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "supervision/revocation_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def revocation_new(request: HttpRequest, pk: int) -> HttpResponse:
    award = sel.award_after_for_user(request.user, pk)
    _require(request, "supervision.add_revocation")
    misuse = None
    misuse_id = request.GET.get("misuse", "")
    if misuse_id.isdigit():
        misuse = sel.misuse_for_office(request.user, int(misuse_id))
        if misuse.award_id != award.pk:
            misuse = None
    initial = {"facts": misuse.description} if misuse else {}
    form = RevocationOpenForm(request.POST or None, request.FILES or None, initial=initial)
    refusals = services.revocation_refusals(award, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            revocation = services.revocation_open(
                award.pk,
                by=request.user,
                grounds=data["grounds"],
                facts=data["facts"],
                evidence=uploads(data["evidence"]),
                misuse_report=misuse,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("撤销程序已立案，已告知获奖组织。"))
            return redirect("supervision:revocation_detail", pk=revocation.pk)
    return render(
        request,
        "supervision/after_form.html",
        {
            "award": award,
            "form": form,
            "title": _("启动撤销程序"),
            "multipart": True,
            "refusals": refusals,
        },
    )


def _revocation_page(request: HttpRequest, revocation, **forms) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    is_open = revocation.is_open
    return render(
        request,
        "supervision/revocation_detail.html",
        {
            "revocation": revocation,
            "award": revocation.award,
            "office": user.has_perm(sel.OFFICE),
            "tasks": list(revocation.recovery_tasks.all()),
            "can_state": is_open
            and is_winner_user(user, revocation.award)
            and revocation.statement_at is None
            and today <= revocation.statement_ends_on,
            "can_find": is_open
            and user.has_perm("supervision.change_revocation")
            and not revocation.committee_decision,
            "can_decide": is_open
            and user.has_perm(sel.DIRECTOR)
            and not revocation.committee_decision,
            "decision_refusals": services.decision_refusals(revocation, today=today),
            "can_city": is_open
            and user.has_perm("supervision.change_revocation")
            and revocation.committee_decision == "revoke",
            "can_recover": user.has_perm("supervision.change_revocation"),
            "statement_form": forms.get("statement_form") or StatementForm(),
            "findings_form": forms.get("findings_form")
            or FindingsForm(initial={"findings": revocation.findings}),
            "decision_form": forms.get("decision_form") or CommitteeDecisionForm(),
            "city_form": forms.get("city_form") or CityDecisionForm(),
            "recovery_form": RecoveryForm(initial={"completed_on": today}),
        },
    )


@login_required
@require_GET
def revocation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _revocation_page(request, sel.revocation_for_user(request.user, pk))


def _revocation_post(request, pk, form_class, form_key, call, success, *, gate=None):
    revocation = sel.revocation_for_user(request.user, pk)
    if gate is not None:
        gate(revocation)
    form = form_class(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            call(revocation, form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except TransitionBlocked as exc:
            form.add_error(None, "；".join(exc.reasons))
        else:
            messages.success(request, success)
            return redirect("supervision:revocation_detail", pk=revocation.pk)
    return _revocation_page(request, revocation, **{form_key: form})


@login_required
@require_POST
def revocation_statement(request: HttpRequest, pk: int) -> HttpResponse:
    return _revocation_post(
        request,
        pk,
        StatementForm,
        "statement_form",
        lambda r, d: services.revocation_statement_file(
            r.pk, by=request.user, statement=d["statement"], evidence=uploads(d["evidence"])
        ),
        _("陈述申辩意见已提交。"),
        gate=lambda r: _winner_only(
            request, r.award, _("只有获奖组织的用户可以提交陈述申辩意见。")
        ),
    )


def _winner_only(request: HttpRequest, award, message: str) -> None:
    if not is_winner_user(request.user, award):
        raise PermissionDenied(message)


@login_required
@require_POST
def revocation_findings(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "supervision.change_revocation")
    return _revocation_post(
        request,
        pk,
        FindingsForm,
        "findings_form",
        lambda r, d: services.revocation_findings_record(r.pk, by=request.user, **d),
        _("调查核实情况已登记。"),
    )


@login_required
@require_POST
def revocation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm(sel.DIRECTOR):
        raise PermissionDenied(_("只有评审委员会主任可以登记评审委员会的决定。"))
    return _revocation_post(
        request,
        pk,
        CommitteeDecisionForm,
        "decision_form",
        lambda r, d: services.revocation_committee_decide(r.pk, by=request.user, **d),
        _("评审委员会的决定已登记。"),
    )


@login_required
@require_POST
def revocation_city(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "supervision.change_revocation")
    return _revocation_post(
        request,
        pk,
        CityDecisionForm,
        "city_form",
        lambda r, d: services.revocation_city_decide(r.pk, by=request.user, **d),
        _("市政府决定已登记。"),
    )


@login_required
@require_POST
def recovery_complete(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "supervision.change_revocation")
    task = get_object_or_404(RecoveryTask, pk=pk)
    form = RecoveryForm(request.POST)
    if form.is_valid():
        try:
            services.recovery_complete(task.pk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        else:
            messages.success(request, _("已登记办结。"))
    else:
        messages.error(request, _("请填写有效的完成日期。"))
    return redirect("supervision:revocation_detail", pk=task.revocation_id)


@login_required
@require_GET
def after_file(request: HttpRequest, pk: int) -> HttpResponse:
    stored = sel.file_for_user(request.user, pk)
    return verified_download(
        request,
        stored,
        content_disposition=files.content_disposition(stored.original_name),
        content_type=stored.mime,
        award=stored.award_id,
    )
