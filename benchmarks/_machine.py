"""What machine a benchmark ran on, for the header of its table."""

import platform


def cpu_model():
    """The CPU's model name from /proc/cpuinfo, or what platform knows of it."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"
