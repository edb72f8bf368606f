"""The review office's file integrity page (FI-4), inside the `core` namespace."""

from django.urls import path

from . import views_files

urlpatterns = [
    path("", views_files.file_check, name="file_check"),
    path("run/", views_files.file_check_run, name="file_check_run"),
]
