"""The public pages' cache: fragments keyed by language and a version number that
every publication bumps, so a new notice shows at once; entries also expire."""

from django.core.cache import cache

VERSION_KEY = "public:version"
# Seconds a cached public fragment lives even without a publication (the cycle's
# dates can change without one).
FRAGMENT_TIMEOUT = 300


def public_cache_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return int(version)


def public_cache_bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)
