from django.urls import path

from . import views_public

app_name = "public_awards"
urlpatterns = [
    path("winners/", views_public.winners, name="winners"),
    path("verify/", views_public.verify, name="verify"),
]
