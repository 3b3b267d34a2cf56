"""The privacy and security headers on every web chat response, errors included; never a traceback."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from bot.settings import Settings

log = logging.getLogger(__name__)


def policy(settings: Settings) -> str:
    """Return the Content-Security-Policy: this site only, and forms may leave only for the exit site."""
    exit_origin = "{0.scheme}://{0.netloc}".format(urlsplit(settings.web_exit_url))
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        f"form-action 'self' {exit_origin}; base-uri 'none'; frame-ancestors {settings.web_frame_ancestors}"
    )


def secure(response: web.StreamResponse, csp: str) -> None:
    """Put the headers on one response: nothing cached, referred, sniffed, indexed or embedded elsewhere."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = csp
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"


def middleware(csp: str, error_page: str) -> Middleware:
    """Return a middleware that secures every response and answers an unexpected error with ``error_page``."""

    @web.middleware
    async def headers(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as answer:
            secure(answer, csp)
            raise
        except Exception as error:  # one line in the log, a plain page for the visitor
            log.error(
                "error while serving the web chat: %s", type(error).__name__, exc_info=log.isEnabledFor(logging.DEBUG)
            )
            response = web.Response(status=500, text=error_page)
        secure(response, csp)
        return response

    return headers
