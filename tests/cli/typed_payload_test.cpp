// Regression tests for ledger fields forged to another JSON type: each used to abort every command
// that read it with an uncaught nlohmann::json::type_error (exit 134). Now the entry is named,
// `verify` and the commands that read it exit 1, and nothing dies from a signal.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
// would write one, stopped while it waits to read its passphrase from a FIFO, and killed with
// SIGABRT: no core may be written.
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
  const fs::path fifo = dir.path() / "passphrase";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    struct rlimit allow = {lim.rlim_max, lim.rlim_max};
    setrlimit(RLIMIT_CORE, &allow);
    if (chdir(dir.path().c_str()) != 0) _exit(125);
    execl(EVIDENCE_BIN, "evidence", "--passphrase-file", fifo.c_str(), "-C",
          (dir.path() / "case").c_str(), "init", "--name", "n", "--owner", "o", nullptr);
    _exit(127);
  }
  // Opening the FIFO for writing returns once the child has opened it to read the passphrase:
  // main has run by then, and the child now blocks in read().
  int w = open(fifo.c_str(), O_WRONLY);
  ASSERT_GE(w, 0);
  ASSERT_EQ(kill(pid, SIGABRT), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  close(w);
  ASSERT_TRUE(WIFSIGNALED(status)) << "status " << status;
  EXPECT_EQ(WTERMSIG(status), SIGABRT);
  EXPECT_FALSE(WCOREDUMP(status)) << "the kernel wrote a core dump of evidence";
  for (const auto& e : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string().rfind("core", 0), std::string::npos) << e.path();
  }
}

}  // namespace
}  // namespace evidence::testing
