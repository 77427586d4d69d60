// Regression tests for ledger fields forged to another JSON type: each used to abort every command
// that read it with an uncaught nlohmann::json::type_error (exit 134). Now the entry is named,
// `verify` and the commands that read it exit 1, and nothing dies from a signal.
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

#include "cli_fixture.hpp"
#include "evidence/bytes.hpp"
#include "evidence/ledger.hpp"
#include "evidence/merkle.hpp"

namespace evidence::testing {
namespace {

class TypeChangedLedgerField : public CliTest {
 protected:
  void SetUp() override {
    InitCase();
    ASSERT_EQ(Ev({"add", WriteInput("a.txt", "first message").string()}).exit_code, 0);
    auto r = Ev({"incident", "add", "--at", "2026-03-01 10:00", "--behaviour", "phone-call",
                 "--what", "called twelve times", "--item", "EX-0001"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Sets data[field] of the first entry with `action` to `value` and recomputes its leaf hash.
  std::uint64_t ForgeField(const std::string& action, const std::string& field,
                           const nlohmann::json& value) {
    DropTriggers();
    auto seq = static_cast<std::uint64_t>(std::stoull(
        Sql("SELECT seq FROM entries WHERE action = '" + action + "' ORDER BY seq LIMIT 1")));
    auto j = nlohmann::json::parse(EntryText(seq));
    j["data"][field] = value;
    WriteEntry(seq, j.dump());  // keys stay sorted: nlohmann's object is a std::map
    return seq;
  }

  // verify and each of `readers` exit 1 with one error line naming the entry and the field.
  void ExpectReported(std::uint64_t seq, const std::string& action, const std::string& field,
                      std::vector<std::vector<std::string>> readers) {
    const std::string named =
        "entry " + std::to_string(seq) + " (" + action + "): field \"" + field + "\"";
    readers.insert(readers.begin(), {"verify"});
    readers.push_back({"log"});
    for (const auto& args : readers) {
      auto r = Ev(args);
      EXPECT_EQ(r.exit_code, 1) << args[0] << ": " << r.out << r.err;
      EXPECT_NE((r.out + r.err).find(named), std::string::npos)
          << args[0] << ": " << r.out << r.err;
      EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
    }
  }
};

TEST_F(TypeChangedLedgerField, ItemAsNumberIsReportedNotACrash) {
  auto seq = ForgeField("item.linked", "item", 1);
  ExpectReported(seq, "item.linked", "item",
                 {{"incident", "list"}, {"incident", "show", "INC-0001"}});
}

TEST_F(TypeChangedLedgerField, FingerprintNullIsReportedNotACrash) {
  auto seq = ForgeField("key.added", "fingerprint", nullptr);
  ExpectReported(seq, "key.added", "fingerprint", {{"key", "show"}, {"list"}});
}

TEST_F(TypeChangedLedgerField, SizeAsStringIsReportedNotACrash) {
  auto seq = ForgeField("item.ingested", "size", "5");
  ExpectReported(seq, "item.ingested", "size", {{"show", "EX-0001"}});
}

TEST_F(TypeChangedLedgerField, AtAsNumberIsReportedNotACrash) {
  auto seq = ForgeField("incident.recorded", "at", 5);
  ExpectReported(seq, "incident.recorded", "at",
                 {{"incident", "list"}, {"report", "--format", "json"}});
}

TEST_F(TypeChangedLedgerField, WhatNullIsReportedNotACrash) {
  auto seq = ForgeField("incident.recorded", "what", nullptr);
  ExpectReported(seq, "incident.recorded", "what", {{"incident", "show", "INC-0001"}});
}

// A core dump of `evidence` could hold the decrypted key and the passphrase. The process is
// started with core dumps allowed (soft limit raised to the hard one) in a folder where the kernel
// would write one, on a pseudo-terminal of its own. Once it has printed its passphrase prompt it is
// inside main and blocked reading the terminal; it is then killed with SIGABRT: no core may be
// written.
//
// Regression: the test used to block the process on a FIFO given as --passphrase-file. Since the
// passphrase file is opened without blocking and refused unless it is a regular file, the process
// could exit on its own before the signal arrived, and the test failed at random.
TEST(CoreDumps, EvidenceProcessNeverDumpsCore) {
  struct rlimit lim;
  ASSERT_EQ(getrlimit(RLIMIT_CORE, &lim), 0);
  if (lim.rlim_max == 0) GTEST_SKIP() << "core dumps are forbidden here anyway (hard limit 0)";
  std::string pattern;
  std::ifstream("/proc/sys/kernel/core_pattern") >> pattern;
  if (pattern.empty() || pattern[0] == '|') {
    GTEST_SKIP() << "core_pattern hands cores to a program (" << pattern
                 << "); the kernel's own dump is what this test observes";
  }
  TempDir dir;
  int master = -1;
  pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  ASSERT_GE(pid, 0) << "forkpty: " << std::strerror(errno);
  if (pid == 0) {
    struct rlimit allow = {lim.rlim_max, lim.rlim_max};
    setrlimit(RLIMIT_CORE, &allow);
    if (chdir(dir.path().c_str()) != 0) _exit(125);
    unsetenv("EVIDENCE_PASSPHRASE");
    execl(EVIDENCE_BIN, "evidence", "-C", (dir.path() / "case").c_str(), "init", "--name", "n",
          "--owner", "o", nullptr);
    _exit(127);
  }
  // Read the terminal until the prompt appears; read() fails with EIO if the child is gone.
  std::string seen;
  while (seen.find("assphrase") == std::string::npos) {
    char buf[256];
    ssize_t n = read(master, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    seen.append(buf, static_cast<std::size_t>(n));
  }
  EXPECT_NE(seen.find("assphrase"), std::string::npos)
      << "no prompt; the terminal showed: " << seen;
  ASSERT_EQ(kill(pid, SIGABRT), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  close(master);
  ASSERT_TRUE(WIFSIGNALED(status)) << "status " << status << "; the terminal showed: " << seen;
  EXPECT_EQ(WTERMSIG(status), SIGABRT);
  EXPECT_FALSE(WCOREDUMP(status)) << "the kernel wrote a core dump of evidence";
  for (const auto& e : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string().rfind("core", 0), std::string::npos) << e.path();
  }
}

}  // namespace
}  // namespace evidence::testing
