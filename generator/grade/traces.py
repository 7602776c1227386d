"""Students' simulated V(t) traces: reading the CSV safely and measuring one feature.

A trace is referenced from the answer file's ``[traces]`` table by a relative path inside
the submission folder (the answer file's folder). The file is data: two numeric columns,
time in ms and voltage in mV, an optional header line; nothing in it is evaluated.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from ..errors import AnswerFileError
from ..regular_file import read_regular_file
from ..safe_text import safe_text
from .units import NUMBER

MAX_TRACE_BYTES = 5_000_000
MAX_TRACE_ROWS = 1_000_000
MIN_TRACE_ROWS = 3
#: Smallest time step read, relative to t (and absolute below 1 ms): finer steps are no simulation
#: and make the numerics overflow (subnormal steps).
MIN_TIME_STEP_MS = 1e-9
_SEPARATOR = re.compile(r"\s*[,;\t]\s*")
_BLANKS = re.compile(r"\s+")
_NUMBER = re.compile(NUMBER)


#: What students read for each spike feature (feedback, messages), by SpikeFeatures field.
FEATURE_NAMES = {
    "rest_mV": "resting potential", "spike_count": "number of spikes", "spike_times_ms": "spike times",
    "spike_peaks_mV": "spike peaks", "ahp_min_mV": "undershoot minimum", "ahp_time_ms": "time of the undershoot",
    "half_width_ms": "half-width", "mean_isi_ms": "mean inter-spike interval", "firing_rate_hz": "firing rate",
}


def feature_name(field: str) -> str:
    """The display name of a spike feature ("ahp_min_mV" -> "undershoot minimum")."""
    return FEATURE_NAMES.get(field, field.replace("_", " "))


def _fields(line: str) -> list[str]:
    return (_SEPARATOR if re.search(r"[,;\t]", line) else _BLANKS).split(line)


@dataclass(frozen=True)
class Trace:
    file: str
    t_ms: Any  # numpy array
    v_mV: Any


def resolve_trace_path(folder: Path, reference: Any, *, answer_file: str, line: int | None) -> Path:
    """The trace file named by ``reference``, refused unless it is a regular file inside ``folder``."""
    place = str(line) if line else "[traces]"

    def fail(message: str) -> AnswerFileError:
        return AnswerFileError(message, file=answer_file, place=place)

    if not isinstance(reference, str) or not reference.strip():
        raise fail(f"trace: expected a relative path such as \"traces/p5.csv\", got {reference!r:.60}")
    text = reference.strip()
    if len(text) > 255 or "\x00" in text:
        raise fail("trace: expected a short relative path such as \"traces/p5.csv\"")
    if PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute() or PureWindowsPath(text).drive:
        raise fail(f"trace {text!r}: an absolute path; give a path relative to the answer file's folder")
    if ".." in re.split(r"[\\/]", text):
        raise fail(f"trace {text!r}: the path climbs out of the submission folder ('..')")
    path = folder / text
    base = folder.resolve()
    probe = base
    for part in PurePosixPath(text.replace("\\", "/")).parts:
        probe = probe / part
        if probe.is_symlink():
            raise fail(f"trace {text!r}: a symbolic link; commit the CSV file itself")
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise fail(f"trace {text!r}: no such file in the submission folder") from None
    if base != resolved and base not in resolved.parents:
        raise fail(f"trace {text!r}: outside the submission folder")
    if not resolved.is_file():
        raise fail(f"trace {text!r}: not a regular file")
    return resolved


def read_trace(path: Path, *, shown: str) -> Trace:
    """Time [ms] and voltage [mV] columns of a CSV file; errors name the file and line."""
    import numpy as np

    def fail(message: str, line: int | str = "") -> AnswerFileError:
        return AnswerFileError(message, file=shown, place=str(line))

    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise fail(f"cannot read: {exc.strerror or exc.__class__.__name__}") from None
    if size > MAX_TRACE_BYTES:
        raise fail(f"trace file is {size} bytes; at most {MAX_TRACE_BYTES} bytes are read")
    data = read_regular_file(path, shown=shown, limit=MAX_TRACE_BYTES, what="a trace file", follow_links=True)
    rows = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if rows > MAX_TRACE_ROWS + 1:
        raise fail(f"trace has {rows} rows; at most {MAX_TRACE_ROWS} are accepted")
    if b"\x00" in data:
        raise fail("binary data; expected a CSV text file (time in ms, voltage in mV)", 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail("not UTF-8 text; expected a CSV text file", data[: exc.start].count(b"\n") + 1) from None
    lines = text.splitlines()
    times: list[float] = []
    volts: list[float] = []
    first_data = None
    for i, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = _fields(stripped)
        if len(fields) != 2:
            if first_data is None and not _numeric(fields[0]):
                first_data = -1
                continue
            raise fail(f"expected two columns (time in ms, voltage in mV), found {len(fields)}", i)
        try:
            t, v = _number(fields[0]), _number(fields[1])
        except ValueError:
            if first_data is None:
                first_data = -1  # a header line
                continue
            raise fail(f"text in a numeric column ({stripped[:40]!r}); expected two numbers", i) from None
        if not (math.isfinite(t) and math.isfinite(v)):
            raise fail(f"not a finite number ({stripped[:40]!r})", i)
        if first_data is None or first_data == -1:
            first_data = i
        times.append(t)
        volts.append(v)
    if len(times) < MIN_TRACE_ROWS:
        raise fail(f"only {len(times)} data rows; expected a simulated trace (time in ms, voltage in mV)")
    t_ms = np.asarray(times)
    v_mV = np.asarray(volts)
    with np.errstate(all="ignore"):
        steps = np.diff(t_ms)
        too_fine = steps < MIN_TIME_STEP_MS * np.maximum(1.0, np.abs(t_ms[1:]))
    if not np.all(steps > 0):
        bad = int(np.argmax(steps <= 0)) + 1
        line = _data_line(lines, bad)
        raise fail(f"time is not increasing (t = {t_ms[bad]:g} ms after {t_ms[bad - 1]:g} ms)", line)
    if np.any(too_fine):
        bad = int(np.argmax(too_fine)) + 1
        raise fail(f"time step of {steps[bad - 1]:.3g} ms; a simulated trace has steps of at least "
                   f"{MIN_TIME_STEP_MS:g} ms (relative to t)", _data_line(lines, bad))
    return Trace(file=shown, t_ms=t_ms, v_mV=v_mV)


def _number(field: str) -> float:
    """A CSV field read with the answers' number grammar (no "1_000", no non-ASCII digits)."""
    if not _NUMBER.fullmatch(field) and field.lower().lstrip("+-") not in ("nan", "inf", "infinity"):
        raise ValueError(field)
    return float(field)


def _numeric(field: str) -> bool:
    return bool(_NUMBER.fullmatch(field))


def _data_line(lines: list[str], index: int) -> int:
    """The 1-based file line of the ``index``-th data row (0-based)."""
    seen = -1
    for i, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = _fields(stripped)
        if len(fields) == 2 and all(_numeric(f) for f in fields):
            seen += 1
            if seen == index:
                return i
    return 0


def measure(trace: Trace, feature: str) -> float:
    """The named feature of the trace, via ``spikeset.solutions.spike_features``."""
    return _pick(_features(trace), feature, trace.file)


def _features(trace: Trace) -> Any:
    """Every spike feature of the trace (``spikeset.solutions.spike_features``)."""
    try:
        from ..solutions.spike_features import spike_features  # type: ignore[import-not-found]
    except ImportError:
        raise AnswerFileError("trace grading is not available (spikeset.solutions.spike_features missing)",
                              file=trace.file) from None
    import warnings

    import numpy as np

    try:
        # A student's numbers must not print numpy's warnings: stderr stays empty under GitHub Classroom.
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return spike_features(trace.t_ms, trace.v_mV)
    except (ValueError, ArithmeticError) as exc:
        raise AnswerFileError(f"cannot measure the trace: {exc}", file=trace.file) from None


def _pick(features: Any, feature: str, file: str) -> float:
    value = getattr(features, feature, None)
    if value is None:
        raise AnswerFileError(f"the trace has no {feature_name(feature)} (no spikes?)", file=file)
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise AnswerFileError(f"feature {feature!r} is not a single number", file=file) from None
    if not math.isfinite(x):
        raise AnswerFileError(f"the trace gives no finite {feature_name(feature)}", file=file)
    return x


def trace_feature(folder: Path, reference: Any, feature: str, *, answer_file: str,
                  line: int | None, seen: dict[Path, Any] | None = None) -> tuple[float, str]:
    """The feature measured on a student's trace, and the path as the student wrote it.

    ``seen`` (one per answer file) keeps each trace file's features, or why it cannot be
    used, so that a trace several questions name is read and measured once."""
    path = resolve_trace_path(folder, reference, answer_file=answer_file, line=line)
    shown = safe_text(str(Path(answer_file).parent / reference.strip()))
    features = None if seen is None else seen.get(path)
    if features is None:
        try:
            trace = read_trace(path, shown=shown)
            features = (_features(trace), trace.file)
        except AnswerFileError as exc:
            features = exc
        if seen is not None:
            seen[path] = features
    if isinstance(features, AnswerFileError):
        raise features
    return _pick(features[0], feature, features[1]), reference.strip()
