"""The baselines: OMI push clients as a competent Python developer writes them by hand.

Both keep one connection pool for the process, fetch one OAuth token and share it (a lock
makes concurrent first calls wait for a single token request), refresh it on a 401 once,
and poll each push with the same cadence as omi-push: the first poll one interval after the
wait starts, each next one an interval after the previous poll started. Over HTTPS each trusts
the given CA file the usual way (an `ssl` context for httpx and aiohttp, `verify=` for requests);
httpx speaks HTTP/2 when asked (`http2=True`, with the `h2` package installed).
"""

from __future__ import annotations

import asyncio
import secrets
import ssl
import threading
import time

import aiohttp
import httpx
import requests
from requests.adapters import HTTPAdapter

SCOPES = " ".join([
    "credential:omi:devices:get",
    "credential:omi:push-notification:device:post",
    "credential:omi:push-notification:post",
    "credential:omi:push-notification:status:get",
])
FINAL = {"CONFIRMED": "confirmed", "REJECTED": "rejected", "EXPIRED": "expired"}


def new_nonce() -> str:
    return secrets.token_urlsafe(18)  # 24 characters of A-Z a-z 0-9 - _


class HttpxOmi:
    """asyncio, on one `httpx.AsyncClient`."""

    def __init__(self, base_url: str, client_id: str, client_secret: str, pool: int, ca_file: str | None = None,
                 http2: bool = False) -> None:
        limits = httpx.Limits(max_connections=pool, max_keepalive_connections=pool)
        verify = ssl.create_default_context(cafile=ca_file) if ca_file else True
        self.http = httpx.AsyncClient(base_url=base_url, limits=limits, timeout=10.0, verify=verify, http2=http2)
        self.auth = (client_id, client_secret)
        self.token: str | None = None
        self.token_expires = 0.0
        self.token_lock = asyncio.Lock()

    async def _token(self, stale: str | None = None) -> str:
        if self.token and self.token != stale and time.monotonic() < self.token_expires:
            return self.token
        async with self.token_lock:
            if self.token and self.token != stale and time.monotonic() < self.token_expires:
                return self.token
            r = await self.http.post("/auth/oauth2.0/v1/token", auth=self.auth,
                                     data={"grant_type": "client_credentials", "scope": SCOPES})
            r.raise_for_status()
            body = r.json()
            self.token, self.token_expires = body["access_token"], time.monotonic() + 0.8 * body["expires_in"]
            return self.token

    async def _request(self, method: str, path: str, **kw) -> httpx.Response:
        token = await self._token()
        r = await self.http.request(method, path, headers={"Authorization": f"Bearer {token}"}, **kw)
        if r.status_code == 401:  # token revoked or expired early: refresh once, retry once
            token = await self._token(stale=token)
            r = await self.http.request(method, path, headers={"Authorization": f"Bearer {token}"}, **kw)
        r.raise_for_status()
        return r

    async def list_devices(self, user_id: str) -> list:
        return (await self._request("GET", f"/omi/users/{user_id}/devices")).json()["devices"]

    async def send_push(self, user_id: str, device_id: str, message: str) -> str:
        nonce = new_nonce()
        await self._request("POST", f"/omi/push/user/{user_id}/device/{device_id}",
                            json={"message": message, "nonce": nonce})
        return nonce

    async def status(self, nonce: str) -> str:
        r = await self._request("GET", "/omi/push/confirmation", params={"nonce": nonce})
        return r.json()["status"].upper()

    async def wait(self, nonce: str, timeout: float, interval: float) -> str:
        deadline = time.monotonic() + timeout
        next_poll = time.monotonic() + interval
        while next_poll < deadline:
            await asyncio.sleep(max(0.0, next_poll - time.monotonic()))
            started = time.monotonic()
            try:
                state = await self.status(nonce)
            except (httpx.TransportError, httpx.HTTPStatusError):
                state = None  # transient: try again next interval
            if state in FINAL:
                return FINAL[state]
            next_poll = started + interval
        return "timed_out"


class AiohttpOmi:
    """asyncio, on one `aiohttp.ClientSession` (a reference: the fastest common asyncio client)."""

    def __init__(self, base_url: str, client_id: str, client_secret: str, pool: int, ca_file: str | None = None) -> None:
        tls = ssl.create_default_context(cafile=ca_file) if ca_file else True
        self.http = aiohttp.ClientSession(base_url=base_url, connector=aiohttp.TCPConnector(limit=pool, ssl=tls),
                                          timeout=aiohttp.ClientTimeout(total=10))
        self.auth = aiohttp.BasicAuth(client_id, client_secret)
        self.token: str | None = None
        self.token_expires = 0.0
        self.token_lock = asyncio.Lock()

    async def _token(self, stale: str | None = None) -> str:
        if self.token and self.token != stale and time.monotonic() < self.token_expires:
            return self.token
        async with self.token_lock:
            if self.token and self.token != stale and time.monotonic() < self.token_expires:
                return self.token
            async with self.http.post("/auth/oauth2.0/v1/token", auth=self.auth,
                                      data={"grant_type": "client_credentials", "scope": SCOPES}) as r:
                r.raise_for_status()
                body = await r.json()
            self.token, self.token_expires = body["access_token"], time.monotonic() + 0.8 * body["expires_in"]
            return self.token

    async def _request(self, method: str, path: str, **kw) -> dict:
        token = await self._token()
        async with self.http.request(method, path, headers={"Authorization": f"Bearer {token}"}, **kw) as r:
            if r.status != 401:
                r.raise_for_status()
                return await r.json()
        token = await self._token(stale=token)  # refresh once, retry once
        async with self.http.request(method, path, headers={"Authorization": f"Bearer {token}"}, **kw) as r:
            r.raise_for_status()
            return await r.json()

    async def list_devices(self, user_id: str) -> list:
        return (await self._request("GET", f"/omi/users/{user_id}/devices"))["devices"]

    async def send_push(self, user_id: str, device_id: str, message: str) -> str:
        nonce = new_nonce()
        await self._request("POST", f"/omi/push/user/{user_id}/device/{device_id}",
                            json={"message": message, "nonce": nonce})
        return nonce

    async def status(self, nonce: str) -> str:
        return (await self._request("GET", "/omi/push/confirmation", params={"nonce": nonce}))["status"].upper()

    async def wait(self, nonce: str, timeout: float, interval: float) -> str:
        deadline = time.monotonic() + timeout
        next_poll = time.monotonic() + interval
        while next_poll < deadline:
            await asyncio.sleep(max(0.0, next_poll - time.monotonic()))
            started = time.monotonic()
            try:
                state = await self.status(nonce)
            except (aiohttp.ClientError, asyncio.TimeoutError):
                state = None
            if state in FINAL:
                return FINAL[state]
            next_poll = started + interval
        return "timed_out"


class RequestsOmi:
    """Blocking, for threads, on one `requests.Session`."""

    def __init__(self, base_url: str, client_id: str, client_secret: str, pool: int, ca_file: str | None = None) -> None:
        self.base = base_url
        self.http = requests.Session()
        if ca_file:
            self.http.verify = ca_file
        self.http.trust_env = False  # no proxy-environment scan on every request (omi-push reads it once)
        self.http.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=pool))
        self.http.mount("https://", HTTPAdapter(pool_connections=1, pool_maxsize=pool))
        self.auth = (client_id, client_secret)
        self.token: str | None = None
        self.token_expires = 0.0
        self.token_lock = threading.Lock()

    def _token(self, stale: str | None = None) -> str:
        if self.token and self.token != stale and time.monotonic() < self.token_expires:
            return self.token
        with self.token_lock:
            if self.token and self.token != stale and time.monotonic() < self.token_expires:
                return self.token
            r = self.http.post(self.base + "/auth/oauth2.0/v1/token", auth=self.auth,
                               data={"grant_type": "client_credentials", "scope": SCOPES}, timeout=10)
            r.raise_for_status()
            body = r.json()
            self.token, self.token_expires = body["access_token"], time.monotonic() + 0.8 * body["expires_in"]
            return self.token

    def _request(self, method: str, path: str, **kw) -> requests.Response:
        token = self._token()
        r = self.http.request(method, self.base + path, headers={"Authorization": f"Bearer {token}"},
                              timeout=10, **kw)
        if r.status_code == 401:
            token = self._token(stale=token)
            r = self.http.request(method, self.base + path, headers={"Authorization": f"Bearer {token}"},
                                  timeout=10, **kw)
        r.raise_for_status()
        return r

    def list_devices(self, user_id: str) -> list:
        return self._request("GET", f"/omi/users/{user_id}/devices").json()["devices"]

    def send_push(self, user_id: str, device_id: str, message: str) -> str:
        nonce = new_nonce()
        self._request("POST", f"/omi/push/user/{user_id}/device/{device_id}",
                      json={"message": message, "nonce": nonce})
        return nonce

    def status(self, nonce: str) -> str:
        return self._request("GET", "/omi/push/confirmation", params={"nonce": nonce}).json()["status"].upper()

    def wait(self, nonce: str, timeout: float, interval: float) -> str:
        deadline = time.monotonic() + timeout
        next_poll = time.monotonic() + interval
        while next_poll < deadline:
            time.sleep(max(0.0, next_poll - time.monotonic()))
            started = time.monotonic()
            try:
                state = self.status(nonce)
            except requests.RequestException:
                state = None
            if state in FINAL:
                return FINAL[state]
            next_poll = started + interval
        return "timed_out"
