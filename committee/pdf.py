"""Printable documents of the committee."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Meeting


def minutes_context(meeting: "Meeting") -> dict:
    """What the minutes show: date and place, attendance, recusals (who from
    which candidate), the tally of each candidate in each round (counts only:
    ballots are secret) and the resolution."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from . import selectors

    members = selectors.members_of(meeting.cycle)
    attendance = selectors.attendance_of(meeting)
    resolution = selectors.resolution_of(meeting)
    issued = resolution.adopted_at if resolution and resolution.adopted_at else timezone.now()
    return {
        "title": _("%(cycle)s评委会会议纪要") % {"cycle": meeting.cycle.title},
        "meeting": meeting,
        "cycle": meeting.cycle,
        "present": [m for m in members if attendance.get(m.pk)],
        "absent": [m for m in members if not attendance.get(m.pk)],
        "agenda": selectors.agenda_of(meeting),
        "recusals": selectors.recusals_of(meeting),
        "rounds": selectors.rounds_of(meeting),
        "resolution": resolution,
        "proposed": [e for e in resolution.entries.all() if e.outcome == "proposed"]
        if resolution
        else [],
        "others": [e for e in resolution.entries.all() if e.outcome != "proposed"]
        if resolution
        else [],
        "issuer": _("衡阳市市长质量奖评审委员会"),
        "issued_on": timezone.localdate(issued).strftime("%Y年%-m月%-d日"),
        "seal_text": "",
    }


def render_minutes(meeting: "Meeting") -> bytes:
    """会议纪要 in the official-document style."""
    from hengyang_award.pdf import render_template_pdf

    return render_template_pdf("pdf/committee_minutes.html", minutes_context(meeting))
