"""The Telegram adapter: the only package that imports python-telegram-bot; what Telegram can show and do."""

from bot.engine.platform import Capabilities

CAPABILITIES = Capabilities(
    name="telegram",
    choices="buttons",
    max_buttons=100,  # the Bot API's limit on one inline keyboard
    max_label_chars=40,  # longer labels are cut off on a phone
    clears_chat=True,  # "Clear this chat" deletes the messages it sent (those under 48 hours old)
    templates={
        "telegram.cleared": {"removed": 3, "kept": 1},
        "telegram.exit": {},
        "telegram.flood": {},
        "telegram.private_only": {},
        "telegram.error": {},
    },
)
