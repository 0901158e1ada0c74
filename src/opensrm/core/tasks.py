"""Scheduled jobs of the core. Jobs are idempotent: running one twice equals running it once."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from opensrm.core.services import recycle_bin_purge


@db_periodic_task(crontab(hour="3", minute="17"))
def recycle_bin_purge_job() -> int:
    """Permanently remove records that have been in the recycle bin past the retention period."""
    return recycle_bin_purge(older_than_days=settings.OPENSRM["RECYCLE_BIN_DAYS"])


@db_periodic_task(crontab(hour="4", minute="7"))
def database_optimize_job() -> str:
    """Refresh the query planner's statistics on SQLite (PostgreSQL's autovacuum does this).

    Idempotent: running it twice only refreshes the statistics twice.
    """
    from django.db import connection

    if connection.vendor != "sqlite":
        return "skipped"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA optimize")
    return "optimized"
