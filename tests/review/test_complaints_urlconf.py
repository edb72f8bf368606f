"""The site's URLs with the public complaint pages mounted at /public/complaints/
(where the lead mounts them); used by the complaint tests through
`pytest.mark.urls` until, and unchanged after, the site's urls.py includes them."""

from django.urls import include, path

from hengyang_award.urls import handler500  # noqa: F401
from hengyang_award.urls import urlpatterns as site_patterns

_mounted = any(getattr(p, "namespace", None) == "public_complaints" for p in site_patterns)

urlpatterns = [
    *([] if _mounted else [path("public/complaints/", include("review.urls_public_complaints"))]),
    *site_patterns,
]
