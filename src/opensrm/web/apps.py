from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "opensrm.web"
    label = "web"
    verbose_name = _("Web pages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.apps import apps
        from django.contrib import admin

        admin.site.site_header = _("OpenSRM administration")
        admin.site.site_title = _("OpenSRM administration")
        admin.site.index_title = _("Site administration")
        # allauth calls its sign-in app "Accounts", which our catalogue (rightly, for the CRM)
        # translates as 客户; and its authenticator model has no translated name at all.
        apps.get_app_config("account").verbose_name = _("Sign-in accounts")
        apps.get_app_config("mfa").verbose_name = _("Two-factor authentication")
        authenticator = apps.get_model("mfa", "Authenticator")
        authenticator._meta.verbose_name = _("authenticator")
        authenticator._meta.verbose_name_plural = _("authenticators")
