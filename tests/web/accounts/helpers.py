"""Steps the account tests share: invite someone, read their email, follow its link, choose a password."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup

from tests.conftest import ClientRequest
from tests.mail import deliver_queued, link_in, sent_to
from web.dao import accounts
from web.dao.base import transaction
from web.models import User

EXPIRED = "This link has expired or has already been used"
NEW_PASSWORD = "purple elephant umbrella"


def invite(email: str, record: Any, role: str = "careers_leader", by: User | None = None) -> User:
    """Invite someone to act for record, as `by` would (the command line if None)."""
    with transaction():
        return accounts.invite(email, role, record.id, by.id if by else None, name="Nia Patel")


def emailed_link(address: str) -> str:
    """Send what is queued, then the path of the link in the newest message to this address."""
    deliver_queued()
    messages = sent_to(address)
    assert messages, f"nothing was sent to {address}"
    return link_in(messages[0])


def follow(request: ClientRequest, path: str) -> Any:
    """Follow an emailed link, without following where it sends you."""
    return request.client.get(path)


def choose_password(
    request: ClientRequest, password: str = NEW_PASSWORD, confirm: str | None = None, status: int = 302
) -> BeautifulSoup:
    """Post the set-password form."""
    data = {"password": password, "confirm": password if confirm is None else confirm}
    return request.post("accounts.set_password", data, _expected_status=status)


def heading(page: BeautifulSoup) -> str:
    """The page's h1, as plain text."""
    h1 = page.select_one("h1")
    return " ".join(h1.get_text(" ").split()) if h1 else ""


def soup(response: Any) -> BeautifulSoup:
    """A test client response as parsed HTML."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")
