"""Printable documents of the expert review."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from applications.models import Case


def render_feedback_report(case: "Case") -> bytes:
    """资料评审反馈报告 (Art. 10(3)) for a case that did not advance to on-site review:
    overview, key themes, per category the band reached with strengths and
    opportunities, and a radar chart of the seven categories. Bands only, never
    the exact score; confidential to the applicant."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from hengyang_award.pdf import render_template_pdf

    from .selectors_scoring import feedback_of

    context = {
        "title": _("资料评审反馈报告"),
        "case": case,
        "org": case.organisation,
        "feedback": feedback_of(case),
        "issuer": _("衡阳市市长质量奖评审办公室"),
        "issued_on": timezone.localdate().strftime("%Y年%-m月%-d日"),
        "seal_text": "",
    }
    return render_template_pdf("pdf/feedback_report.html", context)


def render_onsite_report(case: "Case") -> bytes:
    """现场评审报告 (DOMAIN.md "Reports"): the applicant, the basis, the team and its
    declarations, the visit, the verification, findings per category, scores and
    total, conclusion and recommendation, veto findings, signatures and the
    applicant's confirmation."""
    from itertools import groupby

    from django.utils import timezone
    from django.utils.translation import gettext as _

    from hengyang_award.pdf import render_template_pdf

    from .models import OnsiteReport
    from .selectors_onsite import consensus_of, onsite_score_rows, onsite_team, onsite_total

    report = OnsiteReport.objects.select_related("confirmed_by").get(case=case)
    rows = onsite_score_rows(case)
    categories = [
        {"code": code, "name": group[0].item.category_name, "rows": group}
        for code, group in (
            (code, list(items)) for code, items in groupby(rows, key=lambda r: r.item.category_code)
        )
    ]
    issued = (
        timezone.localdate(report.submitted_at) if report.submitted_at else timezone.localdate()
    )
    context = {
        "title": _("%(cycle)s现场评审报告") % {"cycle": case.cycle.title},
        "case": case,
        "org": case.organisation,
        "report": report,
        "team": onsite_team(case),
        "rows": rows,
        "categories": categories,
        "total": onsite_total(rows),
        "document_consensus": consensus_of(case, "document"),
        "issuer": _("现场评审组"),
        "issued_on": issued.strftime("%Y年%-m月%-d日"),
        "seal_text": "",
    }
    return render_template_pdf("pdf/onsite_report.html", context)
