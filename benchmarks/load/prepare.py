"""Credentials for the simulated users, written as JSON (run inside the benchmark's environment).

    python -m benchmarks.load.prepare OUT.json [--users 50]

Each simulated user is one demo rep (or manager when there are fewer reps): an API token with
write scope and a signed-in session for the pages, created directly so the load test does not
trip the sign-in rate limits, plus the ids of accounts that user may read and change.
"""

from __future__ import annotations

import json
import sys


def main(argv: list[str]) -> int:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opensrm.config.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from opensrm.core.api.tokens import api_token_create
    from opensrm.core.visibility import visible
    from opensrm.crm.models import Account
    from opensrm.people.models import Role, User

    out = argv[0]
    n = int(argv[argv.index("--users") + 1]) if "--users" in argv else 50
    people = list(User.objects.filter(is_active=True, role__in=[Role.REP, Role.MANAGER]).order_by("role", "id"))
    if not people:
        raise SystemExit("no reps in the database: load the demo company first")
    users = []
    for i in range(n):
        user = people[i % len(people)]
        _, secret = api_token_create(user=user, name=f"load {i}", scopes=["write"])
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        accounts = list(visible(user, Account.objects.all()).order_by("id").values_list("id", flat=True)[:200])
        users.append({"username": user.username, "token": secret, "session": session.session_key, "accounts": accounts})
    with open(out, "w") as fh:
        json.dump({"session_cookie": settings.SESSION_COOKIE_NAME, "users": users}, fh)
    print(f"{len(users)} simulated users from {len(people)} people")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
