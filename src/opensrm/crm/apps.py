from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "opensrm.crm"
    label = "crm"
    verbose_name = _("CRM")

    def ready(self) -> None:
        # Django imports apps.py before any model: what ready() registers is imported here.
        from opensrm.core.visibility import register_account_grant
        from opensrm.crm.selectors import account_team_accounts

        register_account_grant(account_team_accounts)

