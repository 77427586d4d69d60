#!/usr/bin/env bash
# The app's upload against `evidence add` (issue 18): one file of 512 MiB (64 MiB with --quick)
# sent to the Add evidence route of a running `evidence app` (one POST, streamed, as the page's
# script sends it) beside `evidence add` of the same bytes into a fresh case, both plaintext and
# encrypted, and the app's peak RSS (VmHWM, reset after the unlock: the passphrase's key derivation
# is not counted) over the upload. Prints one Markdown table with the
# goals (PASS/MISS): the upload at no less than 80% of the speed of `add`, the app under 128 MiB.
# Each time is the median of 3 runs (1 with --quick); the peak RSS is the largest.
# Called by run.sh (`make bench`); runs on its own too.
#
# usage: tests/bench/upload.sh BUILD_DIR [--quick]
#
# Needs BUILD_DIR/tools/evidence and BUILD_DIR/tests/evidence-make-samples (built), python3 and
# curl. Works in BUILD_DIR/bench-upload-work (about 4 times the file's size), removed at the end.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench_name=bench-upload
# shellcheck source=tests/bench/common.sh
. "$here/common.sh"
parse_bench_args "$@"
make_samples="$build/tests/evidence-make-samples"
require_built "evidence_cli evidence-make-samples" "$evidence" "$make_samples"
command -v python3 >/dev/null || die "python3 is not installed"
command -v curl >/dev/null || die "curl is not installed"

if [ "$quick" -eq 1 ]; then
  size=$((64 << 20)) label="64 MiB" runs=1
else
  size=$((512 << 20)) label="512 MiB" runs=3
fi
use_app_work_dir "$build/bench-upload-work"

"$make_samples" --corpus "$work/input" --files 1 --total-bytes "$size" >/dev/null
file="$work/input/file-0000.bin"

# seconds COMMAND...: the wall time of the command, in seconds.
seconds() {
  python3 -c 'import subprocess, sys, time
t = time.monotonic()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("%.2f" % (time.monotonic() - t))' "$@"
}

# add_time MODE: `evidence add` of the file into a fresh case (plain or encrypted), less the time
# `list` takes to open the same empty case (in an encrypted case mostly the passphrase's key
# derivation): the app opened its case before the upload, so neither side counts opening it.
add_time() {
  local dir="$work/add-$1" open added
  if [ "$1" = plain ]; then
    "$evidence" -C "$dir" init --name bench --no-passphrase >/dev/null 2>&1
  else
    EVIDENCE_PASSPHRASE="$pass" "$evidence" -C "$dir" init --name bench >/dev/null 2>&1
  fi
  open=$(EVIDENCE_PASSPHRASE="$pass" seconds "$evidence" -C "$dir" list)
  added=$(EVIDENCE_PASSPHRASE="$pass" seconds "$evidence" -C "$dir" add "$file")
  python3 -c "print('%.2f' % ($added - $open))"
  rm -rf "$dir"
}

# upload MODE: starts the app on a fresh case, opens it as the page does, sends the file, and
# prints "seconds peak_rss_kib".
upload() {
  local dir="$work/app-$1"
  if [ "$1" = plain ]; then
    "$evidence" -C "$dir" init --name bench --no-passphrase >/dev/null 2>&1
  else
    EVIDENCE_PASSPHRASE="$pass" "$evidence" -C "$dir" init --name bench >/dev/null 2>&1
  fi
  python3 - "$here" "$evidence" "$dir" "$file" "$1" "$pass" <<'PY'
import sys, time, urllib.parse
sys.path.insert(0, sys.argv[1])
from app_client import App
evidence, case_dir, path, mode, passphrase = sys.argv[2:]
with App(evidence, case_dir, None if mode == 'plain' else passphrase) as app:
    app.reset_peak_rss()
    t = time.monotonic()
    answer = app.curl('-H', 'Origin: ' + app.base, '-H', 'X-CSRF-Token: ' + app.csrf,
                      '-H', 'Content-Type: application/octet-stream', '-H', 'Expect:',
                      # -T streams the file as a browser does (--data-binary reads it whole).
                      '-X', 'POST', '-T', path,
                      app.base + '/add/upload?name=' + urllib.parse.quote('file-0000.bin'))
    took = time.monotonic() - t
    if '"exhibit":"' not in answer or '"duplicate":false' not in answer:
        sys.exit('the upload failed: ' + answer)
    print('%.2f %d' % (took, app.peak_rss_kib()))
PY
  rm -rf "$dir"
}

verdict() { python3 -c 'import sys; print("PASS" if eval(sys.argv[1]) else "MISS")' "$1"; }

echo "## Upload through the app ($label, $(nproc) cores, median of $runs)"
echo
echo "| case | \`evidence add\` s, opening the case subtracted | upload s | upload / add speed | goal ≥ 0.80 | app peak RSS | goal < 128 MiB |"
echo "|---|---|---|---|---|---|---|"
median() { python3 -c 'import statistics, sys; print("%.2f" % statistics.median(map(float, sys.argv[1:])))' "$@"; }

for mode in plain encrypted; do
  adds=() ups=() hwm=0
  for ((run = 1; run <= runs; run++)); do
    echo "bench-upload: $mode, run $run of $runs" >&2
    adds+=("$(add_time "$mode")")
    read -r up peak < <(upload "$mode")
    ups+=("$up")
    [ "$peak" -gt "$hwm" ] && hwm=$peak
  done
  added=$(median "${adds[@]}")
  up=$(median "${ups[@]}")
  echo "bench-upload: $mode: add ${adds[*]} s, upload ${ups[*]} s" >&2
  ratio=$(python3 -c "print('%.2f' % ($added / $up))")
  mib=$(python3 -c "print('%.1f' % ($hwm / 1024))")
  echo "| $mode | $added | $up | $ratio | $(verdict "$ratio >= 0.80") | $mib MiB | $(verdict "$mib < 128") |"
done
