"""Working-day arithmetic on the official calendar.

A working day is Monday–Friday, minus holiday exceptions, plus adjusted working
days. Exceptions only count in published years; a year that is not published is
computed as plain Monday–Friday, and every result that depends on such a year
says so through `provisional`, so a deadline is never guessed silently."""

from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

from .models import CalendarException, CalendarYear

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class WorkingDayResult:
    day: date
    provisional: bool


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    days: tuple[date, ...]
    provisional: bool


def is_working_day(day: date) -> bool:
    _check_date(day)
    published = _published_years()
    return _is_working(day, exceptions=_exceptions_between(day, day), published=published)


def is_published(year: int) -> bool:
    return CalendarYear.objects.filter(year=year, published=True).exists()


def add_working_days(day: date, *, n: int) -> WorkingDayResult:
    """The n-th working day strictly after `day` (n ≥ 1)."""
    period = period_after(day, n=n)
    return WorkingDayResult(day=period.end, provisional=period.provisional)


def count_working_days(start: date, *, end: date) -> int:
    """Working days from `start` to `end`, both included; 0 when `end` < `start`."""
    _check_date(start)
    _check_date(end)
    if end < start:
        return 0
    published = _published_years()
    exceptions = _exceptions_between(start, end)
    return sum(
        _is_working(start + timedelta(days=i), exceptions=exceptions, published=published)
        for i in range((end - start).days + 1)
    )


def period_after(day: date, *, n: int) -> Period:
    """The `n` working days starting on the first working day after `day`."""
    _check_date(day)
    if n < 1:
        raise ValueError(_("工作日数必须至少为 1。"))
    published = _published_years()
    # Wide enough for the longest holiday (Spring Festival, 9 days) in one query;
    # extended only if a pathological calendar needs more.
    window = timedelta(days=n * 3 + 30)
    loaded_until = day + window
    exceptions = _exceptions_between(day + ONE_DAY, loaded_until)
    found: list[date] = []
    current = day
    while len(found) < n:
        current += ONE_DAY
        if current > loaded_until:
            exceptions |= _exceptions_between(current, loaded_until + window)
            loaded_until += window
        if _is_working(current, exceptions=exceptions, published=published):
            found.append(current)
    first_examined = day + ONE_DAY
    provisional = any(
        year not in published for year in range(first_examined.year, current.year + 1)
    )
    return Period(start=found[0], end=found[-1], days=tuple(found), provisional=provisional)


class WorkingCalendar:
    """The calendar loaded once for a range of dates, for computing many deadlines
    without a query each (lists, the deadline scan). Dates outside the loaded range
    are loaded on demand."""

    def __init__(self, start: date, end: date) -> None:
        self.published = _published_years()
        self.start, self.end = start, end
        self.exceptions = _exceptions_between(start, end)

    def _ensure(self, day: date) -> None:
        if day < self.start:
            self.exceptions |= _exceptions_between(day - timedelta(days=60), self.start)
            self.start = day - timedelta(days=60)
        elif day > self.end:
            self.exceptions |= _exceptions_between(self.end, day + timedelta(days=60))
            self.end = day + timedelta(days=60)

    def is_working(self, day: date) -> bool:
        self._ensure(day)
        return _is_working(day, exceptions=self.exceptions, published=self.published)

    def add(self, day: date, *, n: int) -> WorkingDayResult:
        """The n-th working day strictly after `day`."""
        current, found = day, 0
        while found < n:
            current += ONE_DAY
            found += self.is_working(current)
        provisional = any(y not in self.published for y in range(day.year, current.year + 1))
        return WorkingDayResult(day=current, provisional=provisional)

    def count(self, start: date, *, end: date) -> int:
        """Working days from `start` to `end`, both included."""
        return sum(
            self.is_working(start + timedelta(days=i)) for i in range((end - start).days + 1)
        )


def _check_date(value: date) -> None:
    # A datetime is a date subclass whose comparisons with dates fail late and
    # obscurely; callers must pass timezone.localdate() or a date.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"expected a datetime.date, got {type(value).__name__}")


def _published_years() -> frozenset[int]:
    return frozenset(CalendarYear.objects.filter(published=True).values_list("year", flat=True))


def _exceptions_between(start: date, end: date) -> dict[date, str]:
    return dict(
        CalendarException.objects.filter(date__range=(start, end)).values_list("date", "kind")
    )


def _is_working(day: date, *, exceptions: Mapping[date, str], published: Container[int]) -> bool:
    if day.year in published:
        kind = exceptions.get(day)
        if kind == CalendarException.Kind.HOLIDAY:
            return False
        if kind == CalendarException.Kind.WORKDAY:
            return True
    return day.weekday() < 5
