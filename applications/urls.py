from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("start/", views.case_start, name="case_start"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/actions/<slug:name>/", views.case_action, name="case_action"),
    path("<int:pk>/documents/<int:document_pk>/", views.case_document, name="case_document"),
]
