"""Sign-in adapter: accounts are created by administrators, never by visitors."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm as AllauthLoginForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

# allauth's own confirmations that say nothing the page does not already show (the user's
# name is in the header after signing in). Some of them are also missing from allauth's
# Simplified Chinese catalogue, which would put English on a Chinese page.
QUIET_MESSAGES = {
    "account/messages/logged_in.txt",
    "account/messages/logged_out.txt",
}


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def add_message(
        self, request: HttpRequest, level: int, message_template: str | None = None, *args: Any, **kwargs: Any
    ) -> None:
        if message_template in QUIET_MESSAGES:
            return
        super().add_message(request, level, message_template, *args, **kwargs)



class LoginForm(AllauthLoginForm):
    """allauth labels the field "Login" (登录, the page's own heading) and only its placeholder
    says what to type, half in English in its Chinese catalogue ("用户名或email")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("Username or e-mail")
        login.widget.attrs.pop("placeholder", None)
