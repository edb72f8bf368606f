"""Every write on the working-day calendar."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from hengyang_award.core.models import User
from hengyang_award.core.services import audit_log_write

from .days import is_published
from .models import CalendarException, CalendarYear

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_REQUIRED_COLUMNS = ("date", "kind")


@dataclass(frozen=True)
class RowError:
    row: int | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("第 %(row)d 行：%(message)s") % {"row": self.row, "message": self.message}


class CalendarImportError(Exception):
    """The file was refused as a whole; nothing was written."""

    def __init__(self, errors: Iterable[RowError]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass(frozen=True)
class ImportReport:
    years: tuple[int, ...]
    bridge_days: tuple[date, ...]
    created: int
    deleted: int
    notice: str


@dataclass(frozen=True)
class _Row:
    number: int
    date: date
    kind: str
    name: str


def calendar_import_rows(
    rows: Iterable[Mapping[str | None, object]], *, notice: str, by: User | None = None
) -> ImportReport:
    """Replace whole years of the calendar with `rows` (mappings with the keys
    `date`, `kind` and optionally `name`, as `csv.DictReader` yields them).

    Every row is checked first and any error rejects the whole file. Row numbers
    count the header as row 1, as a spreadsheet shows them; rows whose cells are all
    empty are skipped but counted.

    A notice for year Y can reach back into the last days of Y-1 (the 2019 notice
    moved 2018-12-29 and 2018-12-31). Rows of a year that are all in December while
    the next year is in the file too are such bridge days: they are written one by
    one, and that earlier year is neither cleared nor marked published."""
    notice = notice.strip()
    parsed, errors = _parse_rows(rows)
    if len(notice) > CalendarYear._meta.get_field("notice").max_length:
        errors.append(RowError(None, _("通知文号过长。")))
    if not errors and not parsed:
        errors.append(RowError(None, _("文件中没有数据行。")))
    if errors:
        raise CalendarImportError(errors)

    years = sorted({row.date.year for row in parsed})
    bridge_years = {
        year
        for year in years
        if year + 1 in years
        and all(row.date.month == 12 for row in parsed if row.date.year == year)
    }
    replaced_years = tuple(year for year in years if year not in bridge_years)
    bridge_days = tuple(row.date for row in parsed if row.date.year in bridge_years)
    return _write(
        parsed,
        replaced_years=replaced_years,
        bridge_days=bridge_days,
        notice=notice,
        by=by,
    )


@transaction.atomic
def _write(
    parsed: list[_Row],
    *,
    replaced_years: tuple[int, ...],
    bridge_days: tuple[date, ...],
    notice: str,
    by: User | None,
) -> ImportReport:
    deleted = 0
    for year in replaced_years:
        deleted += CalendarException.objects.filter(date__year=year).delete()[0]
    deleted += CalendarException.objects.filter(date__in=bridge_days).delete()[0]
    created = CalendarException.objects.bulk_create(
        CalendarException(date=row.date, kind=row.kind, name=row.name, notice=notice)
        for row in parsed
    )
    for year in replaced_years:
        CalendarYear.objects.update_or_create(
            year=year, defaults={"published": True, "notice": notice}
        )
    report = ImportReport(
        years=replaced_years,
        bridge_days=bridge_days,
        created=len(created),
        deleted=deleted,
        notice=notice,
    )
    audit_log_write(
        "workcalendar.import",
        actor=by,
        years=list(report.years),
        bridge_days=[day.isoformat() for day in report.bridge_days],
        created=report.created,
        deleted=report.deleted,
        notice=report.notice,
    )
    return report


def _parse_rows(rows: Iterable[Mapping[str | None, object]]) -> tuple[list[_Row], list[RowError]]:
    parsed: list[_Row] = []
    errors: list[RowError] = []
    first_row_of: dict[date, int] = {}
    name_max = CalendarException._meta.get_field("name").max_length
    for number, row in enumerate(rows, start=2):
        if number == 2:
            missing = [column for column in _REQUIRED_COLUMNS if column not in row]
            if missing:
                message = _("缺少列：%(columns)s（表头应为 date,kind,name）。") % {
                    "columns": ", ".join(missing)
                }
                return [], [RowError(1, message)]
        cells = {key: _cell(value) for key, value in row.items()}
        if not any(cells.values()):
            continue
        row_errors: list[str] = []
        if cells.get(None):
            row_errors.append(_("列数多于表头，名称中有逗号时请用英文双引号括起。"))
        day = _parse_date(cells.get("date", ""))
        if day is None:
            row_errors.append(
                _("日期“%(value)s”无效，应为 YYYY-MM-DD 格式的日期。")
                % {"value": cells.get("date", "")}
            )
        kind = cells.get("kind", "").lower()
        if kind not in CalendarException.Kind.values:
            row_errors.append(
                _("类型“%(value)s”无效，应为 holiday（法定节假日休息）或 workday（调休上班）。")
                % {"value": cells.get("kind", "")}
            )
        name = cells.get("name", "")
        if len(name) > name_max:
            row_errors.append(_("节日名称不能超过 %(max)d 个字符。") % {"max": name_max})
        if day is not None:
            row_errors.extend(_weekday_errors(day, kind))
            if day in first_row_of:
                row_errors.append(
                    _("日期 %(date)s 与第 %(row)d 行重复。")
                    % {"date": day.isoformat(), "row": first_row_of[day]}
                )
            else:
                first_row_of[day] = number
        if row_errors or day is None:
            errors.extend(RowError(number, message) for message in row_errors)
        else:
            parsed.append(_Row(number=number, date=day, kind=kind, name=name))
    return parsed, errors


def _cell(value: object) -> str:
    if isinstance(value, list):  # csv.DictReader puts surplus cells in a list
        return ",".join(str(item) for item in value).strip()
    return "" if value is None else str(value).strip()


def _parse_date(text: str) -> date | None:
    if not _DATE_RE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _weekday_errors(day: date, kind: str) -> list[str]:
    weekend = day.weekday() >= 5
    if kind == CalendarException.Kind.HOLIDAY and weekend:
        return [
            _("%(date)s 是周末，本来就休息，不应列为法定节假日，请删除此行。")
            % {"date": day.isoformat()}
        ]
    if kind == CalendarException.Kind.WORKDAY and not weekend:
        return [
            _("%(date)s 是周一至周五，本来就上班，不应列为调休上班，请删除此行。")
            % {"date": day.isoformat()}
        ]
    return []


# Reminded from November on: the State Council publishes next year's arrangement
# in November, and deadlines computed for that year are provisional until entered.
REMIND_FROM_MONTH = 11


def calendar_next_year_check(*, today: date | None = None) -> bool:
    """Remind the review office (once a year) to enter next year's calendar.
    Returns True when a reminder was sent."""
    from django.contrib.auth.models import Group
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext_lazy

    from hengyang_award.core.roles import Role
    from hengyang_award.notifications.services import notify

    today = today or timezone.localdate()
    year = today.year + 1
    if today.month < REMIND_FROM_MONTH or is_published(year):
        return False
    office = Group.objects.get(name=Role.OFFICE_STAFF).user_set.filter(is_active=True)
    created = notify(
        office,
        kind="calendar.next_year",
        dedupe_key=f"calendar-next-year:{year}",
        subject=gettext_lazy("请录入%(year)s年节假日安排"),
        body=gettext_lazy(
            "%(year)s年的节假日和调休安排尚未录入工作日历，该年度的截止日期和公示期目前均为暂定。"
            "国务院办公厅发布通知后，请在“工作日历”中导入。"
        ),
        params={"year": year},
        link=reverse("workcalendar:calendar"),
    )
    return bool(created)


@transaction.atomic
def calendar_exception_save(
    *, by: User, day: date, kind: str, name: str = "", notice: str = ""
) -> CalendarException:
    """Add or change the exception of one day (the office's correction by hand)."""
    exception = CalendarException.objects.filter(date=day).first() or CalendarException(date=day)
    before = (exception.kind, exception.name) if exception.pk else None
    exception.kind, exception.name, exception.notice = kind, name.strip(), notice.strip()
    exception.full_clean()
    exception.save()
    audit_log_write(
        "calendar.exception_save",
        actor=by,
        obj=exception,
        date=day.isoformat(),
        kind=kind,
        before=list(before) if before else None,
    )
    return exception


@transaction.atomic
def calendar_exception_delete(*, by: User, day: date) -> None:
    deleted, _rows = CalendarException.objects.filter(date=day).delete()
    if deleted:
        audit_log_write("calendar.exception_delete", actor=by, date=day.isoformat())


@transaction.atomic
def calendar_year_set_published(
    *, by: User, year: int, published: bool, notice: str
) -> CalendarYear:
    entry, _created = CalendarYear.objects.get_or_create(year=year)
    entry.published, entry.notice = published, notice.strip()
    entry.full_clean()
    entry.save()
    audit_log_write("calendar.year_published", actor=by, obj=entry, year=year, published=published)
    return entry
