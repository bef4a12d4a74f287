#!/usr/bin/env bash
# Conversion benchmark: ccjobs's converter beside the Python converters pycaption and ttconv,
# on the same input files (100,000 cues by default, ≈ 9.5 MB of SubRip).
#
#   scripts/bench-formats.sh [--cues N] [--runs R] [--all]
#   REUSE_PYTHON=1 scripts/bench-formats.sh      # time ccjobs again beside the last Python figures
#
# 1. builds and runs server/examples/bench_convert (arguments are passed to it), which writes
#    target/bench-formats/input.* and times ccjobs on them (JSON lines: ccjobs.jsonl);
# 2. makes a venv at target/bench-venv with pinned pycaption and ttconv (from PyPI);
# 3. runs scripts/bench_convert_python.py on the same files (python.jsonl), options from
#    $PYTHON_BENCH_ARGS, e.g. PYTHON_BENCH_ARGS="--runs 3 --timeout 900";
# 4. prints a Markdown table and writes it to target/bench-formats/results.md.
# The Python conversions take seconds to minutes each at 100,000 cues.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" # cd to the repository root; say

OUT=target/bench-formats
VENV=target/bench-venv
PYCAPTION_VERSION=2.3.14
TTCONV_VERSION=1.2.3

mkdir -p "$OUT"
# Inputs a previous run left (another --cues) must not be timed against this run's.
# REUSE_PYTHON=1 keeps the last run's Python figures (minutes to make) and times ccjobs again.
rm -f "$OUT"/input.* "$OUT/ccjobs.jsonl" "$OUT/results.md"
[ "${REUSE_PYTHON:-}" = 1 ] || rm -f "$OUT/python.jsonl"

say "building bench_convert"
cargo build --release -p server --example bench_convert

say "timing ccjobs"
# A pair ccjobs cannot do yet stops bench_convert; the lines it printed before still count.
if ! target/release/examples/bench_convert --out "$OUT" "$@" | tee "$OUT/ccjobs.jsonl"; then
  say "bench_convert failed (above); the table has the pairs it printed"
fi

if [ ! -x "$VENV/bin/python" ]; then
  say "making the venv $VENV"
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" - "$PYCAPTION_VERSION" "$TTCONV_VERSION" 2>/dev/null <<'EOF'; then
import sys
from importlib.metadata import version
sys.exit(0 if (version("pycaption"), version("ttconv")) == tuple(sys.argv[1:]) else 1)
EOF
  say "installing pycaption $PYCAPTION_VERSION and ttconv $TTCONV_VERSION"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "pycaption==$PYCAPTION_VERSION" "ttconv==$TTCONV_VERSION"
fi

if [ "${REUSE_PYTHON:-}" = 1 ] && [ -s "$OUT/python.jsonl" ]; then
  say "reusing the Python figures in $OUT/python.jsonl"
else
  say "timing pycaption and ttconv (one child process per conversion; slow)"
  # shellcheck disable=SC2086 # PYTHON_BENCH_ARGS is a list of options.
  "$VENV/bin/python" scripts/bench_convert_python.py "$OUT" ${PYTHON_BENCH_ARGS:-} | tee "$OUT/python.jsonl"
fi

say "results"
python3 - "$OUT" <<'EOF' | tee "$OUT/results.md"
"""Joins ccjobs.jsonl and python.jsonl into one Markdown table."""
import json
import sys
from pathlib import Path

out = Path(sys.argv[1])
rows = [json.loads(line) for name in ("ccjobs.jsonl", "python.jsonl")
        for line in (out / name).read_text().splitlines() if line.strip()]

pairs = list(dict.fromkeys(row["pair"] for row in rows))
by = {}
for row in rows:
    by[(row["tool"].split()[0], row["pair"])] = row
versions = {row["tool"].split()[0]: row["tool"] for row in rows}


def secs(row):
    if row is None:
        return "-"
    if row.get("seconds") is None:
        error = row.get("error", "failed")
        if error == "timeout":
            return f"timeout (> {row.get('timeout_s', 600):g} s)"
        return "n/a" if error.startswith("unsupported") else f"error: {error}"
    s = row["seconds"]
    return f"{s:.4f}" if s < 1 else f"{s:.1f}"


def ratio(py, cc):
    if py is None or cc is None or not cc.get("seconds"):
        return None
    if py.get("seconds") is not None:
        return f"{py['seconds'] / cc['seconds']:,.0f}×"
    if py.get("error") == "timeout":
        return f"> {py.get('timeout_s', 600) / cc['seconds']:,.0f}×"
    return None


lines = [
    "| pair | ccjobs s | MB/s | peak/input | pycaption s | ttconv s | ratio (python / ccjobs) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
]
for pair in pairs:
    cc = by.get(("ccjobs", pair))
    py = {tool: by.get((tool, pair)) for tool in ("pycaption", "ttconv")}
    ratios = [f"{tool} {r}" for tool, row in py.items() if (r := ratio(row, cc))]
    lines.append(" | ".join([
        f"| {pair}",
        secs(cc),
        f"{cc['mb_per_s']:,}" if cc and cc.get("mb_per_s") else "-",
        f"{cc['peak_ratio']}" if cc and cc.get("peak_ratio") else "-",
        secs(py["pycaption"]),
        secs(py["ttconv"]),
        ", ".join(ratios) or "-",
    ]) + " |")

cues = next((row["cues"] for row in rows if "cues" in row), None)
lines.append("")
lines.append(
    (f"{cues:,} cues; " if cues else "")
    + "seconds are the best run of each conversion on one core (ccjobs: bench_convert's --runs, "
    "5 by default; Python: one child process per run, PYTHON_BENCH_ARGS --runs, 1 by default); "
    "peak/input is the conversion's peak memory (heap for ccjobs, RSS growth for Python) "
    "plus the input, over the input's size. Tools: "
    + ", ".join(versions.get(tool, tool) for tool in ("ccjobs", "pycaption", "ttconv")) + "."
)
for row in rows:
    if row.get("note"):
        lines.append(f"- {row['tool']}, {row['pair']}: {row['note']}")
    if row.get("error") and row["error"] != "timeout" and not row["error"].startswith("unsupported"):
        lines.append(f"- {row['tool']}, {row['pair']}: {row['error']}")
print("\n".join(lines))
EOF
