"""The CRM: territories, accounts, contacts, leads, pipelines and stages, opportunities,
activities, products, price lists, quotes, orders, tags and custom fields — their services,
selectors, API and pages.

May import: ``opensrm.core`` and ``opensrm.people``; its page modules (``views``, ``forms``,
``urls``) also the shell's page framework in ``opensrm.web`` (decision 9). Planning contexts
hear from crm through events (``crm.events``), never by crm importing them.
"""
