"""Calls to the Bot API: retried on network errors, made quietly, or made without parsing the answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

from bot.platforms.telegram.render import Keyboard

SEND_ATTEMPTS = 4

log = logging.getLogger(__name__)
T = TypeVar("T")


async def retrying(call: Callable[[], Awaitable[T]], delay: float) -> T:
    """Retry network failures with backoff from ``delay`` seconds; 429s are retried by the rate limiter."""
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            return await call()
        except (BadRequest, Forbidden):
            raise
        except NetworkError:
            if attempt == SEND_ATTEMPTS:
                raise
            log.warning("network error talking to Telegram; retry %d", attempt)
            await asyncio.sleep(delay * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


async def quietly(call: Awaitable[Any]) -> bool:
    """Await a call whose failure should not stop the turn; log its kind only. Return whether it worked."""
    try:
        await call
    except TelegramError as error:
        log.warning("Telegram refused a call: %s", type(error).__name__)
        return False
    return True


async def send_message(
    bot: Bot, chat_id: int, text: str, markup: Keyboard | None, protect: bool
) -> tuple[int, datetime]:
    """Send one message; return its id and date.

    Bot.send_message would parse Telegram's whole answer (the text and keyboard echoed back) into a Message:
    a fifth of a reply's CPU, for the two fields we keep. This is the call it makes, through the same rate
    limiter and error handling, without the parsing.
    """
    data: dict[str, object] = {"chat_id": chat_id, "text": text, "protect_content": protect}
    if markup is not None:
        data["reply_markup"] = markup
    answer = await bot._post("sendMessage", data)
    return int(answer["message_id"]), datetime.fromtimestamp(int(answer["date"]), UTC)


async def answer_query(bot: Bot, query_id: str) -> None:
    """Stop a pressed button's spinner: the call CallbackQuery.answer makes (same rate limiter and errors).

    The rest of python-telegram-bot's way there (argument defaults, the query's checks) took about half as
    much CPU again as the HTTP call itself (end-to-end profile): about a twentieth of the bot's, for one parameter.
    """
    await bot._post("answerCallbackQuery", {"callback_query_id": query_id})
