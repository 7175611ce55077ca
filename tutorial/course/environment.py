"""The environment check shown in 00_welcome."""
import platform
import socket


def network_reachable(host="1.1.1.1", port=53, timeout=0.5):
    """True if an outside host answers within ``timeout`` s (the course never needs it)."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def report():
    """Print versions, the plotting backend and whether the network is reachable."""
    import matplotlib
    import numpy

    from . import data

    lines = [
        f"python      {platform.python_version()}",
        f"numpy       {numpy.__version__}",
        f"matplotlib  {matplotlib.__version__} (backend: {matplotlib.get_backend()})",
        f"corpus      {len(data.corpus().splitlines())} lines read from disk",
        "network     " + ("reachable (not needed)" if network_reachable()
                         else "offline (fine: everything in this course is local)"),
    ]
    print("\n".join(lines))
