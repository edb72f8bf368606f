"""Celery wrappers of the review app: ids in, a service called."""

from celery import shared_task

from .services.complaints import complaint_outcome_mail


@shared_task(
    name="review.complaint_outcome_mail",
    autoretry_for=(Exception,),
    max_retries=5,
    retry_backoff=60,
    acks_late=True,
)
def complaint_outcome_mail_task(complaint_id: int) -> bool:
    return complaint_outcome_mail(complaint_id)
