"""One date format per language on every page (Django's own mix three per language: 2026年12月3日
in headings, 2026/12/03 in tables, 2026-12-03 in date fields)."""
