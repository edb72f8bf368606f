from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications import selectors as case_selectors
from applications.deadlines import deadlines_for
from applications.workflow import CaseState

from . import selectors, services
from .forms import ConfirmForm, CycleForm
from .models import AwardCycle


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    return render(request, "core/index.html", {"cycles": selectors.cycles_public()[:5]})


# The home page lists, per state, the cases waiting longest; the rest are a link
# away (the case list filtered by state).
HOME_ROWS_PER_STATE = 10


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    groups = case_selectors.worklist(user, per_state=HOME_ROWS_PER_STATE)
    due = deadlines_for(
        [case for _state, cases, _more in groups for case in cases], today=timezone.localdate()
    )
    for _state, cases, _more in groups:
        for case in cases:
            case.deadline = due.get(case.pk)
    groups = [(state, CaseState(state).label, cases, more) for state, cases, more in groups]
    own_cases = []
    if user.organisation_id:
        own_cases = list(
            case_selectors.cases_visible_to(user).filter(organisation=user.organisation)
        )
    open_cycle = selectors.cycle_current_open()
    can_start = bool(
        open_cycle
        and user.has_role("applicant")
        and user.organisation_id
        and not any(c.cycle_id == open_cycle.pk for c in own_cases)
    )
    return render(
        request,
        "core/home.html",
        {
            "groups": groups,
            "own_cases": own_cases,
            "open_cycle": open_cycle,
            "can_start": can_start,
        },
    )


@require_GET
def cycle_list(request: HttpRequest) -> HttpResponse:
    if request.user.has_perm("core.view_awardcycle"):
        cycles = AwardCycle.objects.all()
    else:
        cycles = selectors.cycles_public()
    return render(request, "core/cycle_list.html", {"cycles": cycles})


@require_GET
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    qs = (
        AwardCycle.objects.all()
        if request.user.has_perm("core.view_awardcycle")
        else selectors.cycles_public()
    )
    cycle = get_object_or_404(qs, pk=pk)
    parameters = selectors.cycle_parameters(cycle)
    return render(
        request,
        "core/cycle_detail.html",
        {"cycle": cycle, "parameters": parameters, "confirm_form": ConfirmForm()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cycle_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("core.add_awardcycle"):
        raise PermissionDenied
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已创建评审届次。"))
            return redirect("core:cycle_detail", pk=cycle.pk)
    return render(request, "core/cycle_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def cycle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("core.change_awardcycle"):
        raise PermissionDenied
    cycle = get_object_or_404(AwardCycle, pk=pk)
    if cycle.is_frozen:
        raise PermissionDenied(_("本届评审已启动，规则参数已冻结，不能修改。"))
    form = CycleForm(request.POST or None, instance=cycle)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "number"}
        try:
            services.cycle_update(cycle.pk, by=request.user, **values)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已保存规则参数。"))
            return redirect("core:cycle_detail", pk=cycle.pk)
    return render(request, "core/cycle_form.html", {"form": form, "cycle": cycle})


@login_required
@require_POST
def cycle_open(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("core.change_awardcycle"):
        raise PermissionDenied
    cycle = get_object_or_404(AwardCycle, pk=pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["confirm"]))
        return redirect("core:cycle_detail", pk=cycle.pk)
    try:
        services.cycle_open(cycle.pk, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("本届评审已启动，规则参数已冻结。"))
    return redirect("core:cycle_detail", pk=cycle.pk)


@require_GET
def ping(request: HttpRequest) -> HttpResponse:
    """The smallest page the server can give (no database, no template): the
    baseline the benchmarks compare every page against."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: database and Redis, each with a short timeout."""
    from django.conf import settings

    status = {"database": "ok", "redis": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        status["database"] = f"error: {type(exc).__name__}"
    try:
        import redis

        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1
        )
        client.ping()
    except Exception as exc:
        status["redis"] = f"unavailable: {type(exc).__name__}"
    healthy = status["database"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "error", **status}, status=200 if healthy else 503
    )


# The language switch takes no CSRF token (docs/decisions/0010-language-switch-without-token.md):
# a forged switch only changes the language a visitor reads in, and a header
# without a token lets the public pages be cached whole (PF-4).
set_language = csrf_exempt(i18n.set_language)
