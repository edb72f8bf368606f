"""URL patterns of the review area `assignment` (included by review/urls.py)."""

from django.urls import path

from .views import assignment as views

urlpatterns = [
    path("cases/<int:pk>/team/", views.assign_case, name="assign_case"),
    path("cases/<int:pk>/team/draw/", views.assign_draw, name="assign_draw"),
    path("cases/<int:pk>/team/add/", views.assign_add, name="assign_add"),
    path("draws/<int:pk>/", views.assign_draw_detail, name="assign_draw_detail"),
    path("draws/<int:pk>/confirm/", views.assign_draw_confirm, name="assign_draw_confirm"),
    path("assignments/<int:pk>/replace/", views.assign_replace, name="assign_replace"),
    path("assignments/<int:pk>/recuse/", views.assign_recuse, name="assign_recuse"),
    path("flags/<int:pk>/decide/", views.assign_flag_decide, name="assign_flag_decide"),
    path("my/", views.reviewer_home, name="reviewer_home"),
    path("my/<int:pk>/declaration/", views.assign_declare, name="assign_declare"),
    path("my/<int:pk>/open/", views.assign_open, name="assign_open"),
]
