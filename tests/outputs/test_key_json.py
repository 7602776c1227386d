"""key.json written directly (keyfile.key_json) is exactly what ``json.dumps(indent=1)`` writes."""
from __future__ import annotations

import json
import random

import numpy as np
import pytest

from spikeset.render.keyfile import key_json

_STRINGS = ["", "mV", "uA/cm^2", 'quote " and \\ backslash', "tab\tnew\nline", "µ−∞ é 中", "\x00\x1f", "\ud83d\ude00"]
_FLOATS = [0.0, -0.0, 1.5, -45.83989505123829, 1e-300, 1.7976931348623157e308, 5e-324, float("nan"),
           float("inf"), float("-inf"), 0.1 + 0.2]


def _value(rng: random.Random, depth: int):
    pick = rng.randrange(9 if depth < 4 else 6)
    if pick == 0:
        return rng.choice(_STRINGS)
    if pick == 1:
        return rng.choice(_FLOATS + [rng.uniform(-1e6, 1e6)])
    if pick == 2:
        return rng.choice([0, -7, 2 ** 70, True, False])
    if pick == 3:
        return None
    if pick in (4, 5):
        return rng.choice([{}, [], ()])
    if pick in (6, 7):
        return {rng.choice(_STRINGS) + str(i): _value(rng, depth + 1) for i in range(rng.randrange(4))}
    return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]


def test_equal_to_json_dumps_indent_1():
    rng = random.Random(7)
    for _ in range(800):
        doc = {"assignment": rng.choice(_STRINGS), "students": _value(rng, 0)}
        assert key_json(doc) == json.dumps(doc, indent=1) + "\n"


def test_a_generated_key(tmp_path):
    from spikeset.cli.demo import default_files
    from spikeset.render.keyfile import answer_key
    from spikeset.variants.assemble import assemble
    from spikeset.variants.assignment import load_assignment
    from spikeset.variants.roster import Student

    sets = assemble(load_assignment(default_files()[0]), [Student(id=f"k{i}", name=f"K {i}") for i in range(2)],
                    b"key-json-test-secret")
    doc = answer_key(sets)
    assert key_json(doc) == json.dumps(doc, indent=1, sort_keys=False) + "\n"


@pytest.mark.parametrize("doc", [{"a": np.float64(1.5)}, {1: "int key"}, {"a": {"b": [1, {2.5: None}]}},
                                 {"a": object()}])
def test_anything_else_goes_through_json_itself(doc):
    try:
        want = json.dumps(doc, indent=1) + "\n"
    except TypeError as exc:
        with pytest.raises(TypeError, match=str(exc)[:20]):
            key_json(doc)
    else:
        assert key_json(doc) == want
