"""Writes bench/results.md and bench/plot.png from the harness's measurements (run.py)."""

from __future__ import annotations

import math
from pathlib import Path

TARGETS_N = 5000
CPU_TARGET = {"py-async": 0.25, "py-threads": 0.25, "node": 0.5, "kotlin": 0.5}
# The baseline each target refers to (the issue's pairs); other baselines are references.
PRIMARY = {"py-async": "py-httpx", "py-threads": "py-requests", "node": "node-fetch", "kotlin": "kotlin-httpclient"}


def fmt(v, digits=0) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:,.{digits}f}"


def ratio(a, b, upper=False) -> str:
    """a ÷ b; `upper` when b is from a run that did not finish (b would have grown: a bound)."""
    if a is None or b is None or not b or any(isinstance(x, float) and math.isnan(x) for x in (a, b)):
        return "–"
    r = a / b
    text = f"{'≤ ' if upper else ''}{r:.2f}×"
    return f"**{text}**" if r < 1 else text


def write(bench: Path, meta: dict, data: dict, impls: list, skipped: list) -> None:
    lines = [
        "# omi-push benchmarks",
        "",
        f"Measured {meta['date']} with `{meta['command']}`"
        + (f" ({', '.join(f'{k}={v}' for k, v in meta['env'].items())})" if meta["env"] else "") + ".",
        "",
        f"Machine: {meta['cpu']}, {meta['memory']} RAM, Linux {meta['kernel']}; "
        f"load average {meta['load_before']} before, {meta['load_after']} after (the load average counts runnable "
        "threads, the benchmark's own 5,000-thread runs included). A shared machine: compare ratios, measured side by "
        "side in the same run, rather than absolute figures.",
        f"Versions: {meta['versions']['rustc']}; {meta['versions']['python']}; Node {meta['versions']['node']}; "
        f"{meta['versions']['java']}.",
        f"Builds: Rust core and simulator release (`--release`, thin LTO); Python binding: {meta['builds']['python']}; "
        f"Node binding: {meta['builds']['node']}; Kotlin binding: {meta['builds']['kotlin']}.",
        f"Each figure is the median of {meta['repeat']} run(s) (correctness counts: the worst run; problems: "
        "every run); implementations run interleaved, one at a time, "
        "each against a fresh simulator process. CPU and peak RSS are the client process's own (wait4).",
        "",
        "Ratios (×), on each hand-written baseline's row, are omi-push ÷ that baseline in the same language "
        "and the same run: **bold** = omi-push uses less (0.25× = a quarter).",
        "",
    ]
    if skipped:
        lines += [f"Not measured (not built when this ran): {', '.join(i.key for i in skipped)}.", ""]

    w = meta["scenario"]["wait"]
    ph = meta["scenario"]["phone"]
    lines += [
        "## 1. Many waits at once",
        "",
        f"N confirmations in one client process, started evenly over {w['ramp_ms']} ms; each sends its push, "
        f"then waits for it (poll interval {w['poll_interval_ms']} ms, timeout {w['timeout_ms'] // 1000} s). "
        f"The simulator's phone decides each push at a uniformly random moment {ph['decide_min_ms']}–"
        f"{ph['decide_max_ms']} ms after it was sent ({int(ph['reject_fraction'] * 100)} % rejected, the rest "
        "approved). Detection latency = when the wait returned − when the push changed state (wall clock, "
        "same machine). Correct = the wait returned exactly the phone's decision. Requests/confirmation "
        "counts every request the simulator logged (token, push, polls) ÷ N; polls in parentheses.",
        "",
        "| N | implementation | correct | p50 ms | p99 ms | client CPU s | omi-push CPU ÷ this | peak RSS MB | "
        "omi-push RSS ÷ this | req/confirmation | wall s |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ns = meta["ns"]
    for n in ns:
        for i in impls:
            m = data["wait"].get(i.key, {}).get(n)
            if not m:
                continue
            lib = data["wait"].get(i.of, {}).get(n) if i.of else None
            bad = "" if m["correct"] == n else " ⚠"
            dnf = bool(m.get("failed"))
            lines.append(
                f"| {n:,} | {i.lang}: {i.label} | {int(m['correct']):,}/{n:,}{bad}{' (did not finish)' if dnf else ''} | "
                f"{fmt(m['p50_ms'])} | {fmt(m['p99_ms'])} | "
                f"{fmt(m['cpu_s'], 2)}{'+' if dnf else ''} | {ratio(lib['cpu_s'], m['cpu_s'], dnf) if lib else ''} | "
                f"{fmt(m['rss_mb'], 0)} | {ratio(lib['rss_mb'], m['rss_mb'], dnf) if lib else ''} | "
                f"{m['req_per_conf']:.2f} ({m['polls_per_conf']:.2f}) | {fmt(m['wall_s'], 1)} |")
    lines.append("")
    problems = []
    for i in impls:
        for n in ns:
            m = data["wait"].get(i.key, {}).get(n)
            if m and m["correct"] != n:
                problems.append(f"{i.key}, N={n:,}: {int(n - m['correct']):,} waits without the right outcome "
                                f"({', '.join(m['wrong_kinds']) or 'no result'})" + (f"; {m['failed']}" if m.get("failed") else ""))
        for scenario, ms in (("wait", data["wait"].get(i.key, {}).values()), ("status", [data["status"].get(i.key)]),
                             ("token", [data["token"].get(i.key)])):
            for m in ms:
                if m and m.get("exit_error"):
                    problems.append(f"{i.key}, {scenario}: the process printed its result, then ended with "
                                    f"{m['exit_error']}")
                elif m and scenario != "wait" and m.get("failed"):
                    problems.append(f"{i.key}, {scenario}: {m['failed']}")
    if problems:
        lines += ["Problems seen in this run:", ""] + [f"- ⚠ {p}" for p in problems] + [""]

    lines += targets(data, impls, meta)

    lines += [
        "## 2. Call overhead",
        "",
        f"One push, then {meta['scenario']['status_calls']:,} sequential `confirmation_status` calls on a warm client "
        "(one connection, cached token); latency of each call measured inside the client.",
        "",
        "| implementation | mean µs | p50 µs | p99 µs | omi-push mean ÷ this | omi-push p99 ÷ this | client CPU s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for i in impls:
        m = data["status"].get(i.key)
        if not m:
            continue
        lib = data["status"].get(i.of) if i.of else None
        lines.append(f"| {i.lang}: {i.label} | {fmt(m['mean_us'])} | {fmt(m['p50_us'])} | {fmt(m['p99_us'])} | "
                     f"{ratio(lib['mean_us'], m['mean_us']) if lib else ''} | {ratio(lib['p99_us'], m['p99_us']) if lib else ''} | "
                     f"{fmt(m['cpu_s'], 2)} |")
    lines += [
        "",
        "## 3. Token behaviour",
        "",
        f"{meta['scenario']['token_concurrency']:,} concurrent first calls (`list_devices`) on a fresh client: "
        "how many token requests reached the token endpoint (must be 1).",
        "",
        "| implementation | token requests | calls succeeded | wall ms |",
        "|---|---:|---:|---:|",
    ]
    for i in impls:
        m = data["token"].get(i.key)
        if not m:
            continue
        flag = "" if m["token_requests"] == 1 else " ⚠"
        lines.append(f"| {i.lang}: {i.label} | {int(m['token_requests'])}{flag} | {fmt(m['ok'])} | {fmt(m['wall_ms'])} |")
    lines += [
        "",
        "## Plot",
        "",
        "![client CPU and p99 detection latency against N](plot.png)",
        "",
        f"Reproduce: `{meta['command']}` from the repository root (`BENCH_N=100,1000 make bench` for a quick run; "
        "`BENCH_REPEAT=3` for medians of three). Raw numbers: [results.json](results.json).",
        "",
    ]
    (bench / "results.md").write_text("\n".join(lines))
    plot(bench, data, impls, ns, meta["scenario"]["wait"]["poll_interval_ms"] + 100)


def targets(data, impls, meta) -> list:
    n = TARGETS_N
    if n not in meta["ns"]:
        return []
    interval = meta["scenario"]["wait"]["poll_interval_ms"]
    rows = []
    for i in impls:
        m = data["wait"].get(i.key, {}).get(n)
        if not m or i.of:
            continue
        rows.append((f"{i.key}: every wait correct", f"{int(m['correct']):,}/{n:,}", m["correct"] == n))
        rows.append((f"{i.key}: p99 ≤ {interval + 100} ms", f"{fmt(m['p99_ms'])} ms",
                     not math.isnan(m["p99_ms"]) and m["p99_ms"] <= interval + 100))
        b = data["wait"].get(PRIMARY.get(i.key), {}).get(n)
        if i.key in CPU_TARGET and b:
            r = m["cpu_s"] / b["cpu_s"]
            bound = "≤ " if b.get("failed") else ""  # the baseline did not finish: its CPU is a lower bound
            rows.append((f"{i.key}: CPU ≤ {CPU_TARGET[i.key]:g} × {PRIMARY[i.key]}", f"{bound}{r:.2f}×",
                         r <= CPU_TARGET[i.key]))
        if i.key == "rust":
            rows.append(("rust: peak RSS < 64 MB", f"{m['rss_mb']:.0f} MB", m["rss_mb"] < 64))
    out = [f"### Targets at N = {n:,}", "", "| target | measured | met |", "|---|---:|:---:|"]
    out += [f"| {t} | {v} | {'yes' if ok else '**no**'} |" for t, v, ok in rows]
    return out + [""]


def plot(bench: Path, data: dict, impls: list, ns: list, target_ms: float) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"Rust": "tab:orange", "Python": "tab:blue", "Node": "tab:green", "Kotlin/JVM": "tab:purple"}
    fig, (ax_cpu, ax_lat) = plt.subplots(1, 2, figsize=(12, 5))
    markers = {"py-threads": "s", "py-requests": "s", "py-aiohttp": "^"}
    for i in impls:
        series = data["wait"].get(i.key, {})
        xs = [n for n in ns if n in series]
        if not xs:
            continue
        is_base = bool(i.of)
        style = dict(color=colors.get(i.lang, "gray"), linestyle=":" if i.key == "py-aiohttp" else "--" if is_base else "-",
                     marker=markers.get(i.key, "o"))
        ax_cpu.plot(xs, [series[n]["cpu_s"] for n in xs], label=i.key, **style)
        for n in xs:  # a run that did not finish: its CPU is a lower bound
            if series[n].get("failed"):
                ax_cpu.annotate("did not finish", (n, series[n]["cpu_s"]), fontsize=7, ha="right", va="bottom")
        ax_lat.plot(xs, [series[n]["p99_ms"] for n in xs], label=i.key, **style)
    for ax, title, unit in ((ax_cpu, "client CPU", "CPU seconds"), (ax_lat, "p99 detection latency", "ms")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(ns, [f"{n:,}" for n in ns])
        ax.set_xlabel("N concurrent confirmations")
        ax.set_ylabel(unit)
        ax.set_title(f"{title} (solid: omi-push, dashed: hand-written)")
        ax.grid(True, which="both", alpha=0.3)
    ax_lat.axhline(target_ms, color="gray", linewidth=0.8, linestyle=":")
    ax_lat.annotate("target: poll interval + 100 ms", (ns[0], target_ms), fontsize=8, va="bottom")
    ax_cpu.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(bench / "plot.png", dpi=110)
