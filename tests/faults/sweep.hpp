// The fault sweep (docs/reliability.md): run a command once cleanly to count the operations it
// performs on disk, then once per operation N with a fault injected at N, and require after each
// that the case reopens with the real file system, verifies, holds the command's effect whole or
// not at all, and that the same command, retried, succeeds.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <iostream>
#include <optional>
#include <string>

#include "evidence/case.hpp"
#include "fault_injection.hpp"
#include "sanitizer.hpp"
#include "testing.hpp"

namespace evidence::testing {

struct SweepCommand {
  std::string name;
  // Runs the command on an open case; `attempt` tells runs apart (0: under faults, 1: retry).
  std::function<Status(Case&, int attempt)> run;
  // After a fault and after the retry: the command's effect is whole or absent; `reported_ok`
  // means the command said it succeeded, so its effect must be whole.
  std::function<void(Case&, bool reported_ok)> check;
};

// The passphrase of an encrypted case, given every time the sweep opens it; nullopt for a
// plaintext case.
using SweepPassphrase = std::optional<std::string>;

inline Result<Case> OpenForSweep(const fs::path& dir, const SweepPassphrase& passphrase) {
  if (!passphrase) return Case::Open(dir);
  const std::string p = *passphrase;
  return Case::Open(dir, [p]() -> Result<std::string> { return p; });
}

// Where a sweep keeps its cases: /dev/shm when it is a folder we can write to. The fault injector
// stands for the disk (what a crash keeps is its bookkeeping, not what the kernel flushed), so a
// real disk adds nothing but time: a sweep copies, converts and removes a case a thousand times,
// and on a shared disk each run mostly waited for fsync, discards and metadata writes.
inline fs::path SweepScratchBase() {
  const fs::path shm = "/dev/shm";
  std::error_code ec;
  if (fs::is_directory(shm, ec) && ::access(shm.c_str(), W_OK | X_OK) == 0) return shm;
  return fs::temp_directory_path();
}

// Whether the sweep injects the fault of its `mode`-th kind (0, 1 or 2) at operation `n`. In the
// normal build, always. Under the sanitizers a run costs several times more, so the three kinds
// take turns over the operations: every operation still fails once under them, in one of the
// kinds, and every kind still runs; the normal build tries every operation with every kind.
inline bool SweepTries(int mode, std::uint64_t n) {
#ifdef EVIDENCE_SANITIZED
  return n % 3 == static_cast<std::uint64_t>(mode);
#else
  (void)mode;
  (void)n;
  return true;
#endif
}

struct SweepStats {
  std::uint64_t operations = 0;  // counted in the clean run
  std::uint64_t tried = 0;
  std::uint64_t recovered = 0;
  std::uint64_t errors_reported = 0;  // runs where the command returned an error
};

// Copies a closed case folder (the state before the command).
inline void CopyCase(const fs::path& from, const fs::path& to) {
  fs::copy(from, to, fs::copy_options::recursive);
}

// Opens `dir` with the real file system and requires a clean verify; returns the failures.
inline std::string VerifyFailures(Case& c) {
  auto report = c.Verify();
  if (!report.ok()) return "verify could not run: " + report.status().ToString();
  std::string out;
  for (const auto& f : report->failures) out += "  " + f + "\n";
  // Leftovers are reported, never counted as evidence: every object checked is an item's.
  auto items = c.Items();
  if (items.ok() && report->objects_checked != items->size()) {
    out += "  verify checked " + std::to_string(report->objects_checked) + " objects for " +
           std::to_string(items->size()) + " items\n";
  }
  return out;
}

// One run with the plan; returns false (with a gtest failure) if the case did not recover.
inline bool RunOnce(const fs::path& template_case, const fs::path& dir, const SweepCommand& cmd,
                    const FaultPlan& plan, Status* status, std::uint64_t* operations,
                    const SweepPassphrase& passphrase) {
  CopyCase(template_case, dir);
  std::string what;
  {
    FaultInjector inj(plan);
    {
      auto c = OpenForSweep(dir, passphrase);
      *status = c.ok() ? cmd.run(*c, 0) : c.status();
    }
    what = inj.injected_operation();
    if (operations) *operations = inj.operations();
    if (plan.mode == FaultMode::kCrash) inj.DropUnsyncedData();
  }
  std::string where = cmd.name + ": fault " + FaultModeName(plan.mode) + " (" +
                      std::strerror(plan.error) + ") at operation " + std::to_string(plan.at) +
                      " [" + what + "], command said: " + status->ToString();
  auto c = OpenForSweep(dir, passphrase);
  if (!c.ok()) {
    ADD_FAILURE() << where << "\nthe case does not reopen: " << c.status().ToString();
    return false;
  }
  std::string failures = VerifyFailures(*c);
  if (!failures.empty()) {
    ADD_FAILURE() << where << "\nverify after the fault:\n" << failures;
    return false;
  }
  {
    SCOPED_TRACE(where + " (after the fault)");
    cmd.check(*c, status->ok());
    if (::testing::Test::HasFailure()) return false;
  }
  Status again = cmd.run(*c, 1);
  if (!again.ok()) {
    ADD_FAILURE() << where << "\nthe retry failed: " << again.ToString();
    return false;
  }
  failures = VerifyFailures(*c);
  if (!failures.empty()) {
    ADD_FAILURE() << where << "\nverify after the retry:\n" << failures;
    return false;
  }
  SCOPED_TRACE(where + " (after the retry)");
  cmd.check(*c, true);
  return !::testing::Test::HasFailure();
}

// The whole sweep over the three fault modes. `template_case` is a closed case; `work` an empty
// scratch folder.
inline SweepStats Sweep(const fs::path& template_case, const fs::path& work,
                        const SweepCommand& cmd, const SweepPassphrase& passphrase = {}) {
  SweepStats stats;
  Status clean;
  if (!RunOnce(template_case, work / "clean", cmd, FaultPlan{}, &clean, &stats.operations,
               passphrase)) {
    return stats;
  }
  EXPECT_TRUE(clean.ok()) << clean.ToString();
  EXPECT_GT(stats.operations, 0u);
  const FaultPlan kinds[] = {
      {0, FaultMode::kOnce, EIO}, {0, FaultMode::kFromThenOn, ENOSPC}, {0, FaultMode::kCrash, EIO}};
  for (int mode = 0; mode < 3; ++mode) {
    FaultPlan plan = kinds[mode];
    for (std::uint64_t n = 1; n <= stats.operations; ++n) {
      if (!SweepTries(mode, n)) continue;
      plan.at = n;
      fs::path dir =
          work / ("run-" + std::to_string(static_cast<int>(plan.mode)) + "-" + std::to_string(n));
      Status st;
      stats.tried++;
      bool ok = RunOnce(template_case, dir, cmd, plan, &st, nullptr, passphrase);
      if (!st.ok()) stats.errors_reported++;
      if (ok) stats.recovered++;
      std::error_code ec;
      for (auto it = fs::recursive_directory_iterator(dir, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
      }
      fs::remove_all(dir, ec);
      if (!ok) break;  // one detailed failure per mode is enough to act on
    }
  }
  std::cout << "[faults] " << cmd.name << ": " << stats.operations << " operations in a clean run; "
            << stats.tried << " injected faults tried (" << stats.errors_reported
            << " reported as errors), " << stats.recovered << " recovered\n";
  return stats;
}

}  // namespace evidence::testing
