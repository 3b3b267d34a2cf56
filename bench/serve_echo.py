"""A bare python-telegram-bot echo bot with default settings: the yardstick for the end-to-end benchmark."""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the person's text."""
    if update.message is not None and update.message.text is not None:
        await update.message.reply_text(update.message.text)


def main() -> None:
    """Poll until SIGTERM, as python-telegram-bot's echobot example does."""
    base = os.environ["TELEGRAM_API_BASE_URL"]
    builder = Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"])
    app = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot").build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
