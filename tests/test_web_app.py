"""The web chat over real HTTP (no browser): headers, forms and their tokens, limits, exit, return codes."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.engine.files import MAX_BYTES
from bot.platforms.web.app import COOKIE, WebChat
from bot.service import ChatService
from bot.settings import Settings

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
    "53de0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


@dataclass
class Visitor:
    """A browser's part, by hand: one cookie, the last page, and its form token."""

    client: TestClient  # type: ignore[type-arg]
    cookie: str = ""
    page: str = ""
    history: list[str] = field(default_factory=list)

    @property
    def csrf(self) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.page)
        return found.group(1) if found else ""

    @property
    def screen(self) -> str:
        found = re.search(r'name="screen" value="(\d+)"', self.page)
        return found.group(1) if found else ""

    def _keep(self, response: aiohttp.ClientResponse) -> None:
        morsel = response.cookies.get(COOKIE)
        if morsel is not None:
            self.cookie = morsel.value

    async def open(self, path: str = "/") -> str:
        """Load the page, following the one step through the site a browser takes when it has no cookie."""
        response = await self.client.get(path, headers={"Cookie": f"{COOKIE}={self.cookie}"} if self.cookie else {})
        assert response.status == 200
        self._keep(response)
        self.page = await response.text()
        step = re.search(r'http-equiv="refresh" content="0;url=([^"]+)"', self.page)
        return await self.open(step.group(1)) if step else self.page

    async def post(
        self, path: str, data: dict[str, str] | aiohttp.FormData, follow: bool = True
    ) -> aiohttp.ClientResponse:
        if isinstance(data, dict):
            data = {"csrf": self.csrf, "screen": self.screen, **data}
        response = await self.client.post(
            path, data=data, headers={"Cookie": f"{COOKIE}={self.cookie}"}, allow_redirects=False
        )
        self._keep(response)
        if follow and response.status == 303 and response.headers["Location"].startswith("/"):
            await self.open(response.headers["Location"].split("#")[0])
        return response

    async def upload(
        self, data: bytes, filename: str, token: str | None = None, follow: bool = True
    ) -> aiohttp.ClientResponse:
        form = aiohttp.FormData()
        form.add_field("csrf", self.csrf if token is None else token)
        form.add_field("file", data, filename=filename, content_type="application/octet-stream")
        return await self.post("/upload", form, follow)

    async def press(self, label: str) -> None:
        labels = re.findall(r'<button type="submit" name="b" value="(\d+)">([^<]+)</button>', self.page)
        index = next(i for i, text in labels if text.replace("&#39;", "'") == label)
        await self.post("/choose", {"b": index})

    def said(self) -> str:
        return " ".join(re.findall(r'<p class="text">(.*?)</p>', self.page, re.S)).replace("&#39;", "'")


@pytest.fixture
async def web(service: ChatService, settings: Settings) -> AsyncIterator[tuple[WebChat, TestClient]]:  # type: ignore[type-arg]
    chat = WebChat(settings, service)
    async with TestClient(TestServer(chat.build()), cookie_jar=aiohttp.DummyCookieJar()) as client:
        yield chat, client


async def test_a_new_visitor_is_greeted_with_every_privacy_header(web: tuple[WebChat, TestClient]) -> None:  # type: ignore[type-arg]
    chat, client = web
    response = await client.get("/?fresh")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy and "frame-ancestors 'none'" in policy
    assert "noindex" in response.headers["X-Robots-Tag"]
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=") and all(flag in cookie for flag in ("HttpOnly", "Secure", "SameSite=Strict"))
    page = await response.text()
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and not re.search(r"\son[a-z]+=", page)
    assert page.index("Exit this page") < page.index('id="log"')  # at the top, before the conversation
    assert len(chat.sessions) == 1


async def test_errors_and_static_files_carry_the_headers_too(web: tuple[WebChat, TestClient]) -> None:  # type: ignore[type-arg]
    _, client = web
    for path in ("/static/chat.js", "/no-such-page", "/download/nothing"):
        response = await client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
        assert "default-src 'none'" in response.headers["Content-Security-Policy"], path


async def test_a_journey_by_buttons_reaches_a_helpline_with_a_link_that_calls_it(
    web: tuple[WebChat, TestClient],
) -> None:  # type: ignore[type-arg]
    _, client = web
    visitor = Visitor(client)
    await visitor.open()
    await visitor.press("Who can help me")
    await visitor.press("Yes, Nottinghamshire")
    await visitor.press("A stranger")
    await visitor.press("Women's helpline")
    assert 'href="tel:01159476490"' in visitor.page
    assert 'href="tel:999"' in visitor.page  # in the page's header, on every page


async def test_typed_danger_reaches_emergency_help(web: tuple[WebChat, TestClient]) -> None:  # type: ignore[type-arg]
    _, client = web
    visitor = Visitor(client)
    await visitor.open()
    await visitor.post("/say", {"text": "hes outside my flat rn"})
    assert "999" in visitor.said()
    assert "hes outside my flat rn" in visitor.page  # what they wrote stays on their screen


async def test_a_form_without_its_token_is_refused_and_changes_nothing(web: tuple[WebChat, TestClient]) -> None:  # type: ignore[type-arg]
    _, client = web
    visitor = Visitor(client)
    before = await visitor.open()
    response = await visitor.post("/say", {"text": "hello", "csrf": "forged"}, follow=False)
    assert response.status == 403
    assert await visitor.open() == before.replace(visitor.csrf, visitor.csrf)


async def test_a_button_from_an_older_page_is_not_pressed(web: tuple[WebChat, TestClient]) -> None:  # type: ignore[type-arg]
    _, client = web
    visitor = Visitor(client)
    await visitor.open()
    old = visitor.screen
    await visitor.press("Who can help me")
    await visitor.post("/choose", {"b": "0", "screen": old})
    assert "out of date" in visitor.page


async def test_a_message_over_the_limit_is_refused_plainly(web: tuple[WebChat, TestClient]) -> None:  # type: ignore[type-arg]
    _, client = web
    visitor = Visitor(client)
    await visitor.open()
    await visitor.post("/say", {"text": "x" * 5000})
    assert "too long" in visitor.page
    response = await visitor.post("/say", {"text": "x" * 70_000}, follow=False)
    assert response.status == 413


async def test_a_file_over_the_limit_is_refused_before_it_is_kept(web: tuple[WebChat, TestClient]) -> None:  # type: ignore[type-arg]
    _, client = web
    visitor = Visitor(client)
    await visitor.open()
    await visitor.post("/say", {"text": "/note he left something on my car"})
    await visitor.upload(b"\0" * (MAX_BYTES + 10), "big.bin")
    assert "too big" in visitor.page


async def test_exit_ends_the_session_and_forgets_a_visit_without_a_return_code(
    web: tuple[WebChat, TestClient],
    service: ChatService,  # type: ignore[type-arg]
) -> None:
    chat, client = web
    visitor = Visitor(client)
    await visitor.open()
    await visitor.post("/say", {"text": "/note a car outside work again"})
    person = next(iter(chat.sessions._by_id.values())).person
    assert await service.has_state("web", person)
    response = await visitor.post("/exit", {}, follow=False)
    assert response.status == 303 and response.headers["Location"] == chat.settings.web_exit_url
    assert "cookies" in response.headers["Clear-Site-Data"]
    assert len(chat.sessions) == 0
    assert not await service.has_state("web", person)
    assert not await service.notebook.notes(service.pseudonymiser.key("web", person))


async def test_a_return_code_reopens_the_notes_in_a_new_session_and_is_kept_only_as_a_hash(
    web: tuple[WebChat, TestClient],
    service: ChatService,  # type: ignore[type-arg]
) -> None:
    _, client = web
    first = Visitor(client)
    await first.open()
    await first.post("/say", {"text": "/note he was at the bus stop again"})
    await first.post("/code/new", {})
    code = re.search(r"Your return code: ([a-z ]+)", first.page)
    assert code is not None and len(code.group(1).split()) == 5
    assert code.group(1).encode() not in Path(service.store.path).read_bytes()
    await first.open()
    assert "Your return code:" not in first.page  # shown once
    await first.post("/exit", {}, follow=False)
    second = Visitor(client)
    await second.open()
    old_cookie = second.cookie
    await second.post("/code/open", {"code": code.group(1).upper().replace(" ", "-")})
    assert second.cookie != old_cookie  # a new session id after the code
    assert "Welcome back" in second.page
    await second.post("/say", {"text": "/log"})
    assert "he was at the bus" in second.page


async def test_wrong_return_codes_are_limited(web: tuple[WebChat, TestClient]) -> None:  # type: ignore[type-arg]
    _, client = web
    visitor = Visitor(client)
    await visitor.open()
    for _ in range(5):
        await visitor.post("/code/open", {"code": "acid acorn acre also amuse"})
        assert "did not open anything" in visitor.page
    await visitor.post("/code/open", {"code": "acid acorn acre also amuse"})
    assert "Too many tries" in visitor.page


async def test_idle_sessions_end_and_a_visit_without_a_code_is_forgotten(
    web: tuple[WebChat, TestClient],
    service: ChatService,  # type: ignore[type-arg]
) -> None:
    chat, client = web
    visitor = Visitor(client)
    await visitor.open()
    person = next(iter(chat.sessions._by_id.values())).person
    chat.sessions.idle = 0
    assert await chat.expire() == 1
    assert not await service.has_state("web", person)
    await visitor.open()
    assert len(chat.sessions) == 1  # a new visit


async def test_an_export_is_downloaded_only_by_its_own_session(web: tuple[WebChat, TestClient]) -> None:  # type: ignore[type-arg]
    _, client = web
    visitor = Visitor(client)
    await visitor.open()
    await visitor.post("/say", {"text": "/note texts all night from a new number"})
    await visitor.post("/say", {"text": "/log"})
    await visitor.press("Export (PDF and CSV)")
    links = re.findall(r'href="(/download/[^"]+)"', visitor.page)
    assert links
    response = await client.get(links[0], headers={"Cookie": f"{COOKIE}={visitor.cookie}"})
    assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
    assert (await response.read()).startswith(b"%PDF")
    stranger = await client.get(links[0])
    assert stranger.status == 404


async def test_an_uploaded_picture_is_kept_with_the_note(web: tuple[WebChat, TestClient]) -> None:  # type: ignore[type-arg]
    _, client = web
    visitor = Visitor(client)
    await visitor.open()
    await visitor.post("/say", {"text": "/note he left flowers on my doorstep"})
    await visitor.upload(PNG, "doorstep.png")
    assert "Kept with your note" in visitor.said()


async def test_a_plan_is_built_seen_and_printed_on_the_web(web: tuple[WebChat, TestClient]) -> None:  # type: ignore[type-arg]
    _, client = web
    visitor = Visitor(client)
    await visitor.open()
    await visitor.press("My plan")
    await visitor.press("Go through it step by step")
    await visitor.post("/say", {"text": "Sam, my sister: I text her when I leave work"})
    assert "Saved in my plan" in visitor.said()
    await visitor.post("/say", {"text": "/plan"})
    await visitor.press("See my plan")
    assert "Sam, my sister" in visitor.said()
    await visitor.post("/say", {"text": "/plan"})
    await visitor.press("Print it (PDF)")
    links = re.findall(r'href="(/download/[^"]+)"', visitor.page)
    response = await client.get(links[-1], headers={"Cookie": f"{COOKIE}={visitor.cookie}"})
    assert (await response.read()).startswith(b"%PDF")


async def test_a_link_from_another_site_never_replaces_a_visit_under_way(web: tuple[WebChat, TestClient]) -> None:  # type: ignore[type-arg]
    chat, client = web
    visitor = Visitor(client)
    await visitor.open()
    await visitor.post("/say", {"text": "/note a car outside again"})
    arriving = await client.get("/")  # as from a charity's page: the Strict cookie is not sent
    assert "Set-Cookie" not in arriving.headers and 'url=/?fresh"' in await arriving.text()
    assert len(chat.sessions) == 1
    await visitor.open()  # the step is a navigation from this site: the cookie comes with it
    assert "a car outside again" in visitor.page and len(chat.sessions) == 1


async def test_a_form_sent_after_the_visit_ended_says_so(web: tuple[WebChat, TestClient]) -> None:  # type: ignore[type-arg]
    chat, client = web
    visitor = Visitor(client)
    await visitor.open()
    chat.sessions.idle = 0
    await chat.expire()
    chat.sessions.idle = 60
    await visitor.post("/say", {"text": "he is at the bus stop"})
    assert "That chat had ended" in visitor.page and "send it again" in visitor.page


async def test_an_empty_message_or_upload_gets_a_plain_reply(web: tuple[WebChat, TestClient]) -> None:  # type: ignore[type-arg]
    _, client = web
    visitor = Visitor(client)
    await visitor.open()
    await visitor.post("/say", {"text": "   "})
    assert "There was nothing in that message" in visitor.page
    await visitor.upload(b"", "")
    assert "No file came with that" in visitor.page


async def test_an_upload_without_the_pages_token_is_refused_before_the_file_is_read(
    web: tuple[WebChat, TestClient],  # type: ignore[type-arg]
) -> None:
    _, client = web
    visitor = Visitor(client)
    await visitor.open()
    response = await visitor.upload(PNG, "x.png", token="forged", follow=False)
    assert response.status == 403 and "out of date" in await response.text()
