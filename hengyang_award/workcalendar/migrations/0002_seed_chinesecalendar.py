"""Seed the calendar with every year the installed `chinesecalendar` package knows.

Only days that differ from Monday–Friday become rows: a holiday on a weekday, an
adjusted working day on a weekend. Years already present with published=True are
left alone, so running this again (or after an administrator's import) changes
nothing."""

import datetime

from django.db import migrations

SEED_NOTICE = "国务院办公厅通知（chinesecalendar 数据）"
FIRST_YEAR = 2004
LAST_YEAR = 2030


def _year_exceptions(chinese_calendar, year):
    """[(date, kind, name)] for `year`, or None when the package lacks the year."""
    from chinese_calendar.constants import Holiday

    chinese_names = {holiday.value: holiday.chinese for holiday in Holiday}
    rows = []
    day = datetime.date(year, 1, 1)
    while day.year == year:
        try:
            is_holiday, name = chinese_calendar.get_holiday_detail(day)
        except (NotImplementedError, ValueError):
            return None
        weekend = day.weekday() >= 5
        if is_holiday and not weekend:
            rows.append((day, "holiday", chinese_names.get(name, name or "")))
        elif not is_holiday and weekend:
            rows.append((day, "workday", chinese_names.get(name, name or "")))
        day += datetime.timedelta(days=1)
    return rows


def seed(apps, schema_editor):
    import chinese_calendar

    CalendarYear = apps.get_model("workcalendar", "CalendarYear")
    CalendarException = apps.get_model("workcalendar", "CalendarException")
    db = schema_editor.connection.alias
    already = set(
        CalendarYear.objects.using(db).filter(published=True).values_list("year", flat=True)
    )
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        if year in already:
            continue
        rows = _year_exceptions(chinese_calendar, year)
        if rows is None:
            continue
        CalendarException.objects.using(db).bulk_create(
            [
                CalendarException(date=day, kind=kind, name=name, notice=SEED_NOTICE)
                for day, kind, name in rows
            ],
            ignore_conflicts=True,
        )
        CalendarYear.objects.using(db).update_or_create(
            year=year, defaults={"published": True, "notice": SEED_NOTICE}
        )


def unseed(apps, schema_editor):
    CalendarYear = apps.get_model("workcalendar", "CalendarYear")
    CalendarException = apps.get_model("workcalendar", "CalendarException")
    db = schema_editor.connection.alias
    CalendarException.objects.using(db).filter(notice=SEED_NOTICE).delete()
    CalendarYear.objects.using(db).filter(notice=SEED_NOTICE).delete()


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
