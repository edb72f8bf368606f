"""URL patterns of the review area `pool` (included by review/urls.py)."""

from django.urls import path

from .views import pool

urlpatterns = [
    path("pool/", pool.pool_list, name="pool_list"),
    path("pool/new/", pool.pool_create, name="pool_create"),
    path("pool/import/", pool.pool_import, name="pool_import"),
    path("pool/import/template.xlsx", pool.pool_import_template, name="pool_import_template"),
    path("pool/<int:pk>/", pool.pool_detail, name="pool_detail"),
    path("pool/<int:pk>/edit/", pool.pool_edit, name="pool_edit"),
    path("pool/<int:pk>/status/", pool.pool_status, name="pool_status"),
]
