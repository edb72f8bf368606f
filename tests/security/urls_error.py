"""The project's URLs plus one view that fails, to see the error page (DA-4)."""

from django.urls import path

from hengyang_award.urls import handler500
from hengyang_award.urls import urlpatterns as project_urlpatterns


def broken(request):
    raise RuntimeError("secret-internal-detail")


urlpatterns = [*project_urlpatterns, path("broken/", broken)]
__all__ = ["handler500", "urlpatterns"]
