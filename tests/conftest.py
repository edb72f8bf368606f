from pathlib import Path

import pytest

from tests.factories import World, make_cycle
from tests.reference_data import seed_reference_data


@pytest.fixture
def world(db) -> World:
    return World()


@pytest.fixture
def cycle(db):
    return make_cycle()


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    """Transactional tests (real commits, live server) start from a flushed
    database: put the migrations' reference data back first."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        seed_reference_data()


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & fixtures
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, put the reference data back: with
    whole modules per worker, other modules' tests follow on the same database."""
    yield
    if _transactional(item) and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            seed_reference_data()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cache (public pages) is per process: each test starts without it."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _file_store_per_worker(request):
    """One file store per xdist worker: their databases are separate, so are their
    case ids, and the files of case 1 in one worker must not meet case 1 of
    another's (set before any file is stored)."""
    from django.conf import settings

    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    settings.MEDIA_ROOT = Path(settings.MEDIA_ROOT) / worker
