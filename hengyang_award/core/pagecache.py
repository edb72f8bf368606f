"""Whole public pages from the cache (PF-4): an anonymous GET of a public page is
answered with the page as rendered before, for the same language, day and data
stamp, without running the view.

A page is stored only when it is the same for every visitor: a 200 answer, not
streamed, to a request without pending messages, whose rendering did not ask
for a CSRF token (a page with a form that posts carries the visitor's token
and is never stored). The language switch needs no token (docs/decisions/0010),
so the public pages' header does not prevent it. What the view set on the
answer (content type, Cache-Control) is stored with it; the middleware adds
its headers to a cached answer as to any other."""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

# Seconds a stored page lives when its stamp does not change (cycle dates and
# office contacts change without one).
PAGE_TIMEOUT = 300


def cache_version(key: str) -> int:
    """A counter in the cache that a change of some data bumps: part of the keys
    of everything cached from that data."""
    version = cache.get(key)
    if version is None:
        cache.add(key, 1, timeout=None)
        version = cache.get(key, 1)
    return int(version)


def cache_version_bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, timeout=None)


def _shareable_request(request: HttpRequest) -> bool:
    return request.method == "GET" and not len(messages.get_messages(request))


def _shareable_response(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.cookies
    )


def public_page(stamp: Callable[[], object]):
    """Cache the decorated public view's whole page, keyed by `stamp()` (a value
    that changes whenever what the page shows changes), the language, the day
    and the full path with its query."""

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _shareable_request(request):
                return view(request, *args, **kwargs)
            key = ":".join(
                (
                    "public-page",
                    str(stamp()),
                    translation.get_language(),
                    timezone.localdate().isoformat(),
                    hashlib.sha256(request.get_full_path().encode()).hexdigest(),
                )
            )
            stored = cache.get(key)
            if stored is not None:
                content, headers = stored
                response = HttpResponse(content)
                for name, value in headers.items():
                    response[name] = value
                return response
            response = view(request, *args, **kwargs)
            if _shareable_response(request, response):
                cache.set(key, (response.content, dict(response.items())), PAGE_TIMEOUT)
            return response

        return wrapper

    return decorate
