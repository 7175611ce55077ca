"""The environment check shown in 00_welcome. It looks only at this machine: the
course never opens a network connection."""
import platform


def report():
    """Print versions, the plotting backend and where the course data comes from."""
    import matplotlib
    import numpy

    from . import data

    lines = [
        f"python      {platform.python_version()}",
        f"numpy       {numpy.__version__}",
        f"matplotlib  {matplotlib.__version__} (backend: {matplotlib.get_backend()})",
        f"corpus      {len(data.corpus().splitlines())} lines read from disk (no downloads)",
    ]
    print("\n".join(lines))
