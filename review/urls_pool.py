"""URL patterns of the review area `pool` (included by review/urls.py)."""

urlpatterns: list = []
