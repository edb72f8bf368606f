"""URL patterns of the review area `onsite` (included by review/urls.py)."""

urlpatterns: list = []
