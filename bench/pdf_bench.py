"""PDF benchmark (issue: PDF engine). Prints, in one run:

1. warm render time of one certificate vs a trivial Latin one-page PDF, same process
   (medians of repeated renders, and their ratio);
2. 100 certificates through the "pdf" queue on a real Celery worker started as
   the deployed one (prefork, WORKER_CONCURRENCY processes — 2, the default of
   docker/entrypoint.sh — and --max-tasks-per-child 50): wall time and the
   worker's peak memory, parent and children together.

Needs Redis (default redis://127.0.0.1:6379/14). Run: .venv/bin/python bench/pdf_bench.py
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hengyang_award.settings.dev")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "False"

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402

from bench.tasks import DONE_KEY, bench_certificate_task  # noqa: E402
from hengyang_award.pdf import certificate_context, render_html_pdf, render_template_pdf  # noqa: E402

REPEAT = 15
BATCH = 100
# The deployed worker's processes (docker/entrypoint.sh: WORKER_CONCURRENCY, default 2).
CONCURRENCY = os.environ.get("WORKER_CONCURRENCY", "2")


def median_seconds(fn, repeat: int) -> float:
    fn()  # warm-up: fonts, fontconfig, template loading
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def single_render() -> tuple[float, float]:
    context = certificate_context(
        recipient="衡阳特变电工有限公司",
        cycle_number=3,
        number="HYMQA-2026-003",
        verify_url="https://award.example/verify/HYMQA-2026-003",
        issued_on="2026年11月27日",
    )
    certificate = median_seconds(
        lambda: render_template_pdf("pdf/certificate.html", context), REPEAT
    )
    latin = median_seconds(
        lambda: render_html_pdf("<html><body><p>Hello, world.</p></body></html>"), REPEAT
    )
    return certificate, latin


def batch_through_queue() -> tuple[float, int, int]:
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hengyang_award",
            "worker",
            "-Q",
            "pdf",
            "-c",
            CONCURRENCY,
            "--max-tasks-per-child",
            "50",
            "-I",
            "bench.tasks",
            "-l",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not children(worker.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)
        peak_process = peak_total = 0
        start = time.perf_counter()
        for i in range(BATCH):
            bench_certificate_task.apply_async(args=[i], queue="pdf")
        deadline = time.monotonic() + 600
        while int(client.get(DONE_KEY) or 0) < BATCH and time.monotonic() < deadline:
            pids = [worker.pid, *children(worker.pid)]
            sizes = [rss_kib(p) for p in pids]
            peak_process = max(peak_process, *sizes)
            peak_total = max(peak_total, sum(sizes))
            time.sleep(0.05)
        wall = time.perf_counter() - start
        done = int(client.get(DONE_KEY) or 0)
        if done < BATCH:
            raise SystemExit(f"only {done} of {BATCH} certificates rendered")
        return wall, peak_process, peak_total
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        client.flushdb()


def main() -> None:
    certificate, latin = single_render()
    print(f"certificate (A4 landscape, Chinese, QR) warm render: {certificate:.3f} s", end="")
    print(f" (median of {REPEAT})")
    print(f"trivial Latin one-page PDF warm render:             {latin:.3f} s (median of {REPEAT})")
    print(f"ratio certificate / trivial:                        {certificate / latin:.1f}x")
    print(f"goal: certificate <= 0.3 s -> {'met' if certificate <= 0.3 else 'NOT met'}")
    wall, peak_process, peak_total = batch_through_queue()
    print(
        f"{BATCH} certificates through the pdf queue ({CONCURRENCY} worker processes): "
        f"{wall:.1f} s "
        f"({wall / BATCH:.3f} s each)"
    )
    print(
        f"worker peak RSS: largest process {peak_process / 1024:.0f} MiB, "
        f"parent + children {peak_total / 1024:.0f} MiB"
    )
    print(
        f"goal: <= 30 s and < 1 GiB -> "
        f"{'met' if wall <= 30 and peak_total < 1024 * 1024 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
