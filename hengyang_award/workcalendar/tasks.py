from celery import shared_task

from .services import calendar_next_year_check


@shared_task(name="workcalendar.next_year_check")
def next_year_check_task() -> bool:
    return calendar_next_year_check()
