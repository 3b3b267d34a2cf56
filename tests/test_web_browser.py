"""The web chat in a real browser (headless Chromium): journeys, exit, evidence, return codes, accessibility.

Chromium comes from Debian's package (.ci/run installs it). Without it these tests are skipped, unless
BOT_BROWSER_TESTS=required (as in CI), when a missing browser fails them.
"""

from __future__ import annotations

import html
import io
import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from PIL import Image

from bot.platforms.web.app import WebChat
from bot.service import ChatService
from bot.settings import Settings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("BOT_BROWSER_TESTS") == "required"
playwright_api = (
    pytest.importorskip("playwright.async_api") if not REQUIRED else __import__("playwright.async_api").async_api
)
if CHROMIUM is None:
    if REQUIRED:
        raise RuntimeError("BOT_BROWSER_TESTS=required but Chromium is not installed (apt-get install chromium)")
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
PHONE = {"width": 360, "height": 740}
SCREENSHOTS = os.environ.get("BOT_SCREENSHOTS")  # a folder to write phone-size screenshots into (docs/)
Page = playwright_api.Page
Browser = playwright_api.Browser


async def _serve(app: web.Application, host: str) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


async def _weather(request: web.Request) -> web.Response:
    return web.Response(text="<title>Weather</title>Sunny", content_type="text/html")


async def _charity(request: web.Request) -> web.Response:
    """Stand in for a charity's page that links to the chat (another site)."""
    link = html.escape(request.query["to"])
    return web.Response(
        text=f'<title>Charity</title><a id="chat" href="{link}">Chat to us</a>', content_type="text/html"
    )


@pytest.fixture
async def served(service: ChatService, settings: Settings) -> AsyncIterator[tuple[WebChat, str]]:
    """Serve the chat on 127.0.0.1, with a stand-in for the neutral site on 'localhost' (another host)."""
    neutral = web.Application()
    neutral.router.add_get("/weather", _weather)
    neutral.router.add_get("/charity", _charity)
    neutral_runner, neutral_port = await _serve(neutral, "127.0.0.1")
    exit_url = f"http://localhost:{neutral_port}/weather"
    chat = WebChat(replace(settings, web_exit_url=exit_url), service)
    runner, port = await _serve(chat.build(), "127.0.0.1")
    chat.neutral = f"http://localhost:{neutral_port}"  # type: ignore[attr-defined]
    yield chat, f"http://127.0.0.1:{port}"
    await runner.cleanup()
    await neutral_runner.cleanup()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with playwright_api.async_playwright() as driver:
        launched = await driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        await launched.close()


async def open_page(browser: Browser, base: str, javascript: bool = True, **options: object) -> tuple[Page, list[str]]:
    """Open the chat in a fresh context; return the page and every host it requested."""
    context = await browser.new_context(java_script_enabled=javascript, viewport=PHONE, **options)
    hosts: list[str] = []
    context.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
    page = await context.new_page()
    await page.goto(base)
    await page.wait_for_selector("#log")  # after the one step through the site a visit starts with
    return page, hosts


NEWEST = (
    "const all = document.querySelectorAll('#log .entry');"
    " const n = all.length ? Number(all[all.length - 1].dataset.n) : 0;"
)
LAST = f"() => {{ {NEWEST} return n; }}"
AFTER = f"(before) => {{ {NEWEST} return n > before; }}"


async def answered(page: Page, before: int) -> None:
    """Wait until the reply is on the page (new entries, whether by script or by a page load)."""
    await page.wait_for_function(AFTER, arg=before)


async def press(page: Page, label: str) -> None:
    before = await page.evaluate(LAST)
    await page.locator("#choices button", has_text=label).first.click()
    await answered(page, before + 1)


async def say(page: Page, text: str) -> None:
    before = await page.evaluate(LAST)
    await page.fill("#text", text)
    await page.locator("#say button").click()
    await answered(page, before + 1)


async def shot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        await page.screenshot(path=str(Path(SCREENSHOTS) / f"web-{name}.png"), full_page=False)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
async def test_a_journey_by_buttons_reaches_a_helpline_that_calls_in_one_tap(
    served: tuple[WebChat, str], browser: Browser, javascript: bool
) -> None:
    _, base = served
    page, hosts = await open_page(browser, base, javascript)
    await shot(page, "welcome") if javascript else None
    for label in ("Who can help me", "Yes, Nottinghamshire", "A stranger", "Women's helpline"):
        await press(page, label)
    call = page.locator('a[href="tel:01159476490"]')
    await call.wait_for()
    await shot(page, "helpline") if javascript else None
    assert set(hosts) == {urlsplit(base).netloc}  # nothing from any other host


async def test_typing_is_understood_and_new_messages_arrive_in_place(
    served: tuple[WebChat, str], browser: Browser
) -> None:
    _, base = served
    page, hosts = await open_page(browser, base)
    await page.evaluate("window.kept = 'this page was not reloaded'")
    await say(page, "hes outside my flat rn")
    await page.locator(".entry.guide", has_text="999").last.wait_for()
    assert await page.evaluate("window.kept") == "this page was not reloaded"
    assert await page.evaluate("document.activeElement.id") == "text"  # focus kept for the next message
    assert await page.locator("#log[aria-live=polite]").count() == 1
    assert set(hosts) == {urlsplit(base).netloc}


@pytest.mark.parametrize("how", ["button", "shift", "no-js"])
async def test_exit_this_page_ends_the_session_first_then_leaves(
    served: tuple[WebChat, str], browser: Browser, how: str
) -> None:
    chat, base = served
    page, _ = await open_page(browser, base, javascript=how != "no-js")
    await say(page, "/note a car parked outside my work all afternoon")
    assert len(chat.sessions) == 1
    person = next(iter(chat.sessions._by_id.values())).person
    if how == "shift":
        await page.locator("#text").click()
        for _ in range(3):
            await page.keyboard.press("Shift")
    else:
        await page.locator("#exit-button").click()
    await page.wait_for_url(chat.settings.web_exit_url)
    assert len(chat.sessions) == 0
    assert not await chat.service.has_state("web", person)
    assert await page.context.cookies() == []


async def test_typing_capitals_never_exits(served: tuple[WebChat, str], browser: Browser) -> None:
    chat, base = served
    page, _ = await open_page(browser, base)
    await page.locator("#text").type("I AM OK")  # Shift with other keys is typing, not three presses
    assert page.url.startswith(base) and len(chat.sessions) == 1


async def test_a_note_with_a_picture_and_its_export_downloaded(
    served: tuple[WebChat, str], browser: Browser, tmp_path: Path
) -> None:
    _, base = served
    page, hosts = await open_page(browser, base, accept_downloads=True)
    await say(page, "/note he left flowers on my doorstep")
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(picture, "PNG")
    await page.set_input_files(
        "#file", files=[{"name": "doorstep.png", "mimeType": "image/png", "buffer": picture.getvalue()}]
    )
    await page.locator("#upload button").click()
    await page.locator(".entry.guide", has_text="Kept with your note").wait_for()
    await say(page, "/log")
    await press(page, "Export (PDF and CSV)")
    link = page.locator("a.download", has_text=".pdf").first
    async with page.expect_download() as waiting:
        await link.click()
    download = await waiting.value
    path = tmp_path / download.suggested_filename
    await download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    assert set(hosts) == {urlsplit(base).netloc}


async def test_a_return_code_reopens_the_notes_in_another_browser(
    served: tuple[WebChat, str], browser: Browser
) -> None:
    chat, base = served
    first, _ = await open_page(browser, base)
    await say(first, "/note the same man at the gym car park")
    await first.locator("form[action='/code/new'] button").click()
    shown = first.locator(".code")
    await shown.wait_for()
    code = (await shown.inner_text()).split("Your return code:")[1].splitlines()[0].strip()
    await first.locator("#exit-button").click()
    await first.wait_for_url(chat.settings.web_exit_url)
    second, _ = await open_page(browser, base)
    await second.fill("#code", code)
    await second.locator("form[action='/code/open'] button").click()
    await second.locator(".entry.guide", has_text="Welcome back").first.wait_for()
    await say(second, "/log")
    await second.locator("#choices button", has_text="the same man").wait_for()


@pytest.mark.parametrize("width", [320, 1280])
async def test_axe_finds_no_serious_or_critical_problem(
    served: tuple[WebChat, str], browser: Browser, width: int
) -> None:
    _, base = served
    page, _ = await open_page(browser, base, bypass_csp=True)  # only so that axe itself can be injected
    await page.set_viewport_size({"width": width, "height": 800})
    await press(page, "Who can help me")
    await press(page, "Yes, Nottinghamshire")
    import axe_playwright_python

    axe = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    await page.add_script_tag(content=axe)
    result = await page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']})")
    serious = [(v["id"], v["impact"]) for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    widths = await page.evaluate("document.documentElement.scrollWidth")
    assert widths <= width  # nothing scrolls sideways


async def test_following_a_link_from_another_site_keeps_the_visit_under_way(
    served: tuple[WebChat, str], browser: Browser
) -> None:
    chat, base = served
    page, _ = await open_page(browser, base)
    await say(page, "/note a car outside again")
    await page.goto(f"{chat.neutral}/charity?to={base}/")  # type: ignore[attr-defined]
    await page.click("#chat")
    await page.wait_for_selector("#log")
    assert await page.locator(".entry.person", has_text="a car outside again").count() == 1
    assert len(chat.sessions) == 1


async def test_a_message_after_the_visit_ended_says_so_with_the_script(
    served: tuple[WebChat, str], browser: Browser
) -> None:
    chat, base = served
    page, _ = await open_page(browser, base)
    chat.sessions.idle = 0
    await chat.expire()
    chat.sessions.idle = 60
    await page.fill("#text", "he is at the bus stop")
    await page.locator("#say button").click()
    await page.locator(".flash", has_text="That chat had ended").wait_for()
