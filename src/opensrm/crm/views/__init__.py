"""The CRM pages: accounts, contacts, leads, opportunities (with the board), activities (with the
calendar) and the bulk actions on their lists.

They are built on the web shell's page framework (``opensrm.web.views.base``, ``opensrm.web.listing``,
``opensrm.web.forms``, ``opensrm.web.bulk``); the shell never imports these modules.
"""
