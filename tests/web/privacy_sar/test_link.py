"""The emailed single-use link: only for the one who asked, signed in; served once; gone after 7 days."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, link_in, sent_to
from tests.web.privacy_sar.seed import World, a_bundle_secret
from web.dao import subject_access as dao
from web.dao.base import transaction
from web.extensions import db
from web.models import AuditEvent, SubjectAccessBundle, User
from web.models.base import utcnow
from web.privacy import bundle as bundle_zip
from workers.privacy_tasks import make_bundle


def _ready(world: World, requester: User) -> tuple[SubjectAccessBundle, str]:
    """A bundle asked for by `requester`, made by the task, and the path of the link emailed to them."""
    with transaction():
        asked = dao.ask(world.pupil.student.id, requester.id)
    make_bundle.run(asked.id)
    assert deliver_queued() == 1
    [message] = sent_to(requester.email)
    db.session.expire_all()
    return db.session.get(SubjectAccessBundle, asked.id), link_in(message)


def _download(request: ClientRequest, link: str) -> Any:
    response = request.client.get(link)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert response.headers["Location"].endswith("/privacy/subject-access/download")  # the secret is gone
    page = request.get("privacy.subject_access_download")
    assert page.select_one("#download-bundle") is not None
    with request.client.session_transaction() as session:
        session["csrf_token"] = request._raw_csrf
    return request.client.post("/privacy/subject-access/download", data={"csrf_token": request.csrf_token})


def test_the_requester_follows_the_emailed_link_and_downloads_the_zip_once(
    world: World, sign_in_as: Any
) -> None:
    made, link = _ready(world, world.leader)
    assert link == f"/privacy/subject-access/link/{a_bundle_secret(made.salt)}"
    [message] = sent_to(world.leader.email)
    assert message.subject == "The subject access bundle you asked for is ready"
    assert "Adafirst" not in str(message.body)  # no pupil's name in an email that may be forwarded
    leader = sign_in_as(world.leader)
    response = _download(leader, link)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    _, machine = bundle_zip.read(response.get_data())
    assert machine["sections"]["pupil"]["first_name"] == "Adafirst"
    db.session.expire_all()
    spent = db.session.get(SubjectAccessBundle, made.id)
    assert spent.used_at is not None and spent.content is None  # nothing of the zip stays behind
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "subject_access_downloaded"))


def test_a_second_use_says_it_has_been_used_and_to_ask_again(world: World, sign_in_as: Any) -> None:
    _, link = _ready(world, world.leader)
    leader = sign_in_as(world.leader)
    assert _download(leader, link).status_code == 200
    response = leader.client.get(link)
    assert response.status_code == 410
    text = response.get_data(as_text=True)
    assert "This link has already been used" in text and "Ask for it again" in text
    assert f"/privacy/pupils/{world.pupil.student.id}/subject-access" in text
    # Posting the download again (another tab) serves nothing either.
    again = leader.client.post("/privacy/subject-access/download", data={"csrf_token": leader.csrf_token})
    assert again.status_code in (404, 410) and again.mimetype != "application/zip"


def test_the_link_is_refused_to_anyone_but_the_requester(world: World, sign_in_as: Any) -> None:
    made, link = _ready(world, world.leader)
    colleague = factories.create_user_for("careers_leader", world.school)  # same school, did not ask
    for someone in (colleague, world.pupil.account):
        response = sign_in_as(someone).client.get(link)
        assert response.status_code == 403
        assert "This link is for the person who asked for it" in response.get_data(as_text=True)
    assert sign_in_as(world.employer_user).client.get(link).status_code == 403  # no such role
    db.session.expire_all()
    assert db.session.get(SubjectAccessBundle, made.id).used_at is None  # still theirs to use


def test_a_download_carried_to_another_account_in_the_session_is_refused(
    world: World, sign_in_as: Any
) -> None:
    made, _ = _ready(world, world.leader)
    colleague = sign_in_as(factories.create_user_for("careers_leader", world.school))
    with colleague.client.session_transaction() as session:
        session["subject_access_bundle_id"] = made.id
    colleague.get("privacy.subject_access_download", _expected_status=403)
    with colleague.client.session_transaction() as session:
        assert "subject_access_bundle_id" not in session  # a refusal forgets it
        session["subject_access_bundle_id"] = made.id
    colleague.post("privacy.subject_access_download", _expected_status=403)
    db.session.expire_all()
    assert db.session.get(SubjectAccessBundle, made.id).used_at is None


def test_an_expired_link_is_refused(world: World, sign_in_as: Any) -> None:
    made, link = _ready(world, world.leader)
    made.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = sign_in_as(world.leader).client.get(link)
    assert response.status_code == 410 and "This link has expired" in response.get_data(as_text=True)


def test_a_wrong_or_made_up_link_is_not_found(world: World, sign_in_as: Any) -> None:
    leader = sign_in_as(world.leader)
    for secret in ("nonsense", "x" * 500):
        response = leader.client.get(f"/privacy/subject-access/link/{secret}")
        assert response.status_code == 404
    leader.get("privacy.subject_access_download", _expected_status=404)  # nothing followed yet


def test_signed_out_the_link_asks_to_sign_in(world: World, client_request: ClientRequest) -> None:
    _, link = _ready(world, world.leader)
    response = client_request.client.get(link)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_pupils_own_bundle_is_emailed_to_them_and_downloaded_by_them(world: World, sign_in_as: Any) -> None:
    _, link = _ready(world, world.pupil.account)
    [message] = sent_to(world.pupil.account.email)
    assert message.subject == "Your copy of your information is ready"
    assert _download(sign_in_as(world.pupil.account), link).status_code == 200
    again = sign_in_as(world.pupil.account).client.get(link)
    assert again.status_code == 410 and "/privacy/me/subject-access" in again.get_data(as_text=True)


def test_the_links_secret_is_hidden_in_access_logs(app: Any) -> None:
    import logging

    secret = "s3cr3t-of-a-bundle"
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '"GET %s HTTP/1.1" 302 -',
        (f"/privacy/subject-access/link/{secret}",),
        None,
    )
    signed_out = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1, '"GET %s HTTP/1.1" 200 -',
        (f"/sign-in?next=%2Fprivacy%2Fsubject-access%2Flink%2F{secret}",), None,
    )  # fmt: skip
    for entry in (record, signed_out):
        for found in logging.getLogger("werkzeug").filters:
            found.filter(entry)  # type: ignore[union-attr]
        assert secret not in entry.getMessage()
