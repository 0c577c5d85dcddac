"""A small hub whose every report figure can be worked out by hand (see the comments), another hub whose
records must never show, and the placements the placement reports count.

Academic year 2026 to 2027 (today is 4 December 2026, tests/web/reports/conftest.py). Hub A:

Ardwick (school_1):
  dis     disadvantaged, Year 10, born 1 Mar 2011 (15): two talks this year, one last year; a meaningful
          30-hour week on 1 Jul 2026 (last year, aged 15).
  send    SEND, Year 12, born 1 May 2009 (17): 20 hours on 1 Jun 2024 (aged 15, Year 9 then), 35 hours not
          marked meaningful on 10 Oct 2026 (this year, aged 17); two provider encounters this year (Year 12).
  both    disadvantaged and SEND, Year 9, born 1 Jun 2012: nothing.
  older   Year 13, born 1 Oct 2008 (18 since 1 Oct 2026): 10 hours on 15 Sep 2024 (aged 15), 12 hours
          meaningful on 1 Mar 2025 (aged 16); one talk this year; provider encounters on 1 Nov 2025 (Year 12,
          so in this pair of years) and 1 Nov 2024 (Year 11, so not): one of two.
  young   Year 8, born 1 Jan 2014: one provider encounter this year (not yet two).
  leaver  Year 11 when they left on 20 Jul 2026: a talk on 1 Oct 2025 (when in Year 11).
Beswick (school_2):
  beswick Year 10, born 1 Feb 2011: one talk this year; 40 hours on 1 Nov 2026, meaningful.
Hub B: a school with a student with many records and a completed placement, in every report's way.

Placements (allocations) in hub A, on opportunities starting this academic year unless said:
  technical (Digital employer):       dis completed, send no-show, young offered (no answer yet)
  academic (Construction employer):   both declined, older's offer ran out, beswick accepted
  not offered, so never counted:      young proposed on the academic one
  last academic year (technical):     dis completed
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tests import db as factories
from web.models import Hub, School, Student


@dataclass
class World:
    """Who is who (see the module's docstring)."""

    hub: Hub
    other_hub: Hub
    school_1: School
    school_2: School
    other_school: School
    students: dict[str, Student]


def _experience(student: Student, on: date, hours: str, meaningful: bool | None = None) -> Any:
    return factories.create_record(
        student,
        benchmark="6",
        kind="work_experience",
        title="Work experience",
        on_date=on,
        hours=Decimal(hours),
        meaningful=meaningful,
    )


def _talk(student: Student, on: date, kind: str = "employer_talk") -> Any:
    return factories.create_record(student, on_date=on, kind=kind)


def build() -> World:
    """The world of the module's docstring."""
    hub = factories.create_hub(name="Hub A")
    other_hub = factories.create_hub(name="Hub B")
    school_1 = factories.create_school(hub, name="Ardwick Academy")
    school_2 = factories.create_school(hub, name="Beswick High")
    other_school = factories.create_school(other_hub, name="Elsewhere College")
    make = factories.create_student
    students = {
        "dis": make(school_1, year_group=10, date_of_birth=date(2011, 3, 1), disadvantaged=True),
        "send": make(school_1, year_group=12, date_of_birth=date(2009, 5, 1), send=True, send_status="K"),
        "both": make(
            school_1,
            year_group=9,
            date_of_birth=date(2012, 6, 1),
            disadvantaged=True,
            send=True,
            send_status="E",
        ),
        "older": make(school_1, year_group=13, date_of_birth=date(2008, 10, 1)),
        "young": make(school_1, year_group=8, date_of_birth=date(2014, 1, 1)),
        "leaver": make(school_1, year_group=11, date_of_birth=date(2010, 2, 1), left_on=date(2026, 7, 20)),
        "beswick": make(school_2, year_group=10, date_of_birth=date(2011, 2, 1)),
        "elsewhere": make(other_school, year_group=10, date_of_birth=date(2011, 2, 1)),
    }
    s = students
    _talk(s["dis"], date(2026, 9, 20))
    _talk(s["dis"], date(2026, 11, 5))
    _talk(s["dis"], date(2025, 10, 1))
    _experience(s["dis"], date(2026, 7, 1), "30", meaningful=True)
    _experience(s["send"], date(2024, 6, 1), "20")
    _experience(s["send"], date(2026, 10, 10), "35", meaningful=False)
    _talk(s["send"], date(2026, 9, 15), kind="technical_provider")
    _talk(s["send"], date(2026, 11, 1), kind="technical_provider")
    _experience(s["older"], date(2024, 9, 15), "10")
    _experience(s["older"], date(2025, 3, 1), "12", meaningful=True)
    _talk(s["older"], date(2026, 10, 1))
    _talk(s["young"], date(2026, 10, 2), kind="technical_provider")
    _talk(s["leaver"], date(2025, 10, 1))
    _talk(s["beswick"], date(2026, 10, 3))
    _experience(s["beswick"], date(2026, 11, 1), "40", meaningful=True)
    for day in range(1, 6):
        _talk(s["elsewhere"], date(2026, 10, day))
        _experience(s["elsewhere"], date(2026, 10, day), "50", meaningful=True)
    _talk(s["older"], date(2025, 11, 1), kind="technical_provider")
    _talk(s["older"], date(2024, 11, 1), kind="technical_provider")
    _placements(hub, other_hub, school_1, school_2, other_school, s)
    return World(hub, other_hub, school_1, school_2, other_school, students)


def _placements(
    hub: Hub, other_hub: Hub, school_1: School, school_2: School, other_school: School, s: dict[str, Student]
) -> None:
    digital = factories.create_employer(hub, name="Digital Ltd", route="digital")
    builder = factories.create_employer(
        hub, name="Builders Ltd", route="construction-and-the-built-environment"
    )
    elsewhere = factories.create_employer(other_hub, name="Elsewhere Ltd", route="digital")
    technical = factories.create_opportunity(
        digital, pathway="technical", capacity=5, start_date=date(2027, 2, 1), end_date=date(2027, 2, 5)
    )
    academic = factories.create_opportunity(
        builder, pathway="academic", capacity=5, start_date=date(2027, 3, 1), end_date=date(2027, 3, 5)
    )
    last_year = factories.create_opportunity(
        digital, pathway="technical", capacity=5, start_date=date(2025, 10, 1), end_date=date(2025, 10, 3)
    )
    theirs = factories.create_opportunity(
        elsewhere, pathway="academic", capacity=5, start_date=date(2027, 2, 1), end_date=date(2027, 2, 5)
    )
    round_1 = factories.create_round(school_1, status="succeeded")
    round_2 = factories.create_round(school_2, status="succeeded")
    round_3 = factories.create_round(other_school, status="succeeded")
    for student, opportunity, status in (
        ("dis", technical, "completed"),
        ("send", technical, "no_show"),
        ("young", technical, "offered"),
        ("both", academic, "declined"),
        ("older", academic, "expired"),
        ("young", academic, "proposed"),
        ("dis", last_year, "completed"),
    ):
        factories.create_allocation(round_1, s[student], opportunity, status=status)
    factories.create_allocation(round_2, s["beswick"], academic, status="accepted")
    factories.create_allocation(round_3, s["elsewhere"], theirs, status="completed")
