from django.urls import path

from .views import public, sharing

app_name = "public"
urlpatterns = [
    path("", public.home, name="home"),
    path("notices/", public.notice_list, name="notices"),
    path("notices/<int:pk>/", public.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/pdf/", public.notice_pdf, name="notice_pdf"),
    path("objections/new/", public.objection_new, name="objection_new"),
    path("objections/received/", public.objection_done, name="objection_done"),
    path("objections/lookup/", public.objection_lookup_view, name="objection_lookup"),
    path("complaints/", public.complaint, name="complaint"),
    path("sharing/", sharing.public_sharing, name="sharing"),
    path("sharing/<int:pk>/", sharing.public_sharing_entry, name="sharing_entry"),
    path(
        "sharing/<int:pk>/files/<int:file_pk>/",
        sharing.public_sharing_file,
        name="sharing_file",
    ),
]
