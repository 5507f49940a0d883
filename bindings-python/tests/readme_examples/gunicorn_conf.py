# gunicorn_conf.py, used as: gunicorn -c gunicorn_conf.py -k gthread --threads 8 flask_app:app
import signal
from types import FrameType
from typing import Any, Optional


def post_worker_init(worker: Any) -> None:
    # A graceful stop (SIGTERM: systemd, Kubernetes, `docker stop`) lets the requests in
    # flight run for up to `graceful_timeout`, and calls `worker_exit` only after them: close
    # the client on SIGTERM itself, so that their waits end at once.
    from flask_app import omi

    graceful_stop = signal.getsignal(signal.SIGTERM)

    def close_then_stop(signum: int, frame: Optional[FrameType]) -> None:
        omi.close()
        if callable(graceful_stop):
            graceful_stop(signum, frame)

    signal.signal(signal.SIGTERM, close_then_stop)


def worker_exit(server: Any, worker: Any) -> None:
    # A quick stop (Ctrl-C, SIGINT, SIGQUIT) exits the worker at once, but its process still
    # waits for its request threads: closing the client releases them.
    from flask_app import omi

    omi.close()
