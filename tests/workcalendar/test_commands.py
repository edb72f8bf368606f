from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hengyang_award.core.models import AuditLog
from hengyang_award.workcalendar.days import period_after
from hengyang_award.workcalendar.models import CalendarException, CalendarYear

GOOD_2031_CSV = """date,kind,name
2031-01-01,holiday,元旦
2031-01-04,workday,元旦
2031-03-03,holiday,测试假日
"""


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _exceptions(year: int) -> list[tuple[date, str, str, str]]:
    return list(
        CalendarException.objects.filter(date__year=year)
        .order_by("date")
        .values_list("date", "kind", "name", "notice")
    )


@pytest.mark.django_db
def test_working_days_before_national_day_prints_start_and_end():
    args = ("working_days", "--from", "2026-09-30", "--count", "5")

    output = _run(*args)

    assert output == "2026-10-08 2026-10-13\n"


@pytest.mark.django_db
def test_working_days_published_friday_prints_adjusted_sunday_start():
    args = ("working_days", "--from", "2026-09-18", "--count", "5")

    output = _run(*args)

    assert output == "2026-09-20 2026-09-24\n"


@pytest.mark.django_db
def test_working_days_unpublished_year_prints_provisional(unpublished_2031):
    args = ("working_days", "--from", "2031-03-02", "--count", "5")

    output = _run(*args)

    assert output == "2031-03-03 2031-03-07 provisional\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("from_date", "count", "message"),
    [
        pytest.param("2026-02-30", "5", "日期“2026-02-30”无效", id="impossible-date"),
        pytest.param("30/09/2026", "5", "日期“30/09/2026”无效", id="not-iso"),
        pytest.param("2026-09-30", "0", "工作日数必须至少为 1", id="zero-count"),
    ],
)
def test_working_days_bad_input_raises_command_error(from_date, count, message):
    args = ("working_days", "--from", from_date, "--count", count)

    with pytest.raises(CommandError, match=message):
        _run(*args)


@pytest.mark.django_db
def test_calendar_import_good_file_imports_and_publishes_year(unpublished_2031, write_csv):
    path = write_csv(GOOD_2031_CSV)

    output = _run("calendar_import", str(path), "--notice", "国办发明电〔2030〕9号")

    notice = "国办发明电〔2030〕9号"
    assert _exceptions(2031) == [
        (date(2031, 1, 1), "holiday", "元旦", notice),
        (date(2031, 1, 4), "workday", "元旦", notice),
        (date(2031, 3, 3), "holiday", "测试假日", notice),
    ]
    calendar_year = CalendarYear.objects.get(year=2031)
    assert (calendar_year.published, calendar_year.notice) == (True, notice)
    assert output == "2031 年已标记为已发布。\n导入 3 条，替换原有 0 条。\n"
    assert period_after(date(2031, 3, 2), n=1).days == (date(2031, 3, 4),)
    assert period_after(date(2031, 3, 2), n=1).provisional is False


@pytest.mark.django_db
def test_calendar_import_good_file_writes_one_audit_row(unpublished_2031, write_csv):
    path = write_csv(GOOD_2031_CSV)

    _run("calendar_import", str(path), "--notice", "国办发明电〔2030〕9号")

    assert list(AuditLog.objects.values_list("action", "actor", "detail")) == [
        (
            "workcalendar.import",
            None,
            {
                "years": [2031],
                "bridge_days": [],
                "created": 3,
                "deleted": 0,
                "notice": "国办发明电〔2030〕9号",
            },
        )
    ]


@pytest.mark.django_db
def test_calendar_import_published_year_replaces_its_exceptions_only(write_csv):
    count_2025 = CalendarException.objects.filter(date__year=2025).count()
    count_2026 = CalendarException.objects.filter(date__year=2026).count()
    path = write_csv("date,kind,name\n2026-10-01,holiday,国庆节\n2026-10-10,workday,国庆节\n")

    output = _run("calendar_import", str(path), "--notice", "更正")

    assert _exceptions(2026) == [
        (date(2026, 10, 1), "holiday", "国庆节", "更正"),
        (date(2026, 10, 10), "workday", "国庆节", "更正"),
    ]
    assert CalendarException.objects.filter(date__year=2025).count() == count_2025
    assert output.endswith(f"导入 2 条，替换原有 {count_2026} 条。\n")


@pytest.mark.django_db
def test_calendar_import_new_year_bridge_keeps_previous_year(write_csv):
    CalendarYear.objects.filter(year=2027).delete()
    before_2026 = _exceptions(2026)
    path = write_csv(
        "date,kind,name\n2026-12-31,holiday,元旦\n2027-01-01,holiday,元旦\n",
    )

    output = _run("calendar_import", str(path), "--notice", "国办发明电〔2026〕1号")

    assert _exceptions(2026) == [
        *before_2026,
        (date(2026, 12, 31), "holiday", "元旦", "国办发明电〔2026〕1号"),
    ]
    assert CalendarYear.objects.get(year=2026).notice != "国办发明电〔2026〕1号"
    assert CalendarYear.objects.get(year=2027).published is True
    assert "2026-12-31" in output


@pytest.mark.django_db
def test_calendar_import_gb18030_file_imports(unpublished_2031, write_csv):
    path = write_csv(GOOD_2031_CSV, encoding="gb18030")

    _run("calendar_import", str(path))

    assert [name for _day, _kind, name, _notice in _exceptions(2031)] == [
        "元旦",
        "元旦",
        "测试假日",
    ]


@pytest.mark.django_db
def test_calendar_import_one_bad_row_imports_nothing_and_names_row(unpublished_2031, write_csv):
    path = write_csv(
        "date,kind,name\n2031-01-01,holiday,元旦\n2031-01-05,holiday,周日\n2031-03-03,holiday,x\n"
    )

    with pytest.raises(CommandError) as raised:
        _run("calendar_import", str(path), "--notice", "国办发明电〔2030〕9号")

    assert "第 3 行：2031-01-05 是周末，本来就休息" in str(raised.value)
    assert "第 2 行" not in str(raised.value)
    assert _exceptions(2031) == []
    assert not CalendarYear.objects.filter(year=2031).exists()
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
def test_calendar_import_several_bad_rows_reports_each(unpublished_2031, write_csv):
    path = write_csv(
        "date,kind,name\n"
        "2031-02-30,holiday,坏日期\n"
        "2031-01-01,vacation,元旦\n"
        "\n"
        "2031-03-03,workday,周一\n"
        "2031-01-04,workday,元旦\n"
        "2031-01-04,workday,元旦\n"
    )

    with pytest.raises(CommandError) as raised:
        _run("calendar_import", str(path))

    message = str(raised.value)
    assert "第 2 行：日期“2031-02-30”无效" in message
    assert "第 3 行：类型“vacation”无效" in message
    assert "第 5 行：2031-03-03 是周一至周五，本来就上班" in message
    assert "第 7 行：日期 2031-01-04 与第 6 行重复" in message
    assert "第 4 行" not in message
    assert "第 6 行：" not in message
    assert _exceptions(2031) == []


@pytest.mark.django_db
def test_calendar_import_missing_kind_column_rejects_file(unpublished_2031, write_csv):
    path = write_csv("date,name\n2031-01-01,元旦\n")

    with pytest.raises(CommandError, match="缺少列：kind"):
        _run("calendar_import", str(path))

    assert _exceptions(2031) == []


@pytest.mark.django_db
def test_calendar_import_header_only_rejects_file(write_csv):
    path = write_csv("date,kind,name\n")

    with pytest.raises(CommandError, match="没有数据行"):
        _run("calendar_import", str(path))


@pytest.mark.django_db
def test_calendar_import_missing_file_raises_command_error(tmp_path):
    path = tmp_path / "absent.csv"

    with pytest.raises(CommandError, match="无法读取文件"):
        _run("calendar_import", str(path))
