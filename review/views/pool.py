"""The office's pages of the reviewer pool (评审员专家库): list and search, add and
edit, the record with the misconduct decisions (Art. 26), and the Excel import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import selectors_pool as selectors
from ..forms_pool import ReviewerForm, ReviewerImportForm, ReviewerStatusForm
from ..models import Reviewer
from ..services import pool as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(_("只有评审办工作人员可以查看和管理评审员专家库。"))


@login_required
@require_GET
def pool_list(request: HttpRequest) -> HttpResponse:
    _require(request, "review.view_reviewer")
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    status = status if status in Reviewer.Status.values else ""
    industry = request.GET.get("industry", "").strip()
    reviewers = selectors.reviewers_search(q=q, status=status or None, industry=industry or None)
    page = Paginator(reviewers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "review/pool_list.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "industry": industry,
            "statuses": Reviewer.Status.choices,
            "industries": selectors.reviewer_industries(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pool_create(request: HttpRequest) -> HttpResponse:
    _require(request, "review.add_reviewer")
    form = ReviewerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reviewer = services.reviewer_create(by=request.user, **form.service_data())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已将%(name)s加入评审员专家库。") % {"name": reviewer.name})
            return redirect("review:pool_detail", pk=reviewer.pk)
    return render(request, "review/pool_form.html", {"form": form, "reviewer": None})


@login_required
@require_http_methods(["GET", "POST"])
def pool_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "review.change_reviewer")
    reviewer = selectors.reviewer_for_office(pk)
    form = ReviewerForm(request.POST or None, instance=reviewer)
    if request.method == "POST" and form.is_valid():
        try:
            services.reviewer_update(reviewer.pk, by=request.user, **form.service_data())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已保存评审员信息。"))
            return redirect("review:pool_detail", pk=reviewer.pk)
    # The form holds the typed values; the heading keeps the stored name.
    reviewer.refresh_from_db(fields=["name"])
    return render(request, "review/pool_form.html", {"form": form, "reviewer": reviewer})


def _detail(
    request: HttpRequest, pk: int, *, status_form: ReviewerStatusForm | None = None
) -> HttpResponse:
    record = selectors.reviewer_record(pk)
    reviewer = record.reviewer
    can_change = request.user.has_perm("review.change_reviewer")
    if status_form is None and can_change and reviewer.status != Reviewer.Status.DISQUALIFIED:
        status_form = ReviewerStatusForm(current=reviewer.status)
    return render(
        request,
        "review/pool_detail.html",
        {
            "record": record,
            "reviewer": reviewer,
            "can_change": can_change,
            "status_form": status_form if can_change else None,
            "show_evaluations": request.user.has_perm("review.view_reviewerevaluation"),
        },
    )


@login_required
@require_GET
def pool_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "review.view_reviewer")
    return _detail(request, pk)


@login_required
@require_POST
def pool_status(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "review.change_reviewer")
    reviewer = selectors.reviewer_for_office(pk)
    form = ReviewerStatusForm(request.POST, current=reviewer.status)
    if form.is_valid():
        try:
            open_assignments = services.reviewer_status_change(
                reviewer.pk,
                by=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已变更评审员状态。"))
            if open_assignments:
                messages.warning(
                    request,
                    _("该评审员有%(n)d项未完成的评审任务，请重新分配（见“待重新分配的评审任务”）。")
                    % {"n": len(open_assignments)},
                )
            return redirect("review:pool_detail", pk=reviewer.pk)
    return _detail(request, pk, status_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def pool_import(request: HttpRequest) -> HttpResponse:
    _require(request, "review.add_reviewer")
    form = ReviewerImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = services.reviewers_import(form.cleaned_data["file"].read(), by=request.user)
        if report.ok:
            messages.success(request, _("已导入%(n)d名评审员。") % {"n": len(report.created)})
            return redirect("review:pool_list")
    return render(request, "review/pool_import.html", {"form": form, "report": report})


@login_required
@require_GET
def pool_import_template(request: HttpRequest) -> HttpResponse:
    _require(request, "review.add_reviewer")
    response = HttpResponse(services.reviewers_import_template(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, _("评审员导入模板") + ".xlsx"
    )
    return response
