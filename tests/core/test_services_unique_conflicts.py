"""A unique value taken by a concurrent writer between the service's check and its insert is a
409 naming the field, never a 500.

On SQLite the race is made deterministic: a ``pre_save`` receiver inserts the competing row
(as the other writer would have) just before the service's own INSERT. On PostgreSQL twenty
threads race for real."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models.signals import pre_save

from opensrm.core.errors import Conflict
from opensrm.core.services import record_create, record_update
from opensrm.crm.models import Product
from opensrm.people.models import User
from opensrm.people.services import user_create
from tests.api.conftest import ApiClient
from tests.api.test_concurrency import WRITERS, _postgres_or_fail, _race


class _Competitor:
    """Inserts ``row()`` once, the moment a ``model`` instance is about to be saved, so the
    service's INSERT (or UPDATE) meets a row its own unique check did not see."""

    def __init__(self, model, row):
        self.model, self.row, self.done = model, row, False

    def __call__(self, sender, instance, **kwargs):
        if not self.done:
            self.done = True
            self.model.objects.bulk_create([self.row()])  # bulk_create sends no pre_save

    def __enter__(self):
        pre_save.connect(self, sender=self.model, weak=False)
        return self

    def __exit__(self, *exc):
        pre_save.disconnect(self, sender=self.model)


def _product(code: str = "SAME") -> Product:
    return Product(code=code, name="Other writer's", unit_price=Decimal("1"))


@pytest.mark.django_db
def test_a_product_code_taken_between_check_and_insert_is_a_conflict_on_code(org):
    with _Competitor(Product, _product), pytest.raises(Conflict) as err:
        record_create(model=Product, actor=org.ops, data={"code": "SAME", "name": "Mine", "unit_price": Decimal("2")})
    assert err.value.status == 409
    assert list(err.value.field_errors) == ["code"]
    # (The competitor's row was written inside the same savepoint here, so it is rolled back too.)
    assert not Product.objects.filter(name="Mine").exists()


@pytest.mark.django_db
def test_an_update_to_a_code_taken_meanwhile_is_a_conflict_and_changes_nothing(org):
    data = {"code": "MINE", "name": "Mine", "unit_price": Decimal("2")}
    mine = record_create(model=Product, actor=org.ops, data=data)
    with _Competitor(Product, _product), pytest.raises(Conflict) as err:
        record_update(instance=mine, actor=org.ops, data={"code": "SAME"}, expected_version=1)
    assert list(err.value.field_errors) == ["code"]
    mine.refresh_from_db()
    assert (mine.code, mine.version, mine.history.count()) == ("MINE", 1, 1)


@pytest.mark.django_db
def test_a_username_taken_between_check_and_insert_is_a_conflict_on_username(org):
    with _Competitor(User, lambda: User(username="same")), pytest.raises(Conflict) as err:
        user_create(username="same", password="pw-Strong-123", actor=org.admin)
    assert list(err.value.field_errors) == ["username"]
    assert not User.history.filter(username="same").exists()


@pytest.mark.django_db
def test_the_api_answers_the_race_with_a_409_problem_naming_the_field(org):
    with _Competitor(Product, _product):
        response = ApiClient(org.ops).post("/products", {"code": "SAME", "name": "Mine", "unit_price": "2.00"})
    assert response.status_code == 409, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["code"]


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/users", {"username": "same", "password": "pw-Strong-123"}, "username"),
        ("/products", {"code": "SAME", "name": "Same", "unit_price": "1.00"}, "code"),
        ("/territories", {"name": "Same", "code": "SAME"}, "code"),
    ],
)
def test_twenty_creators_of_one_unique_value_one_wins_the_rest_are_told_the_field(transactional_db, path, body, field):
    _postgres_or_fail()
    from tests.factories import make_org

    org = make_org()
    results = _race(WRITERS, lambda i: ApiClient(org.admin).post(path, body))
    statuses = sorted(s for s, _ in results)
    assert statuses.count(201) == 1, results
    assert set(statuses) <= {201, 409, 422}, results
    for status, content in results:
        if status != 201:
            assert f'"{field}"'.encode() in content, content


@pytest.mark.postgres
def test_twenty_creators_of_one_order_number_one_wins(transactional_db):
    _postgres_or_fail()
    from opensrm.crm.models import Order
    from tests.factories import make_account, make_org

    org = make_org()
    account = make_account(org.rep_a)
    product = record_create(model=Product, actor=org.ops, data={"code": "P", "name": "P", "unit_price": Decimal("1")})
    body = {
        "number": "SO-SAME",
        "account_id": account.pk,
        "order_date": "2026-01-01",
        "lines": [{"product_id": product.pk, "quantity": 1}],
    }
    results = _race(WRITERS, lambda i: ApiClient(org.rep_a).post("/orders", body))
    statuses = sorted(s for s, _ in results)
    assert statuses.count(201) == 1, results
    assert set(statuses) <= {201, 409, 422}, results
    assert all(b'"number"' in c for s, c in results if s != 201), results
    assert Order.all_objects.filter(number="SO-SAME").count() == 1
