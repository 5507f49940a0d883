"""Writes bench/results.md and bench/plot.png from the harness's measurements (run.py)."""

from __future__ import annotations

import math
from pathlib import Path

TARGETS_N = 5000
P99_TARGET_MS = 1100
OMI = ["rust", "py-async", "py-threads", "node", "kotlin"]  # the omi-push rows the targets are about
FLOOR_TARGET = {"rust": 1.3, "py-async": 2.5, "py-threads": 2.5, "node": 2.5, "kotlin": 2.5}
CPU_TARGET = {"py-async": 0.25, "py-threads": 0.25, "node": 0.5, "kotlin": 0.5}
# The hand-written loop each CPU target refers to: the same protocol as the omi-push row where
# the baseline can speak it (httpx with h2), else the issue's pair (HTTP/1.1).
PRIMARY = {"py-async": ["py-httpx-h2", "py-httpx"], "py-threads": ["py-requests"], "node": ["node-fetch"],
           "kotlin": ["kotlin-httpclient"]}
SOCKETS_TARGET = 10
RSS_TARGET_MB = 128


def fmt(v, digits=0) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:,.{digits}f}"


def bad(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def ratio(a, b, upper=False, bold_below=1.0) -> str:
    """a ÷ b; `upper` when b is from a run that did not finish (b would have grown: a bound)."""
    if bad(a) or bad(b) or not b:
        return "–"
    r = a / b
    text = f"{'≤ ' if upper else ''}{r:.2f}×"
    return f"**{text}**" if r < bold_below else text


def proto(i, m) -> str:
    """The protocol the row spoke: measured by the simulator over TLS (ALPN), configured over plain HTTP."""
    if not i.tls:
        return "h2c (prior knowledge)" if i.opts.get("http2") == "always" else "h1"
    if not m.get("sockets"):
        return "–"
    if m["h2_sockets"] == m["sockets"]:
        return "h2"
    return "h1" if not m["h2_sockets"] else f"h2 on {m['h2_sockets']:.0f} of {m['sockets']:.0f}"


def write(bench: Path, meta: dict, data: dict, impls: list) -> None:
    by_key = {i.key: i for i in impls}
    sc = meta["scenario"]
    w, ph = sc["wait"], sc["phone"]
    env = meta["env"]
    lines = [
        "# omi-push benchmarks",
        "",
        f"Measured {meta['date']} with `{meta['command']}`"
        + (f" ({', '.join(f'{k}={v}' for k, v in env.items())})" if env else "")
        + f"; the whole run (preflight included) took {meta['wall_min']:.1f} min.",
        "",
        f"Machine: {meta['cpu']}, {meta['memory']} RAM, Linux {meta['kernel']}; "
        f"**load average {meta['load_before']} before the run**, {meta['load_after']} after (the load average counts "
        "runnable threads: other work on this shared machine, and the benchmark's own thread-per-wait runs). "
        "Compare ratios, measured side by side in the same run, rather than absolute figures.",
        f"Versions: {meta['versions']['rustc']}; {meta['versions']['python']}; Node {meta['versions']['node']}; "
        f"{meta['versions']['java']}.",
        f"Builds: Rust core, floor and simulator release (`--release`, thin LTO); Python binding: "
        f"{meta['builds']['python']}; Node binding: {meta['builds']['node']}; Kotlin binding: "
        f"{meta['builds']['kotlin']}.",
        f"Each figure is the median of {meta['repeat']} run(s) (correctness and the budget's worst second: the worst "
        "run; problems: every run); implementations run interleaved, one at a time, each against a fresh simulator "
        "process. CPU and peak RSS are the client process's own (wait4). Every implementation passed a preflight "
        "(N = 3) before the timed runs.",
        "",
        "**Profiles.** `tls` (the default): the simulator serves HTTPS with a certificate it generates at start "
        "(rcgen), offering h2 and HTTP/1.1 by ALPN; every client trusts that certificate the usual way: omi-push "
        "through its `ca_cert_pem` option, httpx and aiohttp through an `ssl` context (`cafile`), requests through "
        "`verify=`, Node's fetch (undici) through `NODE_EXTRA_CA_CERTS`, java.net.http through an `SSLContext` over a "
        "trust store. omi-push and the floor negotiate h2 (`http2=auto`) unless a row says `http2=never`; httpx "
        "speaks h2 in its `http2=True` row; aiohttp, requests, fetch and java.net.http speak HTTP/1.1. `plain`: "
        "plain HTTP on loopback, HTTP/1.1, or h2 by prior knowledge (`http2=always`), for the core and the floor.",
        "",
        "**The floor** (`bench-floor`, [rust/src/bin/bench_floor.rs](rust/src/bin/bench_floor.rs)): the same "
        "pushes and polls on bare reqwest (hyper, rustls, tokio, serde_json) with no library around them — one token "
        "fetched up front, no retries, no events, no budget. *÷ floor* = the row's CPU ÷ the floor's CPU with the "
        "same protocol (h2 rows: the h2 floor; HTTP/1.1 rows: the HTTP/1.1 floor) at the same N in the same run.",
        "",
        "Ratios (×) on a hand-written baseline's row are omi-push ÷ that baseline in the same language and the same "
        "run: **bold** = omi-push uses less (0.25× = a quarter).",
        "",
    ]
    lines += targets(data, by_key, meta)
    ns = meta["ns"]
    tls = [i for i in impls if i.tls]
    plain = [i for i in impls if not i.tls]
    lines += [
        "## 1. Many waits at once",
        "",
        f"N confirmations in one client process, started evenly over {w['ramp_ms']} ms; each sends its push, "
        f"then waits for it (poll interval {w['poll_interval_ms']} ms, timeout {w['timeout_ms'] // 1000} s). "
        f"The simulator's phone decides each push at a uniformly random moment {ph['decide_min_ms']}–"
        f"{ph['decide_max_ms']} ms after it was sent ({int(ph['reject_fraction'] * 100)} % rejected, the rest "
        "approved). Detection latency = when the wait returned − when the push changed state (wall clock, "
        "same machine). Correct = the wait returned exactly the phone's decision. Sockets = connections the "
        "simulator accepted; HTTP = what they spoke (ALPN). Requests/confirmation counts every request the "
        "simulator logged (token, push, polls) ÷ N; polls in parentheses.",
        "",
    ]
    if tls:
        lines += ["### HTTPS (profile `tls`)", ""] + wait_table(data, tls, ns) + [""]
    if plain:
        lines += ["### Plain HTTP (profile `plain`)", ""] + wait_table(data, plain, ns) + [""]
    lines += problems(data, impls, ns)
    lines += h1_h2(data, by_key, ns)
    lines += budget(data, by_key, sc)
    lines += memory(data, impls, sc)

    lines += [
        "## 2. Call overhead",
        "",
        f"One push, then {sc['status_calls']:,} sequential `confirmation_status` calls on a warm client "
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
                     f"{ratio(lib['mean_us'], m['mean_us']) if lib else ''} | "
                     f"{ratio(lib['p99_us'], m['p99_us']) if lib else ''} | {fmt(m['cpu_s'], 2)} |")
    lines += [
        "",
        "## 3. Token behaviour",
        "",
        f"{sc['token_concurrency']:,} concurrent first calls (`list_devices`) on a fresh client: "
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
        lines.append(f"| {i.lang}: {i.label} | {int(m['token_requests'])}{flag} | {fmt(m['ok'])} | "
                     f"{fmt(m['wall_ms'])} |")
    lines += [
        "",
        "## Plot",
        "",
        "![client CPU, CPU ÷ floor and p99 detection latency against N](plot.png)",
        "",
        f"Reproduce: `{meta['command']}` from the repository root (`BENCH_N=200 BENCH_REPEAT=1 make bench` for a quick "
        "run; `BENCH_REPEAT=3` for medians of three). Raw numbers of every run: [results.json](results.json).",
        "",
    ]
    (bench / "results.md").write_text("\n".join(lines))
    plot(bench, data, tls, ns)


def wait_table(data, impls, ns) -> list:
    out = [
        "| N | implementation | HTTP | correct | p50 ms | p99 ms | client CPU s | ÷ floor | omi-push CPU ÷ this | "
        "peak RSS MB | omi-push RSS ÷ this | sockets | req/confirmation | wall s |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in ns:
        for i in impls:
            m = data["wait"].get(i.key, {}).get(n)
            if not m:
                continue
            lib = data["wait"].get(i.of, {}).get(n) if i.of else None
            fl = data["wait"].get(i.floor, {}).get(n) if i.floor else None
            flag = "" if m["correct"] == n else " ⚠"
            dnf = bool(m.get("failed"))
            out.append(
                f"| {n:,} | {i.lang}: {i.label} | {proto(i, m)} | {int(m['correct']):,}/{n:,}{flag}"
                f"{' (did not finish)' if dnf else ''} | {fmt(m['p50_ms'])} | {fmt(m['p99_ms'])} | "
                f"{fmt(m['cpu_s'], 2)}{'+' if dnf else ''} | "
                f"{ratio(m['cpu_s'], fl['cpu_s'], bold_below=0) if fl else ('1.00× (floor)' if i.is_floor else '')} | "
                f"{ratio(lib['cpu_s'], m['cpu_s'], dnf) if lib else ''} | {fmt(m['rss_mb'], 0)} | "
                f"{ratio(lib['rss_mb'], m['rss_mb'], dnf) if lib else ''} | {fmt(m['sockets'])} | "
                f"{m['req_per_conf']:.2f} ({m['polls_per_conf']:.2f}) | {fmt(m['wall_s'], 1)} |")
    return out


def problems(data, impls, ns) -> list:
    found = []
    for i in impls:
        for n in ns:
            m = data["wait"].get(i.key, {}).get(n)
            if m and m["correct"] != n:
                found.append(f"{i.key}, N={n:,}: {int(n - m['correct']):,} waits without the right outcome "
                             f"({', '.join(m['wrong_kinds']) or 'no result'})"
                             + (f"; {m['failed']}" if m.get("failed") else ""))
        for scenario, ms in (("wait", data["wait"].get(i.key, {}).values()), ("status", [data["status"].get(i.key)]),
                             ("token", [data["token"].get(i.key)])):
            for m in ms:
                if m and m.get("exit_error"):
                    found.append(f"{i.key}, {scenario}: the process printed its result, then ended with "
                                 f"{m['exit_error']}")
                elif m and scenario != "wait" and m.get("failed"):
                    found.append(f"{i.key}, {scenario}: {m['failed']}")
    return (["Problems seen in this run:", ""] + [f"- ⚠ {p}" for p in found] + [""]) if found else []


def h1_h2(data, by_key, ns) -> list:
    pairs = [("rust-h1", "rust", "omi-push core (http2=never vs auto)"), ("floor-h1", "floor", "floor (bare reqwest)"),
             ("py-httpx", "py-httpx-h2", "hand-written httpx loop (http2=False vs True)"),
             ("rust@plain", "rust-h2c@plain", "omi-push core, plain HTTP (h1 vs h2 prior knowledge)"),
             ("floor@plain", "floor-h2c@plain", "floor, plain HTTP (h1 vs h2 prior knowledge)")]
    rows = []
    for n in ns:
        for h1, h2, label in pairs:
            a, b = data["wait"].get(h1, {}).get(n), data["wait"].get(h2, {}).get(n)
            if not a or not b:
                continue
            rows.append(f"| {n:,} | {label} | {fmt(a['sockets'])} | {fmt(b['sockets'])} | {fmt(a['cpu_s'], 2)}"
                        f"{'+' if a.get('failed') else ''} | {fmt(b['cpu_s'], 2)}{'+' if b.get('failed') else ''} | "
                        f"{fmt(a['p99_ms'])} | {fmt(b['p99_ms'])} | {fmt(a['rss_mb'])} | {fmt(b['rss_mb'])} | "
                        f"{int(a['correct']):,} / {int(b['correct']):,} |")
    if not rows:
        return []
    return ["### HTTP/1.1 and HTTP/2 side by side", "",
            "Sockets opened (connections the simulator accepted), client CPU, p99 detection latency and peak RSS; "
            "over TLS the protocol is what ALPN chose. The other baselines speak HTTP/1.1 only (their rows above).",
            "", "| N | client | sockets h1 | sockets h2 | CPU s h1 | CPU s h2 | p99 ms h1 | p99 ms h2 | RSS MB h1 | "
            "RSS MB h2 | correct h1 / h2 |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"] + rows + [""]


def budget(data, by_key, sc) -> list:
    b = sc["budget"]
    n = sc["budget_n"]
    m = data["wait"].get("rust-budget", {}).get(n)
    free = data["wait"].get("rust", {}).get(n)
    if not m:
        return []
    limit = b * 1.05
    out = ["### Request budget", "",
           f"The core with `request_budget = {b:,}` requests/second and N = {n:,} waits (HTTPS, h2), against the same "
           "core without a budget. The simulator logs every request's arrival; *max in 1 s* is the most requests in "
           f"any one-second window (sliding, worst run); the target is ≤ {b:,} × 1.05 = {limit:,.0f}.", "",
           "| client | correct | max requests in any 1 s | per whole second after the first request | p50 ms | p99 ms | "
           "max ms | polls/confirmation | client CPU s | wall s |",
           "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|"]
    for label, r in ((f"budget {b:,}/s", m), ("no budget", free)):
        if not r:
            continue
        secs = r.get("per_second") or []
        out.append(f"| {label} | {int(r['correct']):,}/{n:,} | {fmt(r['max_in_1s'])} | "
                   f"{', '.join(str(int(x)) for x in secs[:40])}{' …' if len(secs) > 40 else ''} | {fmt(r['p50_ms'])} | "
                   f"{fmt(r['p99_ms'])} | {fmt(r['max_ms'])} | {r['polls_per_conf']:.2f} | {fmt(r['cpu_s'], 2)} | "
                   f"{fmt(r['wall_s'], 1)} |")
    out += ["", f"With the budget, {n:,} waits share {b:,} requests a second, so each wait's interval stretches to "
            f"about N ÷ budget = {n / b:.0f} s while all are pending: detection latency grows by that much, and "
            "shrinks as waits end. The per-second counts are from the median run.", ""]
    return out


def memory(data, impls, sc) -> list:
    n = sc["linger_n"]
    rows = []
    for i in impls:
        m = data["wait"].get(i.key, {}).get(n)
        mem = m.get("memory") if m else None
        if not mem:
            continue
        settle = "never (within {:.0f} s)".format(sc["linger_s"]) if mem["settle_s"] is None else f"{mem['settle_s']:.1f} s"
        all_s = ", ".join("never" if s is None else f"{s:.1f}" for s in mem.get("settle_all_s", []))
        rows.append(f"| {i.label} | {proto(i, m)} | {fmt(mem['idle_mb'], 1)} | {fmt(m['rss_mb'], 1)} | "
                    f"{fmt(mem['after_mb'], 1)} | {settle} ({all_s}) | {fmt(mem['end_mb'], 1)} |")
    if not rows:
        return []
    return ["### Memory after the burst", "",
            f"N = {n:,}: RSS of the client process when idle (client made, one call done: token and connection), its "
            f"peak, right after the last wait returned, then sampled every 0.25 s until it is under 2 × idle (at "
            f"most {sc['linger_s']} s) while the process keeps its client (and its pooled connections).", "",
            "| client | HTTP | idle MB | peak MB | after the burst MB | back under 2 × idle after (each run, s) | "
            "at the end MB |", "|---|---|---:|---:|---:|---|---:|"] + rows + [""]


def settle_text(mem) -> str:
    return "not back under 2 × idle" if mem["settle_s"] is None else f"back under 2 × idle in {mem['settle_s']:.1f} s"


def targets(data, by_key, meta) -> list:
    n = TARGETS_N
    sc = meta["scenario"]
    if n not in meta["ns"]:
        return [f"(No Targets table: N = {n:,} was not measured in this run.)", ""]
    W = data["wait"]
    rows = []  # (target, measured, met, note)

    def get(key, at=n):
        return W.get(key, {}).get(at)

    for k in OMI:
        m = get(k)
        if not m:
            rows.append((f"{k}: every wait right", "not measured", None, ""))
            continue
        rows.append((f"{k}: every wait right", f"{int(m['correct']):,}/{n:,}", m["correct"] == n,
                     ", ".join(m["wrong_kinds"])))
        rows.append((f"{k}: p99 detection ≤ {P99_TARGET_MS:,} ms", f"{fmt(m['p99_ms'])} ms",
                     not bad(m["p99_ms"]) and m["p99_ms"] <= P99_TARGET_MS, f"p50 {fmt(m['p50_ms'])} ms"))
    for k in OMI:
        m, fl = get(k), get(by_key[k].floor) if k in by_key else None
        if m and fl:
            r = m["cpu_s"] / fl["cpu_s"]
            rows.append((f"{k}: CPU ≤ {FLOOR_TARGET[k]} × floor", f"{r:.2f}×", r <= FLOOR_TARGET[k],
                         f"{m['cpu_s']:.2f} s vs floor {fl['cpu_s']:.2f} s ({proto(by_key[k], m)})"))
    for k, bases in PRIMARY.items():
        m = get(k)
        got = [(b, get(b)) for b in bases if get(b)]
        if not m or not got:
            continue
        b, bm = got[0]
        r = m["cpu_s"] / bm["cpu_s"]
        bound = "≤ " if bm.get("failed") else ""  # the baseline did not finish: its CPU is a lower bound
        others = "; ".join(f"vs {ob}: {'≤ ' if om.get('failed') else ''}{m['cpu_s'] / om['cpu_s']:.2f}×"
                           for ob, om in got[1:])
        rows.append((f"{k}: CPU ≤ {CPU_TARGET[k]:g} × {b}", f"{bound}{r:.2f}×", r <= CPU_TARGET[k],
                     f"{m['cpu_s']:.2f} s vs {bm['cpu_s']:.2f} s{'+ (did not finish)' if bound else ''}"
                     + (f"; {others}" if others else "")))
    for k in OMI:
        m = get(k)
        if m and by_key.get(k) and by_key[k].tls:
            h1 = get("rust-h1")
            note = f"{proto(by_key[k], m)}" + (f"; rust with http2=never: {fmt(h1['sockets'])} sockets"
                                               if k == "rust" and h1 else "")
            rows.append((f"{k}: sockets ≤ {SOCKETS_TARGET} with HTTP/2", fmt(m["sockets"]),
                         m["h2_sockets"] > 0 and m["sockets"] <= SOCKETS_TARGET, note))
    bm = get("rust-budget", sc["budget_n"])
    if bm:
        limit = sc["budget"] * 1.05
        rows.append((f"request budget {sc['budget']:,}/s at N = {sc['budget_n']:,}: every 1 s window ≤ {limit:,.0f}",
                     f"max {fmt(bm['max_in_1s'])}", bm["max_in_1s"] <= limit,
                     f"p50 {fmt(bm['p50_ms'])} ms, p99 {fmt(bm['p99_ms'])} ms detection (no budget: p99 "
                     f"{fmt(get('rust', sc['budget_n'])['p99_ms']) if get('rust', sc['budget_n']) else '–'} ms)"))
        rows.append((f"request budget: every wait right", f"{int(bm['correct']):,}/{sc['budget_n']:,}",
                     bm["correct"] == sc["budget_n"], ", ".join(bm["wrong_kinds"])))
    big = sc["linger_n"]
    if big in meta["ns"]:
        for k in OMI:
            m = get(k, big)
            if m:
                rows.append((f"N = {big:,}: {k}: every wait right", f"{int(m['correct']):,}/{big:,}",
                             m["correct"] == big, ", ".join(m["wrong_kinds"])))
        m = get("rust", big)
        if m:
            rows.append((f"N = {big:,}: rust peak RSS < {RSS_TARGET_MB} MB", f"{m['rss_mb']:.0f} MB",
                         m["rss_mb"] < RSS_TARGET_MB, proto(by_key["rust"], m)))
            mem = m.get("memory")
            if mem:
                ok = mem["settle_s"] is not None
                h1 = (get("rust-h1", big) or {}).get("memory")
                rows.append((f"N = {big:,}: rust memory after the burst under 2 × idle within {sc['linger_s']} s",
                             f"{mem['settle_s']:.1f} s" if ok else f"not within {sc['linger_s']} s", ok,
                             f"idle {fmt(mem['idle_mb'], 1)} MB, right after {fmt(mem['after_mb'], 1)} MB, end "
                             f"{fmt(mem['end_mb'], 1)} MB"
                             + (f"; http2=never: {settle_text(h1)} ({fmt(h1['after_mb'], 0)} MB after)" if h1 else "")))
    out = ["## Targets", "",
           f"Issue 15's targets at N = {n:,}, HTTPS, HTTP/2 where offered, 1 s interval, medians of {meta['repeat']} "
           f"run(s) (N = {big:,} rows: the same at that N). A missed target is marked **missed**; the note gives the "
           "measurement that explains it (details in the sections below and in [README.md](README.md#findings)).",
           "", "| target | measured | met | note |", "|---|---:|:---:|---|"]
    for t, v, ok, note in rows:
        out.append(f"| {t} | {v} | {'–' if ok is None else 'met' if ok else '**missed**'} | {note} |")
    return out + [""]


def plot(bench: Path, data: dict, impls: list, ns: list) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"Rust": "tab:orange", "Python": "tab:blue", "Node": "tab:green", "Kotlin/JVM": "tab:purple"}
    fig, (ax_cpu, ax_fl, ax_lat) = plt.subplots(1, 3, figsize=(17, 5.5))
    markers = {"py-threads": "s", "py-requests": "s", "py-aiohttp": "^", "rust-h1": "v", "floor-h1": "v",
               "py-httpx-h2": "D"}
    for i in impls:
        series = data["wait"].get(i.key, {})
        xs = [n for n in ns if n in series]
        if not xs or i.only_n is not None:
            continue
        color = "black" if i.is_floor else colors.get(i.lang, "gray")
        style = dict(color=color, marker=markers.get(i.key, "o"),
                     linestyle=":" if i.is_floor or i.key == "py-aiohttp" else "--" if i.of else "-")
        ax_cpu.plot(xs, [series[n]["cpu_s"] for n in xs], label=i.key, **style)
        for n in xs:  # a run that did not finish: its CPU is a lower bound
            if series[n].get("failed"):
                ax_cpu.annotate("did not finish", (n, series[n]["cpu_s"]), fontsize=7, ha="right", va="bottom")
        fl = data["wait"].get(i.floor, {}) if i.floor else {}
        fx = [n for n in xs if n in fl]
        if fx:
            ax_fl.plot(fx, [series[n]["cpu_s"] / fl[n]["cpu_s"] for n in fx], label=i.key, **style)
        ax_lat.plot(xs, [series[n]["p99_ms"] for n in xs], label=i.key, **style)
    titles = ((ax_cpu, "client CPU", "CPU seconds"), (ax_fl, "client CPU ÷ floor (same protocol)", "×"),
              (ax_lat, "p99 detection latency", "ms"))
    for ax, title, unit in titles:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(ns, [f"{n:,}" for n in ns])
        ax.minorticks_off()
        ax.set_xlabel("N concurrent confirmations (HTTPS)")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    ax_fl.axhline(1.3, color="tab:orange", linewidth=0.8, linestyle=":")
    ax_fl.axhline(2.5, color="gray", linewidth=0.8, linestyle=":")
    ax_fl.annotate("targets: Rust 1.3×, bindings 2.5×", (ns[0], 2.5), fontsize=8, va="bottom")
    ax_lat.axhline(P99_TARGET_MS, color="gray", linewidth=0.8, linestyle=":")
    ax_lat.annotate(f"target: {P99_TARGET_MS:,} ms", (ns[0], P99_TARGET_MS), fontsize=8, va="bottom")
    ax_cpu.legend(fontsize=7, ncol=2)
    fig.suptitle("omi-push (solid) vs hand-written loops (dashed) and the bare-reqwest floor (black, dotted)")
    fig.tight_layout()
    fig.savefig(bench / "plot.png", dpi=100)
