"""The web chat on aiohttp.web: forms that post, a redirect back to the page, and a quick exit."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import html
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import BodyPartReader, web

from bot.engine.events import Attachment, Event, Resume
from bot.engine.files import MAX_BYTES
from bot.engine.outputs import PlatformAction
from bot.platforms.flood import FloodGuard, Verdict
from bot.platforms.plain_text import buttons_of, typed_event
from bot.platforms.web import CAPABILITIES, codes, headers, pages
from bot.platforms.web.sessions import Sessions, WebSession
from bot.platforms.web.uploads import fetcher, read_capped
from bot.service import FORGOTTEN, ChatService
from bot.settings import Settings

PLATFORM = CAPABILITIES.name
COOKIE = "__Host-chat"
FRESH, ENDED = "fresh", "ended"  # the page's query: arrived through this site; the visit before had ended
FORM_BYTES = 64 * 1024  # any form but an upload
CODE_TRIES = 5  # wrong return codes in one session
STATIC = Path(__file__).parent / "static"


class WebChat:
    """Serve the chat: one in-memory session per visitor, the same service as every platform."""

    def __init__(self, settings: Settings, service: ChatService, flood: FloodGuard | None = None) -> None:
        self.settings = settings
        self.service = service
        self.templates = service.templates
        self.sessions = Sessions(idle=settings.web_idle_minutes * 60)
        self.flood = flood or FloodGuard()
        self.code_guesses = FloodGuard(capacity=30, per_second=0.1)  # return codes tried, all sessions together
        self.excluded = codes.excluded_words(settings.content_dir / "web" / "return_code.yaml")
        self.pepper = service.secret("web return code")
        emergency = pages.dial(service.program.content.helplines["police_emergency"].number)
        self.page_settings = pages.PageSettings(settings.web_title, emergency, round(settings.web_idle_minutes))
        self.policy = headers.policy(settings)

    def build(self) -> web.Application:
        """Build the aiohttp application."""
        guard = headers.middleware(self.policy, self.templates.render("web.error", {}).strip())
        app = web.Application(client_max_size=MAX_BYTES + FORM_BYTES, middlewares=[guard])
        app.router.add_get("/", self.page)
        app.router.add_post("/say", self.say)
        app.router.add_post("/choose", self.choose)
        app.router.add_post("/upload", self.upload)
        app.router.add_post("/exit", self.exit)
        app.router.add_post("/code/new", self.code_new)
        app.router.add_post("/code/open", self.code_open)
        app.router.add_get("/download/{token}", self.download)
        app.router.add_get("/healthz", self.healthz)
        app.router.add_static("/static", STATIC, append_version=False)
        app.cleanup_ctx.append(self._expiry)
        return app

    # Pages ---------------------------------------------------------------------

    async def page(self, request: web.Request) -> web.StreamResponse:
        """Show the chat; a new visitor is greeted first (after one step through this site, see _arrive)."""
        session = self.sessions.get(request.cookies.get(COOKIE))
        if session is None and FRESH not in request.query:
            return self._arrive(request)
        if session is None:
            session = self.sessions.new()
            if ENDED in request.query:
                session.flash = self.templates.render("web.ended", {}).strip()
            await self._turn(session, Resume())
        flash, session.flash = session.flash, ""
        body = pages.render(session, self.templates, self.page_settings, flash)
        session.shown_code = ""  # shown once
        response = web.Response(text=body, content_type="text/html")
        self._set_cookie(response, session)
        return response

    def _arrive(self, request: web.Request) -> web.StreamResponse:
        """Step once through this site before starting a visit.

        A SameSite=Strict cookie is not sent with a request that comes from another site (a link on a
        charity's page), so that request looks like a new visitor. Starting one there would replace the
        cookie of a visit under way, and lose it. The step is a navigation from this site, so it carries
        the cookie if there is one; only then does a visit start.
        """
        query = "&".join(q for q in (FRESH, ENDED if ENDED in request.query else "") if q)
        title = html.escape(self.page_settings.title)
        body = f'<!doctype html><meta http-equiv="refresh" content="0;url=/?{query}"><title>{title}</title>'
        return web.Response(text=body, content_type="text/html")

    async def say(self, request: web.Request) -> web.StreamResponse:
        """Take a typed message: a button's label picks it; anything else is read as typed text."""
        session, form = await self._form(request)
        if session is None:
            return _see_other(f"/?{ENDED}")
        text = str(form.get("text", "")).strip()
        if len(text) > pages.MAX_TEXT:
            session.flash = self.templates.render("web.too_long", {"limit": pages.MAX_TEXT}).strip()
        elif not text:
            session.flash = self.templates.render("system.empty_answer", {}).strip()
        elif await self._admit(session, text):
            session.add(True, text)
            await self._turn(session, typed_event(text, session.buttons, datetime.now(UTC)))
        return _back()

    async def choose(self, request: web.Request) -> web.StreamResponse:
        """Take a button press, if it is from the screen now shown."""
        session, form = await self._form(request)
        if session is None:
            return _see_other(f"/?{ENDED}")
        index = str(form.get("b", ""))
        if str(form.get("screen")) != str(session.counter) or not index.isdigit() or int(index) >= len(session.buttons):
            session.flash = self.templates.render("web.stale", {}).strip()
        elif await self._admit(session):
            button = session.buttons[int(index)]
            session.add(True, button.label)
            await self._turn(session, button.event)
        return _back()

    async def upload(self, request: web.Request) -> web.StreamResponse:
        """Keep an uploaded file as evidence, read as it streams and never past the size limit."""
        session = self.sessions.get(request.cookies.get(COOKIE))
        if session is None:
            return _see_other(f"/?{ENDED}")  # not a byte of the file is read
        reader = await request.multipart() if request.content_type == "multipart/form-data" else None
        data, name, token = b"", "", ""
        while reader is not None and (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                break
            if part.name == "csrf":  # the page's form sends it before the file
                token = (await part.read(decode=True))[:200].decode("utf-8", "replace")
            elif part.name == "file":
                if not _token_ok(session, token):
                    raise web.HTTPForbidden(text=self.templates.render("web.expired", {}).strip())
                if not await self._admit(session):
                    return _back()
                name = (part.filename or "")[:200]
                data = await read_capped(part, MAX_BYTES + 1)
                break
        if not data:
            session.flash = self.templates.render("web.no_file", {}).strip()
            return _back()
        session.add(True, name or "file")
        attachment = Attachment("document", "upload", len(data), "", name, "", datetime.now(UTC))
        await self._turn(session, attachment, fetcher(data))
        return _back()

    async def exit(self, request: web.Request) -> web.StreamResponse:
        """End the session on the server, then leave at once for the neutral site."""
        session = self.sessions.get(request.cookies.get(COOKIE))
        if session is not None:
            self.sessions.end(session)
            if not session.kept:
                await self.service.forget_person(PLATFORM, session.person)
        response = _see_other(self.settings.web_exit_url)
        response.del_cookie(COOKIE, path="/", secure=True, httponly=True, samesite="Strict")
        response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response

    async def code_new(self, request: web.Request) -> web.StreamResponse:
        """Make a return code for this visitor, show it once, and keep only its slow hash."""
        session, _ = await self._form(request)
        if session is None:
            return _see_other(f"/?{ENDED}")
        code = codes.new_code(self.excluded)
        digest, key = await codes.stretch(code, self.pepper)
        await self.service.keep_return_code(PLATFORM, session.person, digest, codes.seal(key, session.person))
        session.kept = True
        session.shown_code = self.templates.render("web.code_shown", {"code": code}).strip()
        return _back()

    async def code_open(self, request: web.Request) -> web.StreamResponse:
        """Reopen the notes and plan a return code names, in a new session; limit the guesses."""
        session, form = await self._form(request)
        if session is None:
            return _see_other(f"/?{ENDED}")
        session.code_tries += 1
        if session.code_tries > CODE_TRIES or self.code_guesses.check("codes") is not Verdict.ALLOW:
            session.flash = self.templates.render("web.code_tries", {}).strip()
            return _back()
        digest, key = await codes.stretch(str(form.get("code", "")), self.pepper)
        sealed = await self.service.return_code(digest)
        person = codes.unseal(key, sealed) if sealed else None
        if person is None:
            session.flash = self.templates.render("web.code_wrong", {}).strip()
            return _back()
        if not session.kept and person != session.person:
            await self.service.forget_person(PLATFORM, session.person)  # the visit before the code is left behind
        renewed = self.sessions.renew(session, person)
        renewed.add(False, self.templates.render("web.code_opened", {}).strip())
        await self._turn(renewed, Resume())
        response = _back()
        self._set_cookie(response, renewed)
        return response

    async def download(self, request: web.Request) -> web.StreamResponse:
        """Send a file the bot made for this session (an export), as a download."""
        session = self.sessions.get(request.cookies.get(COOKIE))
        document = session.downloads.get(request.match_info["token"]) if session else None
        if document is None:
            raise web.HTTPNotFound()
        response = web.Response(body=await document.content(), content_type=document.media_type)
        response.headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
        return response

    async def healthz(self, request: web.Request) -> web.StreamResponse:
        """Answer that the web chat is serving."""
        return web.Response(text="ok")

    # Turns ---------------------------------------------------------------------

    async def _turn(
        self, session: WebSession, event: Event, fetch: Callable[[str], Awaitable[bytes]] | None = None
    ) -> None:
        """Run one event and put the reply on the session's screen."""
        outputs = await self.service.handle(PLATFORM, session.person, event, fetch=fetch) or ()
        said = [self._action(session, o.name) for o in outputs if isinstance(o, PlatformAction)]
        pages.add_reply(session, outputs, said)
        session.buttons = buttons_of(outputs) or session.buttons

    def _action(self, session: WebSession, name: str) -> str:
        """Do what only the web chat can (clear the screen, forget the downloads) and say what was done."""
        if name in ("clear", "exit"):
            session.entries.clear()
            return self.templates.render("web.cleared" if name == "clear" else "web.exit_action", {})
        if name == FORGOTTEN:
            session.downloads.clear()
            session.kept = False  # the code went with everything else
            return self.templates.render("web.forgotten", {})
        return ""

    async def _admit(self, session: WebSession, text: str = "") -> bool:
        """Apply the flood limit per session; words of danger always get through."""
        verdict = self.flood.check(session.id)
        if verdict is Verdict.ALLOW or (text and self.service.program.is_emergency(text)):
            return True
        if verdict is Verdict.WARN:
            session.flash = self.templates.render("web.flood", {}).strip()
        return False

    async def _form(self, request: web.Request) -> tuple[WebSession | None, dict[str, str]]:
        """Read a small form and its session; None when the session has ended or the form is not its own."""
        if request.content_length is not None and request.content_length > FORM_BYTES:
            raise web.HTTPRequestEntityTooLarge(FORM_BYTES, request.content_length)
        form = {k: str(v) for k, v in (await request.post()).items() if isinstance(v, str)}
        session = self.sessions.get(request.cookies.get(COOKIE))
        if session is None:
            return None, form
        if not _token_ok(session, form.get("csrf", "")):
            raise web.HTTPForbidden(text=self.templates.render("web.expired", {}).strip())
        return session, form

    def _set_cookie(self, response: web.StreamResponse, session: WebSession) -> None:
        response.set_cookie(COOKIE, session.id, path="/", secure=True, httponly=True, samesite="Strict")

    async def _expiry(self, app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(self._expire_forever())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _expire_forever(self) -> None:
        while True:
            await asyncio.sleep(60)
            await self.expire()

    async def expire(self) -> int:
        """End sessions left idle; forget what a visitor without a return code kept. Return how many ended."""
        gone = self.sessions.expired()
        for session in gone:
            if not session.kept:
                await self.service.forget_person(PLATFORM, session.person)
        return len(gone)


def _back() -> web.Response:
    """Send the browser back to the page, at the newest message (after POST, so a reload never resends)."""
    return _see_other("/#latest")


def _see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def _token_ok(session: WebSession, token: str) -> bool:
    return hmac.compare_digest(session.csrf.encode(), token.encode())
