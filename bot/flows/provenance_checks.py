"""The source rule: every template that can state a fact names its source, or says why it needs none."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from bot.engine.diagnostics import Diagnostic
from bot.engine.model import FlowSet
from bot.engine.program import Content
from bot.flows.provenance import check_quotes, guidance_texts

# The guidance beside the checkout (../shared/guidance); quotes are checked only when it is there.
GUIDANCE_DIR = Path(__file__).resolve().parents[3] / "shared" / "guidance"
# The flows that give information; every message they show must name its source (or say why it has none).
FACT_FLOWS = frozenset(
    {"start", "help", "danger", "stalking", "routing", "support", "online", "reporting", "safety", "wellbeing", "plan"}
)
NUMBER_CALL = "number("


def fact_templates(flows: FlowSet, content: Content) -> set[str]:
    """Return the templates that must have a source: said in an informational flow, or giving a number."""
    said = {n.say for n in flows.nodes.values() if n.say is not None and n.flow in FACT_FLOWS}
    numbered = {t.id.split("@")[0] for t in content.templates.sources.values() if NUMBER_CALL in t.text}
    return {t for t in said | numbered if t in content.templates}


def check_sources(flows: FlowSet, content: Content, guidance_dir: Path = GUIDANCE_DIR) -> Iterator[Diagnostic]:
    """Report fact templates without a source, and quotes not in the guidance file they name."""
    sources = content.templates.sources
    for template_id in sorted(fact_templates(flows, content)):
        if sources[template_id].provenance is None:
            message = (
                f"'{template_id}' states facts but names no source: add 'source:' (file and quote), "
                "or 'source: none' with 'why:'"
            )
            yield Diagnostic(sources[template_id].source, "SOURCE_MISSING", message)
    for helpline in content.helplines.values():
        if not any(helpline.document.startswith(name) for name in _file_names(guidance_dir)) and guidance_dir.is_dir():
            message = f"helpline '{helpline.id}' names '{helpline.document}', which is not in the guidance"
            yield Diagnostic(helpline.source, "SOURCE_UNKNOWN_FILE", message)
    provenances = [(k, t.provenance) for k, t in sources.items() if t.provenance is not None and "@" not in k]
    yield from check_quotes(provenances, guidance_texts(guidance_dir))


def _file_names(directory: Path) -> list[str]:
    return [p.name for p in directory.glob("*.txt")] if directory.is_dir() else []
