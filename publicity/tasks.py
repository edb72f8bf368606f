from celery import shared_task

from .services import notice_render, objection_outcome_mail


@shared_task(
    name="pdf.render_notice",
    autoretry_for=(Exception,),
    max_retries=3,
    retry_backoff=30,
    acks_late=True,
)
def render_notice_task(notice_id: int) -> int:
    return notice_render(notice_id).pk


@shared_task(
    name="publicity.objection_outcome_mail",
    autoretry_for=(Exception,),
    max_retries=5,
    retry_backoff=60,
    acks_late=True,
)
def objection_outcome_mail_task(objection_id: int) -> bool:
    return objection_outcome_mail(objection_id)
