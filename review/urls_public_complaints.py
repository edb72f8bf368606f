"""The public complaint pages (no login), mounted at /public/complaints/: the
form (at new/, so it does not shadow the older placeholder `public:complaint`
at that address), the receipt and the lookup by receipt and phone."""

from django.urls import path

from .views import complaints

app_name = "public_complaints"
urlpatterns = [
    path("new/", complaints.complaint_new, name="new"),
    path("received/", complaints.complaint_done, name="done"),
    path("lookup/", complaints.complaint_lookup, name="lookup"),
]
