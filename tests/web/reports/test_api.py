"""The reports API: only a working key of the hub its address names gets in, and its figures are the
report pages' figures."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import db as factories
from tests.web.reports import world as worlds
from web.extensions import db
from web.models import HubApiToken
from web.models.base import utcnow

PATHS = [
    "/api/v1/hubs/{hub}/reports/benchmarks",
    "/api/v1/hubs/{hub}/reports/placements",
    "/api/v1/hubs/{hub}/reports/schools",
    "/api/v1/hubs/{hub}/schools/{school}/reports",
]


@pytest.fixture
def world(app: Flask) -> worlds.World:
    return worlds.build()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _get(client: FlaskClient, path: str, secret: str | None = None, **headers: str) -> Any:
    if secret is not None:
        headers["Authorization"] = f"Bearer {secret}"
    return client.get(path, headers=headers)


def _path(template: str, world: worlds.World, hub: Any = None) -> str:
    return template.format(hub=(hub or world.hub).id, school=world.school_1.id)


def _assert_refused(response: Any, status: int = 401) -> None:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"]
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "students" not in body


@pytest.mark.parametrize("template", PATHS)
def test_a_missing_key_is_refused(client: FlaskClient, world: worlds.World, template: str) -> None:
    _assert_refused(_get(client, _path(template, world)))
    _assert_refused(_get(client, _path(template, world), Authorization="Basic dXNlcjpwYXNz"))
    _assert_refused(_get(client, _path(template, world), Authorization="Bearer "))


@pytest.mark.parametrize("template", PATHS)
def test_an_unknown_key_is_refused(client: FlaskClient, world: worlds.World, template: str) -> None:
    _, secret = factories.create_api_key(world.hub)
    _assert_refused(_get(client, _path(template, world), secret + "x"))
    _assert_refused(_get(client, _path(template, world), "x" * 10_000))


@pytest.mark.parametrize("template", PATHS)
def test_a_revoked_key_is_refused(client: FlaskClient, world: worlds.World, template: str) -> None:
    _, secret = factories.create_api_key(world.hub, revoked_at=utcnow())
    _assert_refused(_get(client, _path(template, world), secret))


@pytest.mark.parametrize("template", PATHS)
def test_another_hubs_key_is_refused(client: FlaskClient, world: worlds.World, template: str) -> None:
    _, theirs = factories.create_api_key(world.other_hub)
    _assert_refused(_get(client, _path(template, world), theirs))


def test_a_working_key_reads_its_hubs_figures_and_is_marked_used(
    client: FlaskClient, world: worlds.World
) -> None:
    key, secret = factories.create_api_key(world.hub)
    response = _get(client, _path(PATHS[0], world), secret)
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert (body["hub_id"], body["academic_year"], body["year_group"], body["as_of"]) == (
        world.hub.id,
        2026,
        None,
        "2026-12-04",
    )
    assert body["benchmark_5"]["all"]["students"] == 6
    assert body["benchmark_5"]["disadvantaged_gap"]["with_encounter_share"] == -0.5
    assert body["benchmark_6"]["all"]["hours_per_student"] == 24.5
    assert body["providers"]["all"]["years_12_13_met"] == 1
    assert db.session.get(HubApiToken, key.id).last_used_at is not None


def test_the_placements_and_schools_answers(client: FlaskClient, world: worlds.World) -> None:
    _, secret = factories.create_api_key(world.hub)
    placements = _get(client, _path(PATHS[1], world), secret).get_json()
    assert placements["outcomes"] == {
        "offered": 6,
        "filled": 3,
        "completed": 1,
        "declined": 1,
        "expired": 1,
        "no_show": 1,
    }
    assert placements["pathways"]["technical"] == {
        "offered": 3,
        "filled": 2,
        "offered_share": 0.5,
        "filled_share": 0.6667,
    }
    assert placements["employers"] == {"offering": 2, "hosting": 2}
    schools = _get(client, _path(PATHS[2], world) + "?per_page=1&page=2", secret).get_json()
    assert (schools["total"], schools["page"], [s["name"] for s in schools["schools"]]) == (
        2,
        2,
        ["Beswick High"],
    )
    school = _get(client, _path(PATHS[3], world) + "?year=2025&year_group=11", secret).get_json()
    assert (school["school_id"], school["benchmark_5"]["all"]["students"]) == (world.school_1.id, 2)


def test_another_hubs_school_is_not_found_with_this_hubs_key(
    client: FlaskClient, world: worlds.World
) -> None:
    _, secret = factories.create_api_key(world.hub)
    path = f"/api/v1/hubs/{world.hub.id}/schools/{world.other_school.id}/reports"
    _assert_refused(_get(client, path, secret), 404)


@pytest.mark.parametrize(
    "query",
    [
        "year=2027",
        "year=1999",
        "year=abc",
        "year_group=6",
        "year_group=15",
        "page=0",
        "per_page=101",
        "name=" + "x" * 101,
    ],
)
def test_a_bad_query_is_a_problem_not_a_server_error(
    client: FlaskClient, world: worlds.World, query: str
) -> None:
    _, secret = factories.create_api_key(world.hub)
    response = _get(client, _path(PATHS[2], world) + "?" + query, secret)
    _assert_refused(response, 400)
    assert query.split("=")[0] in response.get_json()["detail"]


def test_the_openapi_document_is_served_to_anyone(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        path.removeprefix("/api/v1").replace("{hub}", "{hub_id}").replace("{school}", "{school_id}")
        for path in PATHS
    }


def test_the_api_takes_no_posts(client: FlaskClient, world: worlds.World) -> None:
    _, secret = factories.create_api_key(world.hub)
    response = client.post(_path(PATHS[0], world), headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 405


def test_a_key_asking_too_often_is_told_to_wait_and_other_keys_are_not(
    app: Flask, client: FlaskClient, world: worlds.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    _, busy = factories.create_api_key(world.hub)
    _, other = factories.create_api_key(world.hub)
    first, second = _path(PATHS[0], world), _path(PATHS[1], world)
    # One count per key across the API, however the header is written.
    asked = [
        _get(client, first, busy).status_code,
        _get(client, second, busy).status_code,
        client.get(first, headers={"Authorization": f"bearer   {busy}"}).status_code,
    ]
    assert asked == [200, 200, 200]
    for path, header in ((first, f"Bearer {busy}"), (second, f"BEARER {busy} ")):
        refused = client.get(path, headers={"Authorization": header})
        assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
        assert refused.get_json()["status"] == 429 and "Retry-After" in refused.headers
    assert _get(client, first, other).status_code == 200
