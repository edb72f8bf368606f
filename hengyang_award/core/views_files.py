"""The review office's file integrity page (FI-4): the latest runs of the check,
the open problems, and a button to run the check now."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import filecheck
from .paging import page_without_count
from .roles import Role

PROBLEMS_PER_PAGE = 50


def _require_office(request: HttpRequest) -> None:
    if not request.user.has_role(Role.OFFICE_STAFF):
        raise PermissionDenied(_("只有评审办工作人员可以访问此页面。"))


@login_required
@require_GET
def file_check(request: HttpRequest) -> HttpResponse:
    _require_office(request)
    page = page_without_count(
        filecheck.file_problems_open(),
        per_page=PROBLEMS_PER_PAGE,
        number=request.GET.get("page"),
    )
    return render(
        request,
        "core/file_check.html",
        {
            "runs": filecheck.file_check_runs(),
            "page": page,
            "problems": filecheck.file_problem_rows(page.object_list),
            "waiting": filecheck.file_check_waiting(),
        },
    )


@login_required
@require_POST
def file_check_run(request: HttpRequest) -> HttpResponse:
    _require_office(request)
    if filecheck.files_verify_request(by=request.user):
        messages.success(request, _("已安排文件完整性检查，完成后结果将显示在本页。"))
    else:
        messages.info(request, _("文件完整性检查已在排队，无需重复提交。"))
    return redirect("core:file_check")
