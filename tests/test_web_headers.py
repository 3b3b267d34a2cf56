"""The web chat's headers: all seven on every answer; an unexpected error a plain page without a traceback."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.platforms.web import headers
from bot.settings import Settings

CSP = "default-src 'none'"
ERROR_PAGE = "Sorry, something went wrong."
EXPECTED = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


async def _broken(request: web.Request) -> web.StreamResponse:
    raise RuntimeError("secret detail /srv/bot/notes.db")


async def _gone(request: web.Request) -> web.StreamResponse:
    raise web.HTTPGone()


async def test_an_unexpected_error_is_a_plain_page_with_the_headers_and_one_line_in_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = web.Application(middlewares=[headers.middleware(CSP, ERROR_PAGE)])
    app.router.add_get("/broken", _broken)
    app.router.add_get("/gone", _gone)
    async with TestClient(TestServer(app)) as client:
        with caplog.at_level(logging.INFO):
            broken = await client.get("/broken")
            body = await broken.text()
        gone = await client.get("/gone")
    assert broken.status == 500 and body == ERROR_PAGE
    assert gone.status == 410
    for response in (broken, gone):
        assert {name: response.headers.get(name) for name in EXPECTED} == EXPECTED
    ours = [r for r in caplog.records if r.name.startswith("bot.")]  # aiohttp's test server logs access too
    assert [r.getMessage() for r in ours] == ["error while serving the web chat: RuntimeError"]
    assert not any(r.exc_info for r in ours)  # a traceback only when debugging


def test_forms_may_leave_only_for_the_exit_sites_origin(settings: Settings) -> None:
    policy = headers.policy(replace(settings, web_exit_url="https://example.org/weather?x=1"))
    assert "form-action 'self' https://example.org;" in policy
    assert "frame-ancestors 'none'" in policy and "unsafe" not in policy
