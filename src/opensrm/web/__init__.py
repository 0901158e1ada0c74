"""The shell: the page framework every context's pages build on (layout templates, listing,
record forms, bulk bar, view helpers), sign-in, the dashboard, global search, settings, the
recycle bin, and the quote and catalogue pages.

May import: every app's models, selectors and services. Never a context's page modules
(``crm.views`` …): ``opensrm.config.urls`` mounts those (decision 9).
"""
