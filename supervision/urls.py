from django.urls import path

from . import views, views_after, views_awards

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
    path("after/", views_after.after_dashboard, name="after_dashboard"),
    path("after/awards/<int:pk>/", views_after.award_after, name="award_after"),
    path("after/awards/<int:pk>/payment/", views_after.prize_payment, name="prize_payment"),
    path(
        "after/awards/<int:pk>/fund-reports/new/",
        views_after.fund_report_new,
        name="fund_report_new",
    ),
    path(
        "after/awards/<int:pk>/inspections/new/", views_after.inspection_new, name="inspection_new"
    ),
    path("after/awards/<int:pk>/misuse/new/", views_after.misuse_new, name="misuse_new"),
    path(
        "after/awards/<int:pk>/revocations/new/", views_after.revocation_new, name="revocation_new"
    ),
    path("after/fund-reports/<int:pk>/", views_after.fund_report_detail, name="fund_report_detail"),
    path(
        "after/fund-reports/<int:pk>/review/",
        views_after.fund_report_review,
        name="fund_report_review",
    ),
    path(
        "after/fund-reports/<int:pk>/answer/",
        views_after.fund_report_answer,
        name="fund_report_answer",
    ),
    path("after/inspections/<int:pk>/", views_after.inspection_detail, name="inspection_detail"),
    path(
        "after/inspections/<int:pk>/record/",
        views_after.inspection_record,
        name="inspection_record",
    ),
    path(
        "after/inspections/<int:pk>/answer/",
        views_after.inspection_answer,
        name="inspection_answer",
    ),
    path("after/revocations/", views_after.revocation_list, name="revocation_list"),
    path("after/revocations/<int:pk>/", views_after.revocation_detail, name="revocation_detail"),
    path(
        "after/revocations/<int:pk>/statement/",
        views_after.revocation_statement,
        name="revocation_statement",
    ),
    path(
        "after/revocations/<int:pk>/findings/",
        views_after.revocation_findings,
        name="revocation_findings",
    ),
    path(
        "after/revocations/<int:pk>/decide/",
        views_after.revocation_decide,
        name="revocation_decide",
    ),
    path("after/revocations/<int:pk>/city/", views_after.revocation_city, name="revocation_city"),
    path(
        "after/recovery/<int:pk>/complete/",
        views_after.recovery_complete,
        name="recovery_complete",
    ),
    path("after/files/<int:pk>/", views_after.after_file, name="after_file"),
]
