from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from hengyang_award.core import views as core_views

urlpatterns = [
    path("", include("hengyang_award.core.urls")),
    path("cases/", include("applications.urls")),
    path("review/", include("review.urls")),
    path("inbox/", include("hengyang_award.notifications.urls")),
    path("calendar/", include("hengyang_award.workcalendar.urls")),
    path("supervision/", include("supervision.urls")),
    path("committee/", include("committee.urls")),
    path("approvals/", include("committee.urls_approval")),
    path("publicity/", include("publicity.urls")),
    # The public site (no login): notices, objections, winners, verification.
    path("public/", include("publicity.urls_public")),
    path("public/", include("supervision.urls_public")),
    path("public/complaints/", include("review.urls_public_complaints")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("hengyang_award.accounts.urls")),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("healthz/", core_views.healthz, name="healthz"),
    path("ping/", core_views.ping, name="ping"),
    path("admin/", admin.site.urls),
]

handler500 = "hengyang_award.core.security.server_error"
