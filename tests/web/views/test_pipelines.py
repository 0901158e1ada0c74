"""Pipelines and stages settings: names in English and Chinese, probability and order through the
pipeline services (version and history with the actor); won/lost fixed; a stage in use is not
deleted; only administrators and sales ops reach the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from opensrm.core.errors import Conflict, PermissionDenied, ValidationFailed
from opensrm.core.services import record_create
from opensrm.crm.models import Stage
from opensrm.crm.services.pipelines import stage_delete, stage_move, stage_update
from tests.factories import make_account, make_opportunity

pytestmark = pytest.mark.django_db


def _client(user, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


def _order(pipeline) -> list[str]:
    return list(pipeline.stages.order_by("order", "pk").values_list("name", flat=True))


def test_names_per_language_and_probability_with_version_and_history(org, pipeline):
    stage = pipeline.stages.get(name="Qualify")
    stage = stage_update(
        stage=stage,
        actor=org.ops,
        data={"name_en": "Discovery", "name_zh": "初步接触", "probability": 15},
        expected_version=stage.version,
    )
    stored = Stage.objects.get(pk=stage.pk)
    assert stored.names == {"en": "Discovery", "zh-hans": "初步接触"}
    assert stored.name == "Discovery"
    assert (stored.probability, stored.version) == (15, 2)
    assert stored.display_name("zh-hans") == "初步接触"
    assert stored.display_name("en") == "Discovery"
    assert stored.history.order_by("-history_id").first().history_user_id == org.ops.pk
    with pytest.raises(ValidationFailed):
        stage_update(stage=stored, actor=org.ops, data={"is_won": True}, expected_version=2)
    with pytest.raises(ValidationFailed):
        stage_update(stage=stored, actor=org.ops, data={"name_en": "", "name_zh": ""}, expected_version=2)
    with pytest.raises(PermissionDenied):
        stage_update(stage=stored, actor=org.rep_a, data={"probability": 1}, expected_version=2)
    assert Stage.objects.get(pk=stage.pk).version == 2


def test_moving_a_stage_swaps_it_with_its_neighbour(org, pipeline):
    propose = pipeline.stages.get(name="Propose")
    stage_move(stage=propose, actor=org.ops, up=True, expected_version=propose.version)
    assert _order(pipeline) == ["Propose", "Qualify", "Negotiate", "Won", "Lost"]
    qualify = pipeline.stages.get(name="Qualify")
    assert (Stage.objects.get(pk=propose.pk).version, qualify.version) == (2, 2)
    top = Stage.objects.get(pk=propose.pk)
    stage_move(stage=top, actor=org.ops, up=True, expected_version=top.version)  # already first
    assert Stage.objects.get(pk=propose.pk).version == 2
    assert _order(pipeline)[0] == "Propose"


def test_a_stage_in_use_is_not_deleted_an_unused_one_is(org, pipeline):
    make_opportunity(make_account(org.rep_a), org.rep_a, pipeline)  # in the first stage
    used = pipeline.stages.order_by("order")[0]
    with pytest.raises(Conflict) as refused:
        stage_delete(stage=used, actor=org.ops, expected_version=used.version)
    assert "cannot be deleted" in refused.value.message
    assert Stage.objects.filter(pk=used.pk).exists()
    spare = record_create(model=Stage, actor=org.ops, data={"pipeline": pipeline, "name": "Spare", "order": 9})
    stage_delete(stage=spare, actor=org.ops, expected_version=1)
    assert not Stage.objects.filter(pk=spare.pk).exists()
    assert Stage.all_objects.get(pk=spare.pk).deleted_by == org.ops


def test_the_settings_pages(org, pipeline):
    make_opportunity(make_account(org.rep_a), org.rep_a, pipeline)
    ops = _client(org.ops)
    page = ops.get("/settings/pipelines/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Qualify" in html
    assert "won" in html
    assert "lost" in html
    assert 'href="/settings/pipelines/"' in html  # in the navigation
    stage = pipeline.stages.get(name="Negotiate")
    response = ops.post(
        f"/settings/stages/{stage.pk}/",
        {"name_en": "Negotiation", "name_zh": "谈判", "probability": "65", "version": stage.version},
    )
    assert response.status_code == 302
    stage.refresh_from_db()
    assert (stage.name, stage.names["zh-hans"], stage.probability, stage.version) == ("Negotiation", "谈判", 65, 2)
    assert "谈判" in _client(org.ops, "zh-hans").get("/settings/pipelines/").content.decode()
    stale = ops.post(f"/settings/stages/{stage.pk}/", {"name_en": "X", "probability": "1", "version": "1"})
    assert stale.status_code == 409
    assert Stage.objects.get(pk=stage.pk).name == "Negotiation"
    bad = ops.post(f"/settings/stages/{stage.pk}/", {"name_en": "X", "probability": "101", "version": "2"})
    assert bad.status_code == 422

    ops.post(f"/settings/stages/{stage.pk}/move/", {"direction": "up", "version": "2"})
    assert _order(pipeline)[1] == "Negotiation"

    used = pipeline.stages.get(name="Qualify")
    refused = ops.post(f"/settings/stages/{used.pk}/delete/", {"version": used.version}, follow=True)
    assert "cannot be deleted" in refused.content.decode()
    assert Stage.objects.filter(pk=used.pk).exists()

    ops.post(
        f"/settings/pipelines/{pipeline.pk}/", {"name_en": "Sales", "name_zh": "销售", "version": pipeline.version}
    )
    pipeline.refresh_from_db()
    assert pipeline.names == {"en": "Sales", "zh-hans": "销售"}
    assert pipeline.version == 2


def test_a_rep_or_manager_is_refused_and_does_not_see_the_link(org, pipeline):
    stage = pipeline.stages.get(name="Qualify")
    for user in (org.rep_a, org.manager_a):
        client = _client(user)
        assert 'href="/settings/pipelines/"' not in client.get("/").content.decode()
        assert client.get("/settings/pipelines/").status_code == 403
        assert client.post(f"/settings/stages/{stage.pk}/", {"name_en": "X", "probability": "1"}).status_code == 403
        assert client.post(f"/settings/stages/{stage.pk}/move/", {"direction": "down"}).status_code == 403
        assert client.post(f"/settings/stages/{stage.pk}/delete/").status_code == 403
    stage.refresh_from_db()
    assert (stage.name, stage.version, stage.order) == ("Qualify", 1, 1)
