"""Fail loudly when PDFs would be wrong or slow: WeasyPrint's libraries, HarfBuzz
subsetting (without it a Chinese page takes seconds) and the CJK font families."""

import shutil
import subprocess

from django.core.checks import Error, register

REQUIRED_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")
HINT = (
    "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig "
    "fonts-noto-cjk (make test and make run install them)"
)


@register("pdf")
def pdf_engine_check(app_configs=None, **kwargs) -> list[Error]:
    errors = []
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except OSError as exc:
        return [Error(f"WeasyPrint cannot load its libraries: {exc}", hint=HINT, id="pdf.E001")]
    if harfbuzz_subset is None or not harfbuzz.hb_version_atleast(4, 1, 0):
        errors.append(
            Error(
                "HarfBuzz subsetting (libharfbuzz-subset0 ≥ 4.1) is not available.",
                hint=HINT,
                id="pdf.E002",
            )
        )
    fc_list = shutil.which("fc-list")
    families = ""
    if fc_list:
        families = subprocess.run(  # noqa: S603 — fixed command, no user input
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    missing = [f for f in REQUIRED_FAMILIES if f not in families]
    if missing:
        errors.append(
            Error(f"CJK font families missing: {', '.join(missing)}.", hint=HINT, id="pdf.E003")
        )
    return errors
