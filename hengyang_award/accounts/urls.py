from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register_done"),
    path("verification/resend/", views.verification_resend, name="verification_resend"),
    path("verification/<str:token>/", views.verify, name="verify"),
    path("organisations/<int:pk>/members/", views.members, name="members"),
    path("organisations/<int:pk>/invitations/", views.invitation_create, name="invitation_create"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("second-factor/setup/", views.otp_setup, name="otp_setup"),
    path("second-factor/verify/", views.otp_verify, name="otp_verify"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
]
