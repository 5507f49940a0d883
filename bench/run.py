"""The omi-push benchmark harness: every implementation, side by side, in one run.

For each run it starts a fresh simulator process (bench-sim), runs one implementation as a
child process with the scenario as JSON, and measures the child alone: CPU seconds and peak
RSS from wait4(2), requests from the simulator's request log, outcomes and detection latency
from the client's result line against the simulator's decisions (approve or reject at a
random moment 1-5 s after each push was sent, with the wall-clock time it happened).

Environment: BENCH_N=100,1000,5000  BENCH_REPEAT=1  BENCH_IMPLS=rust,py-async,...  (a subset)
             BENCH_DUMP=DIR  (also write each wait run's raw results there)
Writes bench/results.md, bench/results.json and bench/plot.png.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")).resolve()
BUILD = BENCH / ".build"  # what `make bench` built: <lang>.ready markers, classpath, node package

# --- the scenario definition, shared by every implementation --------------------------

USER, DEVICE = "bench-user", "bench-dev"
SIM = {"mode": "test", "users": [{"id": USER, "devices": [{"id": DEVICE, "name": "Bench phone"}]}]}
COMMON = {"user_id": USER, "device_id": DEVICE, "message": "Confirm the change of your payment method"}
WAIT = {"poll_interval_ms": 1000, "ramp_ms": 1000, "timeout_ms": 60000}  # N confirmations start evenly over ramp_ms
PHONE = {"decide_min_ms": 1000, "decide_max_ms": 5000, "reject_fraction": 0.1}
STATUS_CALLS = 2000
TOKEN_CONCURRENCY = 1000


class Impl:
    """One implementation. A baseline names the omi-push implementation it is compared with (`of`)."""

    def __init__(self, key, lang, label, cmd, ready, of=None):
        self.key, self.lang, self.label, self.cmd, self.ready, self.of = key, lang, label, cmd, ready, of

    def available(self) -> bool:
        return all(Path(p).exists() for p in self.ready)


VPY = str(BENCH / ".venv/bin/python")
PYB = str(BENCH / "python/bench.py")
NODEB = str(BENCH / "node/bench.mjs")
JAVA = ["java", f"@{BUILD / 'kotlin.args'}"]  # -cp ... and -Djna.library.path=<release library>
KT = "dev.omipush.bench.BenchKt"
IMPLS = [
    Impl("rust", "Rust", "omi-push core (async, tokio)", [str(TARGET / "release/bench-rust")],
         [TARGET / "release/bench-rust"]),
    Impl("py-async", "Python", "omi_push.AsyncClient", [VPY, PYB, "omi-async"], [BUILD / "python.ready"]),
    Impl("py-httpx", "Python", "hand-written httpx.AsyncClient loop", [VPY, PYB, "httpx"], [VPY], of="py-async"),
    Impl("py-aiohttp", "Python", "hand-written aiohttp loop (reference)", [VPY, PYB, "aiohttp"], [VPY], of="py-async"),
    Impl("py-threads", "Python", "omi_push.Client (blocking; a thread per wait)", [VPY, PYB, "omi-threads"], [BUILD / "python.ready"]),
    Impl("py-requests", "Python", "hand-written requests loop (blocking; a thread per wait)", [VPY, PYB, "requests"], [VPY],
         of="py-threads"),
    Impl("node", "Node", "omi-push Client (Promise)", ["node", NODEB, "omi"], [BUILD / "node.ready"]),
    Impl("node-fetch", "Node", "hand-written fetch loop", ["node", NODEB, "fetch"], [NODEB], of="node"),
    Impl("kotlin", "Kotlin/JVM", "OmiClient (suspend)", JAVA + [KT, "omi"], [BUILD / "kotlin.ready"]),
    Impl("kotlin-httpclient", "Kotlin/JVM", "hand-written java.net.http loop in coroutines", JAVA + [KT, "httpclient"],
         [BUILD / "kotlin-baseline.ready"], of="kotlin"),
]
BY_KEY = {i.key: i for i in IMPLS}


# --- one run ------------------------------------------------------------------------------

def start_sim(expect: int, seed: int):
    cfg = {"sim": SIM, "expect": expect, "seed": seed, **PHONE}
    with tempfile.NamedTemporaryFile("w", prefix="bench-sim-", suffix=".json", delete=False) as f:
        json.dump(cfg, f)
    path = Path(f.name)
    proc = subprocess.Popen([str(TARGET / "release/bench-sim"), str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    creds = json.loads(proc.stdout.readline())
    return proc, creds, path


def sim_report(proc) -> dict:
    proc.stdin.write("report\n")
    proc.stdin.flush()
    report = json.loads(proc.stdout.readline())
    proc.stdin.close()
    _, status, ru = os.wait4(proc.pid, 0)
    report["sim_cpu_s"] = ru.ru_utime + ru.ru_stime
    return report


def run_child(cmd: list, scenario: dict, timeout_s: float) -> dict:
    """Runs one implementation; returns its JSON line plus CPU, peak RSS and wall time."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(scenario, f)
    out = tempfile.TemporaryFile("w+")
    err = tempfile.TemporaryFile("w+")
    t = time.monotonic()
    proc = subprocess.Popen(cmd + [f.name], stdout=out, stderr=err, text=True, cwd=BENCH)
    killer = threading.Timer(timeout_s, proc.kill)
    killer.start()
    _, status, ru = os.wait4(proc.pid, 0)  # rusage of this child alone
    killer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - t
    os.unlink(f.name)
    out.seek(0)
    err.seek(0)
    text, errors = out.read(), err.read()
    lines = text.strip().splitlines()
    result = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}
    if proc.returncode != 0:
        # Killed by the watchdog: did not finish. Crashed after printing its result: the
        # result stands, and the crash is reported.
        why = (f"killed after {timeout_s:.0f} s (did not finish)" if proc.returncode == -9 and wall >= timeout_s
               else f"exit status {proc.returncode}" + (f": {errors.strip()[-300:]}" if errors.strip() else ""))
        result["failed" if not result else "exit_error"] = why
        print(f"    {cmd[-1]}: {why}", file=sys.stderr)
    result.update(cpu_s=ru.ru_utime + ru.ru_stime, rss_mb=ru.ru_maxrss / 1024, wall_s=wall)
    return result


def percentile(values: list, p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def run_wait(impl: Impl, n: int, seed: int) -> dict:
    sim, creds, cfg_path = start_sim(n, seed)
    try:
        r = run_child(impl.cmd, {"scenario": "wait", "n": n, **creds, **COMMON, **WAIT},
                      timeout_s=WAIT["timeout_ms"] / 1000 + 60)
    finally:
        report = sim_report(sim)
        cfg_path.unlink()
    if os.environ.get("BENCH_DUMP"):  # raw client results and simulator report, for diagnosis
        Path(os.environ["BENCH_DUMP"], f"{impl.key}-{n}.json").write_text(json.dumps({"client": r, "sim": report}))
    decided = {nonce: (action, at) for nonce, action, at in report["decisions"]}
    lat, correct = [], 0
    for nonce, outcome, returned_ms in r.get("results", []):
        action, at = decided.get(nonce, (None, None))
        if outcome == action:
            correct += 1
            lat.append(returned_ms - at)
    wrong = sorted({o for nonce, o, _ in r.get("results", []) if o != decided.get(nonce, (None,))[0]})
    requests = sum(report["requests"].values())
    return {
        "correct": correct, "n": n, "wrong_kinds": wrong, "failed": r.get("failed"), "exit_error": r.get("exit_error"),
        "p50_ms": percentile(lat, 50), "p99_ms": percentile(lat, 99), "max_ms": max(lat, default=float("nan")),
        "cpu_s": r["cpu_s"], "rss_mb": r["rss_mb"], "wall_s": r["wall_s"], "sim_cpu_s": report["sim_cpu_s"],
        "req_per_conf": requests / n, "polls_per_conf": report["requests"].get("confirmation", 0) / n,
        "token_requests": report["requests"].get("token", 0),
        "non_2xx": sum(v for k, v in report["statuses"].items() if not k.startswith("2")),
    }


def run_status(impl: Impl, seed: int) -> dict:
    sim, creds, cfg_path = start_sim(0, seed)
    try:
        r = run_child(impl.cmd, {"scenario": "status", "calls": STATUS_CALLS, **creds, **COMMON}, timeout_s=300)
    finally:
        report = sim_report(sim)
        cfg_path.unlink()
    lat = r.get("lat_us", [])
    return {"mean_us": statistics.fmean(lat) if lat else float("nan"), "p50_us": percentile(lat, 50),
            "p99_us": percentile(lat, 99), "calls": len(lat), "errors": r.get("errors"), "failed": r.get("failed"),
            "cpu_s": r["cpu_s"], "confirmation_requests": report["requests"].get("confirmation", 0),
            "exit_error": r.get("exit_error")}


def run_token(impl: Impl, seed: int) -> dict:
    sim, creds, cfg_path = start_sim(0, seed)
    try:
        r = run_child(impl.cmd, {"scenario": "token", "concurrency": TOKEN_CONCURRENCY, **creds, **COMMON},
                      timeout_s=300)
    finally:
        report = sim_report(sim)
        cfg_path.unlink()
    return {"token_requests": report["requests"].get("token", 0), "ok": r.get("ok"),
            "devices_requests": report["requests"].get("devices", 0), "wall_ms": r.get("wall_ms"),
            "failed": r.get("failed"), "exit_error": r.get("exit_error")}


# --- the whole benchmark -----------------------------------------------------------------

WORST = {"correct": min, "ok": min, "token_requests": max, "errors": max}  # correctness: the worst run counts


def median_of(runs: list) -> dict:
    """One figure per metric over the repeats: the median, except correctness counts (the worst
    run) and problems (every distinct one)."""
    out = dict(runs[0])
    for k, v in runs[0].items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            vals = [r[k] for r in runs if isinstance(r.get(k), (int, float)) and not math.isnan(r[k])]
            out[k] = (WORST[k](vals) if k in WORST else statistics.median(vals)) if vals else float("nan")
    for k in ("failed", "exit_error"):
        seen = [r[k] for r in runs if r.get(k)]
        out[k] = "; ".join(sorted(set(seen))) + (f" ({len(seen)} of {len(runs)} runs)" if len(runs) > 1 else "") \
            if seen else None
    out["wrong_kinds"] = sorted({w for r in runs for w in r.get("wrong_kinds", [])})
    return out


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    ns = [int(x) for x in os.environ.get("BENCH_N", "100,1000,5000").split(",") if x]
    repeat = int(os.environ.get("BENCH_REPEAT", "1"))
    wanted = [k for k in os.environ.get("BENCH_IMPLS", "").split(",") if k]
    impls = [i for i in IMPLS if (not wanted or i.key in wanted)]
    skipped = [i for i in impls if not i.available()]
    impls = [i for i in impls if i.available()]
    for i in skipped:
        print(f"skipping {i.key}: not built ({', '.join(str(p) for p in i.ready if not Path(p).exists())})")

    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = loadavg()
    data = {"wait": {i.key: {} for i in impls}, "status": {}, "token": {}}
    raw = {"wait": {i.key: {} for i in impls}, "status": {}, "token": {}}  # every run, for results.json
    seed = 1
    for n in ns:
        runs = {i.key: [] for i in impls}
        for rep in range(repeat):
            for impl in impls:  # interleaved, so a noisy moment hits every implementation alike
                seed += 1
                print(f"wait N={n} #{rep + 1} {impl.key} ...", end=" ", flush=True)
                m = run_wait(impl, n, seed)
                runs[impl.key].append(m)
                print(f"correct {m['correct']}/{n} p99 {m['p99_ms']:.0f} ms cpu {m['cpu_s']:.2f} s "
                      f"rss {m['rss_mb']:.0f} MB req/conf {m['req_per_conf']:.2f} (load {loadavg()})", flush=True)
        for k, rs in runs.items():
            data["wait"][k][n] = median_of(rs)
            raw["wait"][k][n] = rs
    for name, fn in (("status", run_status), ("token", run_token)):
        runs = {i.key: [] for i in impls}
        for rep in range(repeat):
            for impl in impls:
                seed += 1
                print(f"{name} #{rep + 1} {impl.key} ...", end=" ", flush=True)
                m = fn(impl, seed)
                runs[impl.key].append(m)
                print({k: (round(v, 1) if isinstance(v, float) else v) for k, v in m.items()}, flush=True)
        data[name] = {k: median_of(rs) for k, rs in runs.items()}
        raw[name] = runs

    meta = machine(started, load_before, ns, repeat, skipped)
    (BENCH / "results.json").write_text(json.dumps({"meta": meta, "data": data, "runs": raw}, indent=1, default=str))
    import report  # bench/report.py: results.md and plot.png
    report.write(BENCH, meta, data, [i for i in IMPLS if i in impls], skipped)
    print(f"wrote {BENCH / 'results.md'} and {BENCH / 'plot.png'}")


def version(cmd: list) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "n/a"


def machine(started, load_before, ns, repeat, skipped) -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
    builds = {}
    for lang in ("python", "node", "kotlin"):
        p = BUILD / f"{lang}.ready"
        builds[lang] = p.read_text().strip() if p.exists() else "not built"
    return {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "command": os.environ.get("BENCH_COMMAND", "make bench"),
        "env": {k: os.environ[k] for k in ("BENCH_N", "BENCH_REPEAT", "BENCH_IMPLS") if k in os.environ},
        "cpu": f"{cpu}, {os.cpu_count()} cores", "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(), "load_before": load_before, "load_after": loadavg(),
        "ns": ns, "repeat": repeat, "builds": builds, "skipped": [i.key for i in skipped],
        "versions": {"rustc": version(["rustc", "--version"]), "python": version([VPY, "--version"]),
                     "node": version(["node", "--version"]), "java": version(["java", "-version"])},
        "scenario": {"wait": WAIT, "phone": PHONE, "status_calls": STATUS_CALLS,
                     "token_concurrency": TOKEN_CONCURRENCY},
    }


if __name__ == "__main__":
    main()
