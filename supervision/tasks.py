from celery import shared_task

from .services import certificate_render


@shared_task(
    name="pdf.render_certificate",
    autoretry_for=(Exception,),
    max_retries=3,
    retry_backoff=30,
    acks_late=True,
)
def render_certificate_task(certificate_id: int) -> int:
    return certificate_render(certificate_id).pk
