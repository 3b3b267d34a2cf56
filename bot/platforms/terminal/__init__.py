"""The terminal chat (chat.py); what it can show and do."""

from bot.engine.platform import Capabilities

CAPABILITIES = Capabilities(
    name="terminal",
    choices="numbers",
    max_buttons=20,  # numbered lines that fit an 80 x 24 terminal with the message above them
    max_label_chars=76,  # an 80-column line less "12. "
    clears_chat=False,  # it cannot clear the terminal's scrollback; terminal.clear says how to
    templates={
        "terminal.clear": {},
        "terminal.exit": {},
        "terminal.document": {"path": "data/exports/notes.pdf"},
        "terminal.no_file": {},
        "terminal.forgotten": {"removed": 2, "left": 0, "folder": "data/exports"},
        "terminal.not_a_file": {},
    },
)
