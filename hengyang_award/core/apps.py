from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hengyang_award.core"
    label = "core"
    verbose_name = _("基础数据")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import checks, signals  # noqa: F401 — registers the system checks

        post_migrate.connect(signals.sync_roles_after_migrate, sender=self)
        from django.db.models.signals import post_save

        post_save.connect(
            signals.user_sessions_end_on_deactivation,
            sender="core.User",
            dispatch_uid="user_sessions_end_on_deactivation",
        )
