"""The certificate (荣誉证书) as a PDF. WeasyPrint runs in workers only."""

from django.utils import translation

from hengyang_award.pdf import certificate_context, render_template_pdf

from .models import Certificate


def render_certificate(certificate: Certificate) -> bytes:
    award = certificate.award
    from .services.certificates import certificate_verify_url

    with translation.override("zh-hans"):
        context = certificate_context(
            recipient=award.organisation.name,
            cycle_number=award.cycle.number,
            number=certificate.number,
            verify_url=certificate_verify_url(certificate.number),
            issued_on=_chinese_date(award.starts_on),
        )
    return render_template_pdf("pdf/certificate.html", context)


def _chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
