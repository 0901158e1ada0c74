"""Request bodies of the organisation resources take JSON types strictly."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from opensrm.people.schemas import RepProfileIn, RepProfilePatch, TeamIn, TeamPatch, UserIn, UserPatch


@pytest.mark.parametrize(
    ("schema", "body", "field"),
    [
        (TeamPatch, {"manager_id": True}, "manager_id"),
        (TeamPatch, {"parent_id": False}, "parent_id"),
        (TeamIn, {"name": "T", "manager_id": True}, "manager_id"),
        (UserPatch, {"team_id": True}, "team_id"),
        (UserPatch, {"is_active": 1}, "is_active"),
        (UserIn, {"username": "u", "team_id": True}, "team_id"),
        (RepProfilePatch, {"home_lat": False}, "home_lat"),
        (RepProfilePatch, {"home_lon": True}, "home_lon"),
        (RepProfilePatch, {"max_accounts": True}, "max_accounts"),
        (RepProfilePatch, {"weekly_capacity_hours": True}, "weekly_capacity_hours"),
        (RepProfileIn, {"user_id": True}, "user_id"),
        (TeamPatch, {"manager_id": "5"}, "manager_id"),
        (RepProfilePatch, {"home_lat": "1.5"}, "home_lat"),
    ],
)
def test_a_boolean_or_text_is_not_taken_as_a_number(schema, body, field):
    with pytest.raises(ValidationError) as raised:
        schema.model_validate(body)
    assert {e["loc"][0] for e in raised.value.errors()} == {field}


@pytest.mark.parametrize("schema", [TeamPatch, UserPatch, RepProfilePatch])
def test_an_unknown_field_is_refused(schema):
    with pytest.raises(ValidationError) as raised:
        schema.model_validate({"version": 3})
    assert raised.value.errors()[0]["loc"] == ("version",)


def test_json_numbers_are_still_taken():
    assert TeamPatch.model_validate({"manager_id": 5}).manager_id == 5
    assert RepProfilePatch.model_validate({"home_lat": 31, "home_lon": 121.5}).home_lat == 31
    assert UserPatch.model_validate({"team_id": 2, "is_active": False}).is_active is False
