from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("专家评审")

    def ready(self) -> None:
        from . import conditions_assignment, conditions_onsite, conditions_pool, conditions_scoring

        for module in (
            conditions_pool,
            conditions_assignment,
            conditions_scoring,
            conditions_onsite,
        ):
            module.register()

        from . import demo

        demo.register()
