"""`manage.py backup [path]`: one archive with the database, the files and a
manifest of row counts and checksums (DA-3)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hengyang_award.core.backup import backup_write


class Command(BaseCommand):
    help = gettext_lazy("备份数据库和附件到一个归档文件（含行数和校验和清单）。")

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", help=gettext_lazy("归档文件路径（.tar.gz）"))

    def handle(self, *args, path=None, **options) -> None:
        target = Path(
            path
            or Path(settings.VAR_DIR) / "backups" / f"backup-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        )
        report = backup_write(target)
        self.stdout.write(
            _("已备份：%(path)s（%(rows)d 行，%(files)d 个文件）")
            % {"path": report.path, "rows": sum(report.rows.values()), "files": report.files}
        )
