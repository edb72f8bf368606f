"""URL patterns of the review area `scoring` (included by review/urls.py)."""

urlpatterns: list = []
