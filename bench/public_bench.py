"""Public site benchmark (issue: publicity). Prints, in one run, the throughput of
public:home and public:notices (cached, and with the cache cleared before every
request) against a minimal view through the same middleware stack, measured
interleaved (A/B/C… in each round) and reported as medians.

Uses the Django test client against a throw-away PostgreSQL database created for
the run (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/hy_bench)
with one cycle and 30 published notices. Run: .venv/bin/python bench/public_bench.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hengyang_award.settings.test")
os.environ.setdefault("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hy_bench")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import include, path  # noqa: E402

ROUNDS = 30
PER_ROUND = 10
NOTICES = 30


def minimal(request):
    return HttpResponse("ok")


urlpatterns = [
    path("bench-minimal/", minimal),
    path("", include("hengyang_award.urls")),
]


def seed() -> None:
    from tests.factories import World
    from tests.reference_data import seed_reference_data

    seed_reference_data()
    from publicity.models import Notice
    from publicity.services import notice_draft, notice_make_public

    world = World()
    for i in range(NOTICES):
        notice = notice_draft(
            cycle=world.cycle,
            kind=Notice.Kind.ANNOUNCEMENT,
            title=f"关于衡阳市市长质量奖有关事项的公告（{i + 1}）",
            body={"paragraphs": ["现将有关事项公告如下。" * 5]},
            issuer="衡阳市人民政府",
            by=world.office,
        )
        notice_make_public(notice.pk, by=world.office)


def timed(client: Client, url: str, *, clear: bool) -> float:
    start = time.perf_counter()
    for _ in range(PER_ROUND):
        if clear:
            cache.clear()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return (time.perf_counter() - start) / PER_ROUND


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        seed()
        client = Client()
        cases = {
            "minimal view": ("/bench-minimal/", False),
            "public:home (cached)": ("/public/", False),
            "public:notices (cached)": ("/public/notices/", False),
            "public:home (cache cleared)": ("/public/", True),
            "public:notices (cache cleared)": ("/public/notices/", True),
        }
        samples: dict[str, list[float]] = {name: [] for name in cases}
        with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
            for url, clear in cases.values():  # warm-up
                timed(client, url, clear=clear)
            for round_no in range(ROUNDS):
                order = list(cases.items())
                if round_no % 2:
                    order.reverse()
                for name, (url, clear) in order:
                    samples[name].append(timed(client, url, clear=clear))
        base = statistics.median(samples["minimal view"])
        print(f"{ROUNDS} interleaved rounds x {PER_ROUND} requests, Django test client")
        print(f"{'page':34} {'median ms':>10} {'req/s':>8} {'x minimal':>10}")
        for name, values in samples.items():
            median = statistics.median(values)
            print(f"{name:34} {median * 1000:10.2f} {1 / median:8.0f} {median / base:10.1f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
