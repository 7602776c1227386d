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


def test_kept_unit_and_points_filters_as_computed():
    import html

    from markupsafe import Markup

    from spikeset.formatting import points_text, unit_html

    env = environment()
    for unit in (None, "", "mV", "uA/cm^2", "mS/cm^2", "a<b", Markup("mV"), "mV"):
        assert env.filters["unit"](unit) == Markup(unit_html(unit))
    for points in (0, 0.0, -0.0, 0.5, 1, 1.0, 1.25, 2, 2.5, 10.0, 0.333333, float("nan"), 1.0, 0.5):
        assert env.filters["points"](points) == Markup(html.escape(points_text(points)).replace(" ", "&nbsp;"))
