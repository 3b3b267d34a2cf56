"""Carry out the engine's effects on the plan: keep a part, tick a point, keep a choice, clear a section, export."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.engine.outputs import Document, Effect
from bot.engine.templates import TemplateLibrary
from bot.engine.when import london_time
from bot.flows.plan_parts import SECTIONS
from bot.log.export_worker import Exporter
from bot.log.plan import PlanBook
from bot.log.plan_views import PlanWords, section_lines


async def apply_plan(
    book: PlanBook,
    key: str,
    change: str,
    effect: Effect,
    words: PlanWords,
    templates: TemplateLibrary,
    exporter: Exporter | None = None,
) -> Document | None:
    """Store what one effect asks for, committed before this returns; an export comes back as a document."""
    variables = effect.variables
    if effect.action == "save_plan":
        await book.put(key, variables["item"], effect.text)
    elif effect.action == "plan_tick":
        await book.tick(key, variables["item"], change)
    elif effect.action == "plan_choose":
        await book.put(key, variables["item"], variables["value"])
    elif effect.action == "plan_clear":
        await book.clear(key, variables["section"])
    elif effect.action == "plan_export":
        return await export_plan(book, key, words, templates, datetime.now(UTC), exporter or Exporter())
    return None


async def export_plan(
    book: PlanBook, key: str, words: PlanWords, templates: TemplateLibrary, now: datetime, exporter: Exporter
) -> Document:
    """Return the plan as a one-page PDF with a neutral title and file name (made in a worker process, where
    fpdf2 and its font tools load: never in the bot process)."""
    plan = await book.plan(key)
    sections = [(words.headings[s], section_lines(s, plan, words)) for s in SECTIONS]
    made = templates.render("plan.pdf_made", {"made": london_time(now)})
    async with exporter.worker() as worker:
        pdf = await worker.plan_pdf(words.title, made, sections, now)
    return Document(f"my-plan-{now:%Y-%m-%d}.pdf", "application/pdf", pdf)
