"""The office manages the committee of each cycle."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import selectors, services
from ..forms import MembershipForm
from ..models import Membership
from .common import back_to, form_errors


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest) -> HttpResponse:
    selectors.require_office(request.user)
    cycles, cycle = selectors.cycle_choice(request.GET.get("cycle") or request.POST.get("cycle"))
    current = selectors.members_of(cycle) if cycle else []
    taken = {m.user_id for m in current}
    users = [u for u in selectors.committee_users() if u.pk not in taken]
    form = MembershipForm(request.POST or None, users=users)
    status = 200
    if request.method == "POST" and cycle is not None:
        if form.is_valid():
            try:
                services.membership_add(
                    cycle.pk,
                    by=request.user,
                    user_id=form.cleaned_data["user"],
                    role=form.cleaned_data["role"],
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("已加入本届评委会。"))
                return back_to("committee:members", cycle=cycle)
        status = 400
    return render(
        request,
        "committee/members.html",
        {"cycles": cycles, "cycle": cycle, "members": current, "form": form},
        status=status,
    )


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_office(request.user)
    member = get_object_or_404(Membership, pk=pk)
    try:
        services.membership_remove(member.pk, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已移出本届评委会。"))
    return back_to("committee:members", cycle=member.cycle_id)
