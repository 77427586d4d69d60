#!/usr/bin/env bash
# Benchmarks the evidence CLI against `openssl dgst -sha256`, `bsdtar` and `sha256sum` over the
# same files and prints one Markdown table with the goals from the issues (PASS/MISS). Every row
# is measured side by side in the same run; the figure is the median of 3 runs (1 with --quick).
#
# usage: tests/bench/run.sh BUILD_DIR [--quick]
#
# Needs BUILD_DIR/tools/evidence and BUILD_DIR/tests/evidence-make-samples (built), openssl,
# bsdtar, sha256sum and python3. Corpora and cases live in BUILD_DIR/bench-work, removed at the end. Full mode writes
# about 9 GiB there and takes a few minutes on 2 cores; --quick (64 MiB, 2,000 small files) under
# a minute. Progress goes to stderr, the report to stdout.
# Then tests/bench/ledger.sh (a 1,000,000-entry ledger, message-export parsing) prints its own
# table; it needs BUILD_DIR/tests/bench/evidence-ledger-bench as well.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench_name=bench
# shellcheck source=tests/bench/common.sh
. "$here/common.sh"
parse_bench_args "$@"
make_samples="$build/tests/evidence-make-samples"
require_built "evidence_cli evidence-make-samples" "$evidence" "$make_samples"
command -v openssl >/dev/null || die "openssl is not installed"
command -v python3 >/dev/null || die "python3 is not installed"
command -v bsdtar >/dev/null || die "bsdtar is not installed (Debian package libarchive-tools)"
command -v sha256sum >/dev/null || die "sha256sum is not installed"

if [ "$quick" -eq 1 ]; then
  mode="quick"
  big_bytes=$((64 << 20)) big_label="64 MiB"
  small_files=2000
  runs=1
  # A safety net only: a run past its limit is a failure of the benchmark, not a figure.
  big_limit=60 small_limit=60
else
  mode="full"
  big_bytes=$((1 << 30)) big_label="1 GiB"
  small_files=20000
  runs=3
  big_limit=300 small_limit=300
fi
big_files=200
small_min=4096 small_max=65536

work="$build/bench-work"
rm -rf "$work"
mkdir -p "$work/results"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

avail_kib=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
# The corpora, three ingested copies and three plain copies of each (see measure_ingest and
# measure_copy, both keep theirs until the section ends), the bundle and a margin.
need_kib=$(((big_bytes * 8 + small_files * small_max * 4) / 1024 + (256 << 10)))
[ "$avail_kib" -ge "$need_kib" ] ||
  die "$work needs about $((need_kib >> 20)) GiB free, has $((avail_kib >> 20)) GiB"

progress() { echo "bench: $*" >&2; }

# Runs a setup command quietly; shows its output only when it fails.
quietly() {
  local log="$work/quiet.log"
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    die "setup step failed: $*"
  fi
}

# measure RESULT_NAME [measure.py options] -- COMMAND...: appends "wall rss stopped" to the file.
measure() {
  local name="$1"
  shift
  python3 "$here/measure.py" --out "$work/results/$name" "$@" ||
    die "measured command failed (see above)"
}

# Number of items the case records.
count_items() {
  "$evidence" -C "$1" --json list | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'
}

# Ingests CORPUS into a fresh case CASE and appends the measurement to RESULT_NAME. A run that
# passes LIMIT seconds is stopped, and the benchmark fails: ingest runs whole, never projected.
measure_ingest() {
  local name="$1" corpus="$2" case_dir="$3" total="$4" limit="$5"
  # The previous run's case is moved aside, not deleted: ext4 skips inodes freed in the last
  # seconds when it allocates new ones, so deleting 20,000 files just before a run slowed the
  # next one's file creation, a cost no user's ingest has. They are removed after the section.
  if [ -e "$case_dir" ]; then
    mkdir -p "$work/old-cases"
    mv "$case_dir" "$(mktemp -d "$work/old-cases/case-XXXXXX")/case"
  fi
  quietly "$evidence" -C "$case_dir" -q init --no-passphrase
  measure "$name" --limit "$limit" -- "$evidence" -C "$case_dir" -q add -r "$corpus"
  local stopped finished
  stopped=$(tail -n 1 "$work/results/$name" | awk '{ print $3 }')
  [ "$stopped" -eq 0 ] || die "evidence add took longer than $limit s"
  finished=$(count_items "$case_dir")
  [ "$finished" -eq "$total" ] || die "evidence add recorded $finished items for $total files"
}

# One openssl process over every file of CORPUS, named relative to it (short command line).
measure_openssl() {
  local name="$1" corpus="$2"
  local -a files
  mapfile -t files < <(cd "$corpus" && find . -maxdepth 1 -type f -name 'file-*.bin' | sort)
  [ "${#files[@]}" -gt 0 ] || die "no file-*.bin in $corpus"
  measure "$name" --cwd "$corpus" -- openssl dgst -sha256 "${files[@]}"
}

# The like-for-like reference for ingest: `cp` of every file of CORPUS into a fresh folder, then
# `sync -f` of that file system, the least a careful user does to keep a durable copy by hand.
# The copy is moved aside after the run, as the cases are (see measure_ingest).
measure_copy() {
  local name="$1" corpus="$2"
  local dest="$work/copy"
  measure "$name" -- sh -c 'mkdir "$2" && cp "$1"/file-*.bin "$2"/ && sync -f "$2"' \
    sh "$corpus" "$dest"
  mkdir -p "$work/old-cases"
  mv "$dest" "$(mktemp -d "$work/old-cases/copy-XXXXXX")/copy"
}

# Column N (1-based) of RESULT_NAME: its median, and its maximum.
median() {
  sort -g -k "$2,$2" "$work/results/$1" |
    awk -v c="$2" '{ v[NR] = $c } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
maximum() { awk -v c="$2" 'NR == 1 || $c > m { m = $c } END { print m }' "$work/results/$1"; }
samples() { awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $1 }' "$work/results/$1"; }

# Median latency of fsync after a 4 KiB write in the work folder, in ms: ingest is durable (every
# copy and every commit is synced), so this sets its floor on a given disk.
fsync_ms() {
  python3 - "$work/fsync-probe" <<'PY'
import os, statistics, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
latencies = []
for i in range(50):
    os.pwrite(fd, b"x" * 4096, i * 4096)
    start = time.perf_counter()
    os.fsync(fd)
    latencies.append(time.perf_counter() - start)
os.close(fd)
os.unlink(sys.argv[1])
print(f"{statistics.median(latencies) * 1000:.1f}")
PY
}

start_seconds=$SECONDS
load_at_start=$(cut -d' ' -f1 /proc/loadavg)
fsync_at_start=$(fsync_ms)

# ---- corpora ----
progress "writing $big_label in $big_files files and $small_files small files to $work"
quietly "$make_samples" --corpus "$work/big" --files "$big_files" --total-bytes "$big_bytes"
quietly "$make_samples" --small-corpus "$work/small" --files "$small_files" \
  --min "$small_min" --max "$small_max"
small_bytes=$(find "$work/small" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
# The corpora go to disk now: otherwise the first evidence run to sync (a batch of `add` syncs the
# file system, syncfs(2)) would also pay for writing 1.7 GB that the generator left in memory.
sync -f "$work"
# Page caches cannot be dropped without disturbing the machine; instead every input is read once
# here, so both sides read their input from memory.
cat "$work"/big/* >/dev/null
find "$work/small" -type f -exec cat {} + >/dev/null

# ---- ingest of the large corpus, and verify of the case it made ----
for run in $(seq "$runs"); do
  progress "ingest $big_label: run $run of $runs"
  measure_ingest ingest_big "$work/big" "$work/case-big" "$big_files" "$big_limit"
  measure_openssl ingest_big.openssl "$work/big"
  measure_copy ingest_big.copy "$work/big"
done
find "$work/case-big" -type f -exec cat {} + >/dev/null
for run in $(seq "$runs"); do
  progress "verify: run $run of $runs"
  measure verify_big -- "$evidence" -C "$work/case-big" -q verify
  measure_openssl verify_big.openssl "$work/big"
done

# ---- export of that case, and verify-bundle of the bundle (issues 5 and 8) ----
# export writes a BagIt bag (payload, manifests, ledger proofs, report) and fsyncs it; bsdtar
# writes the same 200 files into a plain tar and does not sync. verify-bundle reads the bundle as
# a stream; beside it, sha256sum -c checks the payload manifest in a copy extracted once (untimed),
# and openssl hashes the same payload files.
for run in $(seq "$runs"); do
  progress "export $big_label: run $run of $runs"
  rm -f "$work/bundle.tar" "$work/bsdtar.tar"
  measure export_tar -- "$evidence" -C "$work/case-big" -q export --out "$work/bundle.tar"
  measure export_tar.bsdtar --cwd "$work/big" -- bsdtar -cf "$work/bsdtar.tar" .
  rm -f "$work/bsdtar.tar"
  # The like-for-like reference: bsdtar, then an fsync of its output, as export does.
  measure export_tar.bsdtar_fsync --cwd "$work/big" -- sh -c \
    'bsdtar -cf "$1" . && python3 -c "import os, sys; os.fsync(os.open(sys.argv[1], os.O_RDONLY))" "$1"' \
    sh "$work/bsdtar.tar"
done
rm -f "$work/bsdtar.tar"
mkdir -p "$work/bag"
quietly bsdtar -xf "$work/bundle.tar" -C "$work/bag"
bag_dir=$(find "$work/bag" -mindepth 1 -maxdepth 1 -type d | head -n 1)
[ -f "$bag_dir/manifest-sha256.txt" ] || die "the exported bundle has no manifest-sha256.txt"
bundle_bytes=$(stat -c %s "$work/bundle.tar")
for run in $(seq "$runs"); do
  progress "verify-bundle: run $run of $runs"
  measure verify_bundle -- "$evidence" -q verify-bundle "$work/bundle.tar"
  measure verify_bundle.sha256sum --cwd "$bag_dir" -- sha256sum --quiet -c manifest-sha256.txt
  measure verify_bundle.openssl --cwd "$bag_dir" -- \
    find data -type f -exec openssl dgst -sha256 {} +
done
rm -rf "$work/bag" "$work/bundle.tar" "$work/case-big" "$work/old-cases"

# ---- ingest of many small files ----
for run in $(seq "$runs"); do
  progress "ingest $small_files small files: run $run of $runs"
  measure_ingest ingest_small "$work/small" "$work/case-small" "$small_files" "$small_limit"
  measure_openssl ingest_small.openssl "$work/small"
  measure_copy ingest_small.copy "$work/small"
done
rm -rf "$work/case-small" "$work/old-cases"

# ---- report ----
fsync_at_end=$(fsync_ms)
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
grep -qw sha_ni /proc/cpuinfo && cpu="$cpu, SHA extensions"
mem_gib=$(awk '/^MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
fs_type=$(df -PT "$work" | awk 'NR == 2 { print $2 }')
fmt() { awk -v v="$1" "BEGIN { printf \"$2\", v }"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
verdict() { awk -v v="$1" -v lim="$3" "BEGIN { print (v $2 lim) ? \"PASS\" : \"MISS\" }"; }
mib() { awk -v k="$1" 'BEGIN { if (k < 0) print "n/a"; else printf "%.1f MiB", k / 1024 }'; }
mb_per_s() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.0f MB/s", b / t / 1e6 }'; }
grouped() { echo "$1" | sed ':a; s/\B[0-9]\{3\}\>/,&/; ta'; }

if [ "$runs" -gt 1 ]; then
  echo "## evidence benchmark ($mode mode, median of $runs runs)"
else
  echo "## evidence benchmark ($mode mode, 1 run)"
fi
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- machine: $(nproc) cores ($cpu), $mem_gib GiB memory, $fs_type file system;" \
  "load average $load_at_start at start, $(cut -d' ' -f1 /proc/loadavg) at end"
echo "- disk: fsync after a 4 KiB write takes $fsync_at_start ms at start, $fsync_at_end ms at end" \
  "(median of 50)"
echo "- peak RSS: $(python3 "$here/measure.py" --describe)"
echo "- tools: $("$evidence" --version 2>&1 | head -n 1), $(openssl version | awk '{ print $1, $2 }')"
echo "- caches: not dropped (that would disturb the whole machine); every corpus and the case were read" \
  "once before timing, so both sides read from the page cache. evidence also writes and fsyncs" \
  "its copies; openssl only reads."
echo

ev=$(median ingest_big 1)
os=$(median ingest_big.openssl 1)
rss_big=$(maximum ingest_big 2)
echo "| benchmark | evidence | openssl dgst | ratio | evidence rate | evidence peak RSS | goal | result |"
echo "|---|---:|---:|---:|---:|---:|---|---|"
echo "| ingest $big_label in $big_files files (\`add -r\`) | $(fmt "$ev" '%.2f s') |" \
  "$(fmt "$os" '%.2f s') | $(ratio "$ev" "$os") | $(mb_per_s "$big_bytes" "$ev") |" \
  "$(mib "$rss_big") | <= 1.0x openssl |" \
  "$(verdict "$ev" "<=" "$os") |"
rss_all=$rss_big
cp_big=$(median ingest_big.copy 1)
echo "| (reference) the same ingest against \`cp\` of the files followed by \`sync -f\` |" \
  "$(fmt "$ev" '%.2f s') | cp + sync: $(fmt "$cp_big" '%.2f s') | $(ratio "$ev" "$cp_big") | | |" \
  "(reference, no goal) | |"
ev=$(median verify_big 1)
os=$(median verify_big.openssl 1)
rss=$(maximum verify_big 2)
[ "$rss" -gt "$rss_all" ] && rss_all=$rss
echo "| verify that case (\`verify\`) | $(fmt "$ev" '%.2f s') | $(fmt "$os" '%.2f s') |" \
  "$(ratio "$ev" "$os") |" \
  "$(mb_per_s "$big_bytes" "$ev") | $(mib "$rss") | <= 1.0x openssl |" \
  "$(verdict "$ev" "<=" "$os") |"
ev=$(median ingest_small 1)
os=$(median ingest_small.openssl 1)
rss=$(maximum ingest_small 2)
[ "$rss" -gt "$rss_all" ] && rss_all=$rss
rate=$(awk -v n="$small_files" -v t="$ev" 'BEGIN { printf "%.0f", n / t }')
echo "| ingest $(grouped "$small_files") files of 4-64 KiB (\`add -r\`) |" \
  "$(fmt "$ev" '%.2f s') | $(fmt "$os" '%.2f s') | $(ratio "$ev" "$os") |" \
  "$(grouped "$rate") files/s | $(mib "$rss") |" \
  ">= 2,000 files/s | $(verdict "$rate" ">=" 2000) |"
cp_small=$(median ingest_small.copy 1)
echo "| (reference) the same ingest against \`cp\` of the files followed by \`sync -f\` |" \
  "$(fmt "$ev" '%.2f s') | cp + sync: $(fmt "$cp_small" '%.2f s') |" \
  "$(ratio "$ev" "$cp_small") | $(grouped "$(awk -v n="$small_files" -v t="$cp_small" 'BEGIN { printf "%.0f", n / t }')") files/s (cp) | |" \
  "(reference, no goal) | |"
# Export and verify-bundle: the other tool's column names the tool.
ev=$(median export_tar 1)
os=$(median export_tar.bsdtar 1)
rss=$(maximum export_tar 2)
[ "$rss" -gt "$rss_all" ] && rss_all=$rss
echo "| export that case to .tar (\`export\`) | $(fmt "$ev" '%.2f s') |" \
  "bsdtar -cf: $(fmt "$os" '%.2f s') | $(ratio "$ev" "$os") | $(mb_per_s "$bundle_bytes" "$ev") |" \
  "$(mib "$rss") | <= 1.2x bsdtar |" \
  "$(verdict "$ev" "<=" "$(awk -v o="$os" 'BEGIN { print 1.2 * o }')") |"
of=$(median export_tar.bsdtar_fsync 1)
echo "| (reference) the same export against bsdtar -cf followed by fsync of its output |" \
  "$(fmt "$ev" '%.2f s') | bsdtar -cf + fsync: $(fmt "$of" '%.2f s') | $(ratio "$ev" "$of") | | |" \
  "(reference, no goal) | |"
ev=$(median verify_bundle 1)
os=$(median verify_bundle.openssl 1)
sc=$(median verify_bundle.sha256sum 1)
rss=$(maximum verify_bundle 2)
[ "$rss" -gt "$rss_all" ] && rss_all=$rss
echo "| verify that bundle (\`verify-bundle\`) | $(fmt "$ev" '%.2f s') |" \
  "$(fmt "$os" '%.2f s'); sha256sum -c: $(fmt "$sc" '%.2f s') | $(ratio "$ev" "$os") |" \
  "$(mb_per_s "$bundle_bytes" "$ev") | $(mib "$rss") | <= 1.5x openssl |" \
  "$(verdict "$ev" "<=" "$(awk -v o="$os" 'BEGIN { print 1.5 * o }')") |"
echo "| peak RSS of every evidence run above | | | | |" \
  "$(mib "$rss_all") | < 128 MiB |" \
  "$([ "$rss_all" -ge 0 ] && verdict "$rss_all" "<" $((128 << 10)) || echo "n/a") |"
echo
echo "Each run in seconds (evidence / other):" \
  "ingest $(samples ingest_big) / $(samples ingest_big.openssl) / cp $(samples ingest_big.copy);" \
  "verify $(samples verify_big) / $(samples verify_big.openssl);" \
  "small files $(samples ingest_small) / $(samples ingest_small.openssl) / cp $(samples ingest_small.copy);" \
  "export $(samples export_tar) / bsdtar $(samples export_tar.bsdtar);" \
  "verify-bundle $(samples verify_bundle) / openssl $(samples verify_bundle.openssl)" \
  "/ sha256sum -c $(samples verify_bundle.sha256sum)." \
  "Small corpus: $(awk -v b="$small_bytes" 'BEGIN { printf "%.0f MiB", b / 1048576 }');" \
  "bundle: $(awk -v b="$bundle_bytes" 'BEGIN { printf "%.0f MiB", b / 1048576 }')."
rm -rf "$work"
progress "done in $((SECONDS - start_seconds)) s"

# Ledger scale (1,000,000 entries) and parser memory: their own corpora and table (ledger.sh).
echo
ledger_args=("$build")
[ "$quick" -eq 1 ] && ledger_args+=(--quick)
"$here/ledger.sh" "${ledger_args[@]}"
