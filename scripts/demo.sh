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

# `make app` names a folder (EVIDENCE_DEMO_DIR) so that it can open the demo case afterwards;
# otherwise each run gets a fresh temporary one.
if [ -n "${EVIDENCE_DEMO_DIR:-}" ]; then
  work=$EVIDENCE_DEMO_DIR
  mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/evidence-demo.XXXXXX")
fi
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
step "Messages parsed out of the WhatsApp export" "$ev" -C "$case_dir" messages --from Daniel
step "A diary entry, linked to the photo of the gift" \
  "$ev" -C "$case_dir" incident add --at "2026-03-01 07:50" --behaviour gift,visit-home \
  --what "A wrapped box on the doorstep again; no note" --where "home" --witness "neighbour (Ana)" \
  --item EX-0001
step "Another, amended the next day (the original account stays in the ledger)" \
  "$ev" -C "$case_dir" incident add --at "2026-03-02 21:10" --behaviour voicemail,threat \
  --what "Voicemail: 'you can't ignore me forever'" --item EX-0004
"$ev" -C "$case_dir" -q incident amend INC-0002 --what "Voicemail at 21:10: 'you can't ignore me forever, I know where you work'" \
  --reason "listened to it again"
step "The diary" "$ev" -C "$case_dir" incident list
step "Verify everything: objects re-hashed, Merkle roots, signatures, entries" \
  "$ev" -C "$case_dir" verify
step "A bundle for the police (BagIt zip with signed custody records)" \
  "$ev" -C "$case_dir" export --out "$work/for-the-police.zip" --recipient "PC Smith"
step "The officer checks it offline, in one command" \
  "$ev" verify-bundle "$work/for-the-police.zip"
step "and takes it into custody in the officer's own case" \
  sh -c "'$ev' -C '$work/officer' -q init --no-passphrase --owner 'PC Smith' 2>/dev/null && '$ev' -C '$work/officer' receive '$work/for-the-police.zip'"
"$ev" -C "$case_dir" -q report --out "$work/report.html"
printf '\nThe demo case is in %s\n' "$case_dir"
printf 'The pattern report is %s\n' "$work/report.html"
