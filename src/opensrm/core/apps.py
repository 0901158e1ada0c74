from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "opensrm.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from opensrm.core import security

        security.connect()
