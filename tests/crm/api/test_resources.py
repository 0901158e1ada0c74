"""Stage and pipeline names per language through the API."""

from __future__ import annotations

from opensrm.crm.models import Stage


def test_stage_names_are_written_read_and_shown_in_the_callers_language(org, pipeline, client_for):
    c = client_for(org.ops)
    created = c.post(
        "/stages",
        {"pipeline_id": pipeline.pk, "name": "赢单", "names": {"zh-hans": "赢单", "en": "Won big"}, "order": 9},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["names"] == {"zh-hans": "赢单", "en": "Won big"}
    listed = c.get(f"/pipelines/{pipeline.pk}", None, **{"Accept-Language": "en"}).json()
    assert "Won big" in {s["display_name"] for s in listed["stages"]}


def test_a_bad_names_value_is_a_422_naming_the_field_and_nothing_is_written(org, pipeline, client_for):
    c = client_for(org.ops)
    before = Stage.objects.count()
    response = c.post("/stages", {"pipeline_id": pipeline.pk, "name": "X", "names": {"xx": "X"}, "order": 9})
    assert response.status_code == 422
    assert "names" in response.json()["errors"]
    assert Stage.objects.count() == before


def test_the_schema_documents_names_and_display_name(client, db):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "names" in schema["StageOut"]["properties"]
    assert "display_name" in schema["StageOut"]["properties"]
    assert "language" in schema["StageOut"]["properties"]["display_name"]["description"]
    assert "names" in schema["PipelineIn"]["properties"]
