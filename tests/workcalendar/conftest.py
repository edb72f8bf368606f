from collections.abc import Callable
from pathlib import Path

import pytest

from hengyang_award.workcalendar.models import CalendarException, CalendarYear


@pytest.fixture
def unpublished_2031() -> int:
    """2031 is beyond every State Council notice: no year row, no exceptions."""
    CalendarYear.objects.filter(year=2031).delete()
    CalendarException.objects.filter(date__year=2031).delete()
    return 2031


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(text: str, *, encoding: str = "utf-8", name: str = "calendar.csv") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write
