"""YAML reading (``engine/reading/yaml12.py``): the 1.2 core schema, not PyYAML's 1.1."""

from __future__ import annotations

from engine.reading.yaml12 import parse_yaml


def test_yaml_is_read_as_yaml_1_2() -> None:
    doc = parse_yaml("on: 2025-08-31\nyes: no\nt: 1:20\nb: true\nx: 0o17\n", "t.yaml")
    assert doc.data == {"on": "2025-08-31", "yes": "no", "t": "1:20", "b": True, "x": 15}
