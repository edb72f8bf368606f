"""`manage.py files_verify`: check every stored file against its SHA-256 now (the
daily job's check, FI-4), print the counts and every open problem, and exit
non-zero while a file is corrupt or missing."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hengyang_award.core.filecheck import (
    FileStoreUnavailableError,
    file_problem_rows,
    file_problems_open,
    files_verify,
)


class Command(BaseCommand):
    help = gettext_lazy("校验每个存储文件的 SHA-256，报告损坏或缺失的文件。")

    def handle(self, *args, **options) -> None:
        try:
            run = files_verify()
        except FileStoreUnavailableError as exc:
            raise CommandError(
                _("文件存储不可用（%(store)s），未进行检查。") % {"store": exc}
            ) from exc
        if run is None:
            raise CommandError(_("另一次文件完整性检查正在进行，请稍后再试。"))
        self.stdout.write(
            _("已检查 %(checked)d 个文件：完好 %(ok)d，损坏 %(corrupt)d，缺失 %(missing)d。")
            % {"checked": run.checked, "ok": run.ok, "corrupt": run.corrupt, "missing": run.missing}
        )
        rows = file_problem_rows(list(file_problems_open()))
        for row in rows:
            self.stderr.write(
                _("%(kind)s：%(record)s #%(id)s %(path)s（首次发现 %(since)s）")
                % {
                    "kind": row.problem.get_kind_display(),
                    "record": row.record,
                    "id": row.problem.object_id,
                    "path": row.problem.path,
                    "since": timezone.localtime(row.problem.first_seen_at).strftime(
                        "%Y-%m-%d %H:%M"
                    ),
                }
            )
        if rows:
            raise CommandError(_("%(n)d 个存储文件损坏或缺失。") % {"n": len(rows)})
