"""Records the parent's-link tests share: a pupil with a parent email, a link sent, and its emailed path."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, link_in, sent_to
from web.dao import parent_links as dao
from web.dao.base import transaction
from web.dates import london_today
from web.extensions import db
from web.models import ParentLink, School, Student
from web.models.base import utcnow

PARENT = "parent@example.org"


def pupil(school: School | None = None, **fields: Any) -> Student:
    """A Year 9 pupil (Alex unless told) whose parent's email is PARENT unless told."""
    return factories.create_student(
        school, **{"first_name": "Alex", "year_group": 9, "parent_email": PARENT, **fields}
    )


def send_to(*pupils: Student) -> dao.Sent:
    """Send the pupils' parents their links as a careers leader of the first pupil's school would."""
    leader = factories.create_user_for("careers_leader", db.session.get(School, pupils[0].school_id))
    with transaction():
        return dao.send(pupils[0].school_id, list(pupils), leader.id, utcnow(), london_today())


def emailed_path(address: str = PARENT, newest: int = 0) -> str:
    """The path in a parent's-link email to this address (sending what is queued first)."""
    deliver_queued()
    return link_in(sent_to(address)[newest])


def link_of(student: Student) -> ParentLink:
    found = db.session.scalars(
        select(ParentLink).where(ParentLink.student_id == student.id).order_by(ParentLink.id.desc())
    ).first()
    assert found is not None
    return found


def open_link(request: ClientRequest, path: str, address: str = "127.0.0.1") -> Any:
    """Press Continue on the link's page: the response (a redirect to the child's page if it worked)."""
    with request.client.session_transaction() as session:
        session["csrf_token"] = request._raw_csrf
    response = request.client.post(
        path, data={"csrf_token": request.csrf_token}, environ_base={"REMOTE_ADDR": address}
    )
    response.close()
    return response
