#!/usr/bin/env python3
"""Reads a Prometheus text exposition from stdin with prometheus_client's own parser
(the one Prometheus's Python ecosystem uses) and checks what the daemon promises:
counters named *_total for rate(), consciousness_build_info, per-stage series, and no
family without samples. Prints "ok: N families, M samples" or the first problem, and
exits 1 on a problem or a parse error."""
import sys

from prometheus_client.parser import text_string_to_metric_families


def main() -> int:
    text = sys.stdin.read()
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as e:  # the parser's own refusal is the finding
        print(f"parse error: {e}")
        return 1
    by_name = {f.name: f for f in families}
    samples = sum(len(f.samples) for f in families)
    problems = []
    for counter in ["consciousness_cycles", "consciousness_violations_ingested", "consciousness_malformed_lines"]:
        f = by_name.get(counter)  # the parser names a counter family without _total
        if f is None or f.type != "counter" or not all(s.name == counter + "_total" for s in f.samples):
            problems.append(f"{counter}_total is not a counter")
    results = {s.labels.get("result") for s in by_name.get("consciousness_cycles", type("", (), {"samples": []})).samples}
    if not {"completed", "degraded", "failed"} <= results:
        problems.append(f"consciousness_cycles_total lacks a result series (has {sorted(r for r in results if r)})")
    info = by_name.get("consciousness_build_info")
    if info is None or not info.samples or info.samples[0].value != 1 or "version" not in info.samples[0].labels:
        problems.append("consciousness_build_info{version} 1 is missing")
    if "consciousness_stage_duration_seconds" not in by_name:
        problems.append("no per-stage duration series")
    for f in families:
        if not f.samples:
            problems.append(f"{f.name} has no samples")
    if problems:
        print("; ".join(problems))
        return 1
    print(f"ok: {len(families)} families, {samples} samples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
