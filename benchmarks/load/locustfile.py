"""The simulated users of the load benchmark: reads 65 %, writes 25 %, pages 10 %.

Each user is one demo rep with its own token and session (``LOAD_USERS_FILE``, written by
``benchmarks.load.prepare``). Every request is named ``<class> <route>``; ``LOAD_SAMPLES_FILE``
receives every sample (class, milliseconds, ok) when the run stops, so the report can give
percentiles per class over all requests of that class.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading

from locust import HttpUser, between, events, task

with open(os.environ["LOAD_USERS_FILE"]) as _fh:
    _CREDENTIALS = json.load(_fh)
_NEXT = itertools.count()
_SAMPLES: list[tuple[str, float, bool, int]] = []
_LOCK = threading.Lock()
SEARCH_TERMS = ["上海", "科技", "Co", "a", "北京", "制造"]


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, **kw):
    kind = name.split(" ", 1)[0]
    status = getattr(response, "status_code", 0) or 0
    with _LOCK:
        _SAMPLES.append((kind, float(response_time), exception is None, int(status)))


@events.quitting.add_listener
def _dump(environment, **kw):
    path = os.environ.get("LOAD_SAMPLES_FILE")
    if path:
        with open(path, "w") as fh:
            json.dump(_SAMPLES, fh)


class SalesRep(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        users = _CREDENTIALS["users"]
        me = users[next(_NEXT) % len(users)]
        self.api = {"Authorization": f"Bearer {me['token']}"}
        self.accounts = me["accounts"] or [0]
        self.client.cookies.set(_CREDENTIALS["session_cookie"], me["session"])

    def _account(self) -> int:
        return random.choice(self.accounts)

    # reads: 65
    @task(25)
    def list_accounts(self) -> None:
        self.client.get("/api/v1/accounts?limit=50", headers=self.api, name="read /accounts")

    @task(15)
    def list_opportunities(self) -> None:
        self.client.get("/api/v1/opportunities?limit=50", headers=self.api, name="read /opportunities")

    @task(15)
    def one_account(self) -> None:
        self.client.get(f"/api/v1/accounts/{self._account()}", headers=self.api, name="read /accounts/{id}")

    @task(10)
    def search(self) -> None:
        self.client.get(f"/api/v1/search?q={random.choice(SEARCH_TERMS)}", headers=self.api, name="read /search")

    # writes: 25
    @task(15)
    def edit_account(self) -> None:
        pk = self._account()
        current = self.client.get(f"/api/v1/accounts/{pk}", headers=self.api, name="read /accounts/{id}")
        if current.status_code != 200:
            return
        with self.client.patch(
            f"/api/v1/accounts/{pk}",
            json={"address": f"load {random.randint(0, 10**9)}"},
            headers={**self.api, "If-Match": current.headers.get("ETag", '"0"')},
            name="write PATCH /accounts/{id}",
            catch_response=True,
        ) as response:
            if response.status_code == 412:  # another simulated user won the race: a correct answer
                response.success()

    @task(10)
    def log_activity(self) -> None:
        self.client.post(
            "/api/v1/activities",
            json={"subject": "Load call", "kind": "call", "account_id": self._account()},
            headers=self.api,
            name="write POST /activities",
        )

    # pages: 10
    @task(4)
    def home(self) -> None:
        self.client.get("/", name="page /")

    @task(3)
    def accounts_page(self) -> None:
        self.client.get("/accounts/", name="page /accounts/")

    @task(3)
    def board(self) -> None:
        self.client.get("/opportunities/board/", name="page /opportunities/board/")
