"""The public pages' cache: fragments keyed by language and a version number that
every publication bumps, so a new notice shows at once; entries also expire."""

from hengyang_award.core.pagecache import cache_version, cache_version_bump

VERSION_KEY = "public:version"
# Seconds a cached public fragment lives even without a publication (the cycle's
# dates can change without one).
FRAGMENT_TIMEOUT = 300


def public_cache_version() -> int:
    return cache_version(VERSION_KEY)


def public_cache_bump() -> None:
    cache_version_bump(VERSION_KEY)
