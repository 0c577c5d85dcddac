"""The parent's or carer's link to their child's entitlements: used once to start a session on one browser,
for that child only, ended by the school, by time, or by the pupil leaving."""

from __future__ import annotations

from datetime import date, timedelta

from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, sent_to
from tests.web.parents.family_helpers import PARENT, emailed_path, link_of, open_link, pupil, send_to
from web.dao import parent_links as dao
from web.dao.base import transaction
from web.dao.notifications import about_pupils
from web.extensions import db
from web.models import AccessLog, Hub, Notification, ParentLink, School, Student
from web.models.base import utcnow


def _get(request: ClientRequest, path: str) -> tuple[int, str]:
    response = request.client.get(path)
    response.close()
    return response.status_code, response.get_data(as_text=True)


def _opened(request: ClientRequest, student: Student, address: str = PARENT, newest: int = 0) -> str:
    """Open the newest emailed link on this browser; the child's page's path."""
    response = open_link(request, emailed_path(address, newest))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return str(response.headers["Location"])


def test_the_email_says_whose_record_and_holds_the_link(client_request: ClientRequest) -> None:
    send_to(pupil(preferred_name="Lexi"))
    deliver_queued()

    (message,) = sent_to(PARENT)
    assert "Lexi" in message.subject
    assert emailed_path().startswith("/family/")


def test_opening_the_link_spends_nothing_until_continue_is_pressed(client_request: ClientRequest) -> None:
    student = pupil()
    send_to(student)
    path = emailed_path()

    for _ in range(2):  # a mail scanner's visit, then the parent's
        status, text = _get(client_request, path)
        assert status == 200
        assert "Continue" in text
    assert link_of(student).used_at is None


def test_continue_opens_the_childs_page_at_an_address_without_the_secret(
    client_request: ClientRequest,
) -> None:
    student = pupil(preferred_name="Lexi")
    send_to(student)
    path = emailed_path()

    page = _opened(client_request, student)

    secret = path.rsplit("/", 1)[1]
    assert page == f"/family/child/{link_of(student).id}" and secret not in page
    status, text = _get(client_request, page)
    assert status == 200
    assert "Lexi" in text and "What they are owed" in text
    school = db.session.get(School, student.school_id)
    assert school is not None and school.name in text
    assert link_of(student).used_at is not None
    assert link_of(student).session_key_hash is not None


def test_the_page_shows_nothing_personal_beyond_the_first_name(client_request: ClientRequest) -> None:
    student = pupil(last_name="Zebedee", postcode="M14 5TP", send=True, disadvantaged=True)
    send_to(student)
    status, text = _get(client_request, _opened(client_request, student))

    assert status == 200
    for hidden in ("Zebedee", "M14 5TP", student.date_of_birth.strftime("%-d %B %Y"), "SEND", "premium"):
        assert hidden not in text


def test_the_link_works_once(client_request: ClientRequest, app: Flask) -> None:
    student = pupil()
    send_to(student)
    path = emailed_path()
    _opened(client_request, student)

    other = ClientRequest(app.test_client(), app)
    status, text = _get(other, path)
    assert status == 404 and "ask the school to send you a new link" in text
    assert open_link(other, path).status_code == 404
    page = f"/family/child/{link_of(student).id}"
    assert _get(other, page)[0] == 403


def test_the_browser_that_used_the_link_goes_back_to_the_page(client_request: ClientRequest) -> None:
    student = pupil()
    send_to(student)
    path = emailed_path()
    page = _opened(client_request, student)

    response = client_request.client.get(path)
    assert response.status_code == 302 and response.headers["Location"] == page


def test_the_cookie_opens_only_that_childs_page(client_request: ClientRequest) -> None:
    school = factories.create_school()
    mine, theirs = pupil(school), pupil(school, first_name="Robin", parent_email="other@example.org")
    send_to(mine, theirs)
    _opened(client_request, mine)

    status, text = _get(client_request, f"/family/child/{link_of(theirs).id}")
    assert status == 403 and "Robin" not in text


def test_a_parent_of_two_children_sees_each(client_request: ClientRequest) -> None:
    school = factories.create_school()
    alex, robin = pupil(school, first_name="Alex"), pupil(school, first_name="Robin", year_group=11)
    send_to(alex, robin)
    deliver_queued()
    for newest in (0, 1):  # both emails, to the one family address, opened on one browser
        assert open_link(client_request, emailed_path(newest=newest)).status_code == 302

    for child, other in ((alex, "Robin"), (robin, "Alex")):
        status, text = _get(client_request, f"/family/child/{link_of(child).id}")
        assert status == 200
        assert child.first_name in text and other not in text


def test_a_revoked_link_ends_the_page(client_request: ClientRequest) -> None:
    student = pupil()
    send_to(student)
    page = _opened(client_request, student)
    with transaction():
        dao.revoke(
            link_of(student).id, student.school_id, factories.create_user_for("careers_leader").id, utcnow()
        )

    status, text = _get(client_request, page)
    assert status == 403 and "ask the school to send you a new link" in text


def test_a_pupil_who_left_was_anonymised_or_moved_school_ends_the_page(client_request: ClientRequest) -> None:
    changes = [
        {"left_on": date.today()},
        {"anonymised_at": utcnow()},
        {"school_id": factories.create_school().id},
    ]
    for number, change in enumerate(changes):
        address = f"parent{number}@example.org"
        student = pupil(parent_email=address)
        send_to(student)
        page = _opened(client_request, student, address=address)
        assert _get(client_request, page)[0] == 200
        db.session.query(Student).filter_by(id=student.id).update(change)
        db.session.commit()

        assert _get(client_request, page)[0] == 403


def test_a_link_that_ran_out_ends_the_page(client_request: ClientRequest) -> None:
    student = pupil()
    send_to(student)
    page = _opened(client_request, student)
    db.session.query(ParentLink).update({"expires_at": utcnow() - timedelta(minutes=1)})
    db.session.commit()

    assert _get(client_request, page)[0] == 403


def test_a_link_not_opened_within_30_days_does_not_work(client_request: ClientRequest) -> None:
    student = pupil()
    send_to(student)
    path = emailed_path()
    db.session.query(ParentLink).update({"sent_at": utcnow() - dao.START_WITHIN - timedelta(minutes=1)})
    db.session.commit()

    assert _get(client_request, path)[0] == 404
    assert open_link(client_request, path).status_code == 404


def test_the_email_of_a_revoked_link_is_not_sent(client_request: ClientRequest) -> None:
    student = pupil()
    send_to(student)
    with transaction():
        dao.revoke(
            link_of(student).id, student.school_id, factories.create_user_for("careers_leader").id, utcnow()
        )
    deliver_queued()

    assert sent_to(PARENT) == []


def test_an_altered_cookie_opens_nothing(client_request: ClientRequest) -> None:
    student = pupil()
    send_to(student)
    page = _opened(client_request, student)
    client_request.client.set_cookie("family", "e30.not-signed", path="/family")

    assert _get(client_request, page)[0] == 403


def test_continue_needs_the_forms_csrf_token(client_request: ClientRequest) -> None:
    student = pupil()
    send_to(student)
    response = client_request.client.post(emailed_path(), data={})

    assert response.status_code == 400
    assert link_of(student).used_at is None


def test_the_pages_are_kept_out_of_caches_and_send_no_referrer(client_request: ClientRequest) -> None:
    student = pupil()
    send_to(student)
    path = emailed_path()
    for response in (
        client_request.client.get(path),
        client_request.client.get(_opened(client_request, student)),
    ):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_page_shows_what_is_coming_up(client_request: ClientRequest) -> None:
    student = pupil()
    school = db.session.get(School, student.school_id)
    hub = db.session.get(Hub, school.hub_id) if school else None
    assert hub is not None and school is not None
    coming = factories.create_slot(factories.create_event(hub, [school], title="Spring careers fair"))
    factories.create_place(coming, student, "invited")
    proposed = factories.create_slot(factories.create_event(hub, [school], title="Proposed talk"), hour=14)
    factories.create_place(proposed, student, "proposed")
    employer = factories.create_employer(hub)
    opportunity = factories.create_opportunity(employer, title="Bakery placement", places_taken=1)
    match_round = factories.create_round(school, status="succeeded")
    factories.create_allocation(match_round, student, opportunity, status="confirmed")
    send_to(student)

    status, text = _get(client_request, _opened(client_request, student))

    page = BeautifulSoup(text, "html.parser")
    listed = page.select_one("#coming-up")
    assert status == 200 and listed is not None
    assert "Spring careers fair" in listed.text and "Bakery placement" in listed.text
    assert "Proposed talk" not in text


def test_the_page_invites_a_parent_to_offer_through_their_work(client_request: ClientRequest) -> None:
    student = pupil()
    send_to(student)
    status, text = _get(client_request, _opened(client_request, student))

    page = BeautifulSoup(text, "html.parser")
    link = page.select_one("#register-employer")
    assert status == 200 and link is not None and link["href"] == "/employer/register"
    assert "The hub checks every employer" in text


def test_the_parents_view_is_not_in_the_access_log(client_request: ClientRequest) -> None:
    student = pupil()
    send_to(student)
    _get(client_request, _opened(client_request, student))

    assert db.session.query(AccessLog).count() == 0


def test_guessing_links_is_slowed_down(client_request: ClientRequest) -> None:
    statuses = [client_request.client.get(f"/family/guess-{n}").status_code for n in range(11)]

    assert statuses[:10] == [404] * 10 and statuses[10] == 429


def test_the_link_email_counts_as_about_its_pupil_and_not_a_sibling(client_request: ClientRequest) -> None:
    school = factories.create_school()
    alex, robin = pupil(school), pupil(school, first_name="Robin")
    send_to(alex, robin)

    about_alex = db.session.scalars(select(Notification).where(about_pupils([alex.id]))).all()

    assert [message.about for message in about_alex] == [{"parent_link_id": link_of(alex).id}]
