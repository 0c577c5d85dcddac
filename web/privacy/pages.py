"""The public privacy pages: a notice for each audience, written for its reader, the index that lists them
with the data map, and the accessibility statement whose known issues come from the browser suite's axe run.

Public because the people they are for (a pupil before their first sign-in, a parent with only a consent link,
an employer thinking of registering) have no account, and because the law asks that they be easy to find.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from flask import render_template

from web.auth.roles import public
from web.privacy import bp, data_map

AXE_FINDINGS = Path(__file__).resolve().parent / "axe_findings.json"
# The retention schedule's public page (web/privacy/retention*.py): linked by path, as another part builds it.
RETENTION_PAGE = "/privacy/retention"


@dataclass(frozen=True)
class Notice:
    """A privacy notice: its address, who it is for and its title."""

    slug: str
    audience: str
    title: str


NOTICES = (
    Notice("pupils-11-13", "Pupils aged 11 to 13 (Years 7 to 9)", "How we use your information"),
    Notice("pupils-14-18", "Pupils and students aged 14 to 18", "How we use your information"),
    Notice("parents-and-carers", "Parents and carers", "How we use your child's information and yours"),
    Notice(
        "employers-and-providers",
        "Employers, colleges and training providers",
        "How we use your organisation's and your staff's information",
    ),
    Notice("staff", "Careers leaders and hub staff", "How we use your information, and your part in it"),
)
BY_SLUG = {notice.slug: notice for notice in NOTICES}


@bp.route("/privacy")
@public
def index() -> str:
    """The privacy notices, one for each audience, and the data map: who sees which details of a pupil."""
    return render_template(
        "privacy/index.html",
        notices=NOTICES,
        audiences=data_map.AUDIENCES,
        map_rows=data_map.rows(),
        not_stored=data_map.NOT_STORED,
        retention_page=RETENTION_PAGE,
    )


@bp.route("/privacy/<any(" + ", ".join(f"'{slug}'" for slug in BY_SLUG) + "):slug>")
@public
def notice(slug: str) -> str:
    """One audience's privacy notice, in words written for them."""
    template = "privacy/notice_" + slug.replace("-", "_") + ".html"
    return render_template(
        template,
        notice=BY_SLUG[slug],
        notices=NOTICES,
        retention_page=RETENTION_PAGE,
    )


@bp.route("/accessibility")
@public
def accessibility() -> str:
    """The accessibility statement, in the UK public sector's format, with the issues axe-core last found."""
    return render_template("privacy/accessibility.html", axe=axe_findings())


@dataclass(frozen=True)
class Finding:
    """One kind of problem axe-core found on pages of one address pattern."""

    rule: str
    impact: str
    help: str
    help_url: str
    wcag: tuple[str, ...]  # the success criteria axe-core files the rule under, such as 4.1.2
    pages: str
    count: int
    accepted: bool


@dataclass(frozen=True)
class AxeRun:
    """What the browser suite's last recorded run found, and when."""

    produced_on: date | None
    axe_version: str
    pages_checked: int
    findings: list[Finding]

    def by_rule(self) -> list[tuple[str, int]]:
        """Each kind of problem once, in words, with how many pages of all the patterns have it."""
        totals: dict[str, int] = {}
        for finding in self.findings:
            totals[finding.help or finding.rule] = totals.get(finding.help or finding.rule, 0) + finding.count
        return list(totals.items())


@cache
def axe_findings(path: Path = AXE_FINDINGS) -> AxeRun:
    """The findings the browser suite wrote (tests/browser/tab.py, with AXE_FINDINGS_OUT set); an empty run,
    undated, if the file is missing or unreadable, so the statement says it has no results rather than
    failing."""
    try:
        raw: dict[str, Any] = json.loads(path.read_text())
        return AxeRun(
            produced_on=date.fromisoformat(raw["produced_on"]),
            axe_version=str(raw.get("axe_version", "")),
            pages_checked=int(raw.get("pages_checked", 0)),
            findings=[
                Finding(
                    rule=str(item["rule"]),
                    impact=str(item.get("impact") or "unknown"),
                    help=str(item.get("help", "")),
                    help_url=str(item.get("help_url", "")),
                    wcag=tuple(str(criterion) for criterion in item.get("wcag", [])),
                    pages=str(item["pages"]),
                    count=int(item["count"]),
                    accepted=bool(item.get("accepted", False)),
                )
                for item in raw.get("findings", [])
            ],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return AxeRun(produced_on=None, axe_version="", pages_checked=0, findings=[])
