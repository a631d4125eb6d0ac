"""The SPEC's examples that concern join and matrix, as written there."""

from __future__ import annotations

from engine.evaluation.verdict import MatrixResult
from engine.questions.order import OrderResult
from engine.workspace import Workspace

FIRST_EXAMPLE = """
scenario: Armenia and the SCO, before and after Tianjin
world: default            # the bundled world; or a folder relative to this file; or an inline world
as_of: 2025-09-01
assume: unknown           # unknown | support | oppose, for voters with no position on record
questions:
  - id: before
    join: {state: ARM, org: SCO}
    as_of: 2025-08-30
    expect: {verdict: blocked, failing: [sco.relations]}
  - id: after
    join: {state: ARM, org: SCO}
    expect: {holding: [sco.relations]}
  - id: who-could-join
    matrix: {orgs: [SCO, BRICS]}
  - id: order
    order: {org: SCO, applicants: [ARM, AZE]}
  - id: what-changes
    impact: {changes: [{establish: [ARM, AZE]}]}
"""

INLINE_WORLD = """
scenario: the SPEC's inline world
as_of: 2025-09-01
world:
  default_relations: none          # none | established: pairs with no relation events
  states:
    - {code: ARM, name: Armenia, region: Asia}
    - {code: PAK, name: Pakistan, region: Asia}
  organizations:
    - code: SCO
      name: Shanghai Cooperation Organisation
      statuses: [member, observer, dialogue_partner]
      versions:
        - valid_from: 2010-06-11
          conditions:
            - id: sco.region
              text: The applicant lies in the Eurasian region
              check: {region_in: [Asia, Europe]}
            - id: sco.relations
              text: The applicant has diplomatic relations with every member state
              source: Regulations on the admission of new members (2010), criteria as reported
              confidence: medium
              check: {relations_with: members}
            - id: sco.status
              text: The applicant already holds observer or dialogue-partner status
              check: {status_in: [observer, dialogue_partner]}
            - id: sco.sanctions
              text: The applicant is not under UN Security Council sanctions
              check: {not: {sanctioned: true}}
            - id: sco.peace
              text: The applicant is not in armed conflict with a member state
              check: {no_conflict_with: members}
          decision:
            - {by: members, pass: unanimity}
  events:
    - {admit: PAK, to: SCO, as: member, on: 2017-06-09}
    - {admit: ARM, to: SCO, as: dialogue_partner, on: 2015-07-10}
    - {establish: [ARM, PAK], on: 2025-08-31}
questions:
  - id: before
    join: {state: ARM, org: SCO}
    as_of: 2025-08-30
    expect: {verdict: blocked, failing: [sco.relations]}
  - id: after
    join: {state: ARM, org: SCO}
    expect: {verdict: undetermined, holding: [sco.relations, sco.status]}
  - id: sweep
    matrix: {}
"""


def test_first_example_answers_every_question(workspace: Workspace) -> None:
    result = workspace.run_text(FIRST_EXAMPLE)
    assert [a.kind for a in result.answers] == ["join", "join", "matrix", "order", "impact"]
    assert [a.passed for a in result.answers] == [True, True, None, None, None]
    order = result.verdicts["order"]
    assert isinstance(order, OrderResult)
    # The world records the Tianjin objections reported by one side (Pakistan on Armenia, India on
    # Azerbaijan, confidence low): with every fact used, neither can be admitted.
    assert order.largest == 0
    # Without them (trust: medium), whoever joins first then needs relations with the other.
    cautious = workspace.run_text(FIRST_EXAMPLE.replace("assume: unknown", "assume: unknown\ntrust: medium"))
    order = cautious.verdicts["order"]
    assert isinstance(order, OrderResult)
    assert order.largest == 1
    assert {(a, b) for a, b, _ in order.conflicts} == {("ARM", "AZE"), ("AZE", "ARM")}


def test_inline_world_example(workspace: Workspace) -> None:
    result = workspace.run_text(INLINE_WORLD)
    assert [a.passed for a in result.answers] == [True, True, None]
    sweep = result.verdicts["sweep"]
    assert isinstance(sweep, MatrixResult)
    assert [(r.state, r.verdict) for r in sweep.rows] == [("ARM", "undetermined")]
