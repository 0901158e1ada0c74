"""The CRM pages' routes.

They share the shell's ``web`` URL namespace (``web:account_list``…): ``opensrm.config.urls`` includes
these patterns together with ``opensrm.web.urls``, so the shell itself never imports the CRM views.
"""

from django.urls import path

from opensrm.crm.views import accounts, activities, board, bulk, contacts, leads, opportunities
from opensrm.web.views.base import crud

urlpatterns = [
    path("bulk/<str:kind>/", bulk.bulk_action, name="bulk_action"),
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
]
