from django.urls import path

from .views import office

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
]
