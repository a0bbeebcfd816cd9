#!/usr/bin/env python3
"""Peak memory of a command, split the way the kernel counts it: writes
"peak_rss_mb peak_private_mb" (MB, 2^20 bytes) to OUTPUT.

- peak_rss_mb: the resident set at its highest (VmHWM, what /usr/bin/time's %M reports).
- peak_private_mb: the process's own memory at its highest: the `Anonymous` pages of
  /proc/PID/smaps_rollup (heap, stacks, mmap'd buffers, and the copy-on-write pages of the
  libraries' relocated data), sampled every 10 ms. Pages of code and read-only data mapped from
  files, which the kernel shares with every process using them and drops under pressure, are
  not in it.

The command's exit is held (strace delays its exit_group by 0.3 s) so that a short command such
as `ivy-archiver --version` is sampled whole. Exits with the command's status.

Usage: peak-memory.py OUTPUT COMMAND [ARG...]
"""
import subprocess
import sys
import time


def read_kb(path, field):
    try:
        with open(path) as file:
            for line in file:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def child_of(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as file:
            children = file.read().split()
        return int(children[0]) if children else None
    except OSError:
        return None


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    tracer = subprocess.Popen(
        ["strace", "-qq", "-o", "/dev/null", "-e", "trace=exit_group", "-e", "inject=exit_group:delay_enter=300000"] + sys.argv[2:],
        stdout=sys.stdout, stderr=sys.stderr)
    pid = None
    peak_rss = peak_private = 0
    while tracer.poll() is None:
        pid = pid or child_of(tracer.pid)
        if pid:
            private = read_kb(f"/proc/{pid}/smaps_rollup", "Anonymous")
            rss = read_kb(f"/proc/{pid}/status", "VmHWM")
            if private is not None:
                peak_private = max(peak_private, private)
            if rss is not None:
                peak_rss = max(peak_rss, rss)
        time.sleep(0.01)
    with open(sys.argv[1], "w") as output:
        output.write(f"{peak_rss // 1024} {peak_private // 1024}\n")
    return tracer.returncode


if __name__ == "__main__":
    sys.exit(main())
