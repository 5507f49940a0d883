"""Python implementations of the benchmark scenarios (see bench/README.md).

    python bench.py IMPL SCENARIO.json      IMPL: omi-async | httpx | aiohttp | omi-threads | requests

Prints one JSON result line. `omi-async`, `httpx` and `aiohttp` run on asyncio; `omi-threads` and
`requests` run one thread per confirmation (blocking calls). Scenario options: `ca_file` (the
simulator's certificate, PEM: omi-push's `ca_cert_pem`, the baselines' usual TLS trust option),
`http2` (omi-push's option; for httpx `auto`/`always` turns on its HTTP/2), `request_budget`.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

POOL = int(os.environ.get("BENCH_POOL", "100"))  # keep-alive connections of the hand-written clients


def now_ms() -> float:
    return time.time() * 1000.0


def omi_options(s: dict) -> dict:
    """The scenario's TLS, HTTP/2 and budget options for an omi-push client."""
    o = {"client_id": s["client_id"], "client_secret": s["client_secret"]}
    if s.get("ca_file"):
        with open(s["ca_file"]) as f:
            o["ca_cert_pem"] = f.read()
    if s.get("http2"):
        o["http2"] = s["http2"]
    if s.get("request_budget"):
        o["request_budget"] = s["request_budget"]
    return o


# --- the same four operations over each implementation ---------------------------------

class OmiAsync:
    def __init__(self, s: dict) -> None:
        from omi_push import AsyncClient
        self.s = s
        self.c = AsyncClient(s["base_url"], **omi_options(s))

    async def send_push(self) -> str:
        s = self.s
        return (await self.c.send_push(s["user_id"], s["message"], device_id=s["device_id"])).nonce

    async def wait(self, nonce: str) -> str:
        s = self.s
        o = await self.c.wait_for_confirmation(nonce, timeout=s["timeout_ms"] / 1000,
                                               poll_interval=s["poll_interval_ms"] / 1000)
        return o.kind

    async def status(self, nonce: str) -> str:
        return (await self.c.confirmation_status(nonce)).raw

    async def list_devices(self) -> list:
        return await self.c.list_devices(self.s["user_id"])


class HttpxAsync:
    def __init__(self, s: dict) -> None:
        from handwritten import HttpxOmi
        self.s = s
        self.c = HttpxOmi(s["base_url"], s["client_id"], s["client_secret"], POOL, s.get("ca_file"),
                          http2=s.get("http2") in ("auto", "always"))

    async def send_push(self) -> str:
        return await self.c.send_push(self.s["user_id"], self.s["device_id"], self.s["message"])

    async def wait(self, nonce: str) -> str:
        return await self.c.wait(nonce, self.s["timeout_ms"] / 1000, self.s["poll_interval_ms"] / 1000)

    async def status(self, nonce: str) -> str:
        return await self.c.status(nonce)

    async def list_devices(self) -> list:
        return await self.c.list_devices(self.s["user_id"])


class AiohttpAsync(HttpxAsync):
    def __init__(self, s: dict) -> None:
        from handwritten import AiohttpOmi
        self.s = s
        self.c = AiohttpOmi(s["base_url"], s["client_id"], s["client_secret"], POOL, s.get("ca_file"))


class OmiThreads:
    def __init__(self, s: dict) -> None:
        from omi_push import Client
        self.s = s
        self.c = Client(s["base_url"], **omi_options(s))

    def send_push(self) -> str:
        return self.c.send_push(self.s["user_id"], self.s["message"], device_id=self.s["device_id"]).nonce

    def wait(self, nonce: str) -> str:
        s = self.s
        return self.c.wait_for_confirmation(nonce, timeout=s["timeout_ms"] / 1000,
                                            poll_interval=s["poll_interval_ms"] / 1000).kind

    def status(self, nonce: str) -> str:
        return self.c.confirmation_status(nonce).raw

    def list_devices(self) -> list:
        return self.c.list_devices(self.s["user_id"])


class RequestsThreads:
    def __init__(self, s: dict) -> None:
        from handwritten import RequestsOmi
        self.s = s
        self.c = RequestsOmi(s["base_url"], s["client_id"], s["client_secret"], POOL, s.get("ca_file"))

    def send_push(self) -> str:
        return self.c.send_push(self.s["user_id"], self.s["device_id"], self.s["message"])

    def wait(self, nonce: str) -> str:
        return self.c.wait(nonce, self.s["timeout_ms"] / 1000, self.s["poll_interval_ms"] / 1000)

    def status(self, nonce: str) -> str:
        return self.c.status(nonce)

    def list_devices(self) -> list:
        return self.c.list_devices(self.s["user_id"])


# --- the scenarios, asyncio ----------------------------------------------------------

async def run_async(api, s: dict) -> dict:
    if s["scenario"] == "wait":
        t0 = time.monotonic()

        async def one(i: int) -> list:
            await asyncio.sleep(t0 + s["ramp_ms"] / 1000 * i / s["n"] - time.monotonic())
            nonce = None
            try:
                nonce = await api.send_push()
                return [nonce, await api.wait(nonce), now_ms()]
            except Exception as e:  # noqa: BLE001 - every failure is a wrong outcome
                return [nonce, f"error:{type(e).__name__}", now_ms()]

        return {"results": await asyncio.gather(*(one(i) for i in range(s["n"])))}
    if s["scenario"] == "status":
        nonce = await api.send_push()
        lat, errors = [], 0
        for _ in range(s["calls"]):
            t = time.perf_counter()
            state = await api.status(nonce)
            lat.append((time.perf_counter() - t) * 1e6)
            errors += state != "PENDING"
        return {"lat_us": lat, "errors": errors}
    if s["scenario"] == "token":
        t = time.perf_counter()
        results = await asyncio.gather(*(api.list_devices() for _ in range(s["concurrency"])),
                                       return_exceptions=True)
        ok = sum(not isinstance(r, BaseException) for r in results)
        return {"ok": ok, "wall_ms": (time.perf_counter() - t) * 1000}
    raise ValueError(s["scenario"])


# --- the scenarios, one thread per call ---------------------------------------------

def run_threads(api, s: dict) -> dict:
    if s["scenario"] == "wait":
        t0 = time.monotonic()

        def one(i: int) -> list:
            time.sleep(max(0.0, t0 + s["ramp_ms"] / 1000 * i / s["n"] - time.monotonic()))
            nonce = None
            try:
                nonce = api.send_push()
                return [nonce, api.wait(nonce), now_ms()]
            except Exception as e:  # noqa: BLE001
                return [nonce, f"error:{type(e).__name__}", now_ms()]

        with ThreadPoolExecutor(max_workers=s["n"]) as pool:
            return {"results": list(pool.map(one, range(s["n"])))}
    if s["scenario"] == "status":
        nonce = api.send_push()
        lat, errors = [], 0
        for _ in range(s["calls"]):
            t = time.perf_counter()
            state = api.status(nonce)
            lat.append((time.perf_counter() - t) * 1e6)
            errors += state != "PENDING"
        return {"lat_us": lat, "errors": errors}
    if s["scenario"] == "token":
        n = s["concurrency"]
        barrier = threading.Barrier(n)

        def first_call(_: int) -> bool:
            barrier.wait()
            try:
                api.list_devices()
                return True
            except Exception:  # noqa: BLE001
                return False

        t = time.perf_counter()
        with ThreadPoolExecutor(max_workers=n) as pool:
            ok = sum(pool.map(first_call, range(n)))
        return {"ok": ok, "wall_ms": (time.perf_counter() - t) * 1000}
    raise ValueError(s["scenario"])


ASYNC = {"omi-async": OmiAsync, "httpx": HttpxAsync, "aiohttp": AiohttpAsync}


def main() -> None:
    impl, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        s = json.load(f)
    if impl in ASYNC:
        async def go() -> dict:  # the clients are made inside the event loop, as in an app
            return await run_async(ASYNC[impl](s), s)
        result = asyncio.run(go())
    elif impl in ("omi-threads", "requests"):
        result = run_threads((OmiThreads if impl == "omi-threads" else RequestsThreads)(s), s)
    else:
        raise SystemExit(f"unknown implementation {impl}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
