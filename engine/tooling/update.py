"""``accede test --update``: rewrite the expectations that no longer hold from the current answers.

As Catala's ``clerk test --reset`` does: an analyst who changed a rule on purpose runs it, reads
the diff it prints and commits the new expectations. Only the keys that fail are rewritten (a key
that still holds stays as the analyst wrote it), each from what the answer now says
(``QuestionKind.observe``), in the file's own layout: the file is edited as a ruamel.yaml
round-trip document, so comments and the order of keys survive.
"""

from __future__ import annotations

import difflib
import io
import re
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from engine.questions import KINDS
from engine.reading.writing import write_whole
from engine.scenario import question_id
from engine.tooling.testing import Case, Suite

__all__ = ["Rewrite", "rewrites"]

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Rewrite:
    """One file's new text, and the diff from its old one."""

    def __init__(self, path: Path, old: str, new: str) -> None:
        self.path, self.old, self.new = path, old, new

    def diff(self) -> str:
        name = str(self.path)
        lines = difflib.unified_diff(
            self.old.splitlines(keepends=True), self.new.splitlines(keepends=True), f"a/{name}", f"b/{name}"
        )
        return "".join(lines)

    def write(self) -> None:
        write_whole(self.path, self.new)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a line the analyst wrote on one
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _node(value: Any) -> Any:
    """A JSON value as a YAML node: ISO dates plain, short lists of scalars in flow style."""
    if isinstance(value, str) and _DAY.match(value):
        return date.fromisoformat(value)
    if isinstance(value, dict):
        out = CommentedMap((k, _node(v)) for k, v in value.items())
        if all(not isinstance(v, dict | list) for v in value.values()):
            out.fa.set_flow_style()
        return out
    if isinstance(value, list):
        seq = CommentedSeq(_node(v) for v in value)
        if all(not isinstance(v, dict | list) for v in value):
            seq.fa.set_flow_style()
        return seq
    return value


def _failing_keys(case: Case, question: Any) -> list[str]:
    """The expectation keys that fail, each checked on its own."""
    kind = KINDS[case.answer.kind]
    expect = question.expect
    failing = []
    for key in sorted(expect.model_fields_set):
        alone = type(expect).model_construct(**{key: getattr(expect, key)})
        result = kind.expect(question.model_copy(update={"expect": alone}), case.result) if kind.expect else None
        if result is not None and not result["passed"]:
            failing.append(key)
    return failing


def rewrites(suite: Suite) -> list[Rewrite]:
    """The files whose failing expectations the current answers rewrite (unchanged files left out)."""
    out = []
    by_file: dict[str, list[Case]] = {}
    for case in suite.cases:
        if not case.passed:
            by_file.setdefault(case.file, []).append(case)
    for name, cases in by_file.items():
        prepared = suite.prepared[name]
        path = suite.paths[name]
        old = path.read_text(encoding="utf-8")
        yaml = _yaml()
        doc = yaml.load(old)
        index = {question_id(q, k): k for k, q in enumerate(prepared.scenario.questions)}
        for case in cases:
            k = index[case.question]
            question = prepared.scenario.questions[k]
            kind = KINDS[case.answer.kind]
            if kind.observe is None:
                continue
            observed = kind.observe(question, case.result)
            target = doc["questions"][k]["expect"]
            for key in _failing_keys(case, question):
                value = observed.get(key)
                if value is None:
                    del target[key]
                else:
                    target[key] = _node(value)
        buffer = io.StringIO()
        yaml.dump(doc, buffer)
        new = buffer.getvalue()
        if new != old:
            out.append(Rewrite(path, old, new))
    return out
