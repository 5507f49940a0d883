"""The omi-push benchmark harness: every implementation, side by side, in one run.

For each run it starts a fresh simulator process (bench-sim), over HTTPS with a certificate it
generates (profile `tls`, the default) or plain HTTP (profile `plain`), runs one implementation
as a child process with the scenario as JSON, and measures the child alone: CPU seconds and
peak RSS from wait4(2), requests, sockets and the request rate from the simulator, outcomes
and detection latency from the client's result line against the simulator's decisions
(approve or reject at a random moment 1-5 s after each push was sent, with the wall-clock time
it happened).

Before the timed runs every selected implementation runs once with N = 3 (the preflight); if
one cannot run (not built, crashes, wrong outcomes), the harness names it and exits 1 without
writing results.

Environment: BENCH_N=5000,10000  BENCH_REPEAT=1  BENCH_PROFILES=tls,plain
             BENCH_IMPLS=rust,py-async,...  (a subset; a key, or key@plain for one plain row)
             BENCH_BUDGET=1000 BENCH_BUDGET_N=5000  (the request-budget row)
             BENCH_LINGER_N=10000  (the N at which memory after the burst is sampled)
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
BUDGET = int(os.environ.get("BENCH_BUDGET", "1000"))  # requests/second of the budget row
BUDGET_N = int(os.environ.get("BENCH_BUDGET_N", "5000"))
LINGER_N = int(os.environ.get("BENCH_LINGER_N", "10000"))
LINGER_S = 60  # memory after the burst: sampled until under 2x idle, at most this long
# The preflight: every implementation once, small and fast, before any timed run.
PREFLIGHT = {"n": 3, "wait": {"poll_interval_ms": 200, "ramp_ms": 100, "timeout_ms": 10000},
             "phone": {"decide_min_ms": 100, "decide_max_ms": 300, "reject_fraction": 0.34}}


class Impl:
    """One implementation in one profile. A baseline names the omi-push implementation it is
    compared with (`of`); `floor` names the floor row its CPU is divided by (the same protocol)."""

    def __init__(self, key, lang, label, cmd, ready, of=None, *, tls=True, opts=None, env=None, floor=None,
                 scenarios=("wait", "status", "token"), only_n=None, linger=False):
        self.key, self.lang, self.label, self.cmd, self.ready, self.of = key, lang, label, cmd, ready, of
        self.tls, self.opts, self.env, self.floor = tls, opts or {}, env or {}, floor
        self.scenarios, self.only_n, self.linger = scenarios, only_n, linger
        self.is_floor = key.split("@")[0].startswith("floor")

    @property
    def base(self) -> str:
        return self.key.split("@")[0]

    @property
    def profile(self) -> str:
        return "tls" if self.tls else "plain"

    def missing(self) -> list:
        return [str(p) for p in self.ready if not Path(p).exists()]

    def runs_at(self, n: int) -> bool:
        return self.only_n is None or n == self.only_n


VPY = str(BENCH / ".venv/bin/python")
PYB = str(BENCH / "python/bench.py")
NODEB = str(BENCH / "node/bench.mjs")
JAVA = ["java", f"@{BUILD / 'kotlin.args'}"]  # -cp ... and -Djna.library.path=<release library>
KT = "dev.omipush.bench.BenchKt"
RUST = [str(TARGET / "release/bench-rust")]
FLOOR = [str(TARGET / "release/bench-floor")]
H2, H1, H2C = {"http2": "auto"}, {"http2": "never"}, {"http2": "always"}
W = ("wait",)
IMPLS = [
    # --- TLS (the default profile): HTTP/2 where the client offers it ---
    Impl("rust", "Rust", "omi-push core (async, tokio), http2=auto", RUST, RUST, opts=H2, floor="floor", linger=True),
    Impl("rust-h1", "Rust", "omi-push core, http2=never", RUST, RUST, opts=H1, floor="floor-h1", scenarios=W,
         linger=True),
    Impl("rust-budget", "Rust", f"omi-push core, http2=auto, request_budget={BUDGET:,}/s", RUST, RUST,
         opts={**H2, "request_budget": BUDGET}, floor="floor", scenarios=W, only_n=BUDGET_N),
    Impl("floor", "Rust", "floor: bare reqwest loop, h2 by ALPN", FLOOR, FLOOR, opts=H2, scenarios=("wait", "status")),
    Impl("floor-h1", "Rust", "floor: bare reqwest loop, HTTP/1.1", FLOOR, FLOOR, opts=H1, scenarios=W),
    Impl("py-async", "Python", "omi_push.AsyncClient", [VPY, PYB, "omi-async"], [BUILD / "python.ready"], floor="floor"),
    Impl("py-httpx", "Python", "hand-written httpx.AsyncClient loop", [VPY, PYB, "httpx"], [VPY], of="py-async",
         floor="floor-h1"),
    Impl("py-httpx-h2", "Python", "hand-written httpx.AsyncClient loop, http2=True", [VPY, PYB, "httpx"], [VPY],
         of="py-async", opts=H2, floor="floor", scenarios=W),
    Impl("py-aiohttp", "Python", "hand-written aiohttp loop (reference)", [VPY, PYB, "aiohttp"], [VPY], of="py-async",
         floor="floor-h1"),
    Impl("py-threads", "Python", "omi_push.Client (blocking; a thread per wait)", [VPY, PYB, "omi-threads"],
         [BUILD / "python.ready"], floor="floor"),
    Impl("py-requests", "Python", "hand-written requests loop (blocking; a thread per wait)", [VPY, PYB, "requests"],
         [VPY], of="py-threads", floor="floor-h1"),
    Impl("node", "Node", "omi-push Client (Promise)", ["node", NODEB, "omi"], [BUILD / "node.ready"], floor="floor"),
    Impl("node-fetch", "Node", "hand-written fetch (undici) loop", ["node", NODEB, "fetch"], [NODEB], of="node",
         env={"NODE_EXTRA_CA_CERTS": "{ca_file}"}, floor="floor-h1"),
    Impl("kotlin", "Kotlin/JVM", "OmiClient (suspend)", JAVA + [KT, "omi"], [BUILD / "kotlin.ready"], floor="floor"),
    Impl("kotlin-httpclient", "Kotlin/JVM", "hand-written java.net.http loop in coroutines", JAVA + [KT, "httpclient"],
         [BUILD / "kotlin-baseline.ready"], of="kotlin", floor="floor-h1"),
    # --- plain HTTP (the second profile): the core and the floor, HTTP/1.1 and h2 by prior knowledge ---
    Impl("rust@plain", "Rust", "omi-push core, plain HTTP/1.1", RUST, RUST, tls=False, floor="floor@plain", scenarios=W),
    Impl("rust-h2c@plain", "Rust", "omi-push core, plain HTTP, http2=always", RUST, RUST, tls=False, opts=H2C,
         floor="floor-h2c@plain", scenarios=W),
    Impl("floor@plain", "Rust", "floor: bare reqwest loop, plain HTTP/1.1", FLOOR, FLOOR, tls=False, scenarios=W),
    Impl("floor-h2c@plain", "Rust", "floor: bare reqwest loop, plain HTTP, h2 prior knowledge", FLOOR, FLOOR,
         tls=False, opts=H2C, scenarios=W),
]
BY_KEY = {i.key: i for i in IMPLS}


# --- one run ------------------------------------------------------------------------------

class Sim:
    """One bench-sim process: HTTPS (its certificate in a temporary PEM file) or plain HTTP."""

    def __init__(self, expect: int, seed: int, tls: bool, phone: dict = PHONE) -> None:
        cfg = {"sim": {**SIM, "tls": tls}, "expect": expect, "seed": seed, **phone}
        with tempfile.NamedTemporaryFile("w", prefix="bench-sim-", suffix=".json", delete=False) as f:
            json.dump(cfg, f)
        self.cfg_path = Path(f.name)
        self.proc = subprocess.Popen([str(TARGET / "release/bench-sim"), str(self.cfg_path)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        info = json.loads(self.proc.stdout.readline() or "{}")
        if "base_url" not in info:
            self.proc.kill()
            raise RuntimeError("bench-sim did not start")
        self.creds = {k: info[k] for k in ("base_url", "client_id", "client_secret")}
        self.ca_file = None
        if info.get("ca_cert_pem"):
            with tempfile.NamedTemporaryFile("w", prefix="bench-ca-", suffix=".pem", delete=False) as f:
                f.write(info["ca_cert_pem"])
            self.ca_file = f.name
            self.creds["ca_file"] = self.ca_file

    def report(self) -> dict:
        self.proc.stdin.write("report\n")
        self.proc.stdin.flush()
        report = json.loads(self.proc.stdout.readline())
        self.proc.stdin.close()
        _, status, ru = os.wait4(self.proc.pid, 0)
        report["sim_cpu_s"] = ru.ru_utime + ru.ru_stime
        self.cfg_path.unlink()
        if self.ca_file:
            os.unlink(self.ca_file)
        return report


def proc_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def proc_cpu_s(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    except (OSError, IndexError, ValueError):
        return None


def run_child(cmd: list, scenario: dict, timeout_s: float, env: dict | None = None, linger: bool = False) -> dict:
    """Runs one implementation; returns its JSON line plus CPU, peak RSS and wall time. With
    `linger` the child reports when its client is idle, and after its result line keeps the
    client until its stdin closes: the RSS is sampled at idle, then after the burst every
    0.25 s until under 2x idle (at most LINGER_S), and CPU counts up to the result line."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(scenario, f)
    err = tempfile.TemporaryFile("w+")
    child_env = dict(os.environ)
    for k, v in (env or {}).items():  # templates of scenario fields, e.g. "{ca_file}"; unset without the field
        try:
            child_env[k] = v.format(**scenario)
        except KeyError:
            pass
    t = time.monotonic()
    try:
        # A file, not a pipe, unless the run lingers: Node writes to a pipe asynchronously, and a
        # process.exit() right after console.log() would cut a long result line.
        out = None if linger else tempfile.TemporaryFile("w+")
        proc = subprocess.Popen(cmd + [f.name], stdin=subprocess.PIPE if linger else subprocess.DEVNULL,
                                stdout=subprocess.PIPE if linger else out, stderr=err, text=True, cwd=BENCH,
                                env=child_env)
    except OSError as e:
        os.unlink(f.name)
        return {"failed": f"cannot start: {e}", "cpu_s": float("nan"), "rss_mb": float("nan"), "wall_s": 0.0}
    lines: list = []
    idle, done = threading.Event(), threading.Event()

    def read() -> None:
        if out is not None:
            return
        for line in proc.stdout:
            lines.append(line)
            (idle if line.startswith('{"idle"') else done).set()
        idle.set()
        done.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    killer = threading.Timer(timeout_s + (LINGER_S + 10 if linger else 0), proc.kill)
    killer.start()
    memory, cpu_at_result = None, None
    if linger:
        idle.wait(timeout_s)
        idle_mb = proc_rss_mb(proc.pid)
        done.wait(timeout_s)
        cpu_at_result, after_mb = proc_cpu_s(proc.pid), proc_rss_mb(proc.pid)
        t_done, settle_s, last = time.monotonic(), None, after_mb
        while idle_mb and last is not None and time.monotonic() - t_done < LINGER_S:
            if last < 2 * idle_mb:
                settle_s = time.monotonic() - t_done
                break
            time.sleep(0.25)
            last = proc_rss_mb(proc.pid)
        memory = {"idle_mb": idle_mb, "after_mb": after_mb, "settle_s": settle_s, "end_mb": last}
        try:
            proc.stdin.close()
        except OSError:
            pass
    _, status, ru = os.wait4(proc.pid, 0)  # rusage of this child alone
    killer.cancel()
    reader.join(5)
    if out is not None:
        out.seek(0)
        lines = out.read().splitlines()
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - t
    os.unlink(f.name)
    err.seek(0)
    errors = err.read()
    results = [ln for ln in lines if ln.startswith("{") and not ln.startswith('{"idle"')]
    try:
        result = json.loads(results[-1]) if results else {}
    except json.JSONDecodeError:
        result = {"failed": f"unreadable result line ({len(results[-1])} characters)"}
    if proc.returncode != 0:
        # Killed by the watchdog: did not finish. Crashed after printing its result: the
        # result stands, and the crash is reported.
        why = (f"killed after {timeout_s:.0f} s (did not finish)" if proc.returncode == -9 and wall >= timeout_s
               else f"exit status {proc.returncode}" + (f": {errors.strip()[-300:]}" if errors.strip() else ""))
        result["failed" if not result else "exit_error"] = why
        print(f"    {cmd[-1]}: {why}", file=sys.stderr)
    result.update(cpu_s=cpu_at_result if cpu_at_result is not None else ru.ru_utime + ru.ru_stime,
                  rss_mb=ru.ru_maxrss / 1024, wall_s=wall)
    if memory:
        result["memory"] = memory
    return result


def percentile(values: list, p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def scenario_of(impl: Impl, sim: Sim, **fields) -> dict:
    return {**sim.creds, **COMMON, **impl.opts, **fields}


def run_wait(impl: Impl, n: int, seed: int, wait: dict = WAIT, phone: dict = PHONE, timeout_s: float | None = None,
             linger: bool = False) -> dict:
    sim = Sim(n, seed, impl.tls, phone)
    try:
        scenario = scenario_of(impl, sim, scenario="wait", n=n, **wait, linger=linger, idle_ms=500)
        r = run_child(impl.cmd, scenario, timeout_s or wait["timeout_ms"] / 1000 + 30, impl.env, linger)
    finally:
        report = sim.report()
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
    counts = {k: v for k, v in report["requests"].items() if k != "devices"}  # devices: the linger warm-up call
    return {
        "correct": correct, "n": n, "wrong_kinds": wrong, "failed": r.get("failed"), "exit_error": r.get("exit_error"),
        "p50_ms": percentile(lat, 50), "p99_ms": percentile(lat, 99), "max_ms": max(lat, default=float("nan")),
        "cpu_s": r["cpu_s"], "rss_mb": r["rss_mb"], "wall_s": r["wall_s"], "sim_cpu_s": report["sim_cpu_s"],
        "req_per_conf": sum(counts.values()) / n, "polls_per_conf": counts.get("confirmation", 0) / n,
        "token_requests": counts.get("token", 0),
        "non_2xx": sum(v for k, v in report["statuses"].items() if not k.startswith("2")),
        "sockets": report["connections"], "h2_sockets": report["h2_connections"],
        "max_in_1s": report["max_in_1s"], "per_second": report["per_second"],
        **({"memory": r["memory"]} if r.get("memory") else {}),
    }


def run_status(impl: Impl, seed: int) -> dict:
    sim = Sim(0, seed, impl.tls)
    try:
        r = run_child(impl.cmd, scenario_of(impl, sim, scenario="status", calls=STATUS_CALLS), 300, impl.env)
    finally:
        report = sim.report()
    lat = r.get("lat_us", [])
    return {"mean_us": statistics.fmean(lat) if lat else float("nan"), "p50_us": percentile(lat, 50),
            "p99_us": percentile(lat, 99), "calls": len(lat), "errors": r.get("errors"), "failed": r.get("failed"),
            "cpu_s": r["cpu_s"], "confirmation_requests": report["requests"].get("confirmation", 0),
            "exit_error": r.get("exit_error")}


def run_token(impl: Impl, seed: int) -> dict:
    sim = Sim(0, seed, impl.tls)
    try:
        r = run_child(impl.cmd, scenario_of(impl, sim, scenario="token", concurrency=TOKEN_CONCURRENCY), 300,
                      impl.env)
    finally:
        report = sim.report()
    return {"token_requests": report["requests"].get("token", 0), "ok": r.get("ok"),
            "devices_requests": report["requests"].get("devices", 0), "wall_ms": r.get("wall_ms"),
            "failed": r.get("failed"), "exit_error": r.get("exit_error")}


# --- the whole benchmark -----------------------------------------------------------------

WORST = {"correct": min, "ok": min, "token_requests": max, "errors": max, "max_in_1s": max}  # the worst run counts


def median_of(runs: list) -> dict:
    """One figure per metric over the repeats: the median, except correctness counts and the
    budget's worst second (the worst run) and problems (every distinct one)."""
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
    mems = [r["memory"] for r in runs if r.get("memory")]
    if mems:  # the run with the median time back under 2x idle (a run that never got there counts as slowest)
        mems.sort(key=lambda m: math.inf if m["settle_s"] is None else m["settle_s"])
        out["memory"] = {**mems[len(mems) // 2], "settle_all_s": [m["settle_s"] for m in mems]}
    return out


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def select() -> list:
    """The implementations of BENCH_IMPLS (keys, or key@plain) in BENCH_PROFILES; an unknown name is an error."""
    profiles = [p for p in os.environ.get("BENCH_PROFILES", "tls,plain").split(",") if p]
    wanted = [k for k in os.environ.get("BENCH_IMPLS", "").split(",") if k]
    bad = [p for p in profiles if p not in ("tls", "plain")]
    unknown = [k for k in wanted if k not in BY_KEY and not any(i.base == k for i in IMPLS)]
    if bad or unknown:
        sys.exit(f"bench: cannot run: unknown {'profile' if bad else 'implementation'} "
                 f"{', '.join(bad or unknown)} (implementations: {', '.join(i.key for i in IMPLS)}; "
                 "profiles: tls, plain)")
    return [i for i in IMPLS if i.profile in profiles and (not wanted or i.key in wanted or i.base in wanted)]


def preflight(impls: list) -> None:
    """Every implementation once, with N = 3 and fast decisions, before the timed runs: one that is
    not built, does not start, crashes or gets an outcome wrong stops the benchmark, by name."""
    failures = []
    for impl in impls:
        if impl.missing():
            failures.append(f"{impl.key}: not built (missing {', '.join(impl.missing())}; see the build output above)")
            continue
        print(f"preflight {impl.key} ...", end=" ", flush=True)
        n = PREFLIGHT["n"]
        try:
            m = run_wait(impl, n, 1, PREFLIGHT["wait"], PREFLIGHT["phone"], timeout_s=60)
        except (RuntimeError, OSError, KeyError, ValueError) as e:
            m = {"correct": 0, "failed": f"{type(e).__name__}: {e}", "wrong_kinds": [], "exit_error": None}
        problem = m.get("failed") or m.get("exit_error") or (
            None if m["correct"] == n else f"{m['correct']}/{n} outcomes right ({', '.join(m['wrong_kinds'])})")
        print("ok" if not problem else "FAILED", flush=True)
        if problem:
            failures.append(f"{impl.key}: {problem}")
    if failures:
        print("bench: cannot run these implementations (no results written):", file=sys.stderr)
        for f in failures:
            print(f"  {f}", file=sys.stderr)
        sys.exit(1)


def main() -> None:
    ns = [int(x) for x in os.environ.get("BENCH_N", "5000,10000").split(",") if x]
    repeat = int(os.environ.get("BENCH_REPEAT", "1"))
    impls = select()
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = loadavg()
    print(f"bench: {len(impls)} implementations, N = {ns}, {repeat} repeat(s); load average {load_before}")
    t_start = time.monotonic()
    preflight(impls)
    data = {"wait": {i.key: {} for i in impls}, "status": {}, "token": {}}
    raw = {"wait": {i.key: {} for i in impls}, "status": {}, "token": {}}  # every run, for results.json
    seed = 1
    for n in ns:
        runs = {i.key: [] for i in impls}
        for rep in range(repeat):
            for impl in impls:  # interleaved, so a noisy moment hits every implementation alike
                if not impl.runs_at(n):
                    continue
                seed += 1
                print(f"wait N={n} #{rep + 1} {impl.key} ...", end=" ", flush=True)
                m = run_wait(impl, n, seed, linger=impl.linger and n == LINGER_N)
                runs[impl.key].append(m)
                mem = m.get("memory")
                back = ("never" if mem["settle_s"] is None else f"{mem['settle_s']:.1f} s") if mem else ""
                print(f"correct {m['correct']}/{n} p99 {m['p99_ms']:.0f} ms cpu {m['cpu_s']:.2f} s "
                      f"rss {m['rss_mb']:.0f} MB sockets {m['sockets']} (h2 {m['h2_sockets']}) "
                      f"req/conf {m['req_per_conf']:.2f} max/1s {m['max_in_1s']}"
                      + (f" idle {mem['idle_mb']:.0f} MB after {mem['after_mb']:.0f} MB back<2x "
                         f"{back}" if mem else "")
                      + f" (load {loadavg()})", flush=True)
        for k, rs in runs.items():
            if rs:
                data["wait"][k][n] = median_of(rs)
                raw["wait"][k][n] = rs
    for name, fn in (("status", run_status), ("token", run_token)):
        runs = {i.key: [] for i in impls if name in i.scenarios}
        for rep in range(repeat):
            for impl in impls:
                if name not in impl.scenarios:
                    continue
                seed += 1
                print(f"{name} #{rep + 1} {impl.key} ...", end=" ", flush=True)
                m = fn(impl, seed)
                runs[impl.key].append(m)
                print({k: (round(v, 1) if isinstance(v, float) else v) for k, v in m.items()}, flush=True)
        data[name] = {k: median_of(rs) for k, rs in runs.items() if rs}
        raw[name] = runs

    meta = machine(started, load_before, ns, repeat, time.monotonic() - t_start)
    (BENCH / "results.json").write_text(json.dumps({"meta": meta, "data": data, "runs": raw}, indent=1, default=str))
    import report  # bench/report.py: results.md and plot.png
    report.write(BENCH, meta, data, impls)
    print(f"wrote {BENCH / 'results.md'} and {BENCH / 'plot.png'} ({meta['wall_min']:.1f} min)")


def version(cmd: list) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "n/a"


def machine(started, load_before, ns, repeat, wall_s) -> dict:
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
        "env": {k: os.environ[k] for k in ("BENCH_N", "BENCH_REPEAT", "BENCH_IMPLS", "BENCH_PROFILES", "BENCH_BUDGET",
                                           "BENCH_BUDGET_N", "BENCH_LINGER_N") if k in os.environ},
        "cpu": f"{cpu}, {os.cpu_count()} cores", "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(), "load_before": load_before, "load_after": loadavg(),
        "ns": ns, "repeat": repeat, "builds": builds, "wall_min": wall_s / 60,
        "versions": {"rustc": version(["rustc", "--version"]), "python": version([VPY, "--version"]),
                     "node": version(["node", "--version"]), "java": version(["java", "-version"])},
        "scenario": {"wait": WAIT, "phone": PHONE, "status_calls": STATUS_CALLS,
                     "token_concurrency": TOKEN_CONCURRENCY, "budget": BUDGET, "budget_n": BUDGET_N,
                     "linger_n": LINGER_N, "linger_s": LINGER_S},
    }


if __name__ == "__main__":
    main()
