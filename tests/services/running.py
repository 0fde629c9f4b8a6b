"""What ``python -m tests.services.<name>`` shares: start one server, print its URL on stdout and
keep it running until Ctrl-C, SIGTERM or SIGHUP, then clean up."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any


def run_until_stopped(
    name: str,
    server: AbstractContextManager[Any],
    url: Callable[[Any], str] = str,
    running: Callable[[Any], str] = lambda _server: "running",
) -> int:
    """Enter ``server``, print ``url(what it yields)``, wait for a signal; the exit status."""

    def terminate(signum, frame):  # SIGTERM/SIGHUP: clean up like Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)
    # Even when started in the background by a shell that ignores SIGINT.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with server as provided:
            print(url(provided), flush=True)
            print(f"{name}: {running(provided)}; press Ctrl-C to stop", file=sys.stderr, flush=True)
            while True:
                signal.pause()
    except KeyboardInterrupt:
        return 0
    except RuntimeError as exc:
        print(f"{name}: error: {exc}", file=sys.stderr)
        return 1
