"""A test run and a lint run as machines read them: JUnit XML, JSON, SARIF.

JUnit XML is what CI systems and IDEs show (one ``testsuite`` per scenario file, one ``testcase``
per expectation, a broken file as an ``error``); the JSON document is the same data for scripts;
SARIF 2.1.0 is what code-scanning services (GitHub's among them) annotate pull requests with.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from engine.common.errors import Problem
from engine.tooling.testing import Suite

__all__ = ["junit_xml", "sarif", "suite_json"]

#: The SARIF schema a document names; code-scanning services validate against it.
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def suite_json(suite: Suite) -> dict[str, Any]:
    """A test run as one JSON document: the summary, every test with its mismatches, every error."""
    return {
        "summary": {
            "passed": suite.passed,
            "failed": suite.failed,
            "errors": len(suite.broken),
            "deselected": suite.deselected,
            "files": suite.files,
        },
        "tests": [
            {
                "id": c.id,
                "file": c.file,
                "question": c.question,
                "kind": c.answer.kind,
                "passed": c.passed,
                "mismatches": c.mismatches,
                "seconds": round(c.seconds, 6),
                "answer": c.answer.to_json(),
            }
            for c in suite.cases
        ],
        "errors": [{"file": b.file, "problems": [p.as_dict() for p in b.problems]} for b in suite.broken],
    }


def junit_xml(suite: Suite) -> str:
    """A test run as JUnit XML (the dialect pytest's ``--junitxml`` writes)."""
    root = ET.Element("testsuites", name="accede")
    files: dict[str, ET.Element] = {}

    def testsuite(name: str) -> ET.Element:
        if name not in files:
            files[name] = ET.SubElement(root, "testsuite", name=name)
        return files[name]

    for case in suite.cases:
        element = ET.SubElement(
            testsuite(case.file), "testcase", classname=case.file, name=case.question, time=f"{case.seconds:.6f}"
        )
        if not case.passed:
            failure = ET.SubElement(element, "failure", message="; ".join(case.mismatches))
            failure.text = "\n".join(case.mismatches)
    for broken in suite.broken:
        element = ET.SubElement(testsuite(broken.file), "testcase", classname=broken.file, name="<file>", time="0")
        error = ET.SubElement(element, "error", message=f"{len(broken.problems)} problem(s) in {broken.file}")
        error.text = "\n".join(p.render() for p in broken.problems)
    for element in (root, *files.values()):
        listed = list(element.iter("testcase"))
        element.set("tests", str(len(listed)))
        element.set("failures", str(sum(1 for c in listed if c.find("failure") is not None)))
        element.set("errors", str(sum(1 for c in listed if c.find("error") is not None)))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def sarif(errors: Sequence[Problem], warnings: Sequence[Problem] = ()) -> dict[str, Any]:
    """Problems (and warnings) as one SARIF 2.1.0 log: a rule per code, a result per problem."""
    every = [(p, "error") for p in errors] + [(p, "warning") for p in warnings]
    codes = sorted({p.code for p, _ in every})
    results = []
    for problem, level in every:
        result: dict[str, Any] = {"ruleId": problem.code, "level": level, "message": {"text": problem.message}}
        if problem.file:
            region = {"startLine": problem.line} if problem.line else {}
            if problem.line and problem.column:
                region["startColumn"] = problem.column
            location: dict[str, Any] = {"artifactLocation": {"uri": problem.file}}
            if region:
                location["region"] = region
            result["locations"] = [{"physicalLocation": location}]
        if problem.rule_id:
            result["properties"] = {"rule_id": problem.rule_id}
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "accede", "rules": [{"id": code} for code in codes]}},
                "results": results,
            }
        ],
    }
