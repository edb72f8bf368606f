from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .days import is_published, period_after
from .forms import ExceptionForm, ImportForm, PeriodForm, YearForm
from .models import CalendarException, CalendarYear

PERM = "workcalendar.change_calendarexception"


def _year_from(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


def _page(request, *, year, exception_form=None, year_form=None, import_form=None, status=200):
    entry = CalendarYear.objects.filter(year=year).first()
    return render(
        request,
        "workcalendar/calendar.html",
        {
            "year": year,
            "entry": entry,
            "published": is_published(year),
            "years": CalendarYear.objects.order_by("-year"),
            "exceptions": CalendarException.objects.filter(date__year=year),
            "exception_form": exception_form or ExceptionForm(),
            "year_form": year_form
            or YearForm(
                initial={
                    "year": year,
                    "published": bool(entry and entry.published),
                    "notice": entry.notice if entry else "",
                }
            ),
            "import_form": import_form or ImportForm(),
            "can_edit": request.user.has_perm(PERM),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def calendar(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("workcalendar.view_calendarexception"):
        raise PermissionDenied
    return _page(request, year=_year_from(request))


def _back(year: int) -> HttpResponse:
    return redirect(f"{reverse('workcalendar:calendar')}?year={year}")


def _editor(request: HttpRequest) -> None:
    if not request.user.has_perm(PERM):
        raise PermissionDenied


@login_required
@require_POST
def exception_save(request: HttpRequest) -> HttpResponse:
    _editor(request)
    form = ExceptionForm(request.POST)
    if form.is_valid():
        day = form.cleaned_data["day"]
        try:
            services.calendar_exception_save(
                by=request.user,
                day=day,
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                notice=form.cleaned_data["notice"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已保存 %(day)s。") % {"day": day.isoformat()})
            return _back(day.year)
    year = (
        form.cleaned_data.get("day").year if form.cleaned_data.get("day") else _year_from(request)
    )
    return _page(request, year=year, exception_form=form)


@login_required
@require_POST
def exception_delete(request: HttpRequest, day: str) -> HttpResponse:
    _editor(request)
    try:
        parsed = timezone.datetime.strptime(day, "%Y-%m-%d").date()
    except ValueError:
        return redirect("workcalendar:calendar")
    services.calendar_exception_delete(by=request.user, day=parsed)
    messages.success(request, _("已删除 %(day)s 的调整。") % {"day": day})
    return _back(parsed.year)


@login_required
@require_POST
def year_save(request: HttpRequest) -> HttpResponse:
    _editor(request)
    form = YearForm(request.POST)
    if not form.is_valid():
        return _page(request, year=_year_from(request), year_form=form)
    data = form.cleaned_data
    services.calendar_year_set_published(
        by=request.user, year=data["year"], published=data["published"], notice=data["notice"]
    )
    messages.success(request, _("已更新 %(year)d 年的发布状态。") % {"year": data["year"]})
    return _back(data["year"])


@login_required
@require_POST
def import_csv(request: HttpRequest) -> HttpResponse:
    _editor(request)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            report = services.calendar_import_rows(
                form.cleaned_data["file"], notice=form.cleaned_data["notice"], by=request.user
            )
        except services.CalendarImportError as exc:
            for error in exc.errors:
                form.add_error(None, str(error))
        else:
            years = "、".join(str(y) for y in report.years)
            messages.success(
                request,
                _("已导入 %(years)s 年，共 %(n)d 条。") % {"years": years, "n": report.created},
            )
            return _back(report.years[-1])
    return _page(request, year=_year_from(request), import_form=form)


@login_required
@require_http_methods(["GET"])
def period(request: HttpRequest) -> HttpResponse:
    """The office checks a period (e.g. a publicity) before publishing it."""
    if not request.user.has_perm("workcalendar.view_calendarexception"):
        raise PermissionDenied
    form = PeriodForm(request.GET or None)
    result = None
    if form.is_valid():
        result = period_after(form.cleaned_data["start"], n=form.cleaned_data["count"])
    return render(request, "workcalendar/period.html", {"form": form, "result": result})
