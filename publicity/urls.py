from django.urls import path

from .views import office, sharing

app_name = "publicity"
urlpatterns = [
    path("notices/", office.notices, name="notices"),
    path("notices/generate/<int:cycle_pk>/", office.notice_generate, name="notice_generate"),
    path("notices/<int:pk>/publish/", office.notice_publish, name="notice_publish"),
    path("objections/", office.objections, name="objections"),
    path("objections/<int:pk>/", office.objection_detail, name="objection_detail"),
    path("objections/<int:pk>/investigate/", office.objection_start, name="objection_start"),
    path("objections/<int:pk>/close/", office.objection_close, name="objection_close"),
    path("objections/<int:pk>/decide/", office.objection_decide, name="objection_decide"),
    path(
        "objections/<int:pk>/files/<int:file_pk>/",
        office.objection_file,
        name="objection_file",
    ),
    path("sharing/", sharing.sharing_mine, name="sharing_mine"),
    path("sharing/entries/new/", sharing.sharing_entry_new, name="sharing_entry_new"),
    path("sharing/entries/<int:pk>/", sharing.sharing_entry, name="sharing_entry"),
    path(
        "sharing/entries/<int:pk>/publish/",
        sharing.sharing_entry_publish,
        name="sharing_entry_publish",
    ),
    path(
        "sharing/entries/<int:pk>/files/<int:file_pk>/",
        sharing.sharing_entry_file,
        name="sharing_entry_file",
    ),
    path("sharing/sessions/new/", sharing.sharing_session_new, name="sharing_session_new"),
    path("sharing/sessions/<int:pk>/", sharing.sharing_session, name="sharing_session"),
    path(
        "sharing/sessions/<int:pk>/close/",
        sharing.sharing_session_close,
        name="sharing_session_close",
    ),
    path(
        "sharing/sessions/<int:pk>/cancel/",
        sharing.sharing_session_cancel,
        name="sharing_session_cancel",
    ),
    path(
        "sharing/sessions/<int:pk>/register/",
        sharing.sharing_register,
        name="sharing_register",
    ),
    path("sharing/visits/", sharing.sharing_visits, name="sharing_visits"),
    path(
        "sharing/visits/<int:pk>/withdraw/",
        sharing.sharing_withdraw,
        name="sharing_withdraw",
    ),
    path("sharing/office/", sharing.sharing_office, name="sharing_office"),
    path(
        "sharing/office/entries/<int:pk>/",
        sharing.sharing_office_entry,
        name="sharing_office_entry",
    ),
]
