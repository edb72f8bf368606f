"""The reviewer pool's Excel import: every row checked first, all rows created
in one transaction or none. The sheet's format is `IMPORT_COLUMNS`."""

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hengyang_award.core.models import User
from hengyang_award.core.services import audit_log_write

from ...models import Reviewer
from .profiles import require_pool_perm, reviewer_fields_check

# The import sheet's header. The column names are the file format agreed with the
# office (the downloadable template carries them), not interface text: a sheet
# filled in under the English interface has the same header.
IMPORT_COLUMNS = (
    ("姓名", "name"),
    ("工作单位", "employer"),
    ("单位信用代码", "employer_credit_code"),
    ("职称", "title"),
    ("专业领域", "specialties"),
    ("熟悉行业", "industries"),
    ("质量工作年限", "years_in_quality"),
    ("资格证书", "qualifications"),
    ("电话", "phone"),
    ("邮箱", "email"),
)
IMPORT_MAX_ROWS = 1000
_COLUMN_OF_FIELD = {f: column for column, f in IMPORT_COLUMNS}


@dataclass(frozen=True)
class ImportRowError:
    """An error of the sheet: of a row (its number in the sheet, the header being
    row 1) and possibly of one column; or of the whole file (row None)."""

    row: int | None
    message: str
    column: str = ""

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return _("第%(row)d行“%(column)s”列：%(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("第%(row)d行：%(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ImportReport:
    created: list[Reviewer] = field(default_factory=list)
    errors: list[ImportRowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors if e.row is not None})


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_sheet(workbook_bytes: bytes) -> tuple[list[str], list[tuple[int, tuple]]]:
    """The header and the non-empty rows (with their sheet row numbers)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(workbook_bytes), read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [_cell_text(v) for v in next(rows, ())]
        body = [
            (number, row)
            for number, row in enumerate(rows, start=2)
            if any(_cell_text(v) for v in row)
        ]
    finally:
        book.close()
    return header, body


def _row_errors(row: int, errors: dict[str, list[str]]) -> list[ImportRowError]:
    return [
        ImportRowError(row, message, column=_COLUMN_OF_FIELD.get(key, ""))
        for key, messages in errors.items()
        for message in messages
    ]


@transaction.atomic
def reviewers_import(workbook_bytes: bytes, *, by: User) -> ImportReport:
    """Import reviewers from the first sheet of an .xlsx workbook. Every row is
    checked first; if any row has an error, nothing is imported and every error
    is reported with its row number."""
    require_pool_perm(by, "review.add_reviewer")
    try:
        header, body = _read_sheet(workbook_bytes)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError):
        return ImportReport(
            errors=[ImportRowError(None, _("无法读取该文件，请上传 .xlsx 格式的 Excel 工作簿。"))]
        )

    known = dict(IMPORT_COLUMNS)
    errors: list[ImportRowError] = []
    missing = [column for column in ("姓名", "工作单位") if column not in header]
    if missing:
        errors.append(
            ImportRowError(
                1, _("表头缺少必需的列：%(columns)s。") % {"columns": "、".join(missing)}
            )
        )
    unknown = [column for column in header if column and column not in known]
    if unknown:
        errors.append(
            ImportRowError(
                1,
                _("表头有无法识别的列：%(columns)s。请使用导入模板。")
                % {"columns": "、".join(unknown)},
            )
        )
    repeated = sorted({column for column in header if column and header.count(column) > 1})
    if repeated:
        errors.append(
            ImportRowError(1, _("表头有重复的列：%(columns)s。") % {"columns": "、".join(repeated)})
        )
    if not body:
        errors.append(ImportRowError(None, _("表格中没有评审员数据。")))
    if len(body) > IMPORT_MAX_ROWS:
        errors.append(
            ImportRowError(None, _("一次最多导入%(n)d行，请分批导入。") % {"n": IMPORT_MAX_ROWS})
        )
    if errors:
        return ImportReport(errors=errors)

    positions = {known[column]: i for i, column in enumerate(header) if column in known}
    checked: list[tuple[int, dict[str, Any]]] = []
    for number, row in body:
        raw = {
            name: (
                row[i]
                if name == "years_in_quality" and isinstance(row[i], int | float)
                else _cell_text(row[i])
            )
            if i < len(row)
            else ""
            for name, i in positions.items()
        }
        values, row_errors = reviewer_fields_check(raw, against_pool=False)
        errors.extend(_row_errors(number, row_errors))
        checked.append((number, values))

    # Duplicates: within the sheet, then against the pool (one query for all rows).
    first_row: dict[tuple[str, str], int] = {}
    for number, values in checked:
        key = (values["name"], values["employer"])
        if not all(key):
            continue
        if key in first_row:
            errors.append(
                ImportRowError(
                    number,
                    _("与第%(first)d行重复（姓名和工作单位相同）。") % {"first": first_row[key]},
                )
            )
        else:
            first_row[key] = number
    in_pool = set(
        Reviewer.objects.filter(name__in=[name for name, _employer in first_row]).values_list(
            "name", "employer"
        )
    )
    for key, number in first_row.items():
        if key in in_pool:
            errors.append(
                ImportRowError(
                    number,
                    _("专家库中已有同名且工作单位相同的评审员（%(name)s，%(employer)s）。")
                    % {"name": key[0], "employer": key[1]},
                )
            )
    if errors:
        errors.sort(key=lambda e: e.row or 0)
        return ImportReport(errors=errors)

    created = Reviewer.objects.bulk_create([Reviewer(**values) for _number, values in checked])
    audit_log_write(
        "reviewer.import",
        actor=by,
        count=len(created),
        reviewers=[r.pk for r in created],
    )
    return ImportReport(created=created)


def reviewers_import_template() -> bytes:
    """An empty import sheet with the header, for the office to fill in."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "评审员"
    sheet.append([column for column, _field in IMPORT_COLUMNS])
    for cell in sheet[1]:
        sheet.column_dimensions[cell.column_letter].width = 18
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
