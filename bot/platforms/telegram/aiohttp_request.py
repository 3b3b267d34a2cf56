"""python-telegram-bot's requests made with aiohttp instead of httpx.

python-telegram-bot lets the HTTP client be swapped (``BaseRequest``). Measured against the benchmark's Bot
API server, a call through httpx took 1.0 ms of CPU one at a time and 2.0 ms a hundred at a time; through
aiohttp 0.3 ms (BENCHMARKS.md). A turn makes two or three calls, so this is most of what a reply costs.
The python-telegram-bot team's own ptbcontrib has such a class, but it is not published on PyPI.
"""

from __future__ import annotations

import json
import ssl
import urllib.request
from collections.abc import Mapping
from urllib.parse import urlsplit

import aiohttp
import certifi
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

from bot.engine.files import EvidenceUnavailable

CHUNK = 64 * 1024  # downloads are read and counted this much at a time


class AiohttpRequest(BaseRequest):
    """Make Bot API calls over one pooled aiohttp session, with httpx's default timeouts."""

    def __init__(
        self,
        pool_size: int = 256,
        connect_timeout: float = 5.0,
        read_timeout: float = 5.0,
        pool_timeout: float = 1.0,
        media_write_timeout: float = 20.0,
    ) -> None:
        self.pool_size = pool_size
        self.connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self.pool_timeout = pool_timeout
        self.media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, str] = {}
        self._proxy_by_origin: dict[tuple[str, str], tuple[str | None, dict[str, str] | None]] = {}

    @property
    def read_timeout(self) -> float:
        """Return the default read timeout (get_updates adds its long-poll timeout to it)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (again, after a shutdown)."""
        if self._session is None or self._session.closed:
            tls = ssl.create_default_context(cafile=certifi.where())  # the same roots httpx trusts
            connector = aiohttp.TCPConnector(limit=self.pool_size, ssl=tls)
            headers = {"User-Agent": self.USER_AGENT}
            # HTTPS_PROXY and the like are honoured, as httpx does, but read here once: aiohttp's trust_env
            # reads them, and looks for ~/.netrc in a thread, on every call (a third of the CPU of a reply).
            self._proxies = urllib.request.getproxies_environment()
            self._proxy_by_origin.clear()
            self._session = aiohttp.ClientSession(connector=connector, headers=headers)

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; timeouts become TimedOut and other failures NetworkError, naming no URL."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data else {}
        timeout = self._timeout(bool(files), read_timeout, write_timeout, connect_timeout, pool_timeout)
        body, headers = _body(request_data, files)
        try:
            proxy, proxy_headers = self._proxy_for(url)
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout, proxy=proxy, proxy_headers=proxy_headers
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # before ClientError: aiohttp's timeouts are both
            raise TimedOut(f"aiohttp.{type(error).__name__}") from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}") from error  # its text would hold the URL

    def _proxy_for(self, url: str) -> tuple[str | None, dict[str, str] | None]:
        """Return the proxy (and the header with its credentials) for the URL's origin, as read at start."""
        parts = urlsplit(url)
        origin = (parts.scheme, parts.netloc)
        if origin not in self._proxy_by_origin:
            proxy = self._proxies.get(parts.scheme)
            bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]  # not in typeshed
            if proxy and bypass(parts.hostname or "", self._proxies):
                proxy = None
            target = URL(proxy) if proxy else None
            auth = aiohttp.BasicAuth.from_url(target) if target is not None else None
            credentials = {"Proxy-Authorization": auth.encode()} if auth else None
            self._proxy_by_origin[origin] = (str(target.with_user(None)) if target else None, credentials)
        return self._proxy_by_origin[origin]

    async def download(self, url: str, limit: int) -> bytes:
        """Download a file, counting as it comes: past ``limit`` bytes it stops, whatever size was declared."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized")
        timeout = aiohttp.ClientTimeout(sock_connect=self.connect_timeout, sock_read=self.media_write_timeout)
        received = bytearray()
        try:
            proxy, proxy_headers = self._proxy_for(url)
            async with self._session.get(url, timeout=timeout, proxy=proxy, proxy_headers=proxy_headers) as response:
                if response.status != 200:
                    raise NetworkError(f"download failed with status {response.status}")
                if response.content_length is not None and response.content_length > limit:
                    raise EvidenceUnavailable("too_big")
                async for chunk in response.content.iter_chunked(CHUNK):
                    received += chunk
                    if len(received) > limit:
                        raise EvidenceUnavailable("too_big")
        except TimeoutError as error:
            raise TimedOut(f"aiohttp.{type(error).__name__}") from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}") from error
        return bytes(received)

    def _timeout(
        self, uploading: bool, read: object, write: object, connect: object, pool: object
    ) -> aiohttp.ClientTimeout:
        """Map python-telegram-bot's four timeouts (None: no limit) onto aiohttp's."""
        read_s = _given(read, self._read_timeout)
        connect_s = _given(connect, self.connect_timeout)
        pool_s = _given(pool, self.pool_timeout)
        write_s = _given(write, self.media_write_timeout if uploading else None)
        total = None
        if uploading and write_s is not None:  # aiohttp has no write timeout: bound the whole call instead
            total = write_s + (read_s or 0) + (connect_s or 0)
        wait_for_pool = None if pool_s is None or connect_s is None else pool_s + connect_s
        return aiohttp.ClientTimeout(total=total, connect=wait_for_pool, sock_connect=connect_s, sock_read=read_s)


def _given(value: object, default: float | None) -> float | None:
    """Return a timeout passed by the caller, or the default when none was."""
    if value is BaseRequest.DEFAULT_NONE:
        return default
    return None if value is None else float(value)  # type: ignore[arg-type]


def _body(
    request_data: RequestData | None, files: Mapping[str, tuple[str | None, object, str]]
) -> tuple[object, dict[str, str]]:
    """Return the body and its headers: JSON (cheaper to make than a form), or multipart to send files."""
    if request_data is None or (not request_data.parameters and not files):
        return None, {}
    if not files:
        return json.dumps(request_data.parameters).encode(), {"Content-Type": "application/json"}
    form = aiohttp.FormData(request_data.json_parameters)
    for name, (filename, content, mime) in files.items():
        form.add_field(name, content, filename=filename, content_type=mime)
    return form, {}
