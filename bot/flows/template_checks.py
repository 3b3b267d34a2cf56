"""Every template a screen, the log, the plan or a platform says things with: present, renders, short enough."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import jinja2

from bot.engine.diagnostics import Diagnostic
from bot.engine.model import PLAN_ACTIONS, PLAN_VIEWS, FlowSet, Source
from bot.engine.platform import Capabilities
from bot.engine.program import Content
from bot.engine.templates import FORMATS, UnknownHelpline
from bot.flows.content import LOG_TEMPLATES, SYSTEM_TEMPLATES
from bot.flows.plan_parts import PLAN_TEMPLATES

MAX_MESSAGE_CHARS = 900  # about one phone screen
MAX_LABEL_CHARS = 40  # longer button labels are cut off in chat apps
MAX_LOG_TEMPLATE_CHARS = 1500  # the log's views hold the person's own words; only the frame is checked
SAMPLE_SLOT_VALUE = "sample"


def renders(
    flows: FlowSet, content: Content, platforms: Sequence[Capabilities], slots: frozenset[str]
) -> Iterator[Diagnostic]:
    """Check that every message and label renders in every format, short enough, with sample slot values."""
    sample = {"slots": dict.fromkeys(slots, SAMPLE_SLOT_VALUE)}
    label_chars = min((p.max_label_chars for p in platforms), default=MAX_LABEL_CHARS)
    for template_id, variables in SYSTEM_TEMPLATES.items():
        if template_id in content.templates:
            where = content.templates.sources[template_id].source
            yield from _render_check(content, template_id, {**sample, **variables}, where, MAX_MESSAGE_CHARS)
    for node in flows.nodes.values():
        if node.say is not None and node.say in content.templates:
            variables = {**sample, **node.variables}
            yield from _render_check(content, node.say, variables, node.where("say"), MAX_MESSAGE_CHARS)
        for option in node.options:
            if option.label in content.templates:
                yield from _render_check(content, option.label, sample, option.source, label_chars)


def platform_templates(content: Content, platforms: Sequence[Capabilities], where: Source) -> Iterator[Diagnostic]:
    """Check the templates each platform declares it says things with."""
    for platform in platforms:
        needed_by = f"platform '{platform.name}' needs"
        yield from _needed(content, platform.templates, where, needed_by, MAX_MESSAGE_CHARS)


def log_templates(flows: FlowSet, content: Content) -> Iterator[Diagnostic]:
    """Check the templates the log's views and export use, once any node shows a view or exports."""
    users = [n for n in flows.nodes.values() if n.show is not None or n.do == "export"]
    if not users:
        return
    where = users[0].where("show" if users[0].show else "do")
    needed_by = f"'{users[0].id}' shows the log, which needs"
    yield from _needed(content, LOG_TEMPLATES, where, needed_by, MAX_LOG_TEMPLATE_CHARS)


def plan_templates(flows: FlowSet, content: Content) -> Iterator[Diagnostic]:
    """Check the templates the plan's views and export use, once any node shows the plan or acts on it."""
    users = [n for n in flows.nodes.values() if n.show in PLAN_VIEWS or n.do in PLAN_ACTIONS]
    if not users:
        return
    needed_by = f"'{users[0].id}' uses the plan, which needs"
    yield from _needed(content, PLAN_TEMPLATES, users[0].source, needed_by, MAX_MESSAGE_CHARS)


def _needed(
    content: Content, needed: Mapping[str, Mapping[str, object]], where: Source, needed_by: str, limit: int
) -> Iterator[Diagnostic]:
    """Report each template in ``needed`` that is missing, or that does not render with its sample variables."""
    for template_id, variables in needed.items():
        if template_id not in content.templates:
            yield Diagnostic(where, "UNKNOWN_TEMPLATE", f"{needed_by} template '{template_id}'")
        else:
            source = content.templates.sources[template_id].source
            yield from _render_check(content, template_id, variables, source, limit)


def _render_check(
    content: Content, template_id: str, variables: Mapping[str, object], where: Source, limit: int
) -> Iterator[Diagnostic]:
    """Render one template in every format: a helpline it names exists, it renders, and it fits ``limit``."""
    for fmt in FORMATS:
        try:
            text = content.templates.render(template_id, variables, fmt)
        except UnknownHelpline as error:
            message = f"'{template_id}' asks for number('{error}'), which is not in the directory"
            yield Diagnostic(where, "UNKNOWN_HELPLINE", message)
            return
        except (jinja2.TemplateError, TypeError, ValueError, KeyError) as error:
            yield Diagnostic(where, "TEMPLATE_ERROR", f"'{template_id}' does not render here: {error}")
            return
        if fmt == "plain" and len(text) > limit:
            yield Diagnostic(where, "TOO_LONG", f"'{template_id}' is {len(text)} characters; keep it under {limit}")
