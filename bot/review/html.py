"""The review book as one self-contained HTML page: no scripts, no links out, every text escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.flows.screen_checks import card_text
from bot.review.book import Screen, Section, Source

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#222;line-height:1.4}
h2{border-bottom:2px solid #444;padding-top:1rem}
.screen{display:grid;grid-template-columns:minmax(0,24rem) minmax(0,1fr);gap:1.5rem;margin:1.5rem 0;
  border-top:1px solid #ccc;padding-top:1rem}
.phone{border:1px solid #888;border-radius:12px;padding:.8rem;background:#f7f7f4}
.msg{white-space:pre-wrap;margin:0 0 .7rem}
.card{white-space:pre-wrap;border-left:4px solid #2a6;background:#fff;padding:.4rem .6rem;margin:.4rem 0}
.buttons{list-style:none;padding:0;margin:.6rem 0 0}
.buttons li{border:1px solid #679;border-radius:6px;padding:.25rem .5rem;margin:.25rem 0;background:#fff}
.sources{font-size:.9rem}
.sources blockquote{margin:.2rem 0 .5rem 1rem;color:#444}
.none{color:#a40}
.terminal{white-space:pre-wrap;font-family:monospace;font-size:.85rem;background:#eee;padding:.4rem}
.sign{border:1px dashed #888;padding:.6rem;margin:1rem 0}
"""


def render_html(book: Sequence[Section]) -> str:
    """Return the whole book as one HTML document."""
    count = sum(len(s.screens) for s in book)
    contents = "".join(f'<li><a href="#{escape(s.flow)}">{escape(s.flow)}</a> ({len(s.screens)})</li>' for s in book)
    body = "".join(_section(s) for s in book)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>The guide, screen by screen: for review</title>"
        f"<style>{STYLE}</style></head><body>"
        "<h1>The guide, screen by screen</h1>"
        f"<p>{count} screens in {len(book)} flows, as a person sees them on Telegram (the terminal's words "
        "where they differ), with each screen's buttons, helpline cards and the source of every template: the "
        "guidance file and a quote from it, or why it states no fact. Sample answers fill in what the person "
        "chose; screens that depend on who the other person is are shown once for each answer. The diagrams "
        "are in docs/flows/.</p>"
        f"<ol>{contents}</ol>{body}</body></html>\n"
    )


def _section(section: Section) -> str:
    screens = "".join(_screen(s) for s in section.screens)
    return (
        f'<section id="{escape(section.flow)}"><h2>Flow: {escape(section.flow)}</h2>'
        f"<p>Diagram: {escape(section.diagram)}</p>{screens}"
        '<div class="sign">Reviewed by: ____________________ Role: ______________ Date: __________ '
        "Changes needed: ______________________________</div></section>"
    )


def _screen(screen: Screen) -> str:
    variant = f" <small>({escape(screen.variant)})</small>" if screen.variant else ""
    messages = "".join(f'<p class="msg">{escape(m)}</p>' for m in screen.messages)
    cards = "".join(f'<div class="card">{escape(card_text(c))}</div>' for c in screen.cards)
    buttons = "".join(f"<li>{escape(b)}</li>" for b in screen.buttons)
    terminal = (
        f'<p>In the terminal:</p><div class="terminal">{escape(chr(10).join(screen.terminal))}</div>'
        if screen.terminal
        else ""
    )
    sources = "".join(_source(s) for s in screen.sources)
    card_sources = "".join(f"<li>{escape(c)}</li>" for c in screen.card_sources)
    cards_from = f"<p>Helpline cards, from the directory:</p><ul>{card_sources}</ul>" if card_sources else ""
    return (
        f'<div class="screen" id="{escape(screen.node)}{escape(screen.variant)}">'
        f'<div><h3>{escape(screen.node)}{variant}</h3><div class="phone">{messages}{cards}'
        f'<ul class="buttons">{buttons}</ul></div>{terminal}</div>'
        f'<div class="sources"><h4>Sources</h4>{sources}{cards_from}</div></div>'
    )


def _source(source: Source) -> str:
    head = f"<p><code>{escape(source.template)}</code></p>"
    if source.quotes:
        quotes = "".join(f"<blockquote>{escape(file)}: “{escape(quote)}”</blockquote>" for file, quote in source.quotes)
        extra = f"<p>{escape(source.why)}</p>" if source.why else ""
        return head + quotes + extra
    if source.why:
        return head + f'<p class="none">No source needed: {escape(source.why)}</p>'
    return head + '<p class="none">No source (not an informational screen).</p>'
