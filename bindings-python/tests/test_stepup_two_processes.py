"""Issue 12's two-process test: two Python processes share one Redis and the simulator; a
challenge begun in one gets 200 concurrent checks across both (100 threads each), and exactly
one of them is approved."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from collections import Counter
from typing import List

from omi_push import AlreadyUsedError, StepUp, generate_nonce
from omi_push.testing import Simulator

KEY = "two-process-step-up-key-0123456789abcdef"
ACTION = "change-payment-method"
THREADS = 100

CHECKS = """
import json, sys, threading
from omi_push import AlreadyUsedError, Client, StepUp

def checks(step_up, challenge, n, go):
    results, lock = [], threading.Lock()
    def one():
        go.wait()
        try:
            r = step_up.check(challenge, "user-1", "change-payment-method")
        except AlreadyUsedError:
            r = "already_used"
        except Exception as e:
            r = type(e).__name__
        with lock:
            results.append(r)
    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    return threads, results
"""

CHILD = CHECKS + """
base_url, client_id, secret, key, store, prefix, challenge = sys.argv[1:8]
client = Client(base_url, client_id=client_id, client_secret=secret)
step_up = StepUp(client, key, store=store, store_prefix=prefix, min_gap=0)
go = threading.Event()
threads, results = checks(step_up, challenge, 100, go)
print("READY", flush=True)
sys.stdin.readline()
go.set()
for t in threads:
    t.join()
print(json.dumps(results), flush=True)
"""


def test_200_concurrent_checks_in_two_processes_approve_once(sim: Simulator) -> None:
    store = os.environ.get("OMI_PUSH_REDIS_URL")
    assert store, "OMI_PUSH_REDIS_URL is not set: run under scripts/with-redis (make test does)"
    prefix = f"py-two-processes:{generate_nonce()}:"
    namespace: dict = {}  # type: ignore[type-arg]
    exec(CHECKS, namespace)
    with sim.client(max_retries=5) as client:
        step_up = StepUp(client, KEY, store=store, store_prefix=prefix, min_gap=0)
        challenge = step_up.begin("user-1", ACTION, "Confirm", device_id="dev-1")
        assert step_up.check(challenge, "user-1", ACTION) == "pending"
        sim.approve(challenge.nonce)
        child = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(CHILD), sim.base_url, sim.client_id, sim.client_secret, KEY,
             store, prefix, challenge.text],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert child.stdout is not None and child.stdin is not None
        go = threading.Event()
        threads, mine = namespace["checks"](step_up, challenge.text, THREADS, go)
        assert child.stdout.readline().strip() == "READY", child.communicate()[1]
        child.stdin.write("GO\n")
        child.stdin.flush()
        go.set()
        for t in threads:
            t.join()
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        theirs: List[str] = json.loads(out.strip().splitlines()[-1])
        try:  # and later, too
            step_up.check(challenge, "user-1", ACTION)
            raise AssertionError("approved again")
        except AlreadyUsedError:
            pass
    counts = Counter(mine + theirs)
    assert len(mine) == len(theirs) == THREADS
    assert counts["approved"] == 1, counts
    assert counts["already_used"] == 2 * THREADS - 1, counts
    assert "approved" in mine + theirs and sim.count("push_device", "POST") == 1
