// While a case with a passphrase is open the process makes no core dump: neither a core file
// (RLIMIT_CORE) nor one handed to a core_pattern pipe (the "Dumpable" flag), since either would
// hold the unlocked keys (docs/key-file.md, "Key material in memory").
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <string>

#include "evidence/case.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using testing::RunEvidence;
using testing::TempDir;

// The flag /proc/PID/status shows as "Dumpable:" (not every kernel lists it there).
int Dumpable() { return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }

rlim_t CoreLimit() {
  rlimit limit{};
  EXPECT_EQ(getrlimit(RLIMIT_CORE, &limit), 0);
  return limit.rlim_cur;
}

// Each ctest runs one test in a process of its own, which starts dumpable: the check below
// can fail.
TEST(CoreDumps, OffOnceACaseWithAPassphraseIsOpened) {
  TempDir tmp;
  const auto dir = tmp.path() / "case";
  auto made = RunEvidence({"-C", dir.string(), "init", "--owner", "Test Owner"},
                          {{"EVIDENCE_PASSPHRASE", "a passphrase"}});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  ASSERT_EQ(Dumpable(), 1) << "the test process must start dumpable";
  rlimit some{4096, 4096};
  ASSERT_EQ(setrlimit(RLIMIT_CORE, &some), 0);

  auto c = Case::Open(dir, [] { return Result<std::string>(std::string("a passphrase")); });
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_TRUE(c->Unlock().ok());
  EXPECT_EQ(Dumpable(), 0);
  EXPECT_EQ(CoreLimit(), 0u);
}

}  // namespace
}  // namespace evidence
