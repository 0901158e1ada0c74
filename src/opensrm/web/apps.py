from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "opensrm.web"
    label = "web"
    verbose_name = _("Web pages")
    default_auto_field = "django.db.models.BigAutoField"
