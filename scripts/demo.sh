#!/usr/bin/env bash
# `make demo`: the main job end to end on sample evidence the project generates itself.
# A victim's case is created in a temporary folder, the evidence is ingested, listed, its custody
# log shown, and the whole case verified.
set -euo pipefail
build=${1:-build}
ev="$build/tools/evidence"
make_samples="$build/tests/evidence-make-samples"
for f in "$ev" "$make_samples"; do
  [ -x "$f" ] || { echo "demo: $f is missing; run 'make build' first" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/evidence-demo.XXXXXX")
samples="$work/samples"
case_dir="$work/case"
# The demo key is encrypted like a real one; the passphrase comes from the environment here only
# because a demo cannot type at a prompt.
export EVIDENCE_PASSPHRASE="demo passphrase, not for real cases"

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"; "${@:2}"; }

"$make_samples" "$samples"
step "Create a case (the owner's signing key is generated and encrypted)" \
  "$ev" -C "$case_dir" init --name "Demo: unwanted contact" --owner "Demo Victim"
step "Ingest the evidence: every file is copied, hashed and recorded" \
  "$ev" -C "$case_dir" add -r --note "handed in at the first appointment" "$samples"
step "Adding the same photo again records nothing" \
  "$ev" -C "$case_dir" add "$samples/gift-on-doorstep.jpg"
step "The items of the case" "$ev" -C "$case_dir" list
step "One item in full" "$ev" -C "$case_dir" show EX-0001
step "The custody log (every action is a ledger entry)" "$ev" -C "$case_dir" log
step "The signed checkpoint over the whole ledger" "$ev" -C "$case_dir" checkpoint
step "Verify everything: objects re-hashed, Merkle roots, signatures, entries" \
  "$ev" -C "$case_dir" verify
printf '\nThe demo case is in %s\n' "$case_dir"
