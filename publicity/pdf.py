"""Notices as official documents (GB/T 9704 essentials): any kind, one template."""

from django.utils.translation import gettext as _

from hengyang_award.pdf import render_template_pdf

from .models import Notice


def chinese_date(day) -> str:
    """2026年11月27日: the date as written under an official document."""
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def notice_context(notice: Notice) -> dict:
    body = notice.body or {}
    return {
        "title": notice.title,
        "number": notice.number,
        "paragraphs": body.get("paragraphs", []),
        "table": body.get("table"),
        "closing": body.get("closing", []),
        "issuer": notice.issuer,
        "seal_text": notice.issuer,
        "issued_on": chinese_date(notice.issued_on) if notice.issued_on else "",
    }


def render_notice(notice: Notice) -> bytes:
    return render_template_pdf("pdf/notice.html", notice_context(notice))
