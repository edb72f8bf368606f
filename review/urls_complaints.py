"""URL patterns of the review area `complaints` (office side; included by
review/urls.py). The public pages are in urls_public_complaints.py."""

from django.urls import path

from .views import complaints

urlpatterns = [
    path("complaints/", complaints.complaint_list, name="complaint_list"),
    path("complaints/<int:pk>/", complaints.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/investigate/", complaints.complaint_start, name="complaint_start"),
    path("complaints/<int:pk>/close/", complaints.complaint_close, name="complaint_close"),
    path(
        "complaints/<int:pk>/reviewer-action/",
        complaints.complaint_reviewer_action,
        name="complaint_reviewer_action",
    ),
    path(
        "complaints/<int:pk>/files/<int:file_pk>/",
        complaints.complaint_file,
        name="complaint_file",
    ),
]
