#!/usr/bin/env bash
# A conversation of 10,000 messages in the app (issue 18: "opens in under 1 s, paginated"): a
# generated WhatsApp export of 10,000 messages is added to a plaintext and to an encrypted case,
# and a running `evidence app` is asked, as the browser asks it, for the list of conversations,
# the conversation's first and last page, a text search, a sender and a date filter. Each time is
# curl's measure of the whole exchange (request to last byte of the page), the median of 5 (1 with
# --quick); the table gives the goals (PASS/MISS) and the app's peak RSS over the requests.
# Called by run.sh (`make bench`); runs on its own too.
#
# usage: tests/bench/conversation.sh BUILD_DIR [--quick]
#
# Needs BUILD_DIR/tools/evidence (built), python3 and curl. Works in
# BUILD_DIR/bench-conversation-work (a few MiB), removed at the end.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench_name=bench-conversation
# shellcheck source=tests/bench/common.sh
. "$here/common.sh"
parse_bench_args "$@"
require_built "evidence_cli" "$evidence"
command -v python3 >/dev/null || die "python3 is not installed"
command -v curl >/dev/null || die "curl is not installed"

runs=5
[ "$quick" -eq 1 ] && runs=1
messages=10000
use_app_work_dir "$build/bench-conversation-work"

python3 - "$here" "$work/chat.txt" "$messages" <<'PY'
import random, sys
sys.path.insert(0, sys.argv[1])
from chat_corpus import write_whatsapp
write_whatsapp(sys.argv[2], random.Random(10), messages=int(sys.argv[3]))
PY

echo "## A conversation of $(python3 -c "print(f'{$messages:,}')") messages in the app ($(nproc) cores, median of $runs)"
echo
echo "| case | page | seconds | goal < 1 s | app peak RSS |"
echo "|---|---|---|---|---|"
for mode in plain encrypted; do
  dir="$work/case-$mode"
  if [ "$mode" = plain ]; then
    "$evidence" -C "$dir" init --name bench --no-passphrase >/dev/null 2>&1
  else
    EVIDENCE_PASSPHRASE="$pass" "$evidence" -C "$dir" init --name bench >/dev/null 2>&1
  fi
  EVIDENCE_PASSPHRASE="$pass" "$evidence" -C "$dir" -q add "$work/chat.txt" 2>/dev/null
  echo "bench-conversation: $mode case" >&2
  python3 - "$here" "$evidence" "$dir" "$mode" "$pass" "$runs" "$messages" <<'PY'
import re, statistics, sys
sys.path.insert(0, sys.argv[1])
from app_client import App
evidence, case_dir, mode, passphrase = sys.argv[2:6]
runs, messages = int(sys.argv[6]), int(sys.argv[7])
last = (messages + 199) // 200
# (what the page is, its path, what it must say: the figures are only worth having for a page
# that shows what was asked)
pages = [
    ("the list of conversations", "/messages", r"EX-0001"),
    ("first page", "/messages/EX-0001", r"Showing 1 to 200 of %d messages\." % messages),
    ("last page", "/messages/EX-0001?page=%d" % last,
     r"Showing %d to %d of %d messages\." % ((last - 1) * 200 + 1, messages, messages)),
    ("text search", "/messages/EX-0001?q=station", r"matching \(of %d messages\)" % messages),
    ("sender filter", "/messages/EX-0001?sender=Alex", r"matching \(of %d messages\)" % messages),
    ("a week of dates", "/messages/EX-0001?from=2024-01-08&to=2024-01-14",
     r"matching \(of %d messages\)" % messages),
]
with App(evidence, case_dir, None if mode == 'plain' else passphrase) as app:
    app.reset_peak_rss()
    rows = []
    for name, path, expected in pages:
        times = []
        for _ in range(runs):
            took, body = app.timed_get(path)
            if not re.search(expected, body):
                sys.exit('bench-conversation: %s (%s) does not say /%s/' % (name, path, expected))
            times.append(took)
        rows.append((name, statistics.median(times)))
    rss = app.peak_rss_kib() / 1024
for name, took in rows:
    print('| %s | %s | %.3f | %s | %.1f MiB |' % (mode, name, took, 'PASS' if took < 1 else 'MISS', rss))
PY
done
