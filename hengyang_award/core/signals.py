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


def sync_roles_after_migrate(sender, **kwargs) -> None:
    """Role groups and their model permissions follow `roles.py` after every migrate."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    # post_migrate reaches apps in order; make sure every app's permissions exist.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", "default"))
    from .services import role_groups_sync

    role_groups_sync()
