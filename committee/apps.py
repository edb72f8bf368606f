from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = _("评委会")

    def ready(self) -> None:
        from applications.notices import register_audience
        from applications.selectors import register_case_file_gate
        from applications.services import register_after_transition

        from . import conditions, demo, selectors
        from .services import grant_committee_at_nominate

        conditions.register()
        register_case_file_gate(selectors.case_file_gate)
        register_after_transition("nominate", grant_committee_at_nominate)
        # Candidates are announced to the committee of their own cycle only.
        register_audience("committee", selectors.committee_audience)
        demo.register()
