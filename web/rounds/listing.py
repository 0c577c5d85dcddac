"""Which of a round's proposals a round page lists: filters, order and page from the query string (sent by
GET, so a filtered page can be bookmarked, and a decision on one proposal comes back to the same list),
cleaned here once for the careers leader's and the hub admin's pages; hub_rounds.proposals_page finds them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from werkzeug.datastructures import MultiDict

from matcher.people import KINDS, ROUTES
from web.dao.hub_rounds import SORTS, STANDINGS
from web.fields import whole_number, without_control_characters

SEARCH_MAX = 100  # characters of a student's name searched for


@dataclass(frozen=True)
class Listing:
    """One page of a round's proposals, filtered and in an order; the defaults list them all by student."""

    school: int | None = None  # the hub admin's pages only: a careers leader sees their own school
    standing: str | None = None  # one of hub_rounds.STANDINGS
    route: str | None = None
    kind: str | None = None
    opportunity: int | None = None
    student: str = ""  # words of the student's name
    sort: str = "student"  # one of hub_rounds.SORTS
    page: int = 1

    @classmethod
    def asked(cls, args: MultiDict[str, str]) -> Listing:
        """What the query string asks for: a value not on its list, or not a number, asks for nothing."""

        def one_of(name: str, allowed: object) -> str | None:
            value = args.get(name)
            return value if value and value in allowed else None  # type: ignore[operator]

        words = " ".join(without_control_characters(args.get("student", "")).split())
        return cls(
            school=whole_number(args.get("school")),
            standing=one_of("standing", STANDINGS),
            route=one_of("route", ROUTES),
            kind=one_of("kind", KINDS),
            opportunity=whole_number(args.get("opportunity")),
            student=words[:SEARCH_MAX],
            sort=one_of("sort", SORTS) or "student",
            page=whole_number(args.get("page")) or 1,
        )

    def with_page(self, page: int) -> Listing:
        """The same list, another page (the one a round page actually shows, once it knows how many)."""
        return replace(self, page=page)

    def query_values(self) -> dict[str, Any]:
        """The listing as a query string gives it, leaving out what is as it would be anyway: for links
        that come back to the same list, and the keys of kept pages."""
        defaults = asdict(Listing())
        return {name: value for name, value in asdict(self).items() if value != defaults[name]}

    def finding(self) -> dict[str, Any]:
        """hub_rounds.proposals_page's keywords for this list."""
        return {
            "school_id": self.school,
            "standing": self.standing,
            "route": self.route,
            "kind": self.kind,
            "opportunity_id": self.opportunity,
            "student": self.student,
            "sort": self.sort,
            "page": self.page,
        }

    @property
    def filtered(self) -> bool:
        """Whether anything narrows the list (the order and page do not)."""
        return any(name not in ("sort", "page") for name in self.query_values())
