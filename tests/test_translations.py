"""English is complete and current: every translatable string of the source has
an English translation (none empty, none fuzzy), and the catalogue is what
`makemessages` would produce from today's source."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
SOURCES = (
    "applications",
    "committee",
    "hengyang_award",
    "publicity",
    "review",
    "supervision",
    "templates",
    "manage.py",
    "locale",
)


def parse_po(path: Path) -> dict[tuple[str, str], tuple[str, bool]]:
    """(context, msgid) -> (msgstr, fuzzy), obsolete entries left out."""
    entries: dict[tuple[str, str], tuple[str, bool]] = {}
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if match:
                current = match[1]
                fields[current] = match[2]
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            value = fields.get("msgstr", fields.get("msgstr[0]", ""))
            entries[(fields.get("msgctxt", ""), fields["msgid"])] = (value, fuzzy)
    return entries


def test_english_catalogue_has_no_missing_or_fuzzy_entries():
    entries = parse_po(PO)

    missing = sorted(msgid for (_ctx, msgid), (value, _f) in entries.items() if not value)
    fuzzy = sorted(msgid for (_ctx, msgid), (_v, is_fuzzy) in entries.items() if is_fuzzy)

    assert missing == []
    assert fuzzy == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext is installed by make test")
def test_english_catalogue_matches_the_source(tmp_path):
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, tmp_path / name)

    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-location", "-v", "0"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"DJANGO_SETTINGS_MODULE": "hengyang_award.settings.test", "PATH": "/usr/bin:/bin"},
    )

    fresh = set(parse_po(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert sorted(fresh - set(parse_po(PO))) == []
