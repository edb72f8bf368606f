"""Benchmark-only task, loaded into a worker with `-I bench.tasks`: renders one
certificate through the real PDF engine and counts completions in Redis."""

import redis
from celery import shared_task
from django.conf import settings

from hengyang_award.pdf import certificate_context, render_template_pdf

DONE_KEY = "bench:pdf:done"


@shared_task(name="pdf.bench_certificate", acks_late=True)
def bench_certificate_task(index: int) -> int:
    number = f"HYMQA-BENCH-{index:04d}"
    context = certificate_context(
        recipient=f"衡阳基准测试第{index}号有限公司",
        cycle_number=3,
        number=number,
        verify_url=f"https://award.example/verify/{number}",
        issued_on="2026年11月27日",
    )
    size = len(render_template_pdf("pdf/certificate.html", context))
    redis.Redis.from_url(settings.REDIS_URL).incr(DONE_KEY)
    return size
