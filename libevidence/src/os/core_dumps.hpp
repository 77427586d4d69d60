// Keeping unlocked key material out of core dumps (docs/key-file.md, "Key material in memory").
#pragma once

namespace evidence {

// Turns core dumps off for the rest of the process's life: RLIMIT_CORE to zero (no core file)
// and PR_SET_DUMPABLE to 0 (no core handed to a core_pattern pipe such as systemd-coredump, and
// no ptrace attach or /proc/PID/mem read by other processes of the same user). Called before a
// case's passphrase is read or its keys unlocked. Process-wide and never undone: a key once
// unlocked may still sit in freed memory, so the process stays undumpable until it exits.
// Failures are ignored: both calls only lower a limit, and a system that refuses them has no
// better fallback.
void DisableCoreDumps();

}  // namespace evidence
