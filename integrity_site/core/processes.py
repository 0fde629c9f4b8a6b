"""Which process does a piece of work, and whether it is still there.

Long work (a feed import) records the label of the process doing it, so that anybody on the same
machine can tell at once that the process has died (killed, out of memory, the machine
restarted) instead of waiting for its silence to become long enough. On another machine only
that silence tells.
"""

import os
import socket

LABEL_LENGTH = 100


def process_label(pid=None):
    """ "host:pid" of this process (or of ``pid`` on this machine)."""
    host = socket.gethostname()[: LABEL_LENGTH - 12]
    return f"{host}:{pid or os.getpid()}"


def process_gone(label):
    """True when ``label`` names a process of this machine that no longer runs. False when it
    runs, belongs to another machine, or the label cannot be read."""
    host, _, pid = (label or "").rpartition(":")
    if not host or not pid.isdigit() or int(pid) <= 0:
        return False
    if host != socket.gethostname()[: LABEL_LENGTH - 12]:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False  # it runs, as another user (or the number cannot be a process)
    return False
