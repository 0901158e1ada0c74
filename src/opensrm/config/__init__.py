"""Entry point: settings (one module, environment-driven), URL and API mounting, WSGI.

May import: anything; nothing imports it except Django's settings loader and the entry points.
"""
