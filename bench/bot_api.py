"""A lean Bot API server on loopback for load: it queues people's updates, answers the bot, and times replies.

Unlike the test suite's fake server it keeps no record of calls, so it stays fast and small under load;
each message the bot sends is handed straight to ``on_message``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from aiohttp import web

TOKEN = "123456:BENCH-token"
BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Guide", "username": "guide_bot"}
BOT_INFO = {**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}


class LoadServer:
    """Serve getUpdates from a queue that moves on by offset, as Telegram does, and accept every send."""

    def __init__(self, on_message: Callable[[int, dict[str, Any]], None]) -> None:
        self.on_message = on_message  # (chat id, the message's parameters), called as each send arrives
        self.polled = asyncio.Event()  # set by the first getUpdates: the bot is ready
        self.port = 0
        self.requests = 0
        self._updates: deque[dict[str, Any]] = deque()
        self._next_update = 1
        self._next_message = 1
        self._arrived = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Listen on a free loopback port."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    def release(self) -> None:
        """Answer long polls at once from now on, so a bot that waits for its poll to end stops quickly."""
        self._closing = True
        self._arrived.set()

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()

    def offer(self, user_id: int, text: str | None = None, data: str | None = None) -> None:
        """Queue a message (``text``) or a button press (``data``) from a person."""
        self._next_message += 1
        now = int(time.time())
        chat = {"id": user_id, "type": "private"}
        person = {"id": user_id, "is_bot": False, "first_name": "Person"}
        update: dict[str, Any] = {"update_id": self._next_update}
        if data is None:
            message: dict[str, Any] = {"message_id": self._next_message, "date": now, "chat": chat, "from": person}
            message["text"] = text or ""
            if message["text"].startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(message["text"].split()[0])}]
            update["message"] = message
        else:
            shown = {"message_id": 1, "date": now, "text": "x", "chat": chat, "from": BOT_USER}
            query = {"id": f"q{self._next_update}", "chat_instance": "ci", "data": data, "from": person}
            update["callback_query"] = {**query, "message": shown}
        self._next_update += 1
        self._updates.append(update)
        self._arrived.set()

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        if request.match_info["token"] != TOKEN:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await _params(request)
        if method == "getUpdates":
            result: Any = await self._get_updates(params)
        elif method == "getMe":
            result = BOT_INFO
        elif method == "sendMessage":
            result = self._sent(params)
        else:
            result = True  # setMyCommands, deleteWebhook, answerCallbackQuery, ...
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        self.polled.set()
        offset = int(params.get("offset") or 0)
        while self._updates and self._updates[0]["update_id"] < offset:
            self._updates.popleft()
        timeout = float(params.get("timeout") or 0)
        if not self._updates and timeout and not self._closing:
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), timeout)
        limit = int(params.get("limit") or 100)
        return [self._updates[i] for i in range(min(limit, len(self._updates)))]

    def _sent(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        self.on_message(chat_id, params)
        self._next_message += 1
        chat = {"id": chat_id, "type": "private"}
        return {"message_id": self._next_message, "date": int(time.time()), "from": BOT_USER, "chat": chat, "text": ""}


async def _params(request: web.Request) -> dict[str, Any]:
    """Decode a call's parameters: JSON, or a form whose object values are JSON (as python-telegram-bot sends)."""
    if request.content_type == "application/json":
        decoded: dict[str, Any] = await request.json()
        return decoded
    form = dict(await request.post()) if request.can_read_body else {}
    params: dict[str, Any] = {**form, **request.query}
    if isinstance(markup := params.get("reply_markup"), str):
        params["reply_markup"] = json.loads(markup)
    return params
