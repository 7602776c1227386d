"""The simulate / threshold / refractory subcommands, called in-process."""
from __future__ import annotations

import argparse
import json

import pytest

from spikeset.errors import ParameterError, SpikesetError, UsageError
from spikeset.cli.sim_commands import register


def _run(argv, capsys):
    parser = argparse.ArgumentParser(prog="spikeset")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    code = args.func(args)
    return code, capsys.readouterr().out


def test_simulate_json_contract(capsys):
    code, out = _run(["simulate", "--step", "10,5,30", "--t-end", "40", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"rest_mV", "n_spikes", "spike_times_ms", "spike_peaks_mV", "ahp_min_mV",
                         "ahp_time_ms", "half_width_ms", "mean_isi_ms"}
    assert data["n_spikes"] == len(data["spike_times_ms"]) == len(data["spike_peaks_mV"]) >= 2
    assert -65.1 < data["rest_mV"] < -64.9
    assert all(5.0 < t < 40.0 for t in data["spike_times_ms"])
    assert data["ahp_min_mV"] < data["rest_mV"] and data["half_width_ms"] > 0


def test_simulate_without_spikes_gives_nulls(capsys):
    code, out = _run(["simulate", "--param", "E_K=-90", "--t-end", "20", "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["n_spikes"] == 0 and data["spike_times_ms"] == []
    assert data["ahp_min_mV"] is None and data["half_width_ms"] is None and data["mean_isi_ms"] is None
    assert data["rest_mV"] < -66.0


def test_simulate_steps_add_up_and_human_summary(capsys):
    code, out = _run(["simulate", "--step", "3,5,20", "--step", "4,5,20", "--t-end", "30"], capsys)
    assert code == 0 and "spikes:" in out and "rest:" in out
    code, js = _run(["simulate", "--step", "7,5,20", "--t-end", "30", "--json"], capsys)
    code2, js2 = _run(["simulate", "--step", "3,5,20", "--step", "4,5,20", "--t-end", "30", "--json"], capsys)
    assert json.loads(js) == json.loads(js2)


def test_simulate_plot(tmp_path, capsys):
    target = tmp_path / "v.png"
    code, out = _run(["simulate", "--step", "10,2,10", "--t-end", "20", "--plot", str(target)], capsys)
    assert code == 0 and target.stat().st_size > 1000
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_threshold_and_refractory_json(capsys):
    code, out = _run(["threshold", "--duration", "1", "--json"], capsys)
    thr = json.loads(out)["threshold_uA_per_cm2"]
    assert code == 0 and 5.0 < thr < 10.0
    code, out = _run(["threshold", "--duration", "1", "--param", "temperature=18.5", "--json"], capsys)
    assert json.loads(out)["threshold_uA_per_cm2"] != pytest.approx(thr)
    code, out = _run(["refractory", "--amplitude", "20", "--duration", "1", "--json"], capsys)
    assert code == 0 and 3.0 < json.loads(out)["refractory_ms"] < 30.0
    code, out = _run(["refractory", "--amplitude", "0.5", "--duration", "1", "--json"], capsys)
    assert json.loads(out) == {"refractory_ms": None}
    code, out = _run(["threshold", "--duration", "1"], capsys)
    assert "uA/cm2" in out


@pytest.mark.parametrize("argv, error", [
    (["simulate", "--param", "g_Na=-1"], ParameterError),
    (["simulate", "--param", "gNa=100"], UsageError),
    (["simulate", "--param", "g_Na"], UsageError),
    (["simulate", "--param", "g_Na=nan"], UsageError),
    (["simulate", "--param", "E_K=inf"], UsageError),
    (["simulate", "--step", "10,5"], UsageError),
    (["simulate", "--step", "10,a,5"], UsageError),
    (["simulate", "--step", "10,5,-1"], UsageError),
    (["simulate", "--t-end", "0"], UsageError),
    (["threshold", "--duration", "-1"], UsageError),
    (["refractory", "--amplitude", "x", "--duration", "1"], UsageError),
])
def test_bad_values_raise_one_clear_error(argv, error, capsys):
    with pytest.raises(error) as info:
        _run(argv, capsys)
    assert isinstance(info.value, SpikesetError)
    assert "\n" not in str(info.value) and str(info.value)
