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
