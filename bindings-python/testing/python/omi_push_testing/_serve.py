"""``python -m omi_push.testing serve``: one simulator for several processes (a test suite's
workers, an app under test and its browser tests, a manual try-out).

It prints how to reach it (base URL, token URL, client credentials, each device's phone page;
``--json``: one JSON line with the same), then serves until Ctrl-C or SIGTERM. The control
routes (``/_sim/...``: approve, reject, faults, the request log) are on, as for the embedded
simulator.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from types import FrameType
from typing import Any, Dict, List, Optional, Sequence, TextIO

from . import Simulator

_DEFAULT_USERS = [{"id": "user-1", "devices": [{"id": "dev-1"}]}]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m omi_push.testing",
        description="The omi-push testing kit: a standalone OMI push API simulator.",
    )
    commands = p.add_subparsers(dest="command", metavar="COMMAND")
    s = commands.add_parser("serve", help="run a simulator until Ctrl-C, printing how to reach it")
    s.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=0, help="port (default 0: a free one)")
    s.add_argument(
        "--user",
        action="append",
        metavar="USER=DEVICE[,DEVICE...]",
        help="a user and its devices (repeatable; default user-1=dev-1)",
    )
    s.add_argument("--client-id", help="the OAuth client id (default sim-client)")
    s.add_argument("--client-secret", help="its secret (default: random, printed)")
    s.add_argument("--auto-respond", choices=["approve", "reject"], help="answer every push by itself")
    s.add_argument("--auto-respond-delay", type=float, default=2.0, metavar="SECONDS", help="(default 2)")
    s.add_argument("--config", metavar="FILE", help="the simulator's JSON configuration (the options override it)")
    s.add_argument("--json", action="store_true", help="print one JSON line instead of text")
    return p


def _users(specs: Optional[Sequence[str]], config: Dict[str, Any]) -> List[Dict[str, Any]]:
    if not specs:
        users: List[Dict[str, Any]] = config.get("users", _DEFAULT_USERS)
        return users
    out = []
    for spec in specs:
        user, sep, devices = spec.partition("=")
        if not sep or not user or not devices:
            raise SystemExit(f"--user {spec!r}: expected USER=DEVICE[,DEVICE...]")
        out.append({"id": user, "devices": [{"id": d} for d in devices.split(",") if d]})
    return out


def _stop(signum: int, frame: Optional[FrameType]) -> None:
    raise KeyboardInterrupt


def serve(args: argparse.Namespace, out: TextIO) -> int:
    config: Dict[str, Any] = {}
    if args.config:
        with open(args.config, encoding="utf-8") as f:
            config = json.load(f)
    config["host"] = args.host
    config["port"] = args.port
    users = _users(args.user, config)
    # Before anything is printed: whoever read the output may stop it at once.
    signal.signal(signal.SIGTERM, _stop)
    try:
        with Simulator(
            users=users,
            client_id=args.client_id,
            client_secret=args.client_secret,
            auto_respond=args.auto_respond,
            auto_respond_delay=args.auto_respond_delay,
            config=config,
        ) as sim:
            info = sim._request("info")
            phones = {f"{u['id']}/{d['id']}": sim.phone_url(d["id"]) for u in users for d in u.get("devices", [])}
            if args.json:
                line = {k: info[k] for k in ("base_url", "token_url", "client_id", "client_secret")}
                out.write(json.dumps({**line, "phones": phones}) + "\n")
            else:
                out.write(f"omi-push simulator on {sim.base_url} (Ctrl-C to stop)\n")
                out.write(f"  base_url       {sim.base_url}\n")
                out.write(f"  token_url      {info['token_url']}\n")
                out.write(f"  client_id      {sim.client_id}\n")
                out.write(f"  client_secret  {sim.client_secret}   (a test value of this simulator)\n")
                for device, url in phones.items():
                    out.write(f"  phone {device:<14} {url}\n")
                out.write(f"  control API    {sim.base_url}/_sim/... (e.g. POST /_sim/pushes/NONCE/approve)\n")
            out.flush()
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (_stop), at any point: stop cleanly
        pass
    if not args.json:
        out.write("omi-push simulator stopped\n")
        out.flush()
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The command line of ``python -m omi_push.testing``; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command != "serve":
        parser.print_help(sys.stderr)
        return 2
    return serve(args, sys.stdout)
