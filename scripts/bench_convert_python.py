#!/usr/bin/env python3
"""Times the Python caption converters pycaption and ttconv on the inputs bench_convert wrote.

    python scripts/bench_convert_python.py DIR [--runs N] [--timeout S] [--pairs P,...]
                                               [--tools pycaption,ttconv] [--core C] [--save-outputs]

`cargo run --release -p server --example bench_convert -- --out DIR` writes DIR/input.srt,
DIR/input.ttml (and the other formats it can write) and times ccjobs on them;
`scripts/bench-formats.sh` runs both and joins the results. This script does the same
conversions with each Python tool that has a reader for the source and a writer for the
target:

    pair          pycaption                      ttconv
    SRT->WebVTT   SRTReader + WebVTTWriter       srt.reader.to_model + vtt.writer.from_model
    SRT->SCC      SRTReader + SCCWriter          srt.reader.to_model + scc.writer.from_model
    TTML->SRT     DFXPReader + SRTWriter         imsc.reader.to_model + srt.writer.from_model

(`--pairs` takes others among SRT, WebVTT, SCC, TTML and SAMI, e.g. `SCC->SRT`.)

How each figure is measured:
- Every run of every conversion is a fresh child process (this script with `--child`),
  pinned to one core (`--core`, 0 by default) with os.sched_setaffinity.
- The child imports the tool and reads the input file's bytes, then collects garbage,
  resets the kernel's peak-RSS mark (writing 5 to /proc/self/clear_refs) and takes its
  resident set as the baseline.
- `seconds` is the wall time of the conversion alone: decoding the bytes as UTF-8, parsing,
  writing the target document and encoding it as UTF-8 bytes, all in memory, as a ccjobs
  job does it. Interpreter start, imports and file reading are not timed.
- `peak_growth_bytes` is the child's peak RSS (VmHWM) during the conversion minus the
  baseline. `peak_bytes` adds the input's size to it, the same definition bench_convert
  uses for ccjobs (the conversion's heap peak plus the input the job holds throughout),
  and `peak_ratio` is peak_bytes / input_bytes. RSS counts pages, so it includes the
  allocator's slack, which ccjobs's exact heap count does not.
- Best (smallest) time of `--runs` runs (1 by default: these are slow), largest peak.
- A run that takes longer than `--timeout` seconds (600) is killed and reported as
  `"seconds": null, "error": "timeout"`; an exception as `"error": "Type: message"`; a
  pair a tool has no reader or writer for as `"error": "unsupported: ..."`.

Prints one JSON object per line on stdout, the shape bench_convert prints:
    {"tool": "pycaption 2.3.14", "pair": "SRT->WebVTT", "input_bytes": 9270927,
     "seconds": 12.3, "mb_per_s": 0.75, "peak_bytes": ..., "peak_ratio": ..., ...}
A missing input file skips its pair with a note on stderr, as bench_convert does.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_PAIRS = ["SRT->WebVTT", "SRT->SCC", "TTML->SRT"]

# The file bench_convert writes for each source format (input.<extension>; TTML as input.ttml).
INPUT_FILES = {
    "SRT": "input.srt",
    "WebVTT": "input.vtt",
    "SCC": "input.scc",
    "TTML": "input.ttml",
    "SAMI": "input.smi",
}
OUTPUT_EXTENSIONS = {"SRT": "srt", "WebVTT": "vtt", "SCC": "scc", "TTML": "ttml", "SAMI": "smi"}

# What each tool reads and writes (pycaption reads and writes TTML as DFXP).
PYCAPTION_READERS = {
    "SRT": "SRTReader",
    "WebVTT": "WebVTTReader",
    "SCC": "SCCReader",
    "TTML": "DFXPReader",
    "SAMI": "SAMIReader",
}
PYCAPTION_WRITERS = {
    "SRT": "SRTWriter",
    "WebVTT": "WebVTTWriter",
    "SCC": "SCCWriter",
    "TTML": "DFXPWriter",
    "SAMI": "SAMIWriter",
}
TTCONV_READERS = {"SRT", "WebVTT", "SCC", "TTML"}
TTCONV_SCC_START = "01:00:00;00"  # see write() in load_converter
TTCONV_WRITERS = {"SRT", "WebVTT", "SCC", "TTML"}

TOOLS = ("pycaption", "ttconv")


def split_pair(pair: str) -> tuple[str, str]:
    source, sep, target = pair.partition("->")
    if not sep or source not in INPUT_FILES or target not in OUTPUT_EXTENSIONS:
        known = ", ".join(INPUT_FILES)
        raise ValueError(f"pair {pair!r} is not FROM->TO with FROM and TO among {known}")
    return source, target


def unsupported(tool: str, source: str, target: str) -> str | None:
    """Why `tool` cannot convert source -> target, or None when it can."""
    readers, writers = {
        "pycaption": (PYCAPTION_READERS, PYCAPTION_WRITERS),
        "ttconv": (TTCONV_READERS, TTCONV_WRITERS),
    }[tool]
    if source not in readers:
        return f"unsupported: {tool} has no {source} reader"
    if target not in writers:
        return f"unsupported: {tool} has no {target} writer"
    return None


# ---------------------------------------------------------------------------------------
# The child: one conversion, measured.


def load_converter(tool: str, source: str, target: str):
    """Imports the tool and returns convert(bytes) -> bytes for the pair."""
    if tool == "pycaption":
        import pycaption

        reader_class = getattr(pycaption, PYCAPTION_READERS[source])
        writer_class = getattr(pycaption, PYCAPTION_WRITERS[target])

        def convert(data: bytes) -> bytes:
            text = data.decode("utf-8-sig")
            caption_set = reader_class().read(text)
            return writer_class().write(caption_set).encode("utf-8")

        return convert

    import io
    import xml.etree.ElementTree as et

    import ttconv.imsc.reader
    import ttconv.imsc.writer
    import ttconv.scc.config
    import ttconv.scc.reader
    import ttconv.scc.writer
    import ttconv.srt.reader
    import ttconv.srt.writer
    import ttconv.vtt.reader
    import ttconv.vtt.writer

    def read(data: bytes):
        # As ttconv's `tt convert` reads each format (a file opened as UTF-8 text with
        # universal newlines; TTML parsed by ElementTree; SCC as one string).
        if source == "TTML":
            return ttconv.imsc.reader.to_model(et.ElementTree(et.fromstring(data)))
        text = data.decode("utf-8-sig")
        if source == "SCC":
            return ttconv.scc.reader.to_model(text)
        stream = io.StringIO(text, newline=None)
        if source == "SRT":
            return ttconv.srt.reader.to_model(stream)
        return ttconv.vtt.reader.to_model(stream)

    def write(doc) -> bytes:
        if target == "TTML":
            tree = ttconv.imsc.writer.from_model(doc)
            return et.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True)
        if target == "SCC":
            # ttconv refuses an SCC stream whose first caption would have to start loading
            # before the start timecode (00:00:00;00 by default; the first cue here is at
            # 1 s), so it writes from 01:00:00;00, the usual start of broadcast SCC.
            config = ttconv.scc.config.SccWriterConfiguration(start_tc=TTCONV_SCC_START)
            return ttconv.scc.writer.from_model(doc, config).encode("utf-8")
        module = {"SRT": ttconv.srt.writer, "WebVTT": ttconv.vtt.writer}[target]
        return module.from_model(doc).encode("utf-8")

    def convert(data: bytes) -> bytes:
        doc = read(data)
        if doc is None:
            raise ValueError(f"ttconv read no {source} document")
        return write(doc)

    return convert


def proc_status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        match = re.search(rf"^{field}:\s+(\d+) kB", status.read(), re.MULTILINE)
    if not match:
        raise RuntimeError(f"no {field} in /proc/self/status")
    return int(match.group(1))


def child(tool: str, pair: str, path: str, core: int, save_to: str | None) -> dict:
    os.sched_setaffinity(0, {core})
    source, target = split_pair(pair)
    convert = load_converter(tool, source, target)
    data = Path(path).read_bytes()

    gc.collect()
    try:
        # Resets VmHWM to the current RSS, so the peak below is the conversion's.
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        peak_reset = True
    except OSError:
        peak_reset = False
    baseline_kib = proc_status_kib("VmRSS")

    started = time.perf_counter()
    output = convert(data)
    seconds = time.perf_counter() - started

    peak_kib = proc_status_kib("VmHWM")
    result = {
        "seconds": seconds,
        "peak_growth_bytes": max(0, peak_kib - baseline_kib) * 1024,
        "output_bytes": len(output),
    }
    if not peak_reset:
        result["note"] = "peak RSS could not be reset; peak may include the import-time peak"
    if save_to:
        Path(save_to).write_bytes(output)
    return result


def child_main(argv: list[str]) -> int:
    tool, pair, path, core, save_to = argv
    try:
        result = child(tool, pair, path, int(core), save_to or None)
    except Exception as error:  # Any failure of the tool is a result, not a crash.
        message = str(error).strip().splitlines()
        result = {"error": f"{type(error).__name__}: {message[0] if message else ''}".strip()}
    print(json.dumps(result), flush=True)
    return 0


# ---------------------------------------------------------------------------------------
# The parent: runs the children and prints a line per tool and pair.


def tool_version(tool: str) -> str | None:
    try:
        return importlib.metadata.version(tool)
    except importlib.metadata.PackageNotFoundError:
        return None


def run_once(tool: str, pair: str, path: Path, args, save_to: str) -> dict:
    command = [sys.executable, os.path.abspath(__file__), "--child", tool, pair, str(path), str(args.core), save_to]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"error": "timeout"}
    last_stderr = (done.stderr.strip().splitlines() or [""])[-1].strip()
    lines = done.stdout.strip().splitlines()
    if lines:
        try:
            result = json.loads(lines[-1])
            if "error" in result and last_stderr:
                result["stderr"] = last_stderr  # e.g. what ttconv logged before giving up
            return result
        except json.JSONDecodeError:
            pass
    # The child died without a result (killed for memory, a crash in C code, ...).
    return {"error": f"child exited with status {done.returncode}: {last_stderr}".strip()}


def measure(tool: str, version: str | None, pair: str, path: Path, args) -> dict:
    source, target = split_pair(pair)
    input_bytes = path.stat().st_size
    line = {"tool": f"{tool} {version}" if version else tool, "pair": pair, "input_bytes": input_bytes}
    why_not = unsupported(tool, source, target) if version else f"{tool} is not installed"
    if why_not:
        return {**line, "seconds": None, "error": why_not}

    save_to = ""
    if args.save_outputs:
        out_dir = path.parent / "python-out"
        out_dir.mkdir(exist_ok=True)
        save_to = str(out_dir / f"{tool}.{source}-{target}.{OUTPUT_EXTENSIONS[target]}")

    best, peak, result = None, 0, {}
    for _ in range(max(1, args.runs)):
        result = run_once(tool, pair, path, args, save_to)
        if "error" in result:
            # A failure or a timeout would only repeat: report it.
            if result["error"] == "timeout":
                result["timeout_s"] = int(args.timeout) if args.timeout == int(args.timeout) else args.timeout
            return {**line, "seconds": None, **result}
        best = result["seconds"] if best is None else min(best, result["seconds"])
        peak = max(peak, result["peak_growth_bytes"])

    peak_bytes = peak + input_bytes
    line.update(
        seconds=round(best, 4),
        mb_per_s=round(input_bytes / 1e6 / best, 3) if best > 0 else None,
        peak_bytes=peak_bytes,
        peak_ratio=round(peak_bytes / input_bytes, 2) if input_bytes else None,
        peak_growth_bytes=peak,
        output_bytes=result["output_bytes"],
        runs=max(1, args.runs),
    )
    notes = [result["note"]] if "note" in result else []
    if tool == "ttconv" and target == "SCC":
        notes.append(f"written with start_tc {TTCONV_SCC_START}: ttconv refuses to start at 00:00:00;00")
    if notes:
        line["note"] = "; ".join(notes)
    return line


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        return child_main(sys.argv[2:])

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="the directory bench_convert wrote its inputs to")
    parser.add_argument("--runs", type=int, default=1, help="runs per conversion; the best time counts (1)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds one run may take (600)")
    parser.add_argument("--pairs", default=",".join(DEFAULT_PAIRS), help="comma-separated FROM->TO pairs")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated, among pycaption,ttconv")
    parser.add_argument("--core", type=int, default=0, help="the core each conversion is pinned to (0)")
    parser.add_argument("--save-outputs", action="store_true", help="write each output to DIR/python-out/")
    args = parser.parse_args()

    pairs = [p.strip() for p in args.pairs.split(",") if p.strip()]
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    try:
        for pair in pairs:
            split_pair(pair)
    except ValueError as error:
        parser.error(str(error))
    if unknown := [t for t in tools if t not in TOOLS]:
        parser.error(f"unknown tools {unknown}; known: {', '.join(TOOLS)}")

    versions = {tool: tool_version(tool) for tool in tools}
    for pair in pairs:
        path = args.dir / INPUT_FILES[split_pair(pair)[0]]
        if not path.is_file():
            print(f"skipped {pair}: no {path}", file=sys.stderr)
            continue
        for tool in tools:
            print(json.dumps(measure(tool, versions[tool], pair, path, args)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
