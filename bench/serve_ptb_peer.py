"""A python-telegram-bot peer for the end-to-end benchmark: ConversationHandler and PicklePersistence walking
the routing journey (bench.peer_flow), as a typical python-telegram-bot bot would. Not shipped.

Default settings, like the echo bot: updates one at a time, httpx. Its persistence is written every 60 s
(python-telegram-bot's default), not per turn, and it keeps no record of handled updates: it promises less
than ours (no durable commit before the reply, no exactly-once, no encryption).
"""

from __future__ import annotations

import os
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    PicklePersistence,
)

from bench.peer_flow import FLOW, buttons, follow

Context = ContextTypes.DEFAULT_TYPE


async def show(update: Update, context: Context, state: str) -> str:
    """Send a state's text and buttons; return the state, which the ConversationHandler keeps."""
    assert update.effective_chat is not None
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)] for label, data in buttons(state)])
    await context.bot.send_message(update.effective_chat.id, FLOW[state][0], reply_markup=markup)
    return state


async def command(update: Update, context: Context) -> object:
    """Show the menu (/start, /menu)."""
    return await show(update, context, "menu")


async def pressed(update: Update, context: Context) -> object:
    """Answer the button press, keep the answer, show the next state."""
    query = update.callback_query
    assert query is not None and query.data is not None and context.user_data is not None
    await query.answer()
    label, target = follow(query.data)
    answers = context.user_data.setdefault("answers", [])
    answers[:] = [*answers[-19:], label]  # the choices made, as our bot keeps its slots
    return await show(update, context, target)


def main() -> None:
    """Poll until SIGTERM."""
    base = os.environ["TELEGRAM_API_BASE_URL"]
    data = Path(os.environ["BOT_DATA_DIR"])
    data.mkdir(parents=True, exist_ok=True)
    builder = Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"])
    builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    app = builder.persistence(PicklePersistence(data / "peer.pickle")).build()
    commands = CommandHandler(["start", "menu"], command)
    app.add_handler(
        ConversationHandler(
            entry_points=[commands],
            states={state: [CallbackQueryHandler(pressed)] for state in FLOW},
            fallbacks=[commands],
            name="routing",
            persistent=True,
        )
    )
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
