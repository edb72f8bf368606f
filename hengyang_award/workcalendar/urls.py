from django.urls import path

from . import views

app_name = "workcalendar"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("exceptions/", views.exception_save, name="exception_save"),
    path("exceptions/<str:day>/delete/", views.exception_delete, name="exception_delete"),
    path("years/", views.year_save, name="year_save"),
    path("import/", views.import_csv, name="import_csv"),
    path("period/", views.period, name="period"),
]
