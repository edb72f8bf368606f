from django.urls import path

from . import views, views_awards

app_name = "supervision"

urlpatterns = [
    path("bans/", views.ban_list, name="ban_list"),
    path("bans/new/", views.ban_record, name="ban_record"),
    path("bans/<int:pk>/", views.ban_detail, name="ban_detail"),
    path("bans/<int:pk>/lift/", views.ban_lift, name="ban_lift"),
    path("announcement/", views_awards.announcement, name="announcement"),
    path(
        "announcement/<int:cycle_pk>/issue/",
        views_awards.announcement_issue,
        name="announcement_issue",
    ),
    path("awards/", views_awards.award_list, name="awards"),
    path("awards/mine/", views_awards.award_mine, name="award_mine"),
    path("awards/<int:pk>/plaque/", views_awards.plaque_record, name="plaque_record"),
    path(
        "awards/<int:pk>/certificate.pdf",
        views_awards.certificate_download,
        name="certificate_download",
    ),
]
