from datetime import date, datetime, timedelta

import holidays
import pytest

from hengyang_award.workcalendar.days import (
    Period,
    WorkingDayResult,
    add_working_days,
    count_working_days,
    is_published,
    is_working_day,
    period_after,
)
from hengyang_award.workcalendar.models import CalendarException, CalendarYear


def _days(first: str, last: str) -> list[date]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# DOMAIN.md, "Working days": the State Council arrangements for 2025 and 2026.
DOMAIN_DAYS_OFF = [
    *_days("2025-01-01", "2025-01-01"),
    *_days("2025-01-28", "2025-02-04"),
    *_days("2025-04-04", "2025-04-06"),
    *_days("2025-05-01", "2025-05-05"),
    *_days("2025-05-31", "2025-06-02"),
    *_days("2025-10-01", "2025-10-08"),
    *_days("2026-01-01", "2026-01-03"),
    *_days("2026-02-15", "2026-02-23"),
    *_days("2026-04-04", "2026-04-06"),
    *_days("2026-05-01", "2026-05-05"),
    *_days("2026-06-19", "2026-06-21"),
    *_days("2026-09-25", "2026-09-27"),
    *_days("2026-10-01", "2026-10-07"),
]
DOMAIN_WORKING_WEEKEND_DAYS = [
    date.fromisoformat(day)
    for day in (
        "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
        "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
    )
]  # fmt: skip


@pytest.mark.django_db
def test_period_after_published_friday_2026_09_18_ends_thursday_09_24():
    published_on = date(2026, 9, 18)

    period = period_after(published_on, n=5)

    assert period == Period(
        start=date(2026, 9, 20),
        end=date(2026, 9, 24),
        days=(
            date(2026, 9, 20),
            date(2026, 9, 21),
            date(2026, 9, 22),
            date(2026, 9, 23),
            date(2026, 9, 24),
        ),
        provisional=False,
    )


@pytest.mark.django_db
def test_period_after_published_before_national_day_2026_09_30_ends_10_13():
    published_on = date(2026, 9, 30)

    period = period_after(published_on, n=5)

    assert period == Period(
        start=date(2026, 10, 8),
        end=date(2026, 10, 13),
        days=(
            date(2026, 10, 8),
            date(2026, 10, 9),
            date(2026, 10, 10),
            date(2026, 10, 12),
            date(2026, 10, 13),
        ),
        provisional=False,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2026, 10, 1), False, id="national-day-thursday"),
        pytest.param(date(2026, 2, 17), False, id="spring-festival-tuesday"),
        pytest.param(date(2025, 1, 1), False, id="new-year-2025-wednesday"),
        pytest.param(date(2026, 10, 3), False, id="weekend-inside-national-day"),
        pytest.param(date(2026, 10, 10), True, id="adjusted-saturday"),
        pytest.param(date(2026, 9, 20), True, id="adjusted-sunday"),
        pytest.param(date(2025, 1, 26), True, id="adjusted-sunday-2025"),
        pytest.param(date(2026, 3, 10), True, id="ordinary-tuesday"),
        pytest.param(date(2026, 3, 7), False, id="ordinary-saturday"),
        pytest.param(date(2026, 3, 8), False, id="ordinary-sunday"),
    ],
)
def test_is_working_day_official_calendar_matches(day, expected):
    result = is_working_day(day)

    assert result is expected


@pytest.mark.django_db
def test_is_working_day_domain_days_off_2025_2026_none_working():
    days_off = DOMAIN_DAYS_OFF

    working = [day for day in days_off if is_working_day(day)]

    assert working == []


@pytest.mark.django_db
def test_is_working_day_domain_working_weekend_days_2025_2026_all_working():
    weekend_days = DOMAIN_WORKING_WEEKEND_DAYS

    not_working = [day for day in weekend_days if not is_working_day(day)]

    assert not_working == []


@pytest.mark.django_db
def test_is_working_day_holidays_package_weekday_holidays_2025_2026_none_working():
    # The holidays package lacks some adjusted working days, so only this
    # direction is checked against it.
    listed = holidays.China(years=[2025, 2026])
    weekday_holidays = sorted(day for day in listed if day.weekday() < 5)

    working = [day for day in weekday_holidays if is_working_day(day)]

    assert weekday_holidays
    assert working == []


@pytest.mark.django_db
def test_is_working_day_unpublished_year_ignores_stray_exception(unpublished_2031):
    CalendarYear.objects.create(year=unpublished_2031, published=False)
    CalendarException.objects.create(date=date(2031, 3, 3), kind="holiday", name="草稿")

    result = is_working_day(date(2031, 3, 3))

    assert result is True


@pytest.mark.django_db
def test_is_working_day_datetime_given_raises_type_error():
    moment = datetime(2026, 10, 8, 9, 0)  # noqa: DTZ001

    with pytest.raises(TypeError):
        is_working_day(moment)


@pytest.mark.django_db
def test_is_published_seeded_and_future_years_distinguished(unpublished_2031):
    years = (2004, 2025, 2026, unpublished_2031)

    result = [is_published(year) for year in years]

    assert result == [True, True, True, False]


@pytest.mark.django_db
def test_count_working_days_october_2026_counts_eighteen():
    start, end = date(2026, 10, 1), date(2026, 10, 31)

    result = count_working_days(start, end=end)

    assert result == 18


@pytest.mark.django_db
def test_count_working_days_single_adjusted_saturday_counts_one():
    day = date(2026, 10, 10)

    result = count_working_days(day, end=day)

    assert result == 1


@pytest.mark.django_db
def test_count_working_days_end_before_start_counts_zero():
    start, end = date(2026, 10, 13), date(2026, 10, 8)

    result = count_working_days(start, end=end)

    assert result == 0


@pytest.mark.django_db
def test_add_working_days_before_national_day_returns_end_of_period():
    day = date(2026, 9, 30)

    result = add_working_days(day, n=5)

    assert result == WorkingDayResult(day=date(2026, 10, 13), provisional=False)


@pytest.mark.django_db
@pytest.mark.parametrize("n", [0, -1])
def test_add_working_days_n_below_one_raises_value_error(n):
    day = date(2026, 9, 30)

    with pytest.raises(ValueError, match="至少为 1"):
        add_working_days(day, n=n)


@pytest.mark.django_db
def test_period_after_unpublished_year_is_plain_weekdays_and_provisional(unpublished_2031):
    sunday = date(2031, 3, 2)

    period = period_after(sunday, n=5)

    assert period == Period(
        start=date(2031, 3, 3),
        end=date(2031, 3, 7),
        days=tuple(date(2031, 3, d) for d in range(3, 8)),
        provisional=True,
    )


@pytest.mark.django_db
def test_period_after_crossing_into_unpublished_2027_is_provisional():
    CalendarYear.objects.filter(year=2027).update(published=False)
    monday = date(2026, 12, 28)

    period = period_after(monday, n=5)

    assert period == Period(
        start=date(2026, 12, 29),
        end=date(2027, 1, 4),
        days=(
            date(2026, 12, 29),
            date(2026, 12, 30),
            date(2026, 12, 31),
            date(2027, 1, 1),
            date(2027, 1, 4),
        ),
        provisional=True,
    )


@pytest.mark.django_db
def test_period_after_ending_before_unpublished_year_is_not_provisional():
    CalendarYear.objects.filter(year=2027).update(published=False)
    thursday = date(2026, 12, 24)

    period = period_after(thursday, n=3)

    assert period.days == (date(2026, 12, 25), date(2026, 12, 28), date(2026, 12, 29))
    assert period.provisional is False


@pytest.mark.django_db
def test_period_after_holidays_longer_than_first_window_extends_lookup():
    CalendarYear.objects.update_or_create(year=2040, defaults={"published": True})
    weekdays = [day for day in _days("2040-01-02", "2040-03-30") if day.weekday() < 5]
    CalendarException.objects.bulk_create(
        CalendarException(date=day, kind="holiday", name="测试") for day in weekdays
    )

    period = period_after(date(2040, 1, 1), n=1)

    assert period.days == (date(2040, 4, 2),)
    assert period.provisional is False


@pytest.mark.django_db
def test_period_after_long_period_issues_bounded_queries(django_assert_max_num_queries):
    day = date(2026, 1, 30)

    with django_assert_max_num_queries(3):
        period = period_after(day, n=60)

    assert period.provisional is False
    assert len(period.days) == 60


@pytest.mark.django_db
def test_period_after_datetime_given_raises_type_error():
    moment = datetime(2026, 9, 30, 17, 0)  # noqa: DTZ001

    with pytest.raises(TypeError):
        period_after(moment, n=5)
