"""Authentication events go to the audit log (DA-1). Signals only record; they
never move a case."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    from .services import audit_log_write

    audit_log_write("auth.login", actor=user, obj=user, ip=_ip(request))
    if request is not None and hasattr(request, "session"):
        from .security import session_start

        session_start(request, user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    from .services import audit_log_write

    if user is not None:
        audit_log_write("auth.logout", actor=user, obj=user, ip=_ip(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    from .services import audit_log_write

    audit_log_write(
        "auth.login_failed", ip=_ip(request), username=str(credentials.get("username", ""))[:150]
    )


def user_sessions_end_on_deactivation(sender, instance, **kwargs) -> None:
    """AU-3: a deactivated user's sessions end at once (not at their next request)."""
    if instance.is_active or instance.pk is None:
        return
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    user_id = str(instance.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == user_id:
            session.delete()


def sync_roles_after_migrate(sender, **kwargs) -> None:
    """Role groups and their model permissions follow `roles.py` after every migrate."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    # post_migrate reaches apps in order; make sure every app's permissions exist.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", "default"))
    from .services import role_groups_sync

    role_groups_sync()
