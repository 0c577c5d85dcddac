"""Asking for a pupil's bundle: who may, what it writes (in one transaction, then the id to a worker), and
who is refused."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.pages import banner, rows
from tests.web.privacy_sar.seed import World
from web.extensions import db
from web.models import AuditEvent, Hub, School, SubjectAccessBundle


def _bundles() -> list[SubjectAccessBundle]:
    return list(db.session.scalars(select(SubjectAccessBundle).order_by(SubjectAccessBundle.id)))


def test_a_careers_leader_asks_for_a_pupils_bundle(
    world: World, sign_in_as: Any, enqueued: list[dict[str, Any]]
) -> None:
    leader = sign_in_as(world.leader)
    sid = world.pupil.student.id
    page = leader.get("privacy.pupil_subject_access", student_id=sid)
    assert page.select_one("#no-bundles") is not None
    page = leader.post("privacy.pupil_subject_access", student_id=sid, _follow=True, _expected_status=200)
    assert "Bundle asked for" in banner(page)
    [bundle] = _bundles()
    assert (bundle.student_id, bundle.requested_by_id, bundle.status) == (sid, world.leader.id, "queued")
    assert bundle.content is None and bundle.salt and len(bundle.token_hash) == 64
    assert (bundle.expires_at - bundle.created_at).days == 7
    # Committed before its id (and only its id) went to a worker.
    assert enqueued == [{"args": [bundle.id], "committed": 1}]
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "subject_access_requested"))
    assert (event.user_id, event.record_type, event.record_id) == (
        world.leader.id,
        "subject_access_bundle",
        bundle.id,
    )
    [row] = rows(page, "bundles-table")
    assert row[1] == "Nia Leader" and row[2] == "Being made" and row[3] == "Not yet"


def test_the_careers_leaders_pupil_page_links_to_subject_access(world: World, sign_in_as: Any) -> None:
    page = sign_in_as(world.leader).get("careers.student", student_id=world.pupil.student.id)
    link = page.select_one("#subject-access")
    assert link is not None and link["href"].endswith(
        f"/privacy/pupils/{world.pupil.student.id}/subject-access"
    )


def test_a_hub_admin_asks_for_a_bundle_for_a_pupil_of_a_school_in_their_hub(
    world: World, sign_in_as: Any, enqueued: list[dict[str, Any]]
) -> None:
    admin = factories.create_user_for("hub_admin", db.session.get(Hub, world.school.hub_id))
    request = sign_in_as(admin)
    request.get("privacy.pupil_subject_access", student_id=world.pupil.student.id)
    request.post("privacy.pupil_subject_access", student_id=world.pupil.student.id)
    [bundle] = _bundles()
    assert bundle.requested_by_id == admin.id and len(enqueued) == 1


def test_a_pupil_asks_for_their_own_from_my_record(
    world: World, sign_in_as: Any, enqueued: list[dict[str, Any]]
) -> None:
    pupil = sign_in_as(world.pupil.account)
    record = pupil.get("students.record")
    assert record.select_one("#subject-access")["href"].endswith("/privacy/me/subject-access")
    pupil.get("privacy.my_subject_access")
    page = pupil.post("privacy.my_subject_access", _follow=True, _expected_status=200)
    [bundle] = _bundles()
    assert (bundle.student_id, bundle.requested_by_id) == (world.pupil.student.id, world.pupil.account.id)
    assert len(rows(page, "bundles-table")) == 1 and len(enqueued) == 1


def test_a_pupils_page_lists_only_the_bundles_they_asked_for(
    world: World, sign_in_as: Any, enqueued: list[dict[str, Any]]
) -> None:
    sign_in_as(world.leader).post("privacy.pupil_subject_access", student_id=world.pupil.student.id)
    page = sign_in_as(world.pupil.account).get("privacy.my_subject_access")
    assert page.select_one("#no-bundles") is not None


def _refused(request: ClientRequest, student_id: int, status: int) -> None:
    request.get("privacy.pupil_subject_access", _expected_status=status, student_id=student_id)
    request.post("privacy.pupil_subject_access", _expected_status=status, student_id=student_id)


def test_another_schools_careers_leader_is_refused(
    world: World, careers_leader_request: ClientRequest, enqueued: list[dict[str, Any]]
) -> None:
    _refused(careers_leader_request, world.pupil.student.id, 404)
    assert _bundles() == [] and enqueued == []


def test_another_hubs_admin_is_refused(
    world: World, hub_admin_request: ClientRequest, enqueued: list[dict[str, Any]]
) -> None:
    _refused(hub_admin_request, world.pupil.student.id, 404)
    assert _bundles() == [] and enqueued == []


def test_a_hub_admin_is_refused_a_pupil_of_another_hubs_school(world: World, sign_in_as: Any) -> None:
    elsewhere = factories.create_student(factories.create_school())
    admin = factories.create_user_for("hub_admin", db.session.get(Hub, world.school.hub_id))
    _refused(sign_in_as(admin), elsewhere.id, 404)


def test_another_pupil_is_refused_the_staff_page(world: World, sign_in_as: Any) -> None:
    _refused(sign_in_as(world.sibling.account), world.pupil.student.id, 403)
    assert _bundles() == []


@pytest.mark.parametrize("endpoint", ["privacy.my_subject_access"])
def test_staff_and_employers_have_no_pupils_own_page(
    world: World, sign_in_as: Any, employer_request: ClientRequest, endpoint: str
) -> None:
    for request in (sign_in_as(world.leader), employer_request):
        request.get(endpoint, _expected_status=403)
        request.post(endpoint, _expected_status=403)
    assert _bundles() == []


def test_an_employer_is_refused(world: World, sign_in_as: Any) -> None:
    # Even the employer the pupil is placed with.
    _refused(sign_in_as(world.employer_user), world.pupil.student.id, 403)
    assert _bundles() == []


def test_a_pupil_id_that_does_not_exist_is_not_found(world: World, sign_in_as: Any) -> None:
    _refused(sign_in_as(world.leader), 999_999, 404)


def test_asking_without_the_csrf_token_asks_for_nothing(world: World, sign_in_as: Any) -> None:
    leader = sign_in_as(world.leader)
    response = leader.client.post(f"/privacy/pupils/{world.pupil.student.id}/subject-access")
    assert response.status_code in (200, 400) and _bundles() == []


def test_a_bundle_the_broker_could_not_take_is_still_asked_for(
    world: World, sign_in_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workers.privacy_tasks import make_bundle

    def away(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("broker away")

    monkeypatch.setattr(make_bundle, "apply_async", away)
    leader = sign_in_as(world.leader)
    page = leader.post(
        "privacy.pupil_subject_access", student_id=world.pupil.student.id, _follow=True, _expected_status=200
    )
    assert "when a worker is free" in banner(page)
    [bundle] = _bundles()
    assert bundle.status == "queued"
    assert db.session.get(School, world.school.id) is not None


def test_asking_again_while_a_bundle_is_being_made_makes_no_second_one(
    world: World, sign_in_as: Any, enqueued: list[dict[str, Any]]
) -> None:
    leader = sign_in_as(world.leader)
    leader.post("privacy.pupil_subject_access", student_id=world.pupil.student.id)
    page = leader.post(
        "privacy.pupil_subject_access", student_id=world.pupil.student.id, _follow=True, _expected_status=200
    )
    assert "still being made" in banner(page)
    assert len(_bundles()) == 1 and len(enqueued) == 1
    # Once it is made (or failed), a new one can be asked for.
    _bundles()[0].status = "ready"
    db.session.commit()
    leader.post("privacy.pupil_subject_access", student_id=world.pupil.student.id)
    assert len(_bundles()) == 2
