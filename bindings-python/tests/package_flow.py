"""The short flow of `make package-test`, run from a fresh venv outside the repo where only the
release wheels are installed (not collected by pytest).

    python package_flow.py without-kit   # only omi-push: omi_push.testing names the package to install
    python package_flow.py with-kit      # + omi-push-testing: push -> approve -> confirmed; serve
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request


def without_kit() -> None:
    import omi_push

    try:
        import omi_push.testing  # noqa: F401
    except ImportError as e:
        assert e.name == "omi_push_testing" and "pip install omi-push-testing" in str(e), e
        print(f"omi-push {omi_push.__version__} without the kit: ImportError: {e}")
    else:
        raise AssertionError("omi_push.testing imported without the testing kit")


def with_kit() -> None:
    import omi_push
    from omi_push.testing import Simulator

    assert "site-packages" in omi_push.__file__, omi_push.__file__
    with Simulator(users={"alice": ["alice-phone"]}) as sim, sim.client(poll_interval=0.05) as client:
        ticket = client.send_push("alice", "Installed from the wheel?", device_id="alice-phone")
        sim.approve(ticket, after=0.2)
        outcome = client.wait_for_confirmation(ticket, timeout=10)
        assert outcome.confirmed, outcome
        print(f"embedded simulator: push -> approve -> {outcome.kind}")

    serve = subprocess.Popen(
        [sys.executable, "-m", "omi_push.testing", "serve", "--json"],
        stdout=subprocess.PIPE,
        text=True,
        # As a terminal's Ctrl-C finds it (a shell without job control starts us with SIGINT ignored).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert serve.stdout is not None
        info = json.loads(serve.stdout.readline())
        with omi_push.Client(info["base_url"], client_id=info["client_id"], client_secret=info["client_secret"]) as c:
            ticket = c.send_push("user-1", "From another process", device_id="dev-1")
            url = f"{info['base_url']}/_sim/pushes/{ticket.nonce}/approve"
            urllib.request.urlopen(urllib.request.Request(url, method="POST"), timeout=10).close()
            outcome = c.wait_for_confirmation(ticket, timeout=10)
        assert outcome.confirmed, outcome
        serve.send_signal(signal.SIGINT)
        assert serve.wait(timeout=30) == 0
        print(f"python -m omi_push.testing serve: push -> approve over HTTP -> {outcome.kind}; Ctrl-C -> exit 0")
    finally:
        if serve.poll() is None:
            serve.kill()


if __name__ == "__main__":
    {"without-kit": without_kit, "with-kit": with_kit}[sys.argv[1]]()
