"""What the hub's termly ask says to an employer: every part in words, and the link to answer them."""

from __future__ import annotations

from typing import Any

from web.dao import asks as dao
from web.emails import email, link
from web.extensions import db
from web.models import Employer, Hub
from web.planner.terms import TERM_NAMES, term_label


@email("employer_ask")
def employer_ask(ask_id: int) -> dict[str, Any] | None:
    """To an employer's users: the hub's one ask of the term, part by part."""
    ask = dao.get_ask(ask_id)
    if ask is None or ask.status != "sent":
        return None
    rows = dao.asks_of_employer(ask.employer_id)
    parts = next((row.parts for row in rows if row.ask.id == ask_id), [])
    employer = db.session.get(Employer, ask.employer_id)
    hub = db.session.get(Hub, ask.hub_id)
    assert employer is not None and hub is not None  # by their foreign keys
    return {
        "hub": hub.name,
        "employer": employer.name,
        "term": term_label(ask.academic_year, ask.term),
        "season": TERM_NAMES[ask.term].lower(),
        "summary": ", ".join(part.words for part in parts),
        "parts": parts,
        "link": link("employers.asks"),
    }
