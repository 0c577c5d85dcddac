"""Someone who took up their invitation by connecting a school account (Google or Microsoft) has no password,
yet has joined: their account shows as active, and they are emailed like anyone who chose a password."""

from __future__ import annotations

from tests import db as factories
from web.dao.school_students import account_status
from web.dao.users import reachable
from web.extensions import db
from web.models import SignInIdentity, User


def test_a_connected_school_account_counts_as_joined_without_a_password(app: object) -> None:
    student = factories.create_student()
    user = factories.create_user_for("student", student, password="")
    user.password_hash = ""
    db.session.commit()
    assert (user.joined, account_status(user), reachable(User.id == user.id)) == (False, "Invited", [])

    db.session.add(SignInIdentity(user_id=user.id, provider="microsoft", issuer="https://ms", subject="7"))
    db.session.commit()

    assert (user.joined, account_status(user), reachable(User.id == user.id)) == (True, "Active", [user])
