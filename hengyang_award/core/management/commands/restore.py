"""`manage.py restore path`: rebuild an empty database and file store from a
backup archive, checking every file's checksum and the row counts (DA-3)."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hengyang_award.core.backup import RestoreError, restore_read


class Command(BaseCommand):
    help = gettext_lazy("从备份归档恢复到空数据库（先执行迁移，再校验文件和行数）。")

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help=gettext_lazy("归档文件路径（.tar.gz）"))

    def handle(self, *args, path: str, **options) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        try:
            report = restore_read(Path(path))
        except RestoreError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("已恢复：%(rows)d 行，%(files)d 个文件，行数和校验和与备份一致。")
            % {"rows": sum(report.rows.values()), "files": report.files}
        )
