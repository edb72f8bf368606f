import io
import logging
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from hengyang_award.core.checks import pdf_engine_check
from hengyang_award.pdf import (
    asset_roots,
    certificate_context,
    locked_url_fetcher,
    render_html_pdf,
    render_template_pdf,
)


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _fonts(pdf: bytes) -> str:
    pdffonts = shutil.which("pdffonts")
    assert pdffonts, "poppler-utils (pdffonts) is installed by make test"
    result = subprocess.run(  # noqa: S603
        [pdffonts, "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode()


def test_pdf_engine_check_passes_with_fonts_and_harfbuzz_installed():
    assert pdf_engine_check() == []


def test_certificate_renders_chinese_text_that_extracts():
    context = certificate_context(
        recipient="衡阳特变电工有限公司",
        cycle_number=3,
        number="HYMQA-2026-003",
        verify_url="https://award.example/verify/HYMQA-2026-003",
        issued_on="2026年11月27日",
    )

    pdf = render_template_pdf("pdf/certificate.html", context)

    text = _text(pdf)
    assert "荣誉证书" in text
    assert "衡阳特变电工有限公司" in text
    assert "第3届衡阳市市长质量奖" in text
    assert "HYMQA-2026-003" in text


def test_certificate_embeds_noto_cjk_sc_subsets():
    context = certificate_context(
        recipient="衡阳测试有限公司",
        cycle_number=1,
        number="N-1",
        verify_url="https://award.example/verify/N-1",
        issued_on="2026年1月5日",
    )

    fonts = _fonts(render_template_pdf("pdf/certificate.html", context))

    lines = [line for line in fonts.splitlines() if "CJK-SC" in line]
    assert lines
    # "+" after a six-letter tag marks a subset; "yes yes" = embedded and subset.
    assert all("+Noto-" in line and " yes yes " in line for line in lines)


def test_locked_fetcher_refuses_files_outside_assets_and_network():
    fetcher = locked_url_fetcher()

    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.com/x.css",
        "ftp://example.com/x",
    ):
        with pytest.raises(ValueError, match=r"blocked resource|disallowed"):
            fetcher.fetch(url)


def test_locked_fetcher_serves_own_assets_and_data_urls():
    fetcher = locked_url_fetcher()
    css = (asset_roots()[0] / "document.css").as_uri()

    assert b"@page" in fetcher.fetch(css).read()
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"


def test_render_never_reads_etc_passwd(caplog):
    html = '<html lang="zh-CN"><body><p>测试</p><img src="file:///etc/passwd"></body></html>'

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = render_html_pdf(html)

    assert "root:" not in _text(pdf)
    assert b"root:x:" not in pdf
    assert any("etc/passwd" in r.getMessage() for r in caplog.records)
