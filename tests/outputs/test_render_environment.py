"""The page environment's lookup of ``a.b`` on a plain dict gives what Jinja's own gives."""
from __future__ import annotations

from collections import OrderedDict

import jinja2

from spikeset.render.render import environment

SOURCE = ("{{ p.g_Na }}|{{ p.items is callable }}|{{ p.get('get') }}|{{ p.missing }}|{{ p.missing.deeper }}|"
          "{{ p._private }}|{{ p.__class__.__name__ }}|{{ o.x }}|{{ o.keys is callable }}|{{ q.a.b }}|{{ n.real }}|"
          "{{ n.nothing }}|{{ t.count is callable }}|{{ s.upper() }}|{{ p.keys }}")


def test_dict_lookups_as_jinja_does():
    data = {"p": {"g_Na": 120.0, "items": "an item called items", "get": 3, "_private": "_p"},
            "o": OrderedDict(x=1), "q": {"a": {"b": "nested"}}, "n": 2.5, "t": (1, 2), "s": "x<y"}
    ours = environment().from_string(SOURCE).render(**data)
    theirs = jinja2.Environment(undefined=jinja2.ChainableUndefined, autoescape=True).from_string(SOURCE).render(**data)
    assert ours == theirs
    assert ours.split("|")[0] == "120.0" and ours.split("|")[1] == "True"   # a dict's method stays the method
    assert ours.split("|")[3] == "" and ours.split("|")[5] == "_p"
    assert ours.split("|")[-1].startswith("&lt;built-in method keys")
