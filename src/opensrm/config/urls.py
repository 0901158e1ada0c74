from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from opensrm.config.api import api
from opensrm.core.api.errors import api_not_found
from opensrm.crm import urls as crm_urls
from opensrm.web import urls as web_urls

# The admin signs in through allauth too, so its brute-force limits cover every login path.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # allauth's documented set-up

urlpatterns = [
    # Browsers and crawlers ask for /favicon.ico whatever the page links.
    path("favicon.ico", RedirectView.as_view(url=static("web/favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("allocation/", include("opensrm.allocation.urls")),
    # The shell's pages and the CRM pages share the "web" namespace (web:home, web:account_list...).
    path("", include(([*web_urls.urlpatterns, *crm_urls.urlpatterns], "web"))),
    path("", include("opensrm.core.urls")),
]

handler400 = "opensrm.core.api.errors.bad_request"
handler403 = "opensrm.web.views.errors.permission_denied"
handler404 = "opensrm.web.views.errors.page_not_found"
handler500 = "opensrm.web.views.errors.server_error"
