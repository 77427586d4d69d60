#!/usr/bin/env bash
# Runs the libFuzzer targets of a fuzz build (cmake -DEVIDENCE_FUZZ=ON, see docs/fuzzing.md).
#
#   tests/fuzz/run.sh BUILD smoke      every target for a fixed number of executions (CI)
#   tests/fuzz/run.sh BUILD SECONDS    every target for SECONDS each, keeping what it learns in
#                                      BUILD/fuzz/corpus/<target>/
#
# FUZZ_TARGETS="sms email" limits the run to those targets. Seeds come from evidence-fuzz-seeds
# (the project's fixtures), from tests/fuzz/regressions/<target>/ (every input that once crashed,
# replayed on every run) and, when EVIDENCE_SAMPLES names the shared samples, from its folders.
# A crash stops with a non-zero status and leaves the input in BUILD/fuzz/artifacts/<target>/.
set -euo pipefail

build=${1:?usage: run.sh BUILD smoke|SECONDS}
# Absolute: the bundle target changes its working folder (to check that nothing is written there).
build=$(cd "$build" && pwd)
mode=${2:?usage: run.sh BUILD smoke|SECONDS}
here=$(cd "$(dirname "$0")" && pwd)
work="$build/fuzz"

# Executions per target in the CI-sized run: chosen so all targets together take a few minutes on
# two cores (the export round trip forks a metadata sandbox and signs, so it gets fewer).
smoke_runs() {
  case "$1" in
    roundtrip) echo 60 ;;
    receive) echo 200 ;;
    bundle) echo 300 ;;
    ledger) echo 300 ;;
    metadata) echo 2000 ;;
    *) echo 5000 ;;
  esac
}

# The shared samples that make good seeds for each target.
sample_dirs() {
  case "$1" in
    whatsapp_text | whatsapp_zip) echo messages/whatsapp ;;
    sms) echo messages/sms ;;
    calls_xml) echo messages/calls ;;
    google_voice) echo messages/googlevoice ;;
    email) echo messages/email ;;
    telegram) echo messages/telegram ;;
    discord) echo messages/discord ;;
    meta) echo messages/messenger messages/instagram ;;
    google_chat) echo messages/googlechat ;;
    imessage) echo messages/imessage ;;
    metadata) echo images images-malformed audio ;;
  esac
}

max_len() {
  case "$1" in
    metadata | bundle | whatsapp_zip) echo 262144 ;;
    *) echo 65536 ;;
  esac
}

# Readable stack traces in crash reports.
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && [ -x /usr/lib/llvm-14/bin/llvm-symbolizer ]; then
  export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
fi

rm -rf "$work/seeds"
"$build/tests/fuzz/evidence-fuzz-seeds" "$work/seeds"

targets=${FUZZ_TARGETS:-$(cd "$build/tests/fuzz" && ls fuzz_* | sed 's/^fuzz_//')}
total_start=$SECONDS
for t in $targets; do
  bin="$build/tests/fuzz/fuzz_$t"
  [ -x "$bin" ] || { echo "fuzz: no target $t in $build" >&2; exit 2; }
  dirs=()
  for d in "$work/seeds/$t" "$here/regressions/$t"; do
    [ -d "$d" ] && dirs+=("$d")
  done
  if [ -n "${EVIDENCE_SAMPLES:-}" ]; then
    for s in $(sample_dirs "$t"); do
      [ -d "$EVIDENCE_SAMPLES/$s" ] && dirs+=("$EVIDENCE_SAMPLES/$s")
    done
  fi
  if [ "$mode" = smoke ]; then
    # A fresh, throw-away output corpus: the run is the same every time (-seed=1).
    out="$work/smoke/$t"
    rm -rf "$out"
    limit=(-runs="$(smoke_runs "$t")" -seed=1)
  else
    out="$work/corpus/$t"
    limit=(-max_total_time="$mode")
  fi
  mkdir -p "$out" "$work/artifacts/$t"
  log="$work/$t.log"
  start=$SECONDS
  # ASan's own leak check stays on (libFuzzer reports leaks per input); the handlers are
  # libFuzzer's. The metadata sandbox child leaves with _exit, so it is not leak-checked.
  if ! "$bin" "${limit[@]}" -max_len="$(max_len "$t")" -timeout=30 -rss_limit_mb=3072 \
      -print_final_stats=0 -artifact_prefix="$work/artifacts/$t/" "$out" "${dirs[@]}" \
      >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "fuzz $t: CRASH (full log: $log; input in $work/artifacts/$t/)" >&2
    echo "fuzz: keep the input as tests/fuzz/regressions/$t/<name> with a regression test" >&2
    exit 1
  fi
  runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
  echo "fuzz $t: ${runs:-?} executions, no crash ($((SECONDS - start)) s)"
done
echo "fuzz: all targets done in $((SECONDS - total_start)) s"
