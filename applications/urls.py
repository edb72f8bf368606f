from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("start/", views.case_start, name="case_start"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/actions/<slug:name>/", views.case_action, name="case_action"),
    path("<int:pk>/documents/<int:document_pk>/", views.case_document, name="case_document"),
    path("screening/", views.screening_desk, name="screening_desk"),
    path("<int:pk>/screening/", views.screening_case, name="screening_case"),
    path(
        "<int:pk>/screening-confirm-passes/",
        views.screening_confirm_passes,
        name="screening_confirm_passes",
    ),
    path(
        "<int:pk>/screening/<slug:code>/",
        views.screening_decision,
        name="screening_decision",
    ),
    path(
        "<int:pk>/application/<slug:section>/",
        views.application_section,
        name="application_section",
    ),
    path("<int:pk>/files/", views.attachment_upload, name="attachment_upload"),
    path(
        "<int:pk>/files/<int:attachment_pk>/", views.attachment_download, name="attachment_download"
    ),
    path(
        "<int:pk>/files/<int:attachment_pk>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("<int:pk>/recommend/", views.case_recommend, name="case_recommend"),
]
