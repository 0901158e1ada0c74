from django.urls import path

from opensrm.web.views import (
    accounts,
    activities,
    board,
    contacts,
    home,
    leads,
    opportunities,
    profile,
    recycle,
    saved_views,
    search,
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
    path("views/<str:page>/", saved_views.saved_view_add, name="saved_view_add"),
    path("views/<str:page>/<int:pk>/delete/", saved_views.saved_view_remove, name="saved_view_delete"),
    *crud("accounts", accounts, "account"),
    *crud("contacts", contacts, "contact"),
    *crud("leads", leads, "lead"),
    path("leads/<int:pk>/convert/", leads.lead_convert_page, name="lead_convert"),
    *crud("opportunities", opportunities, "opportunity", create_view="opportunity_create_page"),
    path("opportunities/board/", board.board, name="board"),
    path("opportunities/<int:pk>/move/", board.opportunity_move, name="opportunity_move"),
    *crud("activities", activities, "activity"),
    path("activities/<int:pk>/done/", activities.activity_toggle_done, name="activity_done"),
    path("calendar/", activities.calendar, name="calendar"),
]
