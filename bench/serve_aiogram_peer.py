"""An aiogram 3 peer for the end-to-end benchmark: a Router and FSM state (in memory) walking the routing
journey (bench.peer_flow). Not shipped.

Default settings: updates handled as concurrent tasks, aiohttp. State lives in memory only: it promises less
than ours (nothing survives a restart, no exactly-once, no encryption).
"""

from __future__ import annotations

import asyncio
import os

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bench.peer_flow import FLOW, buttons, follow

router = Router()


async def show(bot: Bot, chat_id: int, state: str, fsm: FSMContext) -> None:
    """Send a state's text and buttons, and remember the state."""
    rows = [[InlineKeyboardButton(text=label, callback_data=data)] for label, data in buttons(state)]
    await bot.send_message(chat_id, FLOW[state][0], reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))
    await fsm.set_state(state)


@router.message(Command("start", "menu"))
async def command(message: Message, state: FSMContext) -> None:
    """Show the menu (/start, /menu)."""
    assert message.bot is not None
    await show(message.bot, message.chat.id, "menu", state)


@router.callback_query(F.data)
async def pressed(query: CallbackQuery, state: FSMContext) -> None:
    """Answer the button press, keep the answer, show the next state."""
    assert query.bot is not None and query.data is not None
    await query.answer()
    label, target = follow(query.data)
    answers = list((await state.get_data()).get("answers", []))
    await state.update_data(answers=[*answers[-19:], label])  # the choices made, as our bot keeps its slots
    await show(query.bot, query.from_user.id, target, state)


async def main() -> None:
    """Poll until SIGTERM."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_BASE_URL"]))
    bot = Bot(os.environ["TELEGRAM_BOT_TOKEN"], session=session)
    dispatcher = Dispatcher(storage=MemoryStorage())
    dispatcher.include_router(router)
    await dispatcher.start_polling(bot)


if __name__ == "__main__":
    asyncio.run(main())
