"""The public privacy pages: each notice, the index with its data map, and the accessibility statement
rendered from the browser suite's axe findings; the footer links to them from every page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import db as factories
from tests.conftest import ClientRequest
from web.privacy import data_map, pages
from web.privacy.pages import NOTICES, axe_findings

FOOTER = {
    "Privacy": "/privacy",
    "Accessibility": "/accessibility",
    "Sub-processors": "/privacy/sub-processors",
}


def _footer_links(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {link.get_text(strip=True): link["href"] for link in page.select("#footer-links a")}


@pytest.mark.parametrize("notice", NOTICES, ids=lambda notice: notice.slug)
def test_each_privacy_notice_opens_without_signing_in_and_covers_every_heading(
    notice: pages.Notice, client_request: ClientRequest
) -> None:
    page = client_request.get("privacy.notice", slug=notice.slug)

    assert page.h1.get_text(strip=True) == notice.title
    text = page.select_one("#notice").get_text(" ")
    for heading in ("why", "lawful-basis", "who-sees", "how-long", "rights", "complain"):
        assert page.select_one(f"#{heading}") is not None, heading
    assert "ico.org.uk/make-a-complaint" in text
    assert page.select_one(f'#notice a[href="{pages.RETENTION_PAGE}"]') is not None
    assert "public task" in text.lower()
    assert "date of birth" in text.lower()  # each says employers never see it
    others = [link["href"] for link in page.select("#other-notices + ul a")]
    assert len(others) == len(NOTICES) - 1


def test_the_youngest_pupils_notice_is_in_short_sentences(client_request: ClientRequest) -> None:
    page = client_request.get("privacy.notice", slug="pupils-11-13")

    sentences = [
        sentence
        for paragraph in page.select("#notice p, #notice li")
        for sentence in paragraph.get_text(" ").replace("?", ".").replace("!", ".").split(". ")
    ]
    longest = max(sentences, key=lambda sentence: len(sentence.split()))
    assert len(longest.split()) <= 25, longest


def test_every_notice_says_employers_never_see_date_of_birth_postcode_send_or_disadvantage(
    client_request: ClientRequest,
) -> None:
    for notice in NOTICES:
        text = " ".join(
            client_request.get("privacy.notice", slug=notice.slug).select_one("#notice").get_text(" ").split()
        )
        assert "never see" in text, notice.slug


def test_an_unknown_audience_is_not_found(client_request: ClientRequest) -> None:
    client_request.get("privacy.index", _expected_status=200)
    response = client_request.client.get("/privacy/pupils-5-7")
    assert response.status_code == 404


def test_the_privacy_index_lists_every_notice_and_publishes_the_data_map(
    client_request: ClientRequest,
) -> None:
    page = client_request.get("privacy.index")

    listed = [link["href"] for link in page.select("#notices a")]
    assert listed == [client_request.url("privacy.notice", slug=notice.slug) for notice in NOTICES]
    table = page.select_one("#data-map-table")
    head = [cell.get_text(strip=True) for cell in table.select("thead th")]
    assert head[1:-1] == list(data_map.AUDIENCES.values())
    rows = {
        row.th.get_text(strip=True): [cell.get_text(strip=True) for cell in row.select("td")]
        for row in table.select("tbody tr")
    }
    employer = list(data_map.AUDIENCES).index("employer")
    for detail in data_map.DETAILS:
        expected = "Yes" if data_map.may_see("employer", detail.key) else "No"
        assert rows[detail.label][employer] == expected, detail.label
    assert rows["Date of birth"][employer] == "No"
    assert "Ethnicity" in page.select_one("#not-stored + p + ul").get_text()


@pytest.mark.parametrize("role", [None, "hub_admin", "careers_leader", "employer", "student"])
def test_every_page_footer_links_to_privacy_accessibility_and_sub_processors(
    role: str | None, client_request: ClientRequest, sign_in_as
) -> None:  # type: ignore[no-untyped-def]
    request = client_request if role is None else sign_in_as(factories.create_user_for(role))
    home = {
        None: "auth.sign_in",
        "hub_admin": "hub.overview",
        "careers_leader": "careers.students",
        "employer": "employers.opportunities",
        "student": "students.home",
    }[role]
    for endpoint in (home, "privacy.index", "privacy.accessibility", "privacy.hubs"):
        assert _footer_links(request.get(endpoint)) == FOOTER, endpoint


def test_the_accessibility_statement_has_the_public_sector_headings(client_request: ClientRequest) -> None:
    page = client_request.get("privacy.accessibility")

    headings = [heading.get_text(" ", strip=True) for heading in page.select("h2, h3")]
    for expected in (
        "How accessible this service is",
        "What to do if you cannot use parts of this service",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Technical information about this service's accessibility",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
        "How we tested this service",
    ):
        assert expected in headings, expected
    text = page.get_text(" ")
    assert (
        "Equality and Human Rights Commission" in text and "Equality Commission for Northern Ireland" in text
    )
    assert "2.2" in text


def test_the_statement_lists_the_known_issues_the_committed_axe_findings_hold(
    client_request: ClientRequest,
) -> None:
    found = json.loads(pages.AXE_FINDINGS.read_text())
    page = client_request.get("privacy.accessibility")

    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in page.select("#known-issues tbody tr")
    ]
    assert [(row[3], int(row[4])) for row in rows] == [
        (item["pages"], item["count"]) for item in found["findings"]
    ]
    assert [row[5] for row in rows] == [item["rule"] for item in found["findings"]]
    produced = axe_findings().produced_on
    assert produced is not None and produced.strftime("%-d %B %Y") in page.select_one("#produced").get_text()


def test_the_statement_renders_findings_from_the_file_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, client_request: ClientRequest
) -> None:
    findings = tmp_path / "axe.json"
    findings.write_text(
        json.dumps(
            {
                "produced_on": "2026-11-30",
                "axe_version": "4.10.2",
                "pages_checked": 3,
                "findings": [
                    {
                        "rule": "color-contrast",
                        "impact": "serious",
                        "help": "Elements must meet minimum color contrast ratio thresholds",
                        "help_url": "https://dequeuniversity.com/rules/axe/4.10/color-contrast",
                        "wcag": ["1.4.3"],
                        "pages": "/school/rounds/<id>",
                        "count": 2,
                        "accepted": False,
                    }
                ],
            }
        )
    )
    monkeypatch.setattr(pages, "AXE_FINDINGS", findings)
    monkeypatch.setattr(pages, "axe_findings", lambda: axe_findings.__wrapped__(findings))

    page = client_request.get("privacy.accessibility")

    row = [cell.get_text(" ", strip=True) for cell in page.select_one("#known-issues tbody tr").select("td")]
    assert row == [
        "Elements must meet minimum color contrast ratio thresholds",
        "1.4.3",
        "Serious",
        "/school/rounds/<id>",
        "2",
        "color-contrast",
    ]
    assert "30 November 2026" in page.select_one("#produced").get_text()
    assert "partially compliant" in page.select_one("#compliance + p").get_text()
    assert "version 4.10.2" in page.get_text()


def test_without_findings_the_statement_says_it_has_no_results_rather_than_failing(tmp_path: Path) -> None:
    run = pages.axe_findings.__wrapped__(tmp_path / "missing.json")
    assert run.produced_on is None and run.findings == []
    (tmp_path / "bad.json").write_text("{not json")
    assert pages.axe_findings.__wrapped__(tmp_path / "bad.json").findings == []
