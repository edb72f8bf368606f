import csv
import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from hengyang_award.workcalendar.services import CalendarImportError, calendar_import_rows


class Command(BaseCommand):
    help = (
        "导入国务院办公厅的年度放假安排。CSV 表头为 date,kind,name，kind 为 holiday"
        "（法定节假日休息，仅限周一至周五）或 workday（调休上班，仅限周末）。"
        "文件涉及的年度原有的调整全部替换，并标记为已发布；任何一行有误则全部不导入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="CSV 文件路径（UTF-8 或 GB18030 编码）。")
        parser.add_argument(
            "--notice", default="", help="依据的通知文号，如“国办发明电〔2025〕7号”。"
        )

    def handle(self, *args, path: Path, notice: str, **options) -> None:
        rows = _read_rows(path)

        try:
            report = calendar_import_rows(rows, notice=notice)
        except CalendarImportError as rejected:
            raise CommandError(
                _("文件有误，未导入任何数据：\n%(errors)s") % {"errors": str(rejected)}
            ) from None

        for year in report.years:
            self.stdout.write(_("%(year)d 年已标记为已发布。") % {"year": year})
        if report.bridge_days:
            self.stdout.write(
                _("上一年末的调整日：%(days)s。")
                % {"days": "、".join(day.isoformat() for day in report.bridge_days)}
            )
        self.stdout.write(
            _("导入 %(created)d 条，替换原有 %(deleted)d 条。")
            % {"created": report.created, "deleted": report.deleted}
        )


def _read_rows(path: Path) -> list[dict[str | None, object]]:
    """The rows as `csv.DictReader` would give them, except that blank lines are
    kept (as empty rows) so that row numbers match the file's lines."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CommandError(
            _("无法读取文件 %(path)s：%(error)s") % {"path": path, "error": error.strerror}
        ) from None
    # Spreadsheets on Chinese Windows save CSV in GB18030 (GBK) unless told otherwise.
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise CommandError(_("文件编码无法识别，请另存为 UTF-8 编码的 CSV。")) from None
    records = csv.reader(io.StringIO(text, newline=""))
    header = [column.strip().lower() for column in next(records, [])]
    rows: list[dict[str | None, object]] = []
    for record in records:
        row: dict[str | None, object] = dict.fromkeys(header)
        row.update(zip(header, record, strict=False))
        if len(record) > len(header):
            row[None] = record[len(header) :]
        rows.append(row)
    return rows
