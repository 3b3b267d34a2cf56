"""The worked example in docs/flows.md is a valid flow."""

from __future__ import annotations

import re

import yaml

from bot.flows.program import check
from bot.settings import PROJECT_ROOT
from tests.conftest import ProjectMaker


def test_worked_example_in_the_flow_docs_is_valid(make_project: ProjectMaker) -> None:
    doc = (PROJECT_ROOT / "docs" / "flows.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", doc, re.S)
    assert example is not None
    data = yaml.safe_load(example.group(1))
    said = {node["say"] for node in data["nodes"].values() if "say" in node}
    labels = {o["label"] for node in data["nodes"].values() for o in node.get("options", [])}
    templates = {t: "Some information for you, to read whenever you are ready. {{ slots.note_text }}" for t in said}
    templates |= {t: "Text" for t in labels} | {"command.example": "Example"}
    flows_dir, content_dir = make_project({"example.yaml": example.group(1)}, templates)
    _, problems = check(flows_dir, content_dir)
    assert [str(p) for p in problems] == []
