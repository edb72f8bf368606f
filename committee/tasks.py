from celery import shared_task

from .services import minutes_render


@shared_task(
    name="committee.render_minutes",
    autoretry_for=(Exception,),
    max_retries=3,
    retry_backoff=30,
    acks_late=True,
)
def render_minutes_task(meeting_id: int) -> int:
    return minutes_render(meeting_id).pk
