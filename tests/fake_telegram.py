"""A fake Telegram Bot API server on loopback: serves getUpdates, records every call, injects faults."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 4242
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Guide", "username": "guide_bot"}


@dataclass
class Call:
    """One request the bot made: the method and its decoded parameters."""

    method: str
    params: dict[str, Any]


@dataclass
class Fault:
    """Answer the next ``times`` calls of a method with an error."""

    times: int
    status: int
    retry_after: int | None = None
    body: bytes | None = None  # sent as it is (an HTML page, broken JSON) instead of a Bot API error
    content_type: str = "text/html"


@dataclass
class FakeTelegram:
    """A Bot API server that holds updates until acknowledged by offset, as Telegram does."""

    token: str = "123456:TEST-token"
    updates: list[dict[str, Any]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    faults: dict[str, Fault] = field(default_factory=dict)
    port: int = 0
    replies: dict[int, list[int]] = field(default_factory=dict)  # chat id -> ids given to the bot's messages
    files: dict[str, bytes] = field(default_factory=dict)  # file_id -> the bytes a download returns
    hold: asyncio.Event | None = None  # while set to an unset event, sendMessage calls wait for it
    sizeless: set[str] = field(default_factory=set)  # file_ids whose getFile declares no size
    _next_update: int = 1
    _next_message: int = 1000
    _runner: web.AppRunner | None = None
    _changed: asyncio.Condition | None = None
    _wakers: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Listen on loopback (on the same port as before, after a stop)."""
        self._changed = self._changed or asyncio.Condition()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop listening; updates and records are kept."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # Feeding updates ----------------------------------------------------------

    async def push(self, update: dict[str, Any], update_id: int | None = None) -> int:
        """Queue an update for getUpdates; returns its update_id."""
        if update_id is None:
            update_id = self._next_update
            self._next_update += 1
        self.updates.append({"update_id": update_id, **update})
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()
        return update_id

    def message(
        self,
        user_id: int,
        text: str | None = None,
        chat_type: str = "private",
        chat_id: int | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Build a message update from a person."""
        self._next_message += 1
        message: dict[str, Any] = {
            "message_id": self._next_message,
            "date": int(time.time()),
            "chat": {"id": chat_id if chat_id is not None else user_id, "type": chat_type},
            "from": {"id": user_id, "is_bot": False, "first_name": "Person"},
            **extra,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return {"message": message}

    def press(self, user_id: int, data: str, message_id: int = 1) -> dict[str, Any]:
        """Build a callback query update: a person pressing a button."""
        return {
            "callback_query": {
                "id": f"cq{time.monotonic_ns()}",
                "chat_instance": "ci",
                "data": data,
                "from": {"id": user_id, "is_bot": False, "first_name": "Person"},
                "message": {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "text": "x",
                    "chat": {"id": user_id, "type": "private"},
                    "from": BOT_USER,
                },
            }
        }

    def upload(self, data: bytes, file_id: str | None = None) -> str:
        """Hold a file people can send; returns its file_id."""
        file_id = file_id or f"file{len(self.files) + 1}"
        self.files[file_id] = data
        return file_id

    # Looking at what the bot did ---------------------------------------------

    def documents(self, chat_id: int) -> list[dict[str, Any]]:
        """Return the files sent to one chat: each with its filename and data."""
        return [
            c.params["document"]
            for c in self.calls
            if c.method == "sendDocument" and int(c.params["chat_id"]) == chat_id
        ]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Return the sendMessage calls, optionally to one chat."""
        return [
            c
            for c in self.calls
            if c.method == "sendMessage" and (chat_id is None or int(c.params["chat_id"]) == chat_id)
        ]

    def calls_of(self, method: str) -> list[Call]:
        """Return every call of one method, in order."""
        return [c for c in self.calls if c.method == method]

    def texts(self, chat_id: int) -> list[str]:
        """Return the texts sent to one chat, in order."""
        return [c.params["text"] for c in self.sent(chat_id)]

    def buttons(self, call: Call) -> list[tuple[str, str]]:
        """Return the (label, callback data) of a sent message's inline keyboard."""
        markup = call.params.get("reply_markup") or {"inline_keyboard": []}
        return [(b["text"], b["callback_data"]) for row in markup["inline_keyboard"] for b in row]

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 15) -> None:
        """Wait until the condition holds, failing the test after a timeout."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; calls so far: {[c.method for c in self.calls]}")
            await asyncio.sleep(0.02)

    async def drained(self, timeout: float = 60) -> None:
        """Wait until the bot has acknowledged every update (asked for updates past the last one)."""
        await self.wait_for(lambda: not self.updates, timeout)

    def fail_next(
        self,
        method: str,
        times: int = 1,
        status: int = 429,
        retry_after: int | None = 1,
        body: bytes | None = None,
        content_type: str = "text/html",
    ) -> None:
        """Make the next calls of a method fail: a Bot API error, or any status with a body of your choosing."""
        self.faults[method] = Fault(times, status, retry_after, body, content_type)
        if method == "getUpdates":  # end a long poll in progress, so the fault comes now, not in 10 s
            waker = asyncio.get_running_loop().create_task(self._wake())
            self._wakers.add(waker)  # kept until done, so it is not collected half-way
            waker.add_done_callback(self._wakers.discard)

    async def _wake(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    # The API --------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        self.calls.append(Call(method, params))
        if self.hold is not None and method == "sendMessage":
            await self.hold.wait()  # the message is sent only when the test lets it go
        fault = self.faults.get(method)
        if fault and fault.times > 0:
            fault.times -= 1
            if fault.body is not None:
                return web.Response(status=fault.status, body=fault.body, content_type=fault.content_type)
            return _error(
                fault.status,
                "Too Many Requests" if fault.status == 429 else "Error",
                {"retry_after": fault.retry_after} if fault.retry_after else None,
            )
        if method == "getUpdates":
            return _ok(await self._get_updates(params))
        if method == "getFile":
            file_id = str(params["file_id"])
            if file_id not in self.files:
                return _error(400, "Bad Request: invalid file_id")
            found = {"file_id": file_id, "file_unique_id": file_id, "file_path": file_id}
            if file_id not in self.sizeless:
                found["file_size"] = len(self.files[file_id])
            return _ok(found)
        return _ok(self._answer(method, params))

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        timeout = float(params.get("timeout") or 0)
        assert self._changed is not None
        async with self._changed:
            if not self.updates and timeout:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout)
        limit = int(params.get("limit") or 100)
        return self.updates[:limit]

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token or request.match_info["path"] not in self.files:
            return web.Response(status=404)
        self.calls.append(Call("download", {"path": request.match_info["path"]}))
        return web.Response(body=self.files[request.match_info["path"]])

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                **BOT_USER,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method in ("sendMessage", "sendDocument"):
            self._next_message += 1
            chat_id = int(params["chat_id"])
            self.replies.setdefault(chat_id, []).append(self._next_message)
            return {
                "message_id": self._next_message,
                "date": int(time.time()),
                "from": BOT_USER,
                "chat": {"id": chat_id, "type": "private"},
                "text": params.get("text", ""),
            }
        return True


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        raw: dict[str, Any] = await request.json()
    else:
        raw = dict(await request.post()) if request.can_read_body else {}
        raw.update(request.query)
    decoded = {}
    for key, value in raw.items():
        if isinstance(value, web.FileField):
            value = {"filename": value.filename, "data": value.file.read()}
        if isinstance(value, str) and (value[:1] in ("[", "{") or value in ("true", "false")):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        decoded[key] = value
    return decoded


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)
