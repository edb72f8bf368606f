"""URL patterns of the review area `scoring` (included by review/urls.py)."""

from django.urls import path

from .views import scoring

urlpatterns = [
    path("scoring/cases/<int:pk>/scorebook/", scoring.scorebook, name="scorebook"),
    path("scoring/cases/<int:pk>/consensus/", scoring.consensus, name="consensus"),
    path("scoring/ranking/", scoring.ranking, name="ranking"),
    path(
        "scoring/ranking/<int:cycle_pk>/shortlist/",
        scoring.shortlist_apply,
        name="shortlist_apply",
    ),
]
