from django.urls import path

from opensrm.web import bulk
from opensrm.web.views import (
    accounts,
    activities,
    board,
    catalog,
    contacts,
    customfields,
    home,
    leads,
    opportunities,
    profile,
    quotes,
    recycle,
    saved_views,
    search,
    security,
    settings,
)

app_name = "web"


def crud(prefix: str, module: object, key: str, create_view: str | None = None) -> list:
    return [
        path(f"{prefix}/", getattr(module, f"{key}_list"), name=f"{key}_list"),
        path(f"{prefix}/new/", getattr(module, create_view or f"{key}_create"), name=f"{key}_create"),
        path(f"{prefix}/<int:pk>/", getattr(module, f"{key}_detail"), name=f"{key}_detail"),
        path(f"{prefix}/<int:pk>/edit/", getattr(module, f"{key}_edit"), name=f"{key}_edit"),
        path(f"{prefix}/<int:pk>/delete/", getattr(module, f"{key}_delete"), name=f"{key}_delete"),
    ]


urlpatterns = [
    path("", home.home, name="home"),
    path("notifications/", home.notifications, name="notifications"),
    path("search/", search.search, name="search"),
    path("lookup/<str:kind>/", search.lookup, name="lookup"),
    path("profile/", profile.profile, name="profile"),
    path("language/", profile.switch_language, name="set_language"),
    path("recycle-bin/", recycle.recycle_bin_page, name="recycle_bin"),
    path("recycle-bin/<str:kind>/<int:pk>/restore/", recycle.restore, name="restore"),
    path("recycle-bin/<str:kind>/<int:pk>/", recycle.recycle_detail, name="recycle_detail"),
    path("recycle-bin/<str:kind>/<int:pk>/purge/", recycle.purge, name="purge"),
    path("bulk/<str:kind>/", bulk.bulk_action, name="bulk_action"),
    path("views/<str:page>/", saved_views.saved_view_add, name="saved_view_add"),
    path("views/<str:page>/<int:pk>/delete/", saved_views.saved_view_remove, name="saved_view_delete"),
    path("views/<str:page>/columns/reset/", saved_views.list_columns_reset_view, name="list_columns_reset"),
    *crud("accounts", accounts, "account"),
    *crud("contacts", contacts, "contact"),
    *crud("leads", leads, "lead"),
    path("leads/<int:pk>/convert/", leads.lead_convert_page, name="lead_convert"),
    *crud("opportunities", opportunities, "opportunity", create_view="opportunity_create_page"),
    path("opportunities/board/", board.board, name="board"),
    path("opportunities/<int:pk>/move/", board.opportunity_move, name="opportunity_move"),
    *crud("activities", activities, "activity"),
    path("activities/<int:pk>/done/", activities.activity_toggle_done, name="activity_done"),
    path("activities/<int:pk>/reschedule/", activities.activity_reschedule_view, name="activity_reschedule"),
    path("calendar/", activities.calendar, name="calendar"),
    *crud("quotes", quotes, "quote"),
    path("quotes/<int:pk>/pdf/", quotes.quote_pdf_download, name="quote_pdf"),
    path("quotes/<int:pk>/<str:action>/", quotes.quote_action, name="quote_action"),
    *crud("products", catalog, "product"),
    *crud("price-lists", catalog, "pricelist"),
    path("price-lists/<int:pk>/items/", catalog.pricelist_item_set, name="pricelist_item_set"),
    path(
        "price-lists/<int:pk>/items/<int:product_pk>/remove/",
        catalog.pricelist_item_remove,
        name="pricelist_item_remove",
    ),
    path("settings/people/", settings.user_list, name="settings_users"),
    path("settings/people/invite/", settings.user_invite, name="settings_invite"),
    path("settings/people/<int:pk>/", settings.user_edit, name="settings_user"),
    path("settings/people/<int:pk>/invite/", settings.user_reinvite, name="settings_reinvite"),
    path("settings/teams/", settings.team_list, name="settings_teams"),
    path("settings/teams/new/", settings.team_edit, name="settings_team_create"),
    path("settings/teams/<int:pk>/", settings.team_edit, name="settings_team"),
    path("settings/security-log/", security.security_log, name="security_log"),
    path("settings/custom-fields/", customfields.custom_field_list, name="customfield_list"),
    path("settings/custom-fields/new/", customfields.custom_field_edit, name="customfield_create"),
    path("settings/custom-fields/<int:pk>/", customfields.custom_field_edit, name="customfield_edit"),
    path("settings/custom-fields/<int:pk>/active/", customfields.custom_field_toggle, name="customfield_toggle"),
    path("orders/", catalog.order_list, name="order_list"),
    path("orders/<int:pk>/", catalog.order_detail, name="order_detail"),
    path("orders/<int:pk>/cancel/", catalog.order_cancel_page, name="order_cancel"),
]
