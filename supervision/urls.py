from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("bans/", views.ban_list, name="ban_list"),
    path("bans/new/", views.ban_record, name="ban_record"),
    path("bans/<int:pk>/", views.ban_detail, name="ban_detail"),
    path("bans/<int:pk>/lift/", views.ban_lift, name="ban_lift"),
]
