"""The yearly roll-over: every current student moves up a year, and those in the school's last year leave.

It happens once per academic year. The confirmation form carries the academic year the page offered to move
students into; the post locks the school, then moves them only if that is still the year on offer and the
school's students have not moved into it already (its audit trail records each roll-over with its year).
So a double click, a second tab or a colleague doing the same thing finds the first one's record and changes
nothing. A year rather than a count or a timestamp: it is what the careers leader means ("move everyone up
for 2026 to 2027"), it stays the same however the students change in between, and an import in between does
not make the page refuse for no reason the person can see.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.careers import bp
from web.careers.forms import LAST_YEARS, RollOverForm
from web.dao import rounds as rounds_dao
from web.dao import school_students as dao
from web.dao.base import transaction
from web.models.base import utcnow

# From June, once Years 11 and 13 have left, a roll-over is for the academic year that starts in September;
# until then, for the one that started last September (a school that did not do it in the summer).
FIRST_MONTH = 6


def academic_year_to_roll_into(today: date) -> int:
    """The academic year (by the calendar year it starts in) a roll-over done today moves students into."""
    return today.year if today.month >= FIRST_MONTH else today.year - 1


def academic_year_words(year: int) -> str:
    """2026 -> "2026 to 2027", as GOV.UK writes an academic year."""
    return f"{year} to {year + 1}"


def default_last_year(years: Counter[int]) -> int:
    """The school's last year group as its students suggest: 13 with a sixth form, 14 if anyone is in 14."""
    highest = max(years, default=11)
    return 14 if highest >= 14 else 13 if highest >= 12 else 11


def what_happens(years: Counter[int], last_year: int) -> str:
    """Exactly what moving up with this last year group does, in words."""
    moving = sum(count for year, count in years.items() if year < last_year)
    leaving = {year: count for year, count in years.items() if year >= last_year}
    moved = f"{moving} {'student' if moving == 1 else 'students'} will move up a year."
    if not leaving:
        return f"{moved} Nobody will be marked as a leaver."
    count = sum(leaving.values())
    where = f"Year {last_year}" if set(leaving) == {last_year} else f"Year {last_year} or above"
    return f"{moved} {count} in {where} will be marked as {'a leaver' if count == 1 else 'leavers'}."


@bp.route("/students/roll-over", methods=["GET", "POST"])
@role_required("careers_leader")
def roll_over() -> Response | str:
    """Ask, then move every current student up a year and mark the last year group as leavers, once a year."""
    school_id = int(current_user.school_id)
    today = utcnow().date()
    academic_year = academic_year_to_roll_into(today)
    years = dao.year_counts(school_id)
    # The year is not given as the form's default: a post without it must not pass for one that has it.
    form = RollOverForm(last_year=str(default_last_year(years)))
    if form.validate_on_submit():
        if form.academic_year.data != str(academic_year):
            flash("This page was out of date. Check what will happen, then confirm again", "important")
            return redirect(url_for("careers.roll_over"))
        if not years:  # nothing to move: recording the year as done would refuse it once students arrive
            flash("Your school has no current students to move up", "important")
            return redirect(url_for("careers.roll_over"))
        with transaction():
            done = dao.roll_over(school_id, int(form.last_year.data), academic_year, today, current_user.id)
        if done is None:
            flash(
                f"Students have already moved up a year for {academic_year_words(academic_year)}", "important"
            )
        else:
            moved, left = done
            leavers = (
                "Nobody marked as a leaver"
                if not left
                else f"{left} marked as {'a leaver' if left == 1 else 'leavers'}"
            )
            flash(f"{moved} {'student' if moved == 1 else 'students'} moved up a year. {leavers}", "success")
        return redirect(url_for("careers.students"))
    form.academic_year.data = str(academic_year)
    return render_template(
        "careers/roll_over.html",
        form=form,
        school=rounds_dao.get_school(school_id),
        years=years,
        academic_year=academic_year_words(academic_year),
        done_on=dao.rolled_over_on(school_id, academic_year),
        next_from=date(academic_year + 1, FIRST_MONTH, 1),
        imported_on=dao.last_imported_on(school_id),
        outcomes={value: what_happens(years, int(value)) for value in LAST_YEARS},
    )
