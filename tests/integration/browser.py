"""A small browser for the integration tests: a cookie jar, redirects followed by hand, forms filled the way
a browser fills them (hidden csrf_token, checked radios, default values), pages parsed with BeautifulSoup.

It talks real HTTP to a real server, so nothing here knows about Flask.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode, urljoin
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

from bs4 import BeautifulSoup, Tag

TIMEOUT = 30  # seconds for one request; a matching round is polled, never awaited in one request


class _KeepRedirects(HTTPRedirectHandler):
    """Hand 3xx responses back unchanged, so a test can see where a form sent it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Page:
    """One response: status, final URL, body and the parsed HTML."""

    status: int
    url: str
    text: str
    headers: dict[str, str] = field(repr=False)

    @property
    def soup(self) -> BeautifulSoup:
        return BeautifulSoup(self.text, "html.parser")

    @property
    def location(self) -> str | None:
        return self.headers.get("Location")

    def json(self) -> Any:
        return json.loads(self.text)

    def main_text(self) -> str:
        """The visible text of the page's main content, whitespace squeezed."""
        main = self.soup.select_one("main") or self.soup
        return main.get_text(" ", strip=True)

    def form(self, action: str | None = None) -> Tag:
        """The form posting to an action containing `action`; by default the first one in <main>
        (the header's sign-out form is never the one a test means)."""
        forms = (self.soup.select_one("main") or self.soup).select("form")
        for candidate in forms:
            target = str(candidate.get("action") or "")
            if action is None and "sign-out" not in target or action is not None and action in target:
                return candidate
        raise AssertionError(f"No form posting to {action!r} on {self.url}:\n{self.main_text()[:2000]}")


def form_fields(form: Tag) -> list[tuple[str, str]]:
    """What a browser would send for this form untouched: inputs' values, checked boxes, selected options."""
    fields: list[tuple[str, str]] = []
    for element in form.select("input, select, textarea"):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        kind = str(element.get("type", "text")).lower()
        if element.name == "select":
            options = element.select("option")
            chosen = [o for o in options if o.has_attr("selected")] or options[:1]
            fields += [(str(name), str(o.get("value", o.text))) for o in chosen]
        elif element.name == "textarea":
            fields.append((str(name), element.text))
        elif kind in ("radio", "checkbox"):
            if element.has_attr("checked"):
                fields.append((str(name), str(element.get("value", "on"))))
        elif kind not in ("submit", "button", "image", "reset", "file"):
            fields.append((str(name), str(element.get("value", ""))))
    return fields


class Browser:
    """One person's browser: their own cookies, talking to base_url."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = CookieJar()
        self._opener = build_opener(HTTPCookieProcessor(self.cookies), _KeepRedirects())

    def _send(
        self, method: str, url: str, body: bytes | None = None, content_type: str | None = None
    ) -> Page:
        request = Request(urljoin(self.base_url, url), data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", content_type or "application/x-www-form-urlencoded")
        try:
            response = self._opener.open(request, timeout=TIMEOUT)
        except HTTPError as error:  # 3xx (kept), 4xx and 5xx all come back as pages
            response = error
        with response:
            return Page(
                status=response.status,
                url=response.url,
                text=response.read().decode("utf-8", "replace"),
                headers=dict(response.headers.items()),
            )

    def _follow(self, page: Page) -> Page:
        for _ in range(10):
            if page.status not in (301, 302, 303, 307, 308) or not page.location:
                return page
            page = self._send("GET", urljoin(page.url, page.location))
        raise AssertionError(f"Too many redirects from {page.url}")

    def get(self, url: str, expect: int = 200, follow: bool = True) -> Page:
        """GET a page (following redirects) and check its status."""
        page = self._send("GET", url)
        page = self._follow(page) if follow else page
        assert page.status == expect, f"GET {url}: {page.status}, expected {expect}\n{page.text[:3000]}"
        return page

    def submit(
        self,
        page: Page | str,
        data: dict[str, str | list[str]] | None = None,
        action: str | None = None,
        expect: int = 200,
        files: dict[str, tuple[str, bytes]] | None = None,
    ) -> Page:
        """Fill in a form on a page (fetched first if given as a URL) and post it, as a person would: the
        form's own fields, csrf_token among them, with `data` typed over them and `files` (name -> file name
        and bytes) attached; follow the redirect."""
        if isinstance(page, str):
            page = self.get(page)
        form = page.form(action)
        data = data or {}
        fields = [(name, value) for name, value in form_fields(form) if name not in data]
        for name, value in data.items():
            fields += [(name, item) for item in value] if isinstance(value, list) else [(name, value)]
        assert any(name == "csrf_token" for name, _ in fields), f"No csrf_token in the form on {page.url}"
        target = urljoin(page.url, str(form.get("action") or page.url))
        if files:
            body, content_type = _multipart(fields, files)
            posted = self._follow(self._send("POST", target, body, content_type))
        else:
            posted = self._follow(self._send("POST", target, urlencode(fields).encode()))
        assert posted.status == expect, (
            f"POST {target}: {posted.status}, expected {expect}\n{posted.main_text()[:3000]}"
        )
        return posted

    def post_form(self, page: Page, action: str, expect: int = 200) -> Page:
        """Press the button of a one-button form (approve, accept, publish...) on a page."""
        return self.submit(page, {}, action=action, expect=expect)

    def sign_in(self, email: str, password: str) -> Page:
        """Sign in through the sign-in form, landing on the role's home page."""
        page = self.submit("/sign-in", {"email": email, "password": password})
        assert "/sign-in" not in page.url, f"Sign-in as {email} failed:\n{page.main_text()[:2000]}"
        return page


def _multipart(fields: list[tuple[str, str]], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body, as a browser sends a form with a file in it."""
    boundary = f"----browser{secrets.token_hex(12)}"
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
