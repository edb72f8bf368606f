"""The office's side of the meetings: calling one, attendance, opening and
closing ballots, the tallies once closed, and the minutes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.views.downloads import verified_download

from .. import selectors, services
from ..forms import AttendanceForm, MeetingForm
from ..models import BallotRound, Minutes
from .common import back_to, form_errors


@login_required
@require_http_methods(["GET", "POST"])
def meetings(request: HttpRequest) -> HttpResponse:
    selectors.require_office(request.user)
    cycles, cycle = selectors.cycle_choice(request.GET.get("cycle") or request.POST.get("cycle"))
    form = MeetingForm(request.POST or None)
    status = 200
    if request.method == "POST" and cycle is not None:
        if form.is_valid():
            try:
                meeting = services.meeting_create(
                    cycle.pk,
                    by=request.user,
                    held_on=form.cleaned_data["held_on"],
                    place=form.cleaned_data["place"],
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("会议已创建，评委会成员已收到会议通知。"))
                return back_to("committee:meeting", args=[meeting.pk])
        status = 400
    return render(
        request,
        "committee/meetings.html",
        {
            "cycles": cycles,
            "cycle": cycle,
            "meetings": selectors.meetings_of(cycle) if cycle else [],
            "form": form,
        },
        status=status,
    )


def meeting_context(meeting, *, attendance_form=None) -> dict:
    members = selectors.members_of(meeting.cycle)
    attendance = selectors.attendance_of(meeting)
    if attendance_form is None:
        attendance_form = AttendanceForm(
            initial={"present": [pk for pk, here in attendance.items() if here]},
            members=members,
        )
    return {
        "meeting": meeting,
        "cycle": meeting.cycle,
        "members": members,
        "attendance": attendance,
        "attendance_form": attendance_form,
        "agenda": selectors.agenda_of(meeting),
        "recusals": selectors.recusals_of(meeting),
        "rounds": selectors.rounds_of(meeting),
        "open_round": selectors.open_round(meeting),
        "resolution": selectors.resolution_of(meeting),
        "minutes": Minutes.objects.filter(meeting=meeting).first(),
    }


@login_required
@require_GET
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_office(request.user, pk)
    return render(request, "committee/meeting.html", meeting_context(meeting))


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_office(request.user, pk)
    form = AttendanceForm(request.POST, members=selectors.members_of(meeting.cycle))
    if form.is_valid():
        try:
            services.attendance_record(
                meeting.pk, by=request.user, present_ids=form.cleaned_data["present"]
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("出席情况已记录。"))
            return back_to("committee:meeting", args=[meeting.pk])
    return render(
        request,
        "committee/meeting.html",
        meeting_context(meeting, attendance_form=form),
        status=400,
    )


def _act(request: HttpRequest, meeting, action, done: str) -> HttpResponse:
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return back_to("committee:meeting", args=[meeting.pk])


@login_required
@require_POST
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_office(request.user, pk)
    return _act(
        request,
        meeting,
        lambda: services.round_open(meeting.pk, by=request.user),
        _("投票已开始，出席的委员可以在“我的评委会”中投票。"),
    )


@login_required
@require_POST
def runoff_open(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_office(request.user, pk)
    return _act(
        request,
        meeting,
        lambda: services.runoff_open(meeting.pk, by=request.user),
        _("决胜投票已开始。"),
    )


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_office(request.user)
    round_ = get_object_or_404(BallotRound.objects.select_related("meeting"), pk=pk)
    return _act(
        request,
        round_.meeting,
        lambda: services.round_close(round_.pk, by=request.user),
        _("本轮投票已结束，计票结果已生成。"),
    )


@login_required
@require_GET
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_viewer(request.user, pk)
    stored = Minutes.objects.filter(meeting=meeting).first()
    if stored is None:
        raise Http404
    return verified_download(
        request,
        stored,
        content_disposition=f'attachment; filename="committee-minutes-{meeting.pk}.pdf"',
        content_type="application/pdf",
        meeting=meeting.pk,
    )
