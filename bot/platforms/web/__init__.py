"""The web chat: server-rendered pages that work without JavaScript, with a quick exit on every page."""

from bot.engine.platform import Capabilities

_WORDS = (
    "exit", "exit_hint", "emergency", "conversation", "guide_said", "you_said", "choices", "write", "send",
    "upload_label", "upload", "call", "download", "privacy", "later_heading", "make_code",
    "code_kept", "open_label", "open", "code_wrong", "code_tries", "code_opened", "stale", "ended", "expired",
    "no_file", "cleared",
    "exit_action", "forgotten", "flood", "error",
)  # fmt: skip

CAPABILITIES = Capabilities(
    name="web",
    choices="buttons",
    max_buttons=30,  # a column of buttons the page scrolls through
    max_label_chars=60,  # a button wraps its label, but a long one is hard to scan
    clears_chat=True,  # it clears the conversation from the page and from the server's memory
    templates={
        **{f"web.{name}": {} for name in _WORDS},
        "web.code_shown": {"code": "acid acorn acre also amuse"},
        "web.too_long": {"limit": 4096},
        "web.later": {"minutes": 30},
    },
)
