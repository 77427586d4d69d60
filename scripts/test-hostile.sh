#!/usr/bin/env bash
# The CLI suite again, in the environment of a user whose shell holds everything that could mislead
# a test (docs/testing.md): a wrong passphrase and case, a time zone with a half-hour offset and
# summer time, and a home folder nobody can write. It reuses the build in $1.
set -euo pipefail
build="${1:-build}"
cd "$build"
echo "evidence: CLI suite in a hostile environment:" \
  "EVIDENCE_PASSPHRASE=wrong EVIDENCE_CASE=(no such case) TZ=America/St_Johns HOME=/proc"
env EVIDENCE_PASSPHRASE=wrong \
  EVIDENCE_CASE=/nonexistent/evidence-hostile-case \
  TZ=America/St_Johns \
  HOME=/proc \
  XDG_DATA_HOME=/proc/evidence-hostile \
  ctest -R '^cli\.' -E '^cli\.MutationMatrix\.' -j"$(nproc)" --output-on-failure --timeout 600
