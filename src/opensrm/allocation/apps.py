from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    """Allocation plans (rep ↔ account, territory alignment, lead routing).

    The app label stays ``territories``, the label the app was first installed under, so the
    tables, migrations, content types and permissions of existing installations keep their names
    (docs/decisions/0008-allocation-app-label.md).
    """

    name = "opensrm.allocation"
    label = "territories"
    verbose_name = _("Allocation")
