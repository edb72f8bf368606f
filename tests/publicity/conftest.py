import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_public_cache():
    """The public pages' cache is per process; each test starts without it."""
    cache.clear()
    yield
    cache.clear()
