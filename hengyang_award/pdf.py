"""The PDF engine: official documents and certificates rendered by WeasyPrint with
the Noto CJK SC fonts named as families. Rendering runs in Celery workers (queue
"pdf"), never in a request; each app's `pdf.py` calls `render_template_pdf`."""

import gc
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def asset_roots() -> tuple[Path, ...]:
    """The only folders a document may load files from (its own templates and the
    project's static files)."""
    base = Path(settings.BASE_DIR)
    return ((base / "templates" / "pdf").resolve(), (base / "static").resolve())


def locked_url_fetcher():
    """A URL fetcher that serves `data:` URLs and files inside `asset_roots()`,
    and refuses everything else (other files, http, https, ftp)."""
    from weasyprint.urls import URLFetcher

    roots = asset_roots()

    class LockedFetcher(URLFetcher):
        def fetch(self, url: str, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file:"):
                path = Path(url2pathname(urlparse(url).path)).resolve()
                if any(path.is_relative_to(root) for root in roots):
                    return super().fetch(url, headers)
            raise ValueError(f"blocked resource: {url[:80]}")

    return LockedFetcher(allowed_protocols={"data", "file"}, allow_redirects=False)


def render_template_pdf(
    template: str, context: dict[str, Any], *, language: str = "zh-hans"
) -> bytes:
    with translation.override(language):
        html = render_to_string(template, context)
    return render_html_pdf(html)


def render_html_pdf(html: str) -> bytes:
    """Relative URLs resolve inside templates/pdf/; the locked fetcher refuses any
    resource outside the asset roots."""
    from weasyprint import HTML

    base_url = (Path(settings.BASE_DIR) / "templates" / "pdf").as_uri() + "/"
    try:
        return HTML(string=html, base_url=base_url, url_fetcher=locked_url_fetcher()).write_pdf()
    finally:
        # A render leaves hundreds of MiB (font data) in reference cycles; without an
        # explicit collection a worker's memory swings past 1 GiB (bench/pdf_bench.py).
        gc.collect()


def qr_svg_data_uri(text: str) -> str:
    """A QR code as an SVG data URI (no file, no network)."""
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=4, border=2, dark="#000")


def certificate_context(
    *, recipient: str, cycle_number: int, number: str, verify_url: str, issued_on: str
) -> dict[str, Any]:
    """The context of `pdf/certificate.html` (荣誉证书)."""
    from django.utils.translation import gettext as _

    return {
        "title": _("荣誉证书"),
        "recipient": recipient,
        "citation_before": _("在质量管理中成绩突出，荣获"),
        "award_name": _("第%(n)d届衡阳市市长质量奖") % {"n": cycle_number},
        "citation_after": _("。特发此证，以资鼓励。"),
        "issuer": _("衡阳市人民政府"),
        "seal_text": _("衡阳市人民政府"),
        "issued_on": issued_on,
        "number_label": _("证书编号："),
        "number": number,
        "verify_text": _("扫码或访问以下地址核验证书真伪："),
        "verify_url": verify_url,
        "qr_data_uri": qr_svg_data_uri(verify_url),
    }
