"""Printable documents of a case."""

from django.utils import timezone
from django.utils.translation import gettext as _

from hengyang_award.pdf import render_template_pdf

from .labels import TRANSITION_LABELS
from .models import Case


def render_application_summary(case: Case) -> bytes:
    events = list(case.events.select_related("actor").order_by("at", "pk"))
    for event in events:
        event.label = TRANSITION_LABELS.get(event.name, event.name)
    context = {
        "title": _("%(cycle)s申报表（摘要）") % {"cycle": case.cycle.title},
        "case": case,
        "org": case.organisation,
        "events": events,
        "recommendations": list(case.recommendations.order_by("round")),
        "issuer": _("衡阳市市长质量奖评审办公室"),
        "issued_on": timezone.localdate().strftime("%Y年%-m月%-d日"),
        "seal_text": "",
    }
    return render_template_pdf("pdf/application_summary.html", context)
