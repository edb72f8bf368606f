"""A committee member's pages: their meetings, the candidates of their cycle
(with declarations and links to the files they may open), and the ballot."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from applications.selectors import cases_visible_to

from .. import selectors, services
from ..forms import BallotForm, DeclarationForm
from ..models import Minutes
from .common import back_to, form_errors


def _require_committee_role(request: HttpRequest) -> None:
    if not any(request.user.has_role(r) for r in selectors.COMMITTEE_ROLES):
        raise PermissionDenied(_("只有评委会成员可以访问此页面。"))


@login_required
@require_GET
def my_meetings(request: HttpRequest) -> HttpResponse:
    _require_committee_role(request)
    return render(
        request,
        "committee/my_meetings.html",
        {"meetings": list(selectors.meetings_for_member(request.user))},
    )


@login_required
@require_GET
def candidates(request: HttpRequest) -> HttpResponse:
    _require_committee_role(request)
    cases = list(selectors.candidates_for_member(request.user))
    memberships = {
        m.cycle_id: m for m in request.user.committee_memberships.select_related("cycle")
    }
    declared = {}
    for member in memberships.values():
        declared.update(selectors.declarations_by(member))
    visible = set(
        cases_visible_to(request.user)
        .filter(pk__in=[c.pk for c in cases])
        .values_list("pk", flat=True)
    )
    rows = [
        {
            "case": case,
            "declaration": declared.get(case.pk),
            "can_open": case.pk in visible
            and case.pk in declared
            and not declared[case.pk].has_conflict,
        }
        for case in cases
    ]
    return render(request, "committee/candidates.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest, pk: int) -> HttpResponse:
    case, member = selectors.candidate_for_member(request.user, pk)
    declaration = member.declarations.filter(case=case).first()
    detected = selectors.detected_conflicts(member, case) if declaration is None else []
    form = None
    status = 200
    if declaration is None:
        form = DeclarationForm(request.POST or None)
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.declaration_make(
                        case.pk,
                        by=request.user,
                        has_conflict=form.has_conflict,
                        grounds=form.cleaned_data["grounds"],
                        description=form.cleaned_data["description"],
                    )
                except ValidationError as exc:
                    form_errors(form, exc)
                else:
                    messages.success(
                        request,
                        _("您已申报回避，不参加对该组织的审议和表决。")
                        if form.has_conflict
                        else _("声明已提交，可以查阅该组织的申报材料。"),
                    )
                    return back_to("committee:declare", args=[case.pk])
            status = 400
    elif request.method == "POST":
        raise PermissionDenied(_("您已就该候选组织作出声明，不能重复声明。"))
    return render(
        request,
        "committee/declare.html",
        {
            "case": case,
            "member": member,
            "declaration": declaration,
            "form": form,
            "detected": detected,
        },
        status=status,
    )


@login_required
@require_GET
def member_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, member = selectors.meeting_for_member(request.user, pk)
    declarations = selectors.declarations_by(member)
    agenda = [
        {"item": item, "declaration": declarations.get(item.case_id)}
        for item in selectors.agenda_of(meeting)
    ]
    return render(
        request,
        "committee/member_meeting.html",
        {
            "meeting": meeting,
            "member": member,
            "agenda": agenda,
            "present": selectors.attendance_of(meeting).get(member.pk),
            "open_round": selectors.open_round(meeting),
            "rounds": selectors.rounds_of(meeting),
            "resolution": selectors.resolution_of(meeting),
            "minutes": Minutes.objects.filter(meeting=meeting).first(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, member = selectors.meeting_for_member(request.user, pk)
    round_ = selectors.open_round(meeting)
    present = bool(selectors.attendance_of(meeting).get(member.pk))
    lines = selectors.ballot_lines(member, round_) if round_ and present else []
    form = BallotForm(request.POST or None, lines=lines)
    status = 200
    if request.method == "POST":
        if round_ is None:
            raise PermissionDenied(_("当前没有进行中的投票。"))
        if not present:
            raise PermissionDenied(_("出席记录显示您未出席本次会议，不能投票。"))
        if form.is_valid():
            cast = 0
            try:
                for case_id, choice in form.choices():
                    services.vote_cast(round_.pk, by=request.user, case_id=case_id, choice=choice)
                    cast += 1
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("已投票%(n)s项。投票为无记名，任何人都无法查看您的选择。") % {"n": cast},
                )
                return back_to("committee:ballot", args=[meeting.pk])
        status = 400
    return render(
        request,
        "committee/ballot.html",
        {
            "meeting": meeting,
            "member": member,
            "round": round_,
            "present": present,
            "lines": lines,
            "form": form,
        },
        status=status,
    )
