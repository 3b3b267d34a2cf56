"""The routing journey as a plain table, for the peer bots: the same buttons and about as much text as ours.

Each state has a text and buttons; a button's callback data is ``state:index``, and names the next state.
"""

from __future__ import annotations

LOREM = (
    "This is guidance of about the length the guide sends at this point: a few sentences that say what the"
    " choice means, so the reply costs the same to build, send and parse as one of ours. "
)
MENU_BUTTONS = (
    "🆘 I'm in danger now",
    "Is this stalking?",
    "Who can help me",
    "Note an incident",
    "My notes",
    "Staying safe day to day",
    "Online safety",
    "Reporting and the law",
    "Looking after yourself",
    "About this guide",
    "Clear this chat",
)
TARGETS = {"Is this stalking?": "q1", "Who can help me": "r1"}

FLOW: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "menu": ("What would you like to do?\n\n" + LOREM, tuple((b, TARGETS.get(b, "menu")) for b in MENU_BUTTONS)),
    "q1": ("Question 1 of 4. " + LOREM, (("Yes", "q2"), ("No", "q2"), ("🆘 In danger now", "menu"))),
    "q2": ("Question 2 of 4. " + LOREM, (("Yes", "q3"), ("No", "q3"), ("🆘 In danger now", "menu"))),
    "q3": ("Question 3 of 4. " + LOREM, (("Yes", "q4"), ("No", "q4"), ("🆘 In danger now", "menu"))),
    "q4": ("Question 4 of 4. " + LOREM, (("Yes", "result"), ("No", "result"), ("🆘 In danger now", "menu"))),
    "result": (LOREM * 3, (("Who can help me", "r1"), ("Main menu", "menu"), ("🆘 In danger now", "menu"))),
    "r1": ("Are you in Nottinghamshire? " + LOREM, (("Yes, Nottinghamshire", "r2"), ("No, elsewhere", "r2"))),
    "r2": (
        "Who is doing this? " + LOREM,
        (("A partner or ex-partner", "r3"), ("Someone else I know", "r3"), ("A stranger", "r3")),
    ),
    "r3": ("Which would suit you? " + LOREM, (("Women's helpline", "card"), ("Men's helpline", "card"))),
    "card": ("Helpline\nPhone: (its number)\nOpen: (its hours)\n\n" + LOREM * 2, (("Main menu", "menu"),)),
}


def buttons(state: str) -> list[tuple[str, str]]:
    """Return a state's buttons as (label, callback data)."""
    return [(label, f"{state}:{index}") for index, (label, _) in enumerate(FLOW[state][1])]


def follow(data: str) -> tuple[str, str]:
    """Return the label pressed and the state it leads to, from a button's callback data."""
    state, index = data.split(":")
    return FLOW[state][1][int(index)]
