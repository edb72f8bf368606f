from django.urls import path

from . import views_approval

app_name = "approvals"
urlpatterns = [
    path("director/", views_approval.approval_list, {"level": "director"}, name="director"),
    path(
        "director/<int:pk>/decide/",
        views_approval.approval_decide,
        {"level": "director"},
        name="director_decide",
    ),
    path(
        "director/cycle/<int:cycle_pk>/approve-listed/",
        views_approval.approval_approve_listed,
        {"level": "director"},
        name="director_approve_listed",
    ),
    path("mayor/", views_approval.approval_list, {"level": "mayor"}, name="mayor"),
    path(
        "mayor/<int:pk>/decide/",
        views_approval.approval_decide,
        {"level": "mayor"},
        name="mayor_decide",
    ),
    path(
        "mayor/cycle/<int:cycle_pk>/approve-listed/",
        views_approval.approval_approve_listed,
        {"level": "mayor"},
        name="mayor_approve_listed",
    ),
]
