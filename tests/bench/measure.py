#!/usr/bin/env python3
"""Runs one command and appends "<wall seconds> <peak RSS KiB> <stopped 0|1>" to a file.

usage: measure.py --out FILE [--limit SECONDS] [--cwd DIR] -- COMMAND [ARG...]
       measure.py --describe

The peak RSS is the command's ru_maxrss. The kernel keeps, in a process's ru_maxrss, the memory of
the process it was forked from as it was at exec time, so a child started straight from this
script would never show less than Python's own ~14 MiB. When GNU time is installed the command is
therefore started through it (a ~1 MiB parent) and its %M is taken; otherwise the figure comes
from getrusage(RUSAGE_CHILDREN) here and has Python's size as a floor (--describe says which).

With --limit the command is interrupted (SIGINT to its process group, SIGKILL 15 s later) once it
has run that long; the line then ends in 1 and the caller works out how far it got. A peak RSS
of -1 means it could not be known (GNU time itself had to be killed). The command's
stdout is discarded; its stderr is shown only when it fails. Exit status: 0 when the command
succeeded or was stopped at the limit, else the command's own status (125 for a usage error).
"""
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time

GNU_TIME = "/usr/bin/time"


def have_gnu_time():
    if not os.access(GNU_TIME, os.X_OK):
        return False
    try:
        version = subprocess.run([GNU_TIME, "--version"], capture_output=True, text=True,
                                 timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return "GNU" in version.stdout + version.stderr


def own_peak_kib():
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def describe():
    if have_gnu_time():
        return "GNU time's %M (the command's own high-water mark)"
    return (f"getrusage from python3, which puts a floor of about {own_peak_kib() // 1024} MiB "
            f"under every figure (install GNU time for exact ones)")


def main(argv):
    limit = None
    cwd = None
    result_file = None
    args = list(argv)
    while args and args[0].startswith("--") and args[0] != "--":
        option = args.pop(0)
        if option == "--describe":
            print(describe())
            return 0
        if option == "--out" and args:
            result_file = args.pop(0)
        elif option == "--limit" and args:
            limit = float(args.pop(0))
        elif option == "--cwd" and args:
            cwd = args.pop(0)
        else:
            print(f"measure.py: unknown option {option}", file=sys.stderr)
            return 125
    if result_file is None or len(args) < 2 or args[0] != "--":
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 125
    command = args[1:]

    # A shell that starts a job in the background (`make bench &`, nohup) ignores SIGINT, and an
    # ignored signal stays ignored across exec: give it back its default so the limit's SIGINT
    # stops the command.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as time_out:
        use_gnu_time = have_gnu_time()
        argv_run = ([GNU_TIME, "-f", "%M", "-o", time_out.name] if use_gnu_time else []) + command
        start = time.perf_counter()
        # A session of its own, so the interrupt reaches the command and not only GNU time
        # (which ignores SIGINT while it waits).
        child = subprocess.Popen(argv_run, cwd=cwd, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        stopped = False
        try:
            status = child.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            stopped = True
            os.killpg(child.pid, signal.SIGINT)
            try:
                status = child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                status = child.wait()
        wall = time.perf_counter() - start

        if use_gnu_time:
            # GNU time writes "Command exited with non-zero status N" or "Command terminated by
            # signal N" before the format's line when the command did not succeed; nothing at all
            # when it was killed itself, and then the figure is unknown (-1).
            words = time_out.read().split()
            peak_kib = int(words[-1]) if words and words[-1].isdigit() else -1
        else:
            peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if status != 0 and not stopped:
            err.seek(0)
            sys.stderr.write(err.read().decode(errors="replace"))
            print(f"measure.py: {' '.join(command)}: exit status {status}", file=sys.stderr)
            return status if status > 0 else 128 - status

    with open(result_file, "a", encoding="ascii") as out:
        out.write(f"{wall:.6f} {peak_kib} {int(stopped)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
