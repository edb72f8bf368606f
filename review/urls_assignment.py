"""URL patterns of the review area `assignment` (included by review/urls.py)."""

urlpatterns: list = []
