"""My plan's sections and parts, and the templates its views and PDF render: what flows may name, and the log keeps."""

from __future__ import annotations

# The plan's sections in order, each with its parts: written in the person's words, ticked, or chosen.
SECTIONS: dict[str, tuple[str, ...]] = {
    "people": ("buddy", "told"),
    "places": ("places",),
    "routine": ("routine",),
    "phone": ("privacy", "search", "passwords", "posts", "apps", "device", "second_phone"),
    "evidence": ("box_where", "keep", "box", "freeze"),
    "danger": ("go_to",),
    "support": ("helpline",),
    "wont": ("no_contact", "no_block", "no_reply"),
}
TICKS = frozenset(
    {"privacy", "search", "passwords", "posts", "apps", "device", "second_phone", "keep", "box", "freeze"}
    | {"no_contact", "no_block", "no_reply"}
)
CHOICES = frozenset({"helpline"})  # a helpline's id from the directory, never typed
ITEMS = frozenset(item for items in SECTIONS.values() for item in items)
WRITTEN = ITEMS - TICKS - CHOICES
NOTED = ("danger", "support")  # sections that end with the guidance's own short reminder (numbers, steps)

# The templates the plan's views and export render, with sample variables the validator renders them with.
PLAN_TEMPLATES: dict[str, dict[str, object]] = {
    "plan.view_header": {"part": 1, "parts": 3},
    "plan.section_view": {"heading": "My people", "lines": ["My buddy: x"]},
    "plan.not_yet": {},
    "plan.ticked": {},
    "plan.unticked": {},
    "plan.helpline_line": {"name": "Samaritans", "number": "116 123"},
    "plan.pdf_title": {},
    "plan.pdf_made": {"made": "Sun 22 Nov 2026, 07:30"},
    **{f"plan.heading_{section}": {} for section in SECTIONS},
    **{f"plan.note_{section}": {} for section in NOTED},
    **{f"plan.item_{item}": {} for items in SECTIONS.values() for item in items},
}
