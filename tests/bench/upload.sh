#!/usr/bin/env bash
# The app's upload against `evidence add` (issue 18): one file of 512 MiB (64 MiB with --quick)
# beside `evidence add` of the same bytes into a fresh case, both plaintext and encrypted, sent to
# a running `evidence app` in two ways:
# - by curl: the page's request (one POST, streamed, as the page's script sends it), so that the
#   client's own cost is small and the row measures the app;
# - by headless Chromium through the Add evidence page itself (browser_upload.py): what a person
#   waits for, Chromium's own reading and sending of the file included. Chromium's and the app's
#   CPU time over these uploads are printed under the table.
# Also the app's peak RSS (VmHWM, reset after the unlock: the passphrase's key derivation is not
# counted) over the upload. Prints one Markdown table with the goals (PASS/MISS): the upload at no
# less than 80% of the speed of `add`, the app under 128 MiB. Each time is the best of 5 runs
# (1 with --quick), the runs of the three taking turns; every run is printed on stderr, with the
# medians. The best, not the median: on the machines measured, writing the same 512 MiB took from
# 0.7 to 2.2 s from one run to the next, depending on where the file system put the blocks
# (docs/performance.md), and a median of a few runs can compare one side's fast runs with the
# other's slow ones. The peak RSS is the largest. Every timed command starts after a `sync`, so
# that none is charged for writing back the files of the one before. Called by run.sh
# (`make bench`); runs on its own too.
#
# usage: tests/bench/upload.sh BUILD_DIR [--quick]
#
# Needs BUILD_DIR/tools/evidence and BUILD_DIR/tests/evidence-make-samples (built), python3, curl,
# and for the browser rows Debian's chromium, chromium-driver and python3-selenium (as the browser
# tests). Works in BUILD_DIR/bench-upload-work (about 4 times the file's size), removed at the end.
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
# Debian's selenium belongs to the system's interpreter, which may not be the first python3.
[ -x /usr/bin/python3 ] || die "/usr/bin/python3 is not installed (Debian: python3)"

if [ "$quick" -eq 1 ]; then
  size=$((64 << 20)) label="64 MiB" runs=1
else
  size=$((512 << 20)) label="512 MiB" runs=5
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

# new_case MODE DIR: a fresh plaintext or encrypted case in DIR.
new_case() {
  if [ "$1" = plain ]; then
    "$evidence" -C "$2" init --name bench --no-passphrase >/dev/null 2>&1
  else
    EVIDENCE_PASSPHRASE="$pass" "$evidence" -C "$2" init --name bench >/dev/null 2>&1
  fi
}

# add_time MODE: `evidence add` of the file into a fresh case (plain or encrypted), less the time
# `list` takes to open the same empty case (in an encrypted case mostly the passphrase's key
# derivation): the app opened its case before the upload, so neither side counts opening it.
add_time() {
  local dir="$work/add-$1" open added
  new_case "$1" "$dir"
  open=$(EVIDENCE_PASSPHRASE="$pass" seconds "$evidence" -C "$dir" list)
  sync
  added=$(EVIDENCE_PASSPHRASE="$pass" seconds "$evidence" -C "$dir" add "$file")
  python3 -c "print('%.2f' % ($added - $open))"
  rm -rf "$dir"
}


# upload MODE: starts the app on a fresh case, opens it as the page does, sends the file with
# curl, and prints "seconds peak_rss_kib".
upload() {
  local dir="$work/app-$1"
  new_case "$1" "$dir"
  sync
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

# browser_upload MODE: the same through the Add evidence page in headless Chromium; prints
# "seconds peak_rss_kib app_cpu_s chromium_cpu_s".
browser_upload() {
  local dir="$work/browser-$1" secret=()
  new_case "$1" "$dir"
  [ "$1" = plain ] || secret=("$pass")
  sync
  /usr/bin/python3 "$here/browser_upload.py" "$evidence" "$dir" "$file" "$work/profile-$1" \
    "${secret[@]}"
  rm -rf "$dir" "$work/profile-$1"
}

verdict() { python3 -c 'import sys; print("PASS" if eval(sys.argv[1]) else "MISS")' "$1"; }

echo "## Upload through the app ($label, $(nproc) cores, best of $runs)"
echo
echo "| case | sent by | \`evidence add\` s, opening the case subtracted | upload s | upload / add speed | goal ≥ 0.80 | app peak RSS | goal < 128 MiB |"
echo "|---|---|---|---|---|---|---|---|"
median() { python3 -c 'import statistics, sys; print("%.2f" % statistics.median(map(float, sys.argv[1:])))' "$@"; }
best() { python3 -c 'import sys; print("%.2f" % min(map(float, sys.argv[1:])))' "$@"; }

# row MODE SENDER ADD_S UPLOAD_S PEAK_KIB: one line of the table.
row() {
  local ratio mib
  ratio=$(python3 -c "print('%.2f' % ($3 / $4))")
  mib=$(python3 -c "print('%.1f' % ($5 / 1024))")
  echo "| $1 | $2 | $3 | $4 | $ratio | $(verdict "$ratio >= 0.80") | $mib MiB | $(verdict "$mib < 128") |"
}

cpu_notes=()
for mode in plain encrypted; do
  adds=() ups=() views=() app_cpus=() browser_cpus=() hwm=0 view_hwm=0
  for ((run = 1; run <= runs; run++)); do
    echo "bench-upload: $mode, run $run of $runs" >&2
    adds+=("$(add_time "$mode")")
    read -r up peak < <(upload "$mode")
    ups+=("$up")
    [ "$peak" -gt "$hwm" ] && hwm=$peak
    read -r view peak app_cpu browser_cpu < <(browser_upload "$mode")
    views+=("$view") app_cpus+=("$app_cpu") browser_cpus+=("$browser_cpu")
    [ "$peak" -gt "$view_hwm" ] && view_hwm=$peak
  done
  added=$(best "${adds[@]}")
  echo "bench-upload: $mode: add ${adds[*]} s (median $(median "${adds[@]}")), upload by curl" \
    "${ups[*]} s (median $(median "${ups[@]}")), in Chromium ${views[*]} s (median" \
    "$(median "${views[@]}"))" >&2
  row "$mode" curl "$added" "$(best "${ups[@]}")" "$hwm"
  row "$mode" "Chromium, the page" "$added" "$(best "${views[@]}")" "$view_hwm"
  cpu_notes+=("$mode: Chromium $(median "${browser_cpus[@]}") s of CPU, the app $(median "${app_cpus[@]}") s")
done
echo
echo "CPU time over the uploads in Chromium (median; $(nproc) cores): ${cpu_notes[0]}; ${cpu_notes[1]}."
