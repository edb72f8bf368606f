"""The committee director's page: the tallies of each meeting of the cycle and the
adoption of the resolution (which proposes the winners and rejects the others)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications.services import TransitionBlocked

from .. import selectors, services
from ..models import Meeting
from .common import back_to


@login_required
@require_GET
def decision(request: HttpRequest) -> HttpResponse:
    selectors.require_director(request.user)
    cycles, cycle = selectors.cycle_choice(request.GET.get("cycle"))
    director = selectors.director_of(cycle) if cycle else None
    meetings = [
        {
            "meeting": m,
            "rounds": selectors.rounds_of(m),
            "resolution": selectors.resolution_of(m),
            "recusals": selectors.recusals_of(m),
        }
        for m in (selectors.decision_meetings(cycle) if cycle else [])
    ]
    return render(
        request,
        "committee/decision.html",
        {
            "cycles": cycles,
            "cycle": cycle,
            "meetings": meetings,
            "is_director": director is not None and director.user_id == request.user.pk,
            "director": director,
            "taken": selectors.winners_taken(cycle) if cycle else 0,
        },
    )


@login_required
@require_POST
def adopt(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_director(request.user)
    meeting = get_object_or_404(Meeting, pk=pk)
    try:
        resolution = services.resolution_adopt(meeting.pk, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except TransitionBlocked as exc:
        for reason in exc.reasons:
            messages.error(request, reason)
    else:
        n = resolution.entries.filter(outcome="proposed").count()
        messages.success(
            request,
            _("决议已采纳：%(n)s个组织确定为拟获奖组织，会议纪要将自动生成。") % {"n": n},
        )
    return back_to("committee:decision", cycle=meeting.cycle_id)
