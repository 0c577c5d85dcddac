"""The school's students page: its filters (sent by GET, so a filtered page can be bookmarked), its pages
of 50, and what each row says about a student's missing details."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect

from web.dao.school_students import StudentFilters
from web.fields import ChoiceField, Form, TextField, whole_number
from web.models import Student

PER_PAGE = 50

NO_HOME = "Home postcode (distances from school)"
NO_PUPIL_EMAIL = "Pupil email"
NO_PARENT_EMAIL = "Parent or carer email"

SHOW = {"current": "Current students", "left": "Leavers"}
YEARS = {"": "All year groups", **{str(year): f"Year {year}" for year in range(7, 15)}}
ACCOUNTS = {"": "With or without", "has": "Has an account", "none": "No account"}
MISSING = {
    "": "Any",
    "no_contact": "No email for the pupil or their parent or carer",
    "no_email": "No pupil email",
    "no_parent_email": "No parent or carer email",
    "no_postcode": "No home postcode",
}


def missing(student: Student) -> list[str]:
    """The details the school's records lack for this student that matching or emailing them needs."""
    gaps = []
    if not student.postcode:
        gaps.append(NO_HOME)
    if not student.email:
        gaps.append(NO_PUPIL_EMAIL)
    if not student.parent_email:
        gaps.append(NO_PARENT_EMAIL)
    return gaps


def missing_words(student: Student) -> str:
    """The missing details in words for the table: "Nothing" when the school has them all."""
    return ", ".join(missing(student)) or "Nothing"


def _select(label: str, choices: dict[str, str]) -> ChoiceField:
    return ChoiceField(label, choices, f"Select {label.lower()}", widget=GovSelect())


ANY_GROUP = {"": "All tutor groups"}


class StudentFilterForm(Form):
    """Find students: current or leavers, by year group, tutor group, name or UPN, account, and missing
    details."""

    class Meta(Form.Meta):
        csrf = False  # sent by GET, changing nothing

    show = _select("Show", SHOW)
    year = _select("Year group", YEARS)
    group = _select("Tutor group", ANY_GROUP)
    q = TextField("Name or UPN", called="Name or UPN", max_length=100)
    account = _select("Account", ACCOUNTS)
    missing = _select("Missing details", MISSING)

    def __init__(self, formdata: Any = None, groups: list[str] | None = None, **kwargs: Any) -> None:
        """The form, its tutor groups the school's own (web/dao/school_students.tutor_groups)."""
        super().__init__(formdata, **kwargs)
        self.groups = {**ANY_GROUP, **{group: group for group in groups or ()}}
        self.group.choices = list(self.groups.items())

    def filters(self) -> StudentFilters:
        """What the page was asked to show; a value not on a list (or a search too long) is no filter."""
        self.q.validate(self)  # only the search box can be wrong in a way worth saying

        def chosen(field: ChoiceField, choices: dict[str, str]) -> str:
            return field.data if field.data in choices else ""

        year = whole_number(chosen(self.year, YEARS), 2)
        return StudentFilters(
            leavers=chosen(self.show, SHOW) == "left",
            year_group=year,
            tutor_group=chosen(self.group, self.groups),
            search="" if self.q.errors else self.q.data or "",
            account=chosen(self.account, ACCOUNTS),
            missing=chosen(self.missing, MISSING),
        )


def query_values(filters: StudentFilters) -> dict[str, Any]:
    """The filters as the query string gives them, leaving out the ones not chosen (for page links)."""
    values = {
        "show": "left" if filters.leavers else "",
        "year": str(filters.year_group or ""),
        "group": filters.tutor_group,
        "q": filters.search,
        "account": filters.account,
        "missing": filters.missing,
    }
    return {name: value for name, value in values.items() if value}
