#!/usr/bin/env python3
"""Runs one command and appends "<wall seconds> <peak RSS KiB> <stopped 0|1> <peak RSS after the
unlock KiB> <CPU seconds>" to a file.

usage: measure.py --out FILE [--limit SECONDS] [--cwd DIR] [--sample-rss] -- COMMAND [ARG...]
       measure.py --describe

The peak RSS is the command's ru_maxrss. The kernel keeps, in a process's ru_maxrss, the memory of
the process it was forked from as it was at exec time, so a child started straight from this
script would never show less than Python's own ~14 MiB. When GNU time is installed the command is
therefore started through it (a ~1 MiB parent) and its %M is taken; otherwise the figure comes
from getrusage(RUSAGE_CHILDREN) here and has Python's size as a floor (--describe says which).

With --limit the command is interrupted (SIGINT to its process group, SIGKILL 15 s later) once it
has run that long; the line then ends in 1 and the caller works out how far it got. A peak RSS
of -1 means it could not be known (GNU time itself had to be killed). The CPU seconds are user
plus system time of the command and the children it waited for (GNU time's %U + %S, else
getrusage), -1 when unknown; on a shared machine they vary less than the wall time.

The peak RSS after the unlock is for commands on an encrypted case, whose first step is one scrypt
derivation of about 128 MiB that is freed before the work starts; ru_maxrss cannot tell that peak
from the work's. With --sample-rss the command's /proc/PID/status is read every 5 ms: the unlock
counts as over at the first sample whose VmRSS is 64 MiB or more below VmHWM (the KDF's block went
back to the system), and the figure is the highest VmRSS sampled from then on, or the final VmHWM
when the work rose above the KDF's peak (then exact). Samples can miss a peak shorter than 5 ms,
so below the KDF's peak the figure is a lower bound. It is -1 when no such drop was seen (a
plaintext case, or no sampling). The command's
stdout is discarded; its stderr is shown only when it fails. Exit status: 0 when the command
succeeded or was stopped at the limit, else the command's own status (125 for a usage error).
"""
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
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


def read_status_kib(pid):
    """VmRSS and VmHWM of PID in KiB, or None once it has gone."""
    values = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    values[line[:5]] = int(line.split()[1])
    except OSError:
        return None
    if "VmRSS" not in values or "VmHWM" not in values:
        return None  # a zombie has no memory left to report
    return values["VmRSS"], values["VmHWM"]


class AfterUnlockSampler(threading.Thread):
    """Samples the measured process's memory; see the module comment for what `peak_kib` means."""

    KDF_DROP_KIB = 64 << 10
    INTERVAL = 0.005

    def __init__(self, child_pid, through_gnu_time):
        super().__init__(daemon=True)
        self.child_pid = child_pid
        self.through_gnu_time = through_gnu_time
        self.done = threading.Event()
        self.peak_kib = -1

    def target_pid(self):
        if not self.through_gnu_time:
            return self.child_pid
        # GNU time forks the command right away; wait for it to show up as its child.
        path = f"/proc/{self.child_pid}/task/{self.child_pid}/children"
        while not self.done.is_set():
            try:
                with open(path, encoding="ascii") as children:
                    pids = children.read().split()
            except OSError:
                return None
            if pids:
                return int(pids[0])
            time.sleep(0.0005)
        return None

    def run(self):
        pid = self.target_pid()
        if pid is None:
            return
        hwm_at_unlock = None
        freeing = False
        previous_rss = 0
        post_peak = last_hwm = 0
        while not self.done.is_set():
            sample = read_status_kib(pid)
            if sample is None:
                break
            rss, hwm = sample
            if hwm_at_unlock is None and hwm - rss >= self.KDF_DROP_KIB:
                hwm_at_unlock = hwm
                freeing = True
            # munmap gives the KDF's pages back over a few milliseconds: a sample taken meanwhile
            # is part of the unlock, not of the work after it.
            if freeing and rss >= previous_rss:
                freeing = False
            if hwm_at_unlock is not None and not freeing:
                post_peak = max(post_peak, rss)
                last_hwm = hwm
            previous_rss = rss
            time.sleep(self.INTERVAL)
        if hwm_at_unlock is not None:
            # A command that ends while the pages still go back: its last sample is what it held.
            post_peak = post_peak or previous_rss
            self.peak_kib = last_hwm if last_hwm > hwm_at_unlock else post_peak


def main(argv):
    limit = None
    cwd = None
    result_file = None
    sample_rss = False
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
        elif option == "--sample-rss":
            sample_rss = True
        else:
            print(f"measure.py: unknown option {option}", file=sys.stderr)
            return 125
    if result_file is None or len(args) < 2 or args[0] != "--":
        print(next(line for line in __doc__.splitlines() if line.startswith("usage:")), file=sys.stderr)
        return 125
    command = args[1:]

    # A shell that starts a job in the background (`make bench &`, nohup) ignores SIGINT, and an
    # ignored signal stays ignored across exec: give it back its default so the limit's SIGINT
    # stops the command.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as time_out:
        use_gnu_time = have_gnu_time()
        argv_run = ([GNU_TIME, "-f", "%M %U %S", "-o", time_out.name] if use_gnu_time else []) + command
        start = time.perf_counter()
        # A session of its own, so the interrupt reaches the command and not only GNU time
        # (which ignores SIGINT while it waits).
        child = subprocess.Popen(argv_run, cwd=cwd, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        sampler = AfterUnlockSampler(child.pid, use_gnu_time) if sample_rss else None
        if sampler:
            sampler.start()
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
        after_unlock_kib = -1
        if sampler:
            sampler.done.set()
            sampler.join()
            after_unlock_kib = sampler.peak_kib

        if use_gnu_time:
            # GNU time writes "Command exited with non-zero status N" or "Command terminated by
            # signal N" before the format's line when the command did not succeed; nothing at all
            # when it was killed itself, and then the figure is unknown (-1).
            lines = time_out.read().splitlines()
            words = lines[-1].split() if lines else []
            try:
                peak_kib, cpu = int(words[0]), float(words[1]) + float(words[2])
            except (IndexError, ValueError):
                peak_kib, cpu = -1, -1.0
        else:
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            peak_kib, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
        if status != 0 and not stopped:
            err.seek(0)
            sys.stderr.write(err.read().decode(errors="replace"))
            print(f"measure.py: {' '.join(command)}: exit status {status}", file=sys.stderr)
            return status if status > 0 else 128 - status

    with open(result_file, "a", encoding="ascii") as out:
        out.write(f"{wall:.6f} {peak_kib} {int(stopped)} {after_unlock_kib} {cpu:.2f}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
