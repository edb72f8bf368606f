from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("获奖后监督管理")

    def ready(self) -> None:
        from applications.services.cases import register_after_transition

        from .services.awards import award_revocation_mark

        # A revoked case's title is revoked in the register the same moment.
        register_after_transition("revoke", award_revocation_mark)

        from . import conditions

        conditions.register()

        from django.db.models.signals import post_delete, post_save

        from .models import Award
        from .selectors import awards_changed

        # The public award pages are cached by the awards' version (pagecache).
        post_save.connect(awards_changed, sender=Award, dispatch_uid="awards-changed-save")
        post_delete.connect(awards_changed, sender=Award, dispatch_uid="awards-changed-delete")
