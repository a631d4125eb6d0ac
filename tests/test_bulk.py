"""Bulk runs (``accede run --jobs N``, ``--executor dask://``): the same bytes, order and exit status as one job.

Each run here starts real worker processes (spawned, so a few seconds each), hence few runs, each
checked for several things at once.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from engine.cli import main
from engine.common.errors import AccedeError, Problem
from engine.reading.loader import scenario_files
from engine.tooling import bulk
from engine.workspace import Workspace
from tests.paths import ROOT

SCENARIOS = "fixtures/scenarios"
GOOD = ["fixtures/scenarios/armenia-sco.yaml", "fixtures/scenarios/nato-finland.yaml"]
#: Broken scenario files, each failing a different stage: reading, the schema, the history.
BROKEN = [
    "tests/broken/yaml-syntax.yaml",
    "tests/broken/schema-unknown-field.yaml",
    "tests/broken/history-contradiction.yaml",
]


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("shape", [[], ["--json"]], ids=["text", "json"])
def test_two_jobs_print_byte_for_byte_what_one_job_prints(capsys: pytest.CaptureFixture[str], shape: list[str]) -> None:
    one = run(capsys, "run", *shape, SCENARIOS)
    two = run(capsys, "run", "--jobs", "2", *shape, SCENARIOS)
    assert one[0] == 0
    assert one[1].count("\n") > 40  # every golden file printed something
    assert two == one


def test_results_come_in_the_order_named_and_a_failed_expectation_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A slow file first, then quick ones: the second worker finishes several of them while the
    # first is still on the slow one, so printing in the order they finish would show.
    slow = tmp_path / "slow.yaml"
    sweeps = "".join(f"  - {{id: m{y}, as_of: {y}-06-01, matrix: {{}}}}\n" for y in range(2000, 2015))
    slow.write_text(f"scenario: slow\nworld: default\nas_of: 2025-09-02\nquestions:\n{sweeps}", encoding="utf-8")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(
        "scenario: wrong on purpose\nas_of: 2025-08-30\nquestions:\n"
        "  - id: w\n    join: {state: ARM, org: SCO}\n    expect: {verdict: eligible}\n",
        encoding="utf-8",
    )
    # Named in reverse path order, the failing file among them: what is printed follows the command line.
    quick = sorted(str(p) for p in scenario_files([SCENARIOS]))[::-1][:12]
    quick.insert(5, str(wrong))
    status, out, err = run(capsys, "run", "--jobs", "2", "--json", str(slow), *quick)
    assert (status, err) == (1, "")
    results = [json.loads(line) for line in out.splitlines()]
    ws = Workspace()
    assert [r["scenario"] for r in results] == ["slow", *(ws.prepare_file(Path(p)).scenario.scenario for p in quick)]
    failed = [r["scenario"] for r in results if any(a.get("expect", {}).get("passed") is False for a in r["results"])]
    assert failed == ["wrong on purpose"]


def test_a_broken_file_among_good_ones_is_reported_as_a_serial_run_reports_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = [GOOD[0], BROKEN[0], GOOD[1], BROKEN[1], BROKEN[2]]
    one = run(capsys, "run", "--json", *files)
    two = run(capsys, "run", "--jobs", "2", "--json", *files)
    assert two == one
    status, out, err = two
    assert status == 2
    # Every problem of every broken file, sorted, as the loader words it; then the count.
    ws = Workspace()
    found: list[Problem] = []
    for name in BROKEN:
        with pytest.raises(AccedeError) as caught:
            ws.prepare_file(Path(name))
        found += caught.value.problems
    expected = AccedeError(found).problems
    assert err.splitlines() == [p.render() for p in expected] + [f"{len(expected)} problems"]
    # The good files' answers, in order, then the problems as one JSON document.
    *answers, errors = out.splitlines()
    assert [json.loads(a)["scenario"] for a in answers] == [ws.prepare_file(Path(g)).scenario.scenario for g in GOOD]
    assert json.loads(errors) == {"errors": [p.as_dict() for p in expected]}


def test_the_work_budget_holds_in_every_worker(capsys: pytest.CaptureFixture[str]) -> None:
    # One unit of work cannot answer a sweep: each worker must refuse it as this process would.
    files = ["fixtures/scenarios/brics-2024-2025.yaml", "fixtures/scenarios/sco-iran.yaml"]
    one = run(capsys, "run", "--max-work", "1", *files)
    two = run(capsys, "run", "--jobs", "2", "--max-work", "1", *files)
    assert two == one
    assert one[0] == 2
    assert "limit.exceeded" in one[2]


@pytest.mark.parametrize(
    "url",
    [
        "tcp://127.0.0.1:8786",
        "dask://",
        "dask://:8786",
        "dask://host:port",
        "dask://host:99999",
        "dask://h:1/x",
        "spark",
    ],
)
def test_a_bad_executor_address_is_refused_where_it_was_written(capsys: pytest.CaptureFixture[str], url: str) -> None:
    status, out, err = run(capsys, "run", "--json", "--executor", url, GOOD[0])
    assert status == 2
    assert "Traceback" not in err
    message = f"`{url}` is not a Dask scheduler's address: write `dask://HOST:PORT`"
    assert err.splitlines()[0] == f"schema.invalid-value: {message} (field `--executor`)"
    assert json.loads(out)["errors"][0]["field"] == "--executor"


def test_an_executor_address_names_the_scheduler() -> None:
    assert bulk.dask_address("dask://10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    assert bulk.dask_address("dask://scheduler") == "tcp://scheduler:8786"  # Dask's own port
    assert bulk.dask_address("dask://[::1]:9000") == "tcp://[::1]:9000"


def test_without_dask_the_executor_says_how_to_install_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # what `import distributed` meets when it is missing
    status, _, err = run(capsys, "run", "--executor", "dask://127.0.0.1:8786", GOOD[0])
    assert status == 2
    assert "pip install 'accede[dask]'" in err.splitlines()[0]
    assert "(field `--executor`)" in err.splitlines()[0]


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["--jobs", "two"], "--jobs"),
        (["--jobs", "-1"], "--jobs"),
        (["--jobs", "2", "--executor", "dask://127.0.0.1:8786"], "--jobs"),
        (["--jobs", "2", "--format", "html"], "--jobs"),
        (["--executor", "dask://127.0.0.1:8786", "--format", "csv"], "--executor"),
    ],
)
def test_jobs_and_executor_are_checked_before_any_work(
    capsys: pytest.CaptureFixture[str], argv: list[str], field: str
) -> None:
    status, out, err = run(capsys, "run", *argv, GOOD[0])
    assert (status, out) == (2, "")
    assert err.splitlines()[0].startswith("schema.invalid-value: ")
    assert err.splitlines()[0].endswith(f"(field `{field}`)")


def test_jobs_auto_and_0_are_one_per_cpu_and_absent_is_one() -> None:
    assert bulk.jobs_option("auto") == bulk.jobs_option("0") == bulk.cpus() >= 1
    assert bulk.jobs_option(None) == 1
    assert bulk.jobs_option("3") == 3
    # No more processes than files; one is this process.
    assert isinstance(bulk.executor_for("4", None, files=1), bulk.Serial)
    chosen = bulk.executor_for("4", None, files=3)
    assert isinstance(chosen, bulk.Processes)
    assert chosen.jobs == 3


def test_a_dask_cluster_prints_byte_for_byte_what_one_job_prints(capsys: pytest.CaptureFixture[str]) -> None:
    distributed = pytest.importorskip("distributed", reason="Dask is not installed (`pip install 'accede[dask]'`)")
    one = run(capsys, "run", "--json", SCENARIOS)
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None, scheduler_port=0
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        url = cluster.scheduler_address.replace("tcp://", "dask://")
        two = run(capsys, "run", "--json", "--executor", url, SCENARIOS)
        # Each worker compiled the world once for the run, not once per file.
        held = client.run(lambda: len(bulk._HELD))
    assert two == one
    assert sorted(held.values()) == [1, 1]
