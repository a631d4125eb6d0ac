"""``accede schema``: the JSON Schemas accept every file the project ships and refuse what the parser refuses.

Files are read with the engine's own YAML 1.2 reader, so each is validated as accede sees it:
``on:`` a key, ``2025-09-01`` the string typed (the schema says ISO date strings, YYYY-MM-DD).
Validation is JSON Schema 2020-12 with jsonschema-rs, formats asserted; the files under
``tests/broken/`` that the parser refuses at the schema level must fail, and those only the
semantic pass can judge (an unknown state, a contradiction of the history) must pass.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from pydantic import BaseModel, ValidationError

from engine import models as m
from engine.cli import main
from engine.common.errors import AccedeError
from engine.reading.yaml12 import parse_yaml, read_yaml
from engine.tooling import schema
from tests.paths import ROOT

DOCS = ROOT / "docs" / "schemas"
BROKEN = ROOT / "tests" / "broken"
SCHEMAS = schema.schemas()


@cache
def validator(kind: str, formats: bool = True) -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for(SCHEMAS[kind], validate_formats=formats)


def errors(kind: str, instance: Any, formats: bool = True) -> list[str]:
    return [
        f"{'/'.join(map(str, e.instance_path)) or '(top)'}: {e.message[:300]}"
        for e in validator(kind, formats).iter_errors(instance)
    ]


def as_written(value: Any) -> Any:
    """Data as an editor sees it: a date object (a YAML 1.1 reader's) back to the ISO string typed.

    The engine's reader never makes one (``test_dates_are_read_as_the_strings_typed``); this keeps
    the schemas' tests about the schemas should that change.
    """
    if isinstance(value, dict):
        return {k: as_written(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_written(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def read(path: Path) -> Any:
    return as_written(read_yaml(path).data)


def _world_folder(path: Path) -> Path | None:
    for parent in path.parents:
        if (parent / "world.yaml").is_file():
            return parent
    return None


def kind_of(path: Path) -> str:
    """The schema a file's editor header should name, from where the file lies (as the loader reads it)."""
    folder = _world_folder(path)
    if folder is not None:
        rel = path.relative_to(folder)
        if rel == Path("world.yaml"):
            return "world"
        if rel.parts[0] == "organizations":
            return "rules"
        if rel == Path("states.yaml") or rel.parts[0] == "events":
            return "world-part"
        raise AssertionError(f"{path} lies in a world folder but the loader reads no such file")
    if path.is_relative_to(ROOT / "rules"):
        return "rules"
    return "scenario"


def _yaml(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


SHIPPED = [
    *_yaml(ROOT / "rules"),
    *_yaml(ROOT / "fixtures"),
    *(p for p in _yaml(ROOT / "tests") if not p.is_relative_to(BROKEN)),
]


def test_every_kind_of_shipped_file_is_collected() -> None:
    kinds = {kind_of(p) for p in SHIPPED}
    assert kinds == {"scenario", "rules", "world", "world-part"}
    assert len(SHIPPED) > 50


@pytest.mark.parametrize("path", SHIPPED, ids=[str(p.relative_to(ROOT)) for p in SHIPPED])
def test_every_shipped_file_fits_its_schema(path: Path) -> None:
    assert errors(kind_of(path), read(path)) == []


# --- the broken files ------------------------------------------------------------------------

#: Problems the parser finds that JSON Schema states too, beyond the `schema.` codes: a key outside
#: a closed vocabulary (an event's verb, a check's name) and a date that is no calendar date.
ALSO_IN_SCHEMA = {"event.unknown-verb", "rule.unknown-check", "date.invalid"}


def _broken(path: Path) -> tuple[str, int]:
    lines = path.read_text(encoding="utf-8").splitlines()
    code = lines[0].split()[2]
    problems = next((int(line.split()[-1]) for line in lines[1:3] if line.startswith("# problems:")), 1)
    return code, problems


def _schema_level(code: str) -> bool:
    return code.startswith(("schema.", "yaml.", "json.")) or code in ALSO_IN_SCHEMA


BROKEN_FILES = sorted(BROKEN.glob("*.yaml"))
REFUSED = [p for p in BROKEN_FILES if _schema_level(_broken(p)[0])]
# A file of several problems mixes passes (tests/test_broken_files.py): it belongs to neither list.
JUDGED_LATER = [p for p in BROKEN_FILES if not _schema_level(_broken(p)[0]) and _broken(p)[1] == 1]


def _lint_kind(data: Any) -> str:
    # The model `accede lint` reads a lone file with (engine/cli/files.py), as a schema.
    if isinstance(data, dict) and "scenario" in data:
        return "scenario"
    if isinstance(data, dict) and "org" in data:
        return "rules"
    return "world"


def test_the_broken_files_cover_both_sides() -> None:
    assert len(REFUSED) >= 15
    assert len(JUDGED_LATER) >= 10


@pytest.mark.parametrize("path", REFUSED, ids=[p.stem for p in REFUSED])
def test_a_schema_level_mistake_fails_validation(path: Path) -> None:
    code, _ = _broken(path)
    if code.startswith("yaml."):
        # Not YAML, or YAML accede refuses (a duplicate key, a tag): no schema ever sees it.
        with pytest.raises(AccedeError) as refused:
            read(path)
        assert {p.code for p in refused.value.problems} == {code}
        return
    data = read(path)
    assert errors(_lint_kind(data), data) != [], f"{path.name} ({code}) fits the schema"


@pytest.mark.parametrize("path", JUDGED_LATER, ids=[p.stem for p in JUDGED_LATER])
def test_a_mistake_only_the_world_can_judge_fits_the_schema(path: Path) -> None:
    data = read(path)
    assert errors(_lint_kind(data), data) == []


# --- targeted refusals -----------------------------------------------------------------------

SCENARIO: dict[str, Any] = {
    "scenario": "Armenia and the SCO",
    "as_of": "2025-09-01",
    "changes": [{"establish": ["ARM", "AZE"], "on": "2025-08-08"}, {"oppose": "ARM", "by": "AZE", "in": "SCO"}],
    "questions": [{"id": "q", "join": {"state": "ARM", "org": "SCO"}, "expect": {"verdict": "blocked"}}],
}
RULES: dict[str, Any] = {
    "org": "SCO",
    "name": "Shanghai Cooperation Organisation",
    "versions": [
        {
            "valid_from": "2010-06-11",
            "conditions": [{"id": "sco.relations", "text": "t", "check": {"relations_with": "members"}}],
            "decision": [{"by": "members", "pass": "unanimity"}],
        }
    ],
}


def _question(**fields: Any) -> dict[str, Any]:
    return {**SCENARIO, "questions": [{**SCENARIO["questions"][0], **fields}]}


def _change(event: dict[str, Any]) -> dict[str, Any]:
    return {**SCENARIO, "changes": [event]}


def _check(check: dict[str, Any]) -> dict[str, Any]:
    version = RULES["versions"][0]
    condition = {**version["conditions"][0], "check": check}
    return {**RULES, "versions": [{**version, "conditions": [condition]}]}


def _stage(stage: dict[str, Any]) -> dict[str, Any]:
    return {**RULES, "versions": [{**RULES["versions"][0], "decision": [stage]}]}


# (what, schema, model, the mistake): each is refused by the schema and by the parser alike.
REFUSALS: list[tuple[str, str, type[BaseModel], dict[str, Any]]] = [
    ("unknown key in a question", "scenario", m.Scenario, _question(expct={"verdict": "blocked"})),
    ("misspelt key in a question's spec", "scenario", m.Scenario, _question(join={"state": "ARM", "orgs": "SCO"})),
    ("question without its kind's key", "scenario", m.Scenario, {**SCENARIO, "questions": [{"id": "q"}]}),
    ("question of two kinds", "scenario", m.Scenario, _question(matrix={})),
    ("check with a misspelt key", "rules", m.Organization, _check({"relations_wiht": "members"})),
    ("check with two keys", "rules", m.Organization, _check({"relations_with": "members", "member_of": "UN"})),
    ("check of the wrong type", "rules", m.Organization, _check({"sanctioned": "yes"})),
    ("group in its stored form", "rules", m.Organization, _check({"relations_with": {"kind": "members"}})),
    ("event with an unknown verb", "scenario", m.Scenario, _change({"admitt": "AZE", "to": "SCO", "as": "member"})),
    ("event with two verbs", "scenario", m.Scenario, _change({"establish": ["ARM", "AZE"], "sever": ["ARM", "PAK"]})),
    ("event missing a field", "scenario", m.Scenario, _change({"admit": "AZE", "to": "SCO"})),
    ("pair of one state twice", "scenario", m.Scenario, _change({"establish": ["ARM", "ARM"]})),
    ("date not in YYYY-MM-DD", "scenario", m.Scenario, {**SCENARIO, "as_of": "2025-9-1"}),
    ("date that does not exist", "scenario", m.Scenario, {**SCENARIO, "as_of": "2025-02-30"}),
    ("date as a number", "scenario", m.Scenario, {**SCENARIO, "as_of": 20250901}),
    ("missing required key", "scenario", m.Scenario, {k: v for k, v in SCENARIO.items() if k != "as_of"}),
    ("organisation coded twice", "rules", m.Organization, {**RULES, "code": "SCO"}),
    ("organisation without a code", "rules", m.Organization, {k: v for k, v in RULES.items() if k != "org"}),
    ("misspelt pass rule", "rules", m.Organization, _stage({"by": "members", "pass": {"atleast": 9}})),
    ("group of the wrong type", "rules", m.Organization, _stage({"by": 5, "pass": "unanimity"})),
]


@pytest.mark.parametrize(("kind", "valid"), [("scenario", SCENARIO), ("rules", RULES)], ids=["scenario", "rules"])
def test_the_documents_the_refusals_start_from_are_valid(kind: str, valid: dict[str, Any]) -> None:
    assert errors(kind, valid) == []


@pytest.mark.parametrize(("what", "kind", "model", "data"), REFUSALS, ids=[w for w, *_ in REFUSALS])
def test_a_mistake_is_refused_by_the_schema_and_the_parser(
    what: str, kind: str, model: type[BaseModel], data: dict[str, Any]
) -> None:
    assert errors(kind, data) != [], what
    with pytest.raises(ValidationError):
        model.model_validate(data)


def test_a_date_is_refused_by_its_shape_even_where_formats_are_not_asserted() -> None:
    """Draft 2020-12 makes ``format`` an annotation: the pattern is what most validators check."""
    assert errors("scenario", {**SCENARIO, "as_of": "2025-9-1"}, formats=False) != []
    assert errors("scenario", {**SCENARIO, "as_of": "1 September 2025"}, formats=False) != []
    assert errors("scenario", SCENARIO, formats=False) == []


def test_the_user_syntax_is_accepted() -> None:
    inline = {"code": "SCO", "name": "Shanghai Cooperation Organisation", "versions": RULES["versions"]}
    world = {"states": [{"code": "ARM", "name": "Armenia", "region": "Asia"}], "organizations": [inline]}
    assert errors("scenario", {**SCENARIO, "world": world}) == []
    assert errors("scenario", {**SCENARIO, "world": "../worlds/small"}) == []
    for group in ("members", {"members_of": "UN"}, ["CHN", "FRA"]):
        assert errors("rules", _check({"recognized_by": group})) == [], group
    assert errors("rules", _check({"status_in": {"in": "EU", "status": ["candidate"]}})) == []
    assert errors("rules", _check({"not": {"all": [{"sanctioned": True}, {"any": [{"assessed": "eu_values"}]}]}})) == []


def test_a_world_part_holds_states_and_events_only() -> None:
    """The loader reads a part's states, events, never_established and not_recognized, and ignores
    a header field written there; the part's schema refuses it so it is not silently lost."""
    part = {"states": [{"code": "ARM", "name": "Armenia", "region": "Asia"}], "events": SCENARIO["changes"]}
    assert errors("world-part", part) == []
    assert errors("world-part", {**part, "horizon": "2026-01-01"}) != []
    assert errors("world-part", {**part, "organizations": [{**RULES}]}) != []
    assert errors("world", {**part, "horizon": "2026-01-01"}) == []
    assert set(SCHEMAS["world-part"]["properties"]) == set(schema.WORLD_PART_KEYS) <= set(m.WorldFile.model_fields)


def test_dates_are_read_as_the_strings_typed() -> None:
    data = parse_yaml("as_of: 2025-09-01\nchanges: [{sever: [ARM, PAK], on: 2025-08-31}]\n", "t").data
    assert data == {"as_of": "2025-09-01", "changes": [{"sever": ["ARM", "PAK"], "on": "2025-08-31"}]}


# --- the schemas themselves ------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(SCHEMAS))
def test_each_schema_is_a_draft_2020_12_schema(kind: str) -> None:
    assert SCHEMAS[kind]["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert jsonschema_rs.meta.is_valid(SCHEMAS[kind])


def test_descriptions_are_the_models_docstrings_and_field_comments() -> None:
    scenario, world = SCHEMAS["scenario"], SCHEMAS["world"]
    assert scenario["description"].startswith("A world, a date, hypothetical changes")
    defs = scenario["$defs"]
    for name, found in defs.items():
        model = getattr(m, name, None)
        if isinstance(model, type) and issubclass(model, BaseModel) and model is not m.Group:
            doc = " ".join((model.__doc__ or "").split()).replace("``", "`")
            assert " ".join(found["description"].split()) == doc, name
    assert "ceased to exist" in world["$defs"]["StateRecord"]["properties"]["dissolved"]["description"]
    assert defs["Stage"]["properties"]["pass"]["description"] == "unanimity, majority, two_thirds or {at_least: N}"
    assert "first day of that year" in defs["Establish"]["properties"]["precision"]["description"]


# --- the command -----------------------------------------------------------------------------


def test_accede_schema_prints_the_scenario_rules_and_world_schemas(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    printed = capsys.readouterr().out
    found = json.loads(printed)
    assert list(found) == ["scenario", "rules", "world"]
    assert found == {k: SCHEMAS[k] for k in found}
    assert "WorldPart" in found["world"]["$defs"]


def test_the_output_is_the_same_bytes_in_any_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    first = capsys.readouterr().out
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == first
    # Another process with another hash seed: no set or dict order leaks into the bytes.
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    run = subprocess.run(
        [sys.executable, "-m", "engine.cli", "schema"], cwd=ROOT, env=env, capture_output=True, check=True
    )
    assert run.stdout.decode("utf-8") == first


def test_the_schemas_in_docs_are_up_to_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--output", str(tmp_path / "schemas")]) == 0
    written = {p.name: p.read_bytes() for p in (tmp_path / "schemas").iterdir()}
    assert sorted(written) == sorted(f"{kind.name}.schema.json" for kind in schema.KINDS)
    shipped = {p.name: p.read_bytes() for p in DOCS.glob("*.schema.json")}
    stale = sorted(name for name in written.keys() | shipped.keys() if written.get(name) != shipped.get(name))
    assert not stale, f"docs/schemas is stale ({', '.join(stale)}): run `accede schema --output docs/schemas`"
    assert "wrote" in capsys.readouterr().out


def test_output_into_a_file_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("", encoding="utf-8")
    assert main(["schema", "--output", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert "file.not-found: cannot write into" in err
    assert "Traceback" not in err
