"""URL patterns of the review area `onsite` (included by review/urls.py)."""

from django.urls import path

from .views import onsite as views

urlpatterns: list = [
    path("cases/<int:pk>/onsite/", views.onsite_team, name="onsite_team"),
    path("cases/<int:pk>/onsite/schedule/", views.onsite_schedule, name="onsite_schedule"),
    path("cases/<int:pk>/onsite/scores/", views.onsite_scores, name="onsite_scores"),
    path("cases/<int:pk>/onsite/report/", views.onsite_report, name="onsite_report"),
    path("cases/<int:pk>/onsite/report/send/", views.onsite_report_send, name="onsite_report_send"),
    path(
        "cases/<int:pk>/onsite/report/submit/",
        views.onsite_report_submit,
        name="onsite_report_submit",
    ),
    path("cases/<int:pk>/onsite/confirm/", views.onsite_confirm, name="onsite_confirm"),
    path("cases/<int:pk>/onsite/evaluate/", views.onsite_evaluate, name="onsite_evaluate"),
    path(
        "cases/<int:pk>/onsite/evaluate/<int:assignment_pk>/",
        views.onsite_evaluate_member,
        name="onsite_evaluate_member",
    ),
    path("cases/<int:pk>/onsite/evaluations/", views.onsite_evaluations, name="onsite_evaluations"),
]
